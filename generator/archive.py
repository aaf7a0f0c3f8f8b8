"""Traceability: every number a record states must occur in the archived original it cites.

The archive folder holds plain-text copies of source documents (`archived_copy: <name>.txt`).
Where it is: `kb check --archive`, else the environment variable KB_ARCHIVE, else the catalog
plugin's `archive_dir` in mkdocs.yml, else `archive/` beside `catalog/`. A clone without the
folder (say, without the editors' shared archive) still checks and builds: the rule is skipped
with a note, because there is nothing to compare against; a folder that exists but lacks a
named file is an error.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .load import LoadedFile, Mark, field_name, iter_strings
from .problems import Problem
from .project_config import catalog_options
from .schema import RecordBase

ARCHIVE_ENV = "KB_ARCHIVE"
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
# fields that hold ids, dates or addresses, not facts: their digits are not looked up
NOT_FACTS = {"id", "region", "model", "secondary_models", "related", "implements", "supports", "review",
             "further_regions", "key", "source", "url", "date", "archived_copy"}


def configured_archive(config_file: Path | None) -> Path | None:
    """`archive_dir` of the catalog plugin in mkdocs.yml, resolved beside the file, if set."""
    folder = (catalog_options(config_file) or {}).get("archive_dir")
    return (config_file.parent / folder).resolve() if isinstance(folder, str) else None


def archive_folder(catalog_dir: Path, explicit: Path | None = None, config_file: Path | None = None) -> Path:
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(ARCHIVE_ENV):
        return Path(os.environ[ARCHIVE_ENV])
    return configured_archive(config_file) or Path(catalog_dir).resolve().parent / "archive"


def _facts(data: Any):
    for path, text in iter_strings(data):
        if not any(isinstance(part, str) and part in NOT_FACTS for part in path):
            yield path, text


def _offset(text: str, mark: Mark) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[:mark.line - 1]) + mark.col - 1


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def number_position(loaded: LoadedFile, path: tuple, number: str, nth: int) -> tuple[int, int]:
    """Where the nth occurrence of `number` in the value at `path` stands in the file."""
    mark = loaded.mark(path)
    if not loaded.text:
        return mark.line, mark.col
    start = _offset(loaded.text, mark)
    pattern = re.compile(rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d)")
    for index, match in enumerate(pattern.finditer(loaded.text, start)):
        if index == nth:
            return _position(loaded.text, match.start())
    return mark.line, mark.col


def _cited_keys(data: Any, path: tuple) -> str | None:
    """The `source:` key of the nearest measure, figure or task holding `path`, if it names one."""
    node, found = data, None
    for part in path:
        if isinstance(node, dict) and isinstance(node.get("source"), str):
            found = node["source"]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return found


def archive_problems(record: RecordBase, loaded: LoadedFile, folder: Path) -> tuple[list[Problem], bool]:
    """Problems of one record against the archive; and whether any of its numbers were compared."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for index, source in enumerate(record.sources):
        if source.archived_copy is None:
            continue
        path = folder / source.archived_copy
        if not path.is_file():
            problems.append(loaded.problem(
                ("sources", index, "archived_copy"), "missing-archive",
                f"存档目录 {folder.name}/ 中没有文件“{source.archived_copy}”",
                "请核对文件名,或把原文的纯文本副本放进存档目录;没有存档时删除 archived_copy 这一行"))
            continue
        texts[source.key or str(index)] = path.read_text(encoding="utf-8", errors="replace")
    if not texts:  # no archived original to compare with (most records): skip the walk over every value
        return problems, False
    keys = [s.key or str(i) for i, s in enumerate(record.sources)]
    names_of = {k: s.archived_copy for k, s in zip(keys, record.sources)}
    compared = False
    for path, text in _facts(loaded.data):
        cited = _cited_keys(loaded.data, path)
        wanted = [cited] if cited in keys else keys
        if not wanted or any(k not in texts for k in wanted):
            continue  # a number may come from a source with no archived copy: nothing to compare
        originals = [texts[k] for k in wanted]
        seen: dict[str, int] = {}
        for number in NUMBER.findall(text):
            nth = seen.get(number, 0)
            seen[number] = nth + 1
            compared = True
            if any(number in original for original in originals):
                continue
            line, col = number_position(loaded, path, number, nth)
            names = "、".join(names_of[k] for k in wanted)
            problems.append(Problem(loaded.display, line, col, field_name(path), "untraced-number",
                                    f"数字“{number}”在存档原文 {names} 中找不到",
                                    "请对照原文核对这个数字;原文写法不同(如中文数字)时照原文改写",
                                    "warning"))
    return problems, compared

