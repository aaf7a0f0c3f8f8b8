"""Strict YAML loading: never trust the file, and remember where every value came from.

Every scalar is kept as a string (or None for an empty value); the schema decides what it
means. So `no` is not False, `010` is not 8, `1:20` is not 80 and a date is what the schema
says, whatever YAML 1.1 would have guessed.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import yaml

from .problems import Problem

MAX_BYTES = 256 * 1024
# Records nest a few levels (measures[2].title); deeper data is refused while the event stream is
# read, before anything recursive or quadratic (paths grow with depth) can run.
MAX_DEPTH = 32
# LibYAML's parser when PyYAML was built with it (its wheels are): the same events, ten times faster.
EVENT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CURRENT_FILE: str | None = None  # the file being read, for the apology if anything crashes
NULLS = {"", "~", "null", "Null", "NULL"}
Path_ = tuple  # a path into the data: ("measures", 2, "title")


class Mark(NamedTuple):  # a tuple: made for every value of every file, so cheap to make
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class LoadedFile:
    """One file's data plus the position of every key and value in it."""

    display: str
    data: Any
    values: dict[Path_, Mark] = field(default_factory=dict)
    keys: dict[Path_, Mark] = field(default_factory=dict)
    text: str = field(default="", repr=False)  # the file as read, to place a problem inside a value
    # values/keys not made yet (data from the check cache) or freed (drop_positions): the text is
    # parsed again for them only if a problem is placed in the file (most files never get one)
    positions_pending: bool = field(default=False, repr=False)
    # whether some mapping has a text value under the key `source` (None: not known, look)
    cites_source: bool | None = field(default=None, repr=False)
    _strings: list | None = field(default=None, repr=False)
    _texts: list[str] | None = field(default=None, repr=False)  # the strings without their paths
    _joined: str | None = field(default=None, repr=False)

    def strings(self) -> list[tuple[Path_, str]]:
        """iter_strings(self.data), made once for the several rules that read every string."""
        if self._strings is None:
            self._strings = list(iter_strings(self.data))
        return self._strings

    def joined(self) -> str:
        """Every string joined by line breaks, in document order: the rules look here first, and at
        each string (with its path) only when something may be found (most files are clean)."""
        if self._joined is None:
            texts = self._texts if self._texts is not None else [text for _, text in self.strings()]
            self._joined = "\n".join(texts)
        return self._joined

    def drop_positions(self) -> None:
        """Free the position tables until a problem needs them (kept: data and text)."""
        self.values, self.keys, self.positions_pending = {}, {}, True
        self._strings = self._texts = self._joined = None

    def mark(self, path: Path_, *, key: bool = False) -> Mark:
        """The position of `path`, or of its nearest ancestor that exists."""
        if self.positions_pending:
            reparsed, _ = parse_yaml(self.text, self.display)
            if reparsed is not None:
                self.values, self.keys = reparsed.values, reparsed.keys
            self.positions_pending = False
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Mark(1, 1))

    def problem(self, path: Path_, code: str, message: str, hint: str = "", *, key: bool = False,
                severity: str = "error") -> Problem:
        m = self.mark(path, key=key)
        return Problem(self.display, m.line, m.col, field_name(path), code, message, hint, severity)  # type: ignore[arg-type]


def field_name(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def iter_strings(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every string in loaded data, with its path, in document order. Iterative: no recursion
    limit to hit, whatever the nesting (the loader bounds it anyway, see MAX_DEPTH)."""
    stack: list[tuple[Path_, Any]] = [(path, value)]
    pop, extend = stack.pop, stack.extend
    while stack:
        here, item = pop()
        if isinstance(item, str):
            yield here, item
        elif isinstance(item, dict):
            extend([(here + (key,), child) for key, child in reversed(item.items())])
        elif isinstance(item, list):
            extend([(here + (index,), item[index]) for index in range(len(item) - 1, -1, -1)])


ZWJ = "\u200d"
VARIATION_SELECTOR = "\ufe0f"


def _emoji(ch: str) -> bool:
    """Pictographs that U+200D joins into one emoji (👨‍👩‍👧, 🏳️‍🌈): symbols outside CJK."""
    code = ord(ch)
    return 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF


def _emoji_joiner(text: str, index: int) -> bool:
    """U+200D between two emoji is part of one emoji sequence, not a hidden character."""
    before = text[index - 1] if index > 0 else ""
    if before == VARIATION_SELECTOR and index > 1:
        before = text[index - 2]
    after = text[index + 1] if index + 1 < len(text) else ""
    return bool(before and after) and _emoji(before) and _emoji(after)


# Cc control, Cf format (zero-width, bidi overrides, BOM), Zl/Zp separators, Co private use, Cs
# surrogates: every such code point but \n \t \r, as ranges (Unicode 14, Python 3.11's tables). One
# compiled class finds them in C instead of asking unicodedata about every character of every file.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"}
HIDDEN_RANGES = (
    (0x0000, 0x0008), (0x000B, 0x000C), (0x000E, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD),
    (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x2064),
    (0x2066, 0x206F), (0xD800, 0xF8FF), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD),
)


def hidden_ranges() -> tuple[tuple[int, int], ...]:
    """The ranges above, or (another Unicode version) the same ranges computed from unicodedata."""
    if unicodedata.unidata_version == "14.0.0":
        return HIDDEN_RANGES
    ranges: list[list[int]] = []
    for code in range(0x110000):
        ch = chr(code)
        if ch not in "\n\t\r" and unicodedata.category(ch) in HIDDEN_CATEGORIES:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return tuple((a, b) for a, b in ranges)


HIDDEN = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in hidden_ranges()) + "]")


def _position(text: str, index: int) -> Mark:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return Mark(line, col)


def read_text(path: Path, display: str, raw: bytes | None = None) -> tuple[str | None, list[Problem]]:
    """Read a regular UTF-8 file of bounded size, rejecting invisible and control characters.
    `raw`: the file's bytes when the caller has read them already (the check cache hashes them)."""

    def fail(code: str, message: str, hint: str, mark: Mark = Mark(1, 1)) -> tuple[None, list[Problem]]:
        return None, [Problem(display, mark.line, mark.col, "", code, message, hint)]

    try:
        info = os.lstat(path)
    except OSError as exc:
        return fail("unreadable", f"无法读取文件:{exc.strerror}", "请确认文件存在且可读")
    if stat.S_ISLNK(info.st_mode):
        return fail("symlink", "不接受符号链接", "请把链接换成普通文件")
    if not stat.S_ISREG(info.st_mode):
        return fail("not-a-file", "不是普通文件", "目录中只能放普通的 .yml 文件")
    if info.st_size > MAX_BYTES:
        return fail("too-large", f"文件过大({info.st_size} 字节,上限 {MAX_BYTES} 字节)",
                    "请精简内容或拆成多条记录")
    raw = path.read_bytes() if raw is None else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", "ignore")
        mark = _position(prefix, len(prefix))
        guess = ""
        try:
            raw.decode("gb18030")
            guess = "(看起来是 GBK/GB18030 编码)"
        except UnicodeDecodeError:
            pass
        return fail("encoding", f"文件不是 UTF-8 编码{guess}", "请用编辑器将文件另存为 UTF-8", mark)
    if text.startswith("\ufeff"):
        text = text[1:]
    problems = []
    # every refused character is one str.isprintable refuses (a check in C, many times faster than
    # the class below on Chinese text): a file printable but for its line breaks and tabs is clean
    if text.replace("\n", "").replace("\t", "").replace("\r", "").isprintable():
        return text, []
    for found in HIDDEN.finditer(text):
        index, ch = found.start(), found.group()
        if not (ch == ZWJ and _emoji_joiner(text, index)):
            name = unicodedata.name(ch, "")
            m = _position(text, index)
            problems.append(Problem(display, m.line, m.col, "", "invisible-char",
                                    f"含不可见字符或控制字符 U+{ord(ch):04X} {name}".rstrip(),
                                    "请删除该字符(常见于从网页或 Word 复制的文本)"))
    if problems:
        return None, problems
    return text, []


class TooDeep(Exception):
    pass


class _Builder:
    """Turns a YAML event stream into plain values, refusing YAML's riskier features."""

    def __init__(self, display: str):
        self.file = LoadedFile(display, None)
        self.problems: list[Problem] = []

    def _flag(self, event: yaml.Event, code: str, message: str, hint: str) -> None:
        m = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
        self.problems.append(Problem(self.file.display, m.line, m.col, "", code, message, hint))

    def _check_node_event(self, event: yaml.NodeEvent) -> None:
        if getattr(event, "anchor", None):
            self._flag(event, "yaml-anchor", f"不允许使用锚点“&{event.anchor}”", "请把内容直接写出来")
        tag = getattr(event, "tag", None)
        if tag:
            self._flag(event, "yaml-tag", f"不允许使用 YAML 标签“{tag}”", "请删除标签,直接写值")

    def build(self, events) -> None:
        documents = 0
        stack: list[tuple[Any, Path_, dict]] = []  # (container, path, seen keys -> line)
        pending_key: list[Any] = []
        root: Any = None
        values, keys = self.file.values, self.file.keys

        def place(value: Any, mark: Mark) -> Path_ | None:
            nonlocal root
            if not stack:
                root = value
                values[()] = mark
                return ()
            container, path, seen = stack[-1]
            if container.__class__ is list:
                child = path + (len(container),)
                container.append(value)
                values[child] = mark
                return child
            if not pending_key:
                # this value is a key
                if value.__class__ is not str:
                    self.problems.append(Problem(self.file.display, mark.line, mark.col, "", "yaml-key",
                                                 "映射的键必须是简单文本", "请改为 `名称: 值` 的形式"))
                    pending_key.append(None)
                    return None
                pending_key.append((value, mark))
                return None
            key = pending_key.pop()
            if key is None:
                return None
            name, key_mark = key
            child = path + (name,)
            if name in seen:
                if seen.get(DUPLICATE_REPORTED):  # one wrongly indented block: report its first line only
                    return None
                seen[DUPLICATE_REPORTED] = True
                hint = "同一层级的键只能出现一次,请合并或删除其中一个"
                if isinstance(seen.get(name), int) and key_mark.col > 1 and any(
                        k in seen for k in ("children", "measures", "outcomes", "sources", "tasks")):
                    hint = ("多半是缩进不对:列表中每一项以“- ”开头,同一项的其他行要与“- ”后面的字对齐,"
                            "如 children: 下的 `- id:` 与其下的 `  name:`")
                self.problems.append(Problem(
                    self.file.display, key_mark.line, key_mark.col, "", "yaml-duplicate-key",
                    f"键“{name}”重复:第 {seen[name]} 行和第 {key_mark.line} 行", hint))
                return None
            seen[name] = key_mark.line
            container[name] = value
            values[child] = mark
            keys[child] = key_mark
            return child

        # dispatch on the exact class: LibYAML and PyYAML both make these, never subclasses
        for event in events:
            kind = event.__class__
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                continue
            start = event.start_mark
            mark = Mark(start.line + 1, start.column + 1)
            if kind is yaml.ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    self._check_node_event(event)
                value = event.value
                is_key_position = bool(stack) and stack[-1][0].__class__ is dict and not pending_key
                if not event.style and value in NULLS and not is_key_position:  # plain: None (Python) or "" (LibYAML)
                    value = None
                if is_key_position and not event.style and value == "<<":
                    self._flag(event, "yaml-merge", "不允许使用合并键“<<”", "请把要合并的字段直接写出来")
                place(value, mark)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    self._check_node_event(event)
                if len(stack) >= MAX_DEPTH:
                    self._flag(event, "yaml-too-deep", f"嵌套超过 {MAX_DEPTH} 层",
                               "记录只需几层缩进,请检查括号是否成对")
                    raise TooDeep
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path = place(container, mark)
                if path is None:  # a key or a dropped duplicate: keep parsing, discard the value
                    path = ("\0dropped",)
                stack.append((container, path, {}))
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self._flag(event, "yaml-multi-document", "一个文件只能有一个 YAML 文档",
                               "请删除多余的 `---`,每条记录单独一个文件")
            elif kind is yaml.AliasEvent:
                self._flag(event, "yaml-alias", f"不允许使用别名“*{event.anchor}”", "请把内容直接写出来")
                place(None, mark)
        self.file.data = root


DUPLICATE_REPORTED = object()  # marker in a mapping's seen-keys table

# LibYAML's commonest complaints, in the words an editor needs.
SYNTAX_MESSAGES = {
    "did not find expected ',' or ']'": "方括号列表没有闭合,或缺少逗号",
    "did not find expected ',' or '}'": "花括号映射没有闭合,或缺少逗号",
    "did not find expected key": "缩进不一致,或这一行缺少“名称:”",
    "mapping values are not allowed in this context": "这里不能出现“: ”",
    "could not find expected ':'": "缺少冒号",
    "found character that cannot start any token": "出现了不能开头的字符(如 Tab 缩进、@ 或 `)",
    "found unexpected end of stream": "引号没有闭合",
    "did not find expected node content": "缺少值",
    "did not find expected '-' indicator": "列表项的缩进不一致",
    "found a tab character that violates indentation": "用了 Tab 缩进",
}


def _syntax_in_chinese(problem: str) -> str:
    for english, chinese in SYNTAX_MESSAGES.items():
        if problem.startswith(english):
            return chinese
    return problem or "无法解析"


class _Unusual(Exception):
    """Something _values_only leaves to _Builder, which explains it (or finds it fine)."""


NOT_YET = object()  # a mapping's next scalar is a key


def _values_only(events) -> tuple[Any, list[str], bool]:
    """The data, its strings in document order and whether a `source` key holds one, for a file
    with none of what _Builder reports (no anchor, tag, alias, merge or duplicate key, complex
    key, second document, deep nesting): the common case, without a position or path per value.
    Anything else raises _Unusual, and _Builder reads the file again."""
    strings: list[str] = []
    append = strings.append
    stack: list[Any] = []  # the open containers' parents
    parent: Any = None  # the open mapping or sequence; None at the top
    key: Any = NOT_YET  # in a mapping: the key whose value comes next
    root: Any = None
    documents = 0
    cites_source = False
    scalar, mapping, sequence = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    for event in events:
        kind = event.__class__
        if kind is scalar:
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            value = event.value
            if parent.__class__ is dict and key is NOT_YET:
                if value in parent or (value == "<<" and not event.style):
                    raise _Unusual
                key = value
                continue
            if event.style or value not in NULLS:
                append(value)
            else:
                value = None
            if parent.__class__ is dict:
                parent[key] = value
                if key == "source":
                    cites_source = True
                key = NOT_YET
            elif parent is None:
                root = value
            else:
                parent.append(value)
        elif kind in ends:
            parent, key = stack.pop(), NOT_YET
        elif kind is mapping or kind is sequence:
            if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                raise _Unusual
            container: Any = {} if kind is mapping else []
            if parent.__class__ is dict:
                if key is NOT_YET:
                    raise _Unusual  # a mapping or list as a key
                parent[key] = container
            elif parent is None:
                root = container
            else:
                parent.append(container)
            stack.append(parent)
            parent, key = container, NOT_YET
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual
        elif kind is yaml.AliasEvent:
            raise _Unusual
    return root, strings, cites_source


def load_yaml(path: Path, display: str | None = None, raw: bytes | None = None, *, positions: bool = True
              ) -> tuple[LoadedFile | None, list[Problem]]:
    """Load one YAML file strictly. Returns the file (None if unusable) and its problems.
    `positions=False`: see parse_yaml."""
    global CURRENT_FILE
    display = display or str(path)
    CURRENT_FILE = display
    text, problems = read_text(path, display, raw)
    if text is None:
        return None, problems
    return parse_yaml(text, display, positions=positions)


def parse_yaml(text: str, display: str, *, positions: bool = True) -> tuple[LoadedFile | None, list[Problem]]:
    """The file's data and problems. `positions=False` makes the position tables only when a
    problem is placed in the file (LoadedFile.mark parses it again): the same answers, and most
    files are read once, without a position per value."""
    if not positions:
        parser = EVENT_LOADER(text)
        try:
            data, texts, cites_source = _values_only(iter(parser.get_event, None))
        except (_Unusual, yaml.YAMLError):
            pass  # read again below, where it is reported
        else:
            return LoadedFile(display, data, text=text, positions_pending=True, cites_source=cites_source,
                              _texts=texts), []
        finally:
            parser.dispose()
    builder = _Builder(display)
    parser = EVENT_LOADER(text)
    try:
        # the parser's own get_event, without yaml.parse's Python generator around every event
        builder.build(iter(parser.get_event, None))
    except TooDeep:
        return None, builder.problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = _syntax_in_chinese(exc.problem or exc.context or "")
        hint = "请检查缩进、冒号和引号;文本含冒号时请加引号"
        at = text.split("\n")[line - 1][col - 1:col] if line <= text.count("\n") + 1 else ""
        if at in "%@`" and at:  # YAML reserves these at the start of a value
            detail = f"值不能以“{at}”开头"
            hint = f"请给值加英文引号,如 unit: \"{at}\""
        return None, builder.problems + [Problem(display, line, col, "", "yaml-syntax",
                                                 f"YAML 语法错误:{detail}", hint)]
    finally:
        parser.dispose()
    if builder.problems:
        return None, builder.problems
    builder.file.text = text
    return builder.file, []
