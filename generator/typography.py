"""Chinese punctuation: find half-width , : ; ? ! ( ) between Chinese characters, and fix it in place.

`kb fmt` edits the file's text, not a re-dump of its data: each fix is made inside the span of the
value it belongs to (positions from the loader), so comments, quoting, key order and line layout
stay exactly as the editor wrote them. The result is loaded again and must equal the fixed data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .load import LoadedFile, Mark, Path_, iter_strings, load_yaml, parse_yaml
from .problems import Problem

HAN = r"[\u3400-\u9fff\uf900-\ufaff]"
# Chinese text around a mark: characters, and Chinese quotes and punctuation (“…”,《…》、。)
CJK = r"[\u3400-\u9fff\uf900-\ufaff\u2018-\u201d\u3000-\u303f\uff01-\uff5e]"
FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# a mark with Chinese on both sides (a space after it goes too)
BETWEEN = re.compile(rf"(?<={CJK}) ?([,:;?!]) ?(?={CJK})")
# at the end of a line, before a line that goes on in Chinese (a folded YAML scalar)
LINE_END = re.compile(rf"(?<={CJK})([,:;?!])[ \t]*(?=\n[ \t]*{CJK})")
# a bracketed aside that holds Chinese and touches Chinese on at least one side
BRACKETS = re.compile(rf"(?:(?<={CJK}) ?\(([^()\n]*{HAN}[^()\n]*)\)|\(([^()\n]*{HAN}[^()\n]*)\) ?(?={CJK}))")
# in every BETWEEN or LINE_END match, and quick to look for (BRACKETS needs a "(")
MAYBE_HALFWIDTH = re.compile(rf"[,:;?!] ?{CJK}|[,:;?!][ \t]*\n")
SPACE_AFTER = re.compile(r"([，：；？！（）]) ")


def full_width(text: str) -> str:
    """The text with half-width punctuation between Chinese characters made full-width."""
    text = _brackets(text)
    return LINE_END.sub(lambda m: FULL[m.group(1)], BETWEEN.sub(lambda m: FULL[m.group(1)], text))


def _brackets(text: str) -> str:
    return BRACKETS.sub(lambda m: "（" + (m.group(1) if m.group(1) is not None else m.group(2)) + "）", text)


def halfwidth_marks(text: str) -> list[str]:
    """The half-width marks full_width would change, in the order , : ; ? ! ( )."""
    found = {m.group(1) for rule in (BETWEEN, LINE_END) for m in rule.finditer(_brackets(text))}
    if BRACKETS.search(text):
        found |= {"(", ")"}
    return [c for c in FULL if c in found]


@dataclass(frozen=True)
class Fix:
    path: Path_
    mark: Mark
    before: str
    after: str


def fixes(loaded: LoadedFile) -> list[Fix]:
    return [Fix(path, loaded.mark(path), text, fixed)
            for path, text in iter_strings(loaded.data) if (fixed := full_width(text)) != text]


def punctuation_problems(loaded: LoadedFile) -> list[Problem]:
    problems = []
    for fix in fixes(loaded):
        problems.append(loaded.problem(
            fix.path, "halfwidth-punct", f"中文之间用了半角标点 {' '.join(halfwidth_marks(fix.before))}",
            "请改为全角标点(，：；？！（）),或运行 kb fmt 自动改正", severity="warning"))
    return problems


def _offset(text: str, mark: Mark) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: mark.line - 1]) + mark.col - 1


def format_text(text: str, loaded: LoadedFile) -> str:
    """Apply every fix inside its value's span of the source text."""
    found = fixes(loaded)
    if not found:
        return text
    starts = sorted(_offset(text, m) for m in loaded.values.values())
    pieces, done = [], 0
    for fix in sorted(found, key=lambda f: (f.mark.line, f.mark.col)):
        start = _offset(text, fix.mark)
        end = next((s for s in starts if s > start), len(text))
        pieces.append(text[done:start])
        pieces.append(_fix_span(text[start:end]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _fix_span(source: str) -> str:
    """Fix the source text of one value, line by line (a match never spans a line break)."""
    lines = [full_width(line) if not line.lstrip().startswith("#") else line for line in source.split("\n")]
    return LINE_END.sub(lambda m: FULL[m.group(1)], "\n".join(lines))


def format_file(path: Path, display: str | None = None) -> tuple[bool, list[Problem]]:
    """Rewrite `path` with full-width punctuation. Returns (changed, problems); a file that does
    not load, or whose rewrite would not load to exactly the fixed data, is left untouched."""
    display = display or str(path)
    loaded, problems = load_yaml(path, display)
    if loaded is None:
        return False, problems
    text = path.read_text(encoding="utf-8")
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    new = format_text(body, loaded)
    if new == body:
        return False, []
    reloaded, _ = parse_yaml(new, display)
    # a folded line break stays a space after the full-width mark: compare without those
    expected = {p: SPACE_AFTER.sub(r"\1", full_width(s)) for p, s in iter_strings(loaded.data)}
    if reloaded is None or {p: SPACE_AFTER.sub(r"\1", s) for p, s in iter_strings(reloaded.data)} != expected:
        return False, [loaded.problem((), "fmt-unsafe", "无法自动改正标点而不改变其他内容",
                                      "请按 kb check 的提示手动改为全角标点", severity="warning")]
    path.write_text(("\ufeff" if bom else "") + new, encoding="utf-8")
    return True, []


def _yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*.yml") if p.is_file() and not p.is_symlink())


def _display(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(Path(base).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def format_catalog(root: Path, base: Path) -> tuple[list[str], list[Problem]]:
    changed, problems = [], []
    for path in _yaml_files(root):
        display = _display(path, base)
        did, found = format_file(path, display)
        problems += [p for p in found if p.code == "fmt-unsafe"]
        if did:
            changed.append(display)
    return changed, problems
