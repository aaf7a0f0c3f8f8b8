"""Per-record and cross-record rules. Every problem of every file is reported, never only the first."""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
import unicodedata
from dataclasses import astuple, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ValidationError
from pydantic_core import from_json, to_json

from .archive import ARCHIVE_ENV, archive_folder, archive_problems
from .cache import Cache, content_key
from .catalog import Catalog
from .duplicates import Sketch, near_duplicates, sketch
from .load import MAX_BYTES, LoadedFile, Path_, field_name, load_yaml
from .problems import Problem
from .safety import ATTR_LIST, IMAGE, outside_images, too_big
from .scaffold import PLACEHOLDER_WORD
from .typography import BETWEEN, BRACKETS, LINE_END, MAYBE_HALFWIDTH, punctuation_problems
from .schema import (
    ID_PATTERN,
    KIND_FOLDERS,
    KIND_NAMES,
    RECORD_MODELS,
    REFERENCE_FILES,
    GlossaryFile,
    OPTIONAL_REFERENCE_FILES,
    SynonymGroup,
    ThesaurusFile,
    GovernanceModel,
    ModelsFile,
    RecordBase,
    Region,
    RegionsFile,
    TIER_OF,
    Term,
    inner_model,
)

FOLDER_KINDS = {folder: kind for kind, folder in KIND_FOLDERS.items()}
# Where a browser starts a tag: `<` then a letter, `/`, `!` or `?`, closed with `>` or not
# (`<img src=x onerror=…//` has no `>` and is still a tag); `a < b` is text.
RAW_HTML = re.compile(r"<[/!?]?[A-Za-z]|<\s*/?\s*[A-Za-z!?][^>]*>")
MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)|^\s*\[[^\]]+\]:\s*<?(\S+)", re.MULTILINE)
SAFE_SCHEMES = ("http://", "https://", "mailto:")
BOILERPLATE = re.compile(r"责任编辑|版权所有|点击图片|分享到|上一篇|下一篇|扫一扫|打印本页|关闭窗口|【字体")
TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#")
# Names that generated pages, MkDocs or hand-written pages already use: a record, tag, model or
# region with one of these ids would replace or collide with that page (README is MkDocs' index).
RESERVED_NAMES = {"index", "readme"}


@dataclass(frozen=True)
class CheckResult:
    catalog: Catalog | None
    problems: list[Problem]
    notes: tuple[str, ...] = ()  # information for the editor that is not a problem (printed, not counted)
    archive_checked: int = 0  # records whose numbers were compared with their archived originals
    punctuation: dict[str, list[Problem]] = field(default_factory=dict)  # see CheckedFiles

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


# --- pydantic errors in Chinese ------------------------------------------------------------------

TYPE_WORDS = {
    "string_type": "文本", "int_type": "整数", "int_parsing": "整数", "int_from_float": "整数",
    "float_type": "数字", "float_parsing": "数字", "list_type": "列表(每项以 - 开头)",
    "dict_type": "映射(`名称: 值` 的形式)", "model_type": "映射(`名称: 值` 的形式)",
    "model_attributes_type": "映射(`名称: 值` 的形式)",
}
PATTERN_WORDS = {
    ID_PATTERN: ("应为小写字母、数字和连字符组成的编号", "如 hebi-yiping-sihui,不能以连字符开头或结尾"),
    r"^\d{4}-\d{2}-\d{2}$": ("日期格式不对", "请写成 YYYY-MM-DD,如 2022-10-24"),
    r"^\d{4}(-\d{2}(-\d{2})?)?$": ("日期格式不对", "请写成 YYYY、YYYY-MM 或 YYYY-MM-DD"),
    r"^(\d{6}|\d{9}|\d{12})$": ("行政区划代码应为 6、9 或 12 位数字",
                                  "省、地、县三级填 GB/T 2260 六位代码,如 410600;乡镇、村可不填"),
    r"^[\w.-]+\.txt$": ("存档文件名不对", "只写存档目录下的文件名,以 .txt 结尾,如 001_hebi.txt,不带目录"),
}
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
CJK = "\u3400-\u9fff"
# a space between two Chinese characters or punctuation marks: left by folded text (>-) or copying
CJK_SPACE = re.compile(rf"([{CJK}，。；：！？、）》”]|(?<=[{CJK}])[,;:!?])[ \t]+([{CJK}（《“])")
SPACE_BEFORE_CJK = re.compile(rf"[ \t][{CJK}（《“]")  # in every CJK_SPACE match, and quick to look for
LEGACY_FIELDS = {
    "source": ("出处现在写作 sources(列表,可以有多个)",
               "把 `source:` 改成 `sources:`,下面第一行前加“- ”、其余各行多缩进两格,如 sources: 换行后 `  - title: 原文标题`"),
    "models": ("治理模式现在分两个字段:model(主要模式,一个)和 secondary_models(其他模式,列表)",
               "如 models: [a, b] 改为 model: a 和 secondary_models: [b]"),
}


def _allowed_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at `loc`'s parent, by walking the model."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = inner_model(info.annotation)
    return list(getattr(current, "model_fields", {}))


ID_FIELDS = {"region": "地区", "model": "治理模式", "secondary_models": "治理模式"}


def translate(error: dict, loaded: LoadedFile, model: type[BaseModel], names: dict[str, str] | None = None) -> Problem:
    """One pydantic error in Chinese. `names` maps region and model names to their ids."""
    loc: Path_ = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx", {})
    value = error.get("input")
    id_field = next((ID_FIELDS[p] for p in loc if isinstance(p, str) and p in ID_FIELDS), None)
    if kind == "string_pattern_mismatch" and id_field and isinstance(value, str) and re.search(f"[{CJK}]", value):
        found = (names or {}).get(value)
        hint = (f"请写 {found}" if found else
                f"编号见 catalog/{'regions' if id_field == '地区' else 'models'}.yml 中各项的 id;还没有的请先添加")
        return loaded.problem(loc, "name-not-id", f"这里要写{id_field}的编号(id),不是名称“{value}”", hint)
    if kind == "missing":
        line, col = _pos(loaded, loc[:-1])
        return Problem(loaded.display, line, col, field_name(loc), "missing", f"缺少必填字段“{loc[-1]}”",
                       f"请添加 `{loc[-1]}:`,字段说明见 kb schema")
    if kind == "extra_forbidden" and len(loc) == 1 and loc[0] in LEGACY_FIELDS:
        message, hint = LEGACY_FIELDS[str(loc[0])]
        return loaded.problem(loc, f"old-{loc[0]}", message, hint, key=True)
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"是否想写“{close[0]}”?" if close else "请删除该字段;可用字段:" + "、".join(allowed)
        return loaded.problem(loc, "unknown-field", f"未知字段“{loc[-1]}”", hint, key=True)
    if kind == "int_parsing_size":
        return loaded.problem(loc, "range", "数字过大", "请核对原文中的数值(年份如 2021)")
    if kind in ("float_parsing", "int_parsing") and isinstance(error.get("input"), str):
        typed = error["input"].translate(FULL_WIDTH_DIGITS)
        if typed != error["input"]:
            return loaded.problem(loc, "full-width-digits", f"数字“{error['input']}”用了全角字符",
                                  f"请用半角数字,写成 {typed}")
        if re.fullmatch(r"\s*\d+(\.\d+)?\s*\S+", error["input"]):
            number_ = re.match(r"\s*(\d+(?:\.\d+)?)", error["input"]).group(1)
            return loaded.problem(loc, "type", f"应为数字,却写成了“{error['input']}”",
                                  f"这里只写数字 {number_};单位写在 unit,“余、约”写在 qualifier")
    if kind in TYPE_WORDS:
        return loaded.problem(loc, "type", f"应为{TYPE_WORDS[kind]}", "请按 kb schema 中的类型填写")
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        message, hint = PATTERN_WORDS.get(pattern, ("格式不对", f"应符合 {pattern}"))
        if loc and loc[0] == "tags":
            message, hint = "标签格式不对", "标签是 1 到 20 个字的简短词语,不含标点和空格"
        return loaded.problem(loc, "format", message, hint)
    if kind == "too_short":
        return loaded.problem(loc, "too-short", f"至少需要 {ctx.get('min_length', 1)} 项", "请补充内容")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return loaded.problem(loc, "range", "年份应在 1949 到 2100 之间", "请核对原文中的年份")
    if kind == "finite_number":
        return loaded.problem(loc, "type", "应为有限的数字", "请填写原文中的数值")
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return loaded.problem(loc, "choice", f"取值应为 {'、'.join(choices)} 之一", "请从可选值中选一个")
    if kind == "string_too_long":
        return loaded.problem(loc, "too-long", f"过长(上限 {ctx.get('max_length')} 个字符)", "请缩短")
    custom_hints = {
        "bad_date": "请核对原文日期,格式 YYYY-MM-DD",
        "bad_url": "网址必须以 http:// 或 https:// 开头",
        "empty": "请填写内容,或删除该字段",
        "source_unnamed": "请填写 title(原文标题);标题不详时写 description 说明这是什么材料",
        "figure_value_and_range": "确数写 value,范围写 low 和 high,不要同时写",
        "figure_half_range": "如“10至20个”写 low: 10 和 high: 20",
        "figure_range_order": "请把较小的数写在 low",
        "figure_year_range": "如 2019—2021年写 year: 2019 和 year_end: 2021",
        "figure_value_and_list": "一句话含多个数字时只在 figures 下逐个列出",
    }
    if kind in custom_hints and kind.startswith(("source_", "figure_")):
        return loaded.problem(loc, kind.split("_")[0] + "-fields", error["msg"], custom_hints[kind])
    return loaded.problem(loc, kind.replace("_", "-"), error["msg"], custom_hints.get(kind, ""))


def _pos(loaded: LoadedFile, path: Path_) -> tuple[int, int]:
    m = loaded.mark(path)
    return m.line, m.col


# --- per-file rules -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _to_simplified():
    from opencc import OpenCC

    return OpenCC("t2s").convert


@lru_cache(maxsize=1)
def _convertible() -> frozenset[str]:
    """Every character OpenCC's t2s may change; text without any of them needs no conversion."""
    from .search.text import ts_characters

    return frozenset(ts_characters())


ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _convertible_in_bmp() -> re.Pattern:
    """The convertible characters below U+10000 as one class (a table lookup per character in C;
    a class with astral characters in it is a hundred times slower)."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(_convertible()) if ord(c) < 0x10000) + "]")


def has_convertible(text: str) -> bool:
    """not _convertible().isdisjoint(text), quicker: a set lookup per character is slow."""
    if _convertible_in_bmp().search(text):
        return True
    return ASTRAL.search(text) is not None and not _convertible().isdisjoint(text)


def traditional_chars(text: str) -> list[str]:
    if not has_convertible(text):
        return []
    converted = _to_simplified()(text)
    return sorted({a for a, b in zip(text, converted) if a != b})


def text_problems(loaded: LoadedFile) -> list[Problem]:
    """Rules on every string of a file: no raw HTML, no unsafe links, clean simplified text."""
    problems: list[Problem] = []
    # A rule that finds nothing in all the strings joined by line breaks finds nothing in any one
    # of them (no rule matches across a line break where a string would end): most files are
    # clean, so each rule runs once per file, and on each string only where it may find something.
    # The slower rules first look for a character (or pair) that every match of theirs contains.
    joined = loaded.joined()
    html, attrs, images, template, boiler = (
        rule.search(joined) is not None for rule in (RAW_HTML, ATTR_LIST, IMAGE, TEMPLATE_SYNTAX, BOILERPLATE))
    link = "]" in joined and MARKDOWN_LINK.search(joined) is not None
    spaced = SPACE_BEFORE_CJK.search(joined) is not None and CJK_SPACE.search(joined) is not None
    placeholder, convertible = PLACEHOLDER_WORD in joined, has_convertible(joined)
    if not (html or link or attrs or images or template or spaced or boiler or placeholder or convertible
            or too_big(joined)):
        return problems  # (no string is longer, or has more brackets, than all of them joined)
    for path, text in loaded.strings():
        if html and RAW_HTML.search(text):
            problems.append(loaded.problem(path, "raw-html", "不允许 HTML 标签或尖括号链接",
                                           "请改用 Markdown;要显示尖括号请用全角《》"))
        for match in MARKDOWN_LINK.finditer(text) if link else ():
            url = match.group(1) or match.group(2) or ""
            if url.startswith(("//", "/\\")):
                problems.append(loaded.problem(path, "bad-link", f"链接“{url[:40]}”没有写协议",
                                               "站外链接请写完整的 https:// 地址"))
            elif url and not url.startswith(SAFE_SCHEMES) and ":" in url.split("/")[0]:
                scheme = url.split(":")[0]
                problems.append(loaded.problem(path, "bad-link", f"链接协议“{scheme}:”不允许",
                                               "链接只能是 http、https 或 mailto"))
        if too_big(text):
            problems.append(loaded.problem(path, "markdown-too-big", f"文本{too_big(text)}",
                                           "请精简,或拆成多个做法、多条记录"))
            continue  # the other rules would be slow on it too, and one problem is enough
        if attrs and ATTR_LIST.search(text):
            problems.append(loaded.problem(path, "attr-list", f"不允许 Markdown 属性列表“{ATTR_LIST.search(text).group(0)[:30]}”",
                                           "记录文本不能设置属性;要显示花括号请用全角{}"))
        for image in outside_images(text) if images else ():
            problems.append(loaded.problem(path, "outside-image", f"不允许引用站外或引用式图片“{image[:60]}”",
                                           "页面不从其他网站加载内容;请删除图片,或改为指向原文的链接"))
        if template and TEMPLATE_SYNTAX.search(text):
            problems.append(loaded.problem(path, "template-syntax", "含模板语法“{{”“{%”或“{#”",
                                           "记录文本不是模板,请删除这些符号", severity="warning"))
        if placeholder and PLACEHOLDER_WORD in text:
            problems.append(loaded.problem(path, "placeholder", f"还是 kb new 模板中的“{PLACEHOLDER_WORD}”",
                                           "请按原文填写;用不到的选填字段整行删除"))
        space = CJK_SPACE.search(text) if spaced and path[-1:] != ("title",) else None  # headlines space words apart
        if space:
            problems.append(loaded.problem(path, "cjk-space", f"中文之间有多余的空格:“{space.group(0)}”",
                                           "请删除空格;多行文本用 >- 时换行会变成空格,请把这段写成一行,"
                                           "或改用 | 并不在句中换行", severity="warning"))
        chars = traditional_chars(text) if convertible else []
        if chars:
            problems.append(loaded.problem(path, "traditional-chars", f"含繁体字:{''.join(chars[:10])}",
                                           "请改为简体中文", severity="warning"))
        found = BOILERPLATE.search(text) if boiler else None
        if found:
            problems.append(loaded.problem(path, "boilerplate", f"含网页残留文字“{found.group(0)}”",
                                           "请删除导航、版权、编辑署名等网页内容", severity="warning"))
    return problems


def validate(loaded: LoadedFile, model: type[BaseModel],
             names: dict[str, str] | None = None) -> tuple[BaseModel | None, list[Problem]]:
    if not isinstance(loaded.data, dict):
        return None, [loaded.problem((), "type", "文件内容应为映射(`名称: 值` 的形式)",
                                     "请参照 kb new 生成的模板")]
    try:
        return model.model_validate(loaded.data), []
    except ValidationError as exc:
        found = [translate(e, loaded, model, names) for e in exc.errors()]
        # a record still in the old shape: say so once, not also "sources/model missing"
        old = {p.code for p in found}
        replaced = {"sources": "old-source", "model": "old-models"}
        return None, [p for p in found if not (p.code == "missing" and replaced.get(p.field) in old)]


def check_record_file(path: Path, display: str, names: dict[str, str] | None = None, raw: bytes | None = None
                      ) -> tuple[RecordBase | None, LoadedFile | None, list[Problem]]:
    loaded, problems = load_yaml(path, display, raw, positions=False)
    if loaded is None:
        return None, None, problems
    folder_kind = FOLDER_KINDS[path.parent.name]
    kind = loaded.data.get("kind") if isinstance(loaded.data, dict) else None
    if not isinstance(kind, str):  # a list or mapping: the schema explains it as a wrong type
        kind = None
    if kind in RECORD_MODELS and kind != folder_kind:
        problems.append(loaded.problem(("kind",), "kind-mismatch",
                                       f"类型“{kind}”与所在目录 {path.parent.name}/ 不符",
                                       f"请改为 {folder_kind},或把文件移到 {KIND_FOLDERS[kind]}/"))
    record, errors = validate(loaded, RECORD_MODELS[folder_kind], names)
    if kind != folder_kind:  # already explained by kind-mismatch, or by the literal check below
        errors = [e for e in errors if not (e.field == "kind" and e.code == "choice" and kind in RECORD_MODELS)]
    if kind in RECORD_MODELS and kind != folder_kind:
        # A whole record of the other kind in the wrong folder: judged as what it is, so the one
        # useful message (move the file) is not buried under that folder's missing fields.
        as_written, own_errors = validate(loaded, RECORD_MODELS[kind], names)
        if len(own_errors) < len(errors):
            record, errors = as_written, own_errors
    problems += errors + text_problems(loaded)
    if record is not None:
        if record.id != path.stem:
            problems.append(loaded.problem(("id",), "id-mismatch", f"编号“{record.id}”与文件名“{path.name}”不一致",
                                           f"请把文件改名为 {record.id}.yml,或把 id 改为 {path.stem}"))
        problems += _source_key_problems(record, loaded)
        if record.review.checked is None:
            problems.append(loaded.problem(("review",), "unchecked", "还没有编辑对照原文核对过这条记录",
                                           "核对每个事实和数字后,在 review 下写 checked: 核对日期(YYYY-MM-DD)",
                                           severity="warning"))
        for index, src in enumerate(record.sources):
            if not (src.url or src.doc_number or src.publisher):
                problems.append(loaded.problem(("sources", index), "untraceable-source", "出处无法追溯",
                                               "请至少填写 url、doc_number 或 publisher 之一", severity="warning"))
    return record, loaded, problems


def _source_key_problems(record: RecordBase, loaded: LoadedFile) -> list[Problem]:
    """Several sources need keys; a `source:` on a measure, figure or task must name one of them."""
    problems = []
    keys = [s.key for s in record.sources]
    if len(record.sources) > 1:
        for index, key in enumerate(keys):
            if key is None:
                problems.append(loaded.problem(("sources", index), "source-key", "有多个出处时每个出处都要有 key",
                                               "请加一行 key: 简称(小写字母、数字和连字符),如 key: xinhua-2022"))
            elif keys.index(key) != index:
                problems.append(loaded.problem(("sources", index, "key"), "source-key", f"出处简称“{key}”重复",
                                               "每个出处的 key 必须不同"))
    for path, value in loaded.strings() if loaded.cites_source is not False else ():
        if len(path) >= 3 and path[-1] == "source" and isinstance(path[-2], int) and value not in keys:
            known = "、".join(k for k in keys if k) or "(出处还没有 key)"
            problems.append(loaded.problem(path, "unknown-source", f"出处“{value}”不存在",
                                           f"请写 sources 中某个出处的 key:{known}"))
    return problems


@dataclass
class RecordFileCheck:
    """One record file's own result, and what the later rules keep of it: its half-width
    punctuation (`kb check` reports it) and its near-duplicate sketch. The check cache holds this."""

    record: RecordBase | None
    loaded: LoadedFile | None
    problems: list[Problem]
    punctuation: list[Problem]
    sketch: Sketch | None
    key: str | None  # the cache key, None for a file that is not cached (a symlink, too large, ...)


def _rows(problems: list[Problem]) -> list[list]:
    return [astuple(p) for p in problems]  # type: ignore[misc]


def _problems(rows: list[list]) -> list[Problem]:
    return [Problem(*row) for row in rows]


def _stored(cache: Cache, key: str) -> Any:
    """A cache entry's JSON, or None when there is none or it cannot be read (then it is made again).
    Entries are read and written with pydantic's JSON (from_json, to_json: UTF-8, the same values
    as the json module's), two to three times quicker than json.loads/dumps on a record's data."""
    stored = cache.get(key)
    try:
        return from_json(stored) if stored is not None else None
    except ValueError:
        return None


def _record_file(path: Path, display: str, names: dict[str, str], names_key: str, cache: Cache,
                 memo: dict[str, RecordFileCheck] | None = None) -> RecordFileCheck:
    """`check_record_file` and what later rules need of the file, from the cache when the file's
    bytes (and its name, display path and the region/model names) are those of a stored result;
    from `memo` (the last run's results in this process, by the same key) without even reading it back."""
    raw = key = None
    try:
        info = os.lstat(path) if cache.folder is not None else None  # (read_text looks at the file again)
        if info is not None and stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES:
            with open(path, "rb", buffering=0) as source:  # (unbuffered: a third quicker for a small file)
                raw = source.read()
            key = content_key("check-record", raw, display, path.parent.name, path.name, names_key)
    except OSError:
        pass
    if memo is not None and key is not None and key in memo:
        cache.hits += 1
        return memo[key]
    if key is not None and (value := _stored(cache, key)) is not None:
        loaded = record = None
        if value["loaded"] is not None:
            text = raw.decode("utf-8")  # type: ignore[union-attr]
            loaded = LoadedFile(display, value["loaded"][0], text=text[1:] if text.startswith("\ufeff") else text,
                                positions_pending=True)
        if value["kind"] is not None:
            record = RECORD_MODELS[value["kind"]].model_validate(loaded.data)  # type: ignore[union-attr]
        sketched = Sketch(tuple(value["sketch"])) if value["sketch"] is not None else None
        return RecordFileCheck(record, loaded, _problems(value["problems"]), _problems(value["punctuation"]),
                               sketched, key)
    cache.misses += 1
    record, loaded, problems = check_record_file(path, display, names, raw)
    checked = RecordFileCheck(record, loaded, problems, _punctuation(loaded) if loaded is not None else [],
                              sketch(record) if record is not None else None, key)
    if loaded is not None:
        loaded.drop_positions()  # thousands of files' tables would fill memory; few are needed again
    if key is not None:
        cache.put(key, to_json({
            "problems": _rows(checked.problems), "punctuation": _rows(checked.punctuation),
            "loaded": [loaded.data] if loaded is not None else None,  # a list: an empty file's data is None
            "kind": record.kind if record is not None else None,
            "sketch": checked.sketch.hashes if checked.sketch is not None else None,
        }))
    return checked


def _punctuation(loaded: LoadedFile) -> list[Problem]:
    """typography.punctuation_problems, after one look at all the file's strings: the marks it
    fixes never match across a line break where a string would end, so a clean file is done at once."""
    joined = loaded.joined()
    if not (MAYBE_HALFWIDTH.search(joined) or "(" in joined):  # quick: no mark where a rule would find one
        return []
    if not any(rule.search(joined) for rule in (BETWEEN, LINE_END, BRACKETS)):
        return []
    return punctuation_problems(loaded)


def _archive_problems(checked: RecordFileCheck, folder: Path, cache: Cache) -> tuple[list[Problem], bool]:
    """`archive_problems`, from the cache when the record and the archived files it names are unchanged."""
    record, loaded = checked.record, checked.loaded
    assert record is not None and loaded is not None
    if checked.key is None:
        return archive_problems(record, loaded, folder)
    parts = [checked.key, str(folder.resolve())]
    for source in record.sources:
        if source.archived_copy is not None:
            original = folder / source.archived_copy
            parts += [source.archived_copy, b"+" + original.read_bytes() if original.is_file() else b"-"]
    key = content_key("check-archive", *parts)
    if (value := _stored(cache, key)) is not None:
        return _problems(value["problems"]), value["compared"]
    cache.misses += 1
    found, compared = archive_problems(record, loaded, folder)
    cache.put(key, to_json({"problems": _rows(found), "compared": compared}))
    return found, compared


# --- the whole catalogue -------------------------------------------------------------------------


def halfwidth_punctuation(root: Path, base: Path, checked: dict[str, list[Problem]]) -> list[Problem]:
    """`halfwidth-punct` warnings for every YAML file under `root` that loads, named as `kb fmt` names
    it, without loading again the files check already loaded (`checked`: CheckedFiles.punctuation)."""
    prefix = str(Path(base).resolve()).rstrip("/") + "/"
    folders: dict[str, str] = {}  # each folder resolved once: the files themselves are no symlinks

    def display(path: Path, posix: str) -> str:
        folder, _, name = posix.rpartition("/")  # (strings: a Path per file's parent cost more than the rest)
        if folder not in folders:
            folders[folder] = str(path.parent.resolve()).rstrip("/") + "/"
        resolved = folders[folder] + name
        return resolved[len(prefix):] if resolved.startswith(prefix) else posix

    problems: list[Problem] = []
    for path in sorted(Path(root).rglob("*.yml"), key=lambda p: p.parts):  # typography._yaml_files' order
        posix = path.as_posix()
        found = checked.get(posix)
        if found is None and (not path.is_file() or path.is_symlink()):
            continue  # (a file check loaded is a regular file)
        name = display(path, posix)
        if found is None:
            loaded, _ = load_yaml(path, name)
            found = punctuation_problems(loaded) if loaded is not None else []
        problems += [p if p.file == name else replace(p, file=name) for p in found]
    return problems


def _load_reference(root: Path, name: str, base: Path) -> tuple[Any, LoadedFile | None, list[Problem]]:
    path = root / name
    display = _display(path, base)
    if not path.exists() and name in OPTIONAL_REFERENCE_FILES:
        return None, None, []
    if not path.exists():
        return None, None, [Problem(display, 1, 1, "", "missing-file", f"缺少参考数据文件 {name}",
                                    "请从仓库恢复该文件")]
    loaded, problems = load_yaml(path, display)
    if loaded is None:
        return None, None, problems
    value, errors = validate(loaded, REFERENCE_FILES[name])
    return value, loaded, problems + errors + text_problems(loaded)


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _walk_regions(regions: list[Region], path: Path_) -> Iterator[tuple[Region, Path_]]:
    for index, region in enumerate(regions):
        here = path + (index,)
        yield region, here
        yield from _walk_regions(list(region.children), here + ("children",))


@dataclass(frozen=True)
class CheckedFiles:
    """What checking a catalogue folder finds: the records that validated (with their display
    paths), the reference data, and every problem. Assembling the Catalog is
    `pipeline.check_catalog`'s job, once there are no errors."""

    records: tuple[RecordBase, ...]
    files: dict[str, str]  # record id -> display path
    models: tuple[GovernanceModel, ...]
    regions: tuple[Region, ...]
    glossary: tuple[Term, ...]
    problems: list[Problem]
    notes: tuple[str, ...] = ()  # information for the editor that is not a problem (printed, not counted)
    archive_checked: int = 0  # records whose numbers were compared with their archived originals
    thesaurus: tuple[SynonymGroup, ...] = ()
    # half-width punctuation (`kb check`'s halfwidth-punct) of each file that loaded, by path as read
    punctuation: dict[str, list[Problem]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def __getattr__(name: str):
    # check_catalog (check, then assemble) lives in the pipeline; callers may still import it from here
    if name == "check_catalog":
        from .pipeline import check_catalog

        return check_catalog
    raise AttributeError(name)


def check_files(root: Path, base: Path | None = None, archive: Path | None = None,
                config_file: Path | None = None, cache: Cache | None = None,
                memo: dict[str, RecordFileCheck] | None = None) -> CheckedFiles:
    """Check every file under `root` (the catalog folder); display paths relative to `base`.
    Numbers are traced in the archive folder (see archive.archive_folder for where it is).
    With `cache`, each record file's own result is remembered by its bytes (see _record_file):
    the result is the same, only the cross-record rules run for every file. `memo` (a long-lived
    process's, `kb serve`'s) keeps this run's results of the record files, for the next run."""
    root = Path(root)
    cache = cache or Cache(None, "check")
    base = Path(base) if base is not None else root.parent
    problems: list[Problem] = []

    models_file, models_loaded, found = _load_reference(root, "models.yml", base)
    problems += found
    regions_file, regions_loaded, found = _load_reference(root, "regions.yml", base)
    problems += found
    glossary_file, glossary_loaded, found = _load_reference(root, "glossary.yml", base)
    problems += found
    thesaurus_file, thesaurus_loaded, found = _load_reference(root, "thesaurus.yml", base)
    problems += found
    if isinstance(thesaurus_file, ThesaurusFile):
        problems += _thesaurus_problems(thesaurus_file, thesaurus_loaded)
    punctuation = {(root / name).as_posix(): _punctuation(loaded)
                   for name, loaded in (("models.yml", models_loaded), ("regions.yml", regions_loaded),
                                        ("glossary.yml", glossary_loaded), ("thesaurus.yml", thesaurus_loaded))
                   if loaded is not None}

    model_ids: set[str] = set()
    if isinstance(models_file, ModelsFile):
        for index, model in enumerate(models_file.models):
            if model.id in model_ids:
                problems.append(models_loaded.problem(("models", index, "id"), "duplicate-id",
                                                      f"治理模式编号“{model.id}”重复", "每个模式的 id 必须唯一"))
            model_ids.add(model.id)
    region_names: dict[str, str] = {}  # id -> name
    if isinstance(regions_file, RegionsFile):
        for region, path in _walk_regions(list(regions_file.regions), ("regions",)):
            if region.id in region_names:
                problems.append(regions_loaded.problem(path + ("id",), "duplicate-id",
                                                       f"地区编号“{region.id}”重复", "每个地区的 id 必须唯一"))
            region_names[region.id] = region.name
        problems += _region_code_problems(list(regions_file.regions), regions_loaded)
    model_names = {m.name: m.id for m in models_file.models} if isinstance(models_file, ModelsFile) else {}
    id_for_name = {**{name: rid for rid, name in region_names.items()}, **model_names}
    # a short key for the names (part of every record file's key): hashed once, not once per file
    names_key = content_key("check-names", json.dumps(sorted(id_for_name.items()), ensure_ascii=False))
    if isinstance(glossary_file, GlossaryFile):
        seen_terms: set[str] = set()
        for index, term in enumerate(glossary_file.terms):
            for word in (term.id, term.term):
                if word in seen_terms:
                    problems.append(glossary_loaded.problem(("terms", index), "duplicate-term",
                                                            f"术语“{word}”重复", "每个术语只收录一次"))
                seen_terms.add(word)

    records: list[tuple[RecordBase, LoadedFile]] = []
    checks: list[RecordFileCheck] = []  # of the records above, in the same order
    results: dict[str, RecordFileCheck] = {}  # by cache key: the next run's memo
    unusable: set[str] = set()  # ids of record files that failed their own checks
    for entry in sorted(root.iterdir()):
        if entry.name in REFERENCE_FILES or entry.name.startswith("."):
            continue
        if entry.name not in FOLDER_KINDS or not entry.is_dir() or entry.is_symlink():
            problems.append(Problem(_display(entry, base), 1, 1, "", "unexpected-file",
                                    f"catalog/ 中不应有“{entry.name}”",
                                    "记录放在 practices/、policies/ 或 projects/ 目录中"))
            continue
        folder = _display(entry, base)
        for name in sorted(os.listdir(entry)):  # entry.iterdir()'s paths, sorted as paths sort, but quicker
            path = entry / name
            display = name if folder == "." else f"{folder}/{name}"  # _display(path, base)
            if path.suffix != ".yml":
                if not path.name.startswith("."):
                    problems.append(Problem(display, 1, 1, "", "unexpected-file", "记录文件必须以 .yml 结尾",
                                            "请改名为 <id>.yml"))
                continue
            checked = _record_file(path, display, id_for_name, names_key, cache, memo)
            if checked.key is not None:
                results[checked.key] = checked
            record, loaded = checked.record, checked.loaded
            problems += checked.problems
            if loaded is not None:
                punctuation[path.as_posix()] = checked.punctuation
            if record is not None and loaded is not None:
                records.append((record, loaded))
                checks.append(checked)
            else:  # its own problems explain it; records that link to it need not repeat them
                unusable.add(path.stem)
                if loaded is not None and isinstance(loaded.data, dict) and isinstance(loaded.data.get("id"), str):
                    unusable.add(loaded.data["id"])

    problems += _cross_record(records, model_ids if models_file else None,
                              region_names if regions_file else None, unusable)
    problems += _reserved_names(records, models_file, models_loaded, regions_file, regions_loaded)
    folder = archive_folder(root, archive, config_file)
    notes: list[str] = []
    archive_checked = 0
    if folder.is_dir():
        for checked in checks:
            found, compared = _archive_problems(checked, folder, cache)
            problems += found
            archive_checked += compared
    elif any(s.archived_copy for r, _ in records for s in r.sources):
        notes.append(f"提示:存档目录 {folder} 不存在,本次未核对数字与存档原文是否一致"
                     f"(可用 --archive 或环境变量 {ARCHIVE_ENV} 指定存档目录)。")
    # Records with errors of their own are compared once they are fixed: a half-written copy is
    # expected to look like the record it was copied from.
    broken = {p.file for p in problems if p.is_error}
    problems += _near_duplicates([c for c in checks if c.loaded.display not in broken], cache)  # type: ignore[union-attr]
    if memo is not None:  # only this run's files: an edited file's old result goes
        memo.clear()
        memo.update(results)
    return CheckedFiles(
        tuple(r for r, _ in records),
        {r.id: loaded.display for r, loaded in records},
        tuple(models_file.models) if isinstance(models_file, ModelsFile) else (),
        tuple(regions_file.regions) if isinstance(regions_file, RegionsFile) else (),
        tuple(glossary_file.terms) if isinstance(glossary_file, GlossaryFile) else (),
        problems, tuple(notes), archive_checked,
        tuple(thesaurus_file.groups) if isinstance(thesaurus_file, ThesaurusFile) else (),
        punctuation,
    )


def _thesaurus_problems(thesaurus: ThesaurusFile, loaded: LoadedFile) -> list[Problem]:
    """A phrase listed twice (in one group or two) or too short to be a search word."""
    from .search.text import normalise

    problems, seen = [], {}
    for g, group in enumerate(thesaurus.groups):
        for path, word in [(("groups", g, "preferred"), group.preferred),
                           *((("groups", g, "synonyms", k), w) for k, w in enumerate(group.synonyms))]:
            key = normalise(word.strip())
            if len(key) < 2:
                problems.append(loaded.problem(path, "short-synonym", f"近义词“{word}”太短",
                                               "近义词至少两个字，单字会匹配太多记录"))
            elif key in seen:
                where = "本组" if seen[key] == g else f"第 {seen[key] + 1} 组"
                problems.append(loaded.problem(path, "duplicate-synonym", f"近义词“{word}”重复（已见于{where}）",
                                               "每个说法只列一次；意思相同的两组请合并"))
            else:
                seen[key] = g
    return problems


def _near_duplicates(checks: list[RecordFileCheck], cache: Cache) -> list[Problem]:
    """A record whose text is nearly the same as another's: a copy to merge or to tell apart.
    The pairs depend only on the records compared, so they are cached under those records' keys."""
    problems = []
    key = content_key("check-duplicates", *[c.key for c in checks]) if all(c.key for c in checks) else None
    if key is not None and (stored := _stored(cache, key)) is not None:
        found = [tuple(pair) for pair in stored]
    else:
        found = near_duplicates([c.record for c in checks], sketches=[c.sketch for c in checks])  # type: ignore[misc]
        if key is not None:
            cache.misses += 1
            cache.put(key, to_json(found))
    for i, j, similarity in found:
        first, second = checks[i].loaded, checks[j].loaded
        problems.append(second.problem(("summary",), "near-duplicate",  # type: ignore[union-attr]
                                       f"与 {first.display} 的内容几乎相同(相似度 {similarity:.0%})",  # type: ignore[union-attr]
                                       "同一做法请合并为一条记录;不同做法请写明各自的区别",
                                       severity="warning"))
    return problems


def _reserved_names(records: list[tuple[RecordBase, LoadedFile]], models_file, models_loaded,
                    regions_file, regions_loaded) -> list[Problem]:
    """Ids and tags that would collide with another page: reserved names, and tags that differ
    only in case, full/half width or Unicode normalisation (one folder on case-insensitive disks,
    and indistinguishable to a reader)."""
    problems: list[Problem] = []
    hint = "index、README 是站点已用的页面名,请换一个"

    def reserved(name: str) -> bool:
        return unicodedata.normalize("NFKC", name).casefold() in RESERVED_NAMES

    for record, loaded in records:
        if reserved(record.id):
            problems.append(loaded.problem(("id",), "reserved-name", f"编号“{record.id}”与站点页面重名", hint))
    if isinstance(models_file, ModelsFile):
        for index, model in enumerate(models_file.models):
            if reserved(model.id):
                problems.append(models_loaded.problem(("models", index, "id"), "reserved-name",
                                                      f"治理模式编号“{model.id}”与站点页面重名", hint))
    if isinstance(regions_file, RegionsFile):
        for region, path in _walk_regions(list(regions_file.regions), ("regions",)):
            if reserved(region.id):
                problems.append(regions_loaded.problem(path + ("id",), "reserved-name",
                                                       f"地区编号“{region.id}”与站点页面重名", hint))
    first: dict[str, tuple[str, str]] = {}  # folded tag -> (tag as first written, file)
    for record, loaded in records:
        for index, tag in enumerate(record.tags):
            if reserved(tag):
                problems.append(loaded.problem(("tags", index), "reserved-name", f"标签“{tag}”与站点页面重名", hint))
                continue
            key = unicodedata.normalize("NFKC", tag).casefold()
            seen = first.setdefault(key, (tag, loaded.display))
            if seen[0] != tag:
                problems.append(loaded.problem(("tags", index), "tag-variant",
                                               f"标签“{tag}”与 {seen[1]} 中的“{seen[0]}”只有大小写、全半角或编码形式不同",
                                               f"请统一写作“{seen[0]}”"))
    return problems


def _edits(a: str, b: str) -> int:
    """Levenshtein distance: a typo is one or two edits away, a different place is more."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def genuinely_close(value: str, known) -> str | None:
    """A known id that `value` is a slip of (a typo, or its first part), else None; never a lookalike."""
    allowed = 1 if len(value) < 8 else 2
    best = min(sorted(known), key=lambda k: _edits(value, k), default=None)
    if best is not None and _edits(value, best) <= allowed:
        return best
    starts = [k for k in sorted(known) if k.startswith(value + "-")]
    return starts[0] if len(starts) == 1 else None


def _unknown_region_hint(region: str, region_names: dict[str, str]) -> str:
    """A genuinely close id, else how to add the region. (A Chinese name never gets here: the
    schema's id pattern refuses it first, as name-not-id with the id to write.)"""
    close = genuinely_close(region, region_names)
    if close:
        return f"是否想写“{close}”({region_names[close]})?若是新的地区,请先加到 catalog/regions.yml"
    return ("请先把它加到 catalog/regions.yml 中上级地区的 children 下,像这样写一行:"
            f"- {{id: {region}, name: 某某县, level: 县, code: \"430525\"}}"
            "(name 写全称,level 按行政区划选,code 为六位区划代码,须以上级代码开头)")


def _region_code_problems(regions: list[Region], loaded: LoadedFile) -> list[Problem]:
    """Codes by tier: 6 digits (GB/T 2260) down to county, 9 for township, 12 for village, each
    starting with its parent's code (a province's first 2 digits, a prefecture's first 4, ...)."""
    digits = {"省级": 6, "地级": 6, "县级": 6, "乡级": 9, "村级": 12}
    prefix = {"省级": 2, "地级": 4, "县级": 6, "乡级": 9}  # of the parent's code that a child's repeats
    problems = []

    def walk(items: list[Region], path: Path_, parent: Region | None) -> None:
        for index, region in enumerate(items):
            here = path + (index,)
            tier = TIER_OF[region.level]
            code = region.code
            if code is not None:
                if len(code) != digits[tier]:
                    problems.append(loaded.problem(here + ("code",), "region-code",
                                                   f"{region.level}的区划代码应为 {digits[tier]} 位,“{code}”是 {len(code)} 位",
                                                   "省、地、县三级填 GB/T 2260 六位代码;乡镇街道 9 位、村社区 12 位(可不填)"))
                elif tier == "省级" and not code.endswith("0000"):
                    problems.append(loaded.problem(here + ("code",), "region-code",
                                                   f"省级代码应以 0000 结尾,“{code}”不是", "如湖南省 430000"))
                elif parent is not None and parent.code is not None:
                    keep = prefix[TIER_OF[parent.level]]
                    # 省直辖县级行政单位 (XX90YY) sit directly under their province
                    if code[:keep] != parent.code[:keep] and not (
                            tier == "县级" and TIER_OF[parent.level] == "省级" and code[:2] == parent.code[:2]):
                        problems.append(loaded.problem(
                            here + ("code",), "region-code",
                            f"“{region.name}”的代码 {code} 与上级“{parent.name}”的代码 {parent.code} 不符",
                            f"下级代码应以 {parent.code[:keep]} 开头;请核对代码,或把它移到正确的上级下面"))
            walk(list(region.children), here + ("children",), region)

    walk(regions, ("regions",), None)
    return problems


def _cross_record(records: list[tuple[RecordBase, LoadedFile]], model_ids: set[str] | None,
                  region_names: dict[str, str] | None, unusable: set[str] = frozenset()) -> list[Problem]:
    problems: list[Problem] = []
    first_file: dict[str, str] = {}
    kinds = {r.id: r.kind for r, _ in records}
    for record, loaded in records:
        if record.id in first_file:
            problems.append(loaded.problem(("id",), "duplicate-id",
                                           f"编号“{record.id}”已被 {first_file[record.id]} 使用",
                                           "每条记录的 id 必须唯一,请换一个"))
        else:
            first_file[record.id] = loaded.display
    for record, loaded in records:
        places = [(("region",), record.region)] + [
            (("further_regions", i, "region"), f.region) for i, f in enumerate(record.further_regions)]
        for where, region in places:
            if region_names is not None and region not in region_names:
                problems.append(loaded.problem(where, "unknown-region", f"地区“{region}”不存在",
                                               _unknown_region_hint(region, region_names)))
        model_places = [(("model",), record.model)] + [
            (("secondary_models", i), m) for i, m in enumerate(record.secondary_models)]
        for where, model in model_places:
            if model_ids is not None and model not in model_ids:
                close = genuinely_close(model, model_ids)
                hint = (f"是否想写“{close}”" if close else "可选:" + "、".join(sorted(model_ids))
                        ) + ";新的治理模式请先加到 catalog/models.yml"
                problems.append(loaded.problem(where, "unknown-model", f"治理模式“{model}”不存在", hint))
        expected = {"implements": "policy", "supports": "practice", "related": None}
        for relation, targets in record.links().items():
            for index, target in enumerate(targets):
                where = (relation, index)
                if target == record.id:
                    problems.append(loaded.problem(where, "self-link", "记录不能链接自己", "请删除这一项"))
                elif target not in kinds and target in unusable:
                    continue  # the linked record is broken: its own problems are the root cause
                elif target not in kinds:
                    close = difflib.get_close_matches(target, sorted(kinds), n=1)
                    hint = f"是否想写“{close[0]}”?" if close else "请填写已有记录的 id"
                    problems.append(loaded.problem(where, "unknown-ref", f"记录“{target}”不存在", hint))
                elif expected[relation] and kinds[target] != expected[relation]:
                    want = KIND_NAMES[expected[relation]]
                    problems.append(loaded.problem(where, "wrong-ref-kind",
                                                   f"“{target}”不是{want}", f"{relation} 只能指向{want}"))
    return problems
