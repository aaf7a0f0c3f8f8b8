"""Per-record and cross-record rules. Every problem of every file is reported, never only the first."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ValidationError

from .catalog import Catalog
from .load import LoadedFile, Path_, field_name, iter_strings, load_yaml
from .problems import Problem
from .safety import ATTR_LIST, outside_images, too_big
from .schema import (
    ID_PATTERN,
    KIND_FOLDERS,
    KIND_NAMES,
    RECORD_MODELS,
    REFERENCE_FILES,
    GlossaryFile,
    GovernanceModel,
    ModelsFile,
    RecordBase,
    Region,
    RegionsFile,
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
    r"^\d{6}$": ("行政区划代码应为六位数字", "请按 GB/T 2260 填写,如 410600"),
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


def translate(error: dict, loaded: LoadedFile, model: type[BaseModel]) -> Problem:
    loc: Path_ = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "missing":
        line, col = _pos(loaded, loc[:-1])
        return Problem(loaded.display, line, col, field_name(loc), "missing", f"缺少必填字段“{loc[-1]}”",
                       f"请添加 `{loc[-1]}:`,字段说明见 kb schema")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"是否想写“{close[0]}”?" if close else "请删除该字段;可用字段:" + "、".join(allowed)
        return loaded.problem(loc, "unknown-field", f"未知字段“{loc[-1]}”", hint, key=True)
    if kind == "int_parsing_size":
        return loaded.problem(loc, "range", "数字过大", "请核对原文中的数值(年份如 2021)")
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
    }
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


def traditional_chars(text: str) -> list[str]:
    if _convertible().isdisjoint(text):
        return []
    converted = _to_simplified()(text)
    return sorted({a for a, b in zip(text, converted) if a != b})


def text_problems(loaded: LoadedFile) -> list[Problem]:
    """Rules on every string of a file: no raw HTML, no unsafe links, clean simplified text."""
    problems = []
    for path, text in iter_strings(loaded.data):
        if RAW_HTML.search(text):
            problems.append(loaded.problem(path, "raw-html", "不允许 HTML 标签或尖括号链接",
                                           "请改用 Markdown;要显示尖括号请用全角《》"))
        for match in MARKDOWN_LINK.finditer(text):
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
        if ATTR_LIST.search(text):
            problems.append(loaded.problem(path, "attr-list", f"不允许 Markdown 属性列表“{ATTR_LIST.search(text).group(0)[:30]}”",
                                           "记录文本不能设置属性;要显示花括号请用全角{}"))
        for image in outside_images(text):
            problems.append(loaded.problem(path, "outside-image", f"不允许引用站外或引用式图片“{image[:60]}”",
                                           "页面不从其他网站加载内容;请删除图片,或改为指向原文的链接"))
        if TEMPLATE_SYNTAX.search(text):
            problems.append(loaded.problem(path, "template-syntax", "含模板语法“{{”“{%”或“{#”",
                                           "记录文本不是模板,请删除这些符号", severity="warning"))
        chars = traditional_chars(text)
        if chars:
            problems.append(loaded.problem(path, "traditional-chars", f"含繁体字:{''.join(chars[:10])}",
                                           "请改为简体中文", severity="warning"))
        found = BOILERPLATE.search(text)
        if found:
            problems.append(loaded.problem(path, "boilerplate", f"含网页残留文字“{found.group(0)}”",
                                           "请删除导航、版权、编辑署名等网页内容", severity="warning"))
    return problems


def validate(loaded: LoadedFile, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    if not isinstance(loaded.data, dict):
        return None, [loaded.problem((), "type", "文件内容应为映射(`名称: 值` 的形式)",
                                     "请参照 kb new 生成的模板")]
    try:
        return model.model_validate(loaded.data), []
    except ValidationError as exc:
        return None, [translate(e, loaded, model) for e in exc.errors()]


def check_record_file(path: Path, display: str) -> tuple[RecordBase | None, LoadedFile | None, list[Problem]]:
    loaded, problems = load_yaml(path, display)
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
    record, errors = validate(loaded, RECORD_MODELS[folder_kind])
    if kind != folder_kind:  # already explained by kind-mismatch, or by the literal check below
        errors = [e for e in errors if not (e.field == "kind" and e.code == "choice" and kind in RECORD_MODELS)]
    problems += errors + text_problems(loaded)
    if record is not None:
        if record.id != path.stem:
            problems.append(loaded.problem(("id",), "id-mismatch", f"编号“{record.id}”与文件名“{path.name}”不一致",
                                           f"请把文件改名为 {record.id}.yml,或把 id 改为 {path.stem}"))
        src = record.source
        if not (src.url or src.doc_number or src.publisher):
            problems.append(loaded.problem(("source",), "untraceable-source", "出处无法追溯",
                                           "请至少填写 url、doc_number 或 publisher 之一", severity="warning"))
    return record, loaded, problems


# --- the whole catalogue -------------------------------------------------------------------------


def _load_reference(root: Path, name: str, base: Path) -> tuple[Any, LoadedFile | None, list[Problem]]:
    path = root / name
    display = _display(path, base)
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

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def __getattr__(name: str):
    # check_catalog (check, then assemble) lives in the pipeline; callers may still import it from here
    if name == "check_catalog":
        from .pipeline import check_catalog

        return check_catalog
    raise AttributeError(name)


def check_files(root: Path, base: Path | None = None) -> CheckedFiles:
    """Check every file under `root` (the catalog folder); display paths relative to `base`."""
    root = Path(root)
    base = Path(base) if base is not None else root.parent
    problems: list[Problem] = []

    models_file, models_loaded, found = _load_reference(root, "models.yml", base)
    problems += found
    regions_file, regions_loaded, found = _load_reference(root, "regions.yml", base)
    problems += found
    glossary_file, glossary_loaded, found = _load_reference(root, "glossary.yml", base)
    problems += found

    model_ids: set[str] = set()
    if isinstance(models_file, ModelsFile):
        for index, model in enumerate(models_file.models):
            if model.id in model_ids:
                problems.append(models_loaded.problem(("models", index, "id"), "duplicate-id",
                                                      f"治理模式编号“{model.id}”重复", "每个模式的 id 必须唯一"))
            model_ids.add(model.id)
    region_ids: set[str] = set()
    if isinstance(regions_file, RegionsFile):
        for region, path in _walk_regions(list(regions_file.regions), ("regions",)):
            if region.id in region_ids:
                problems.append(regions_loaded.problem(path + ("id",), "duplicate-id",
                                                       f"地区编号“{region.id}”重复", "每个地区的 id 必须唯一"))
            region_ids.add(region.id)
    if isinstance(glossary_file, GlossaryFile):
        seen_terms: set[str] = set()
        for index, term in enumerate(glossary_file.terms):
            for word in (term.id, term.term):
                if word in seen_terms:
                    problems.append(glossary_loaded.problem(("terms", index), "duplicate-term",
                                                            f"术语“{word}”重复", "每个术语只收录一次"))
                seen_terms.add(word)

    records: list[tuple[RecordBase, LoadedFile]] = []
    unusable: set[str] = set()  # ids of record files that failed their own checks
    for entry in sorted(root.iterdir()):
        if entry.name in REFERENCE_FILES or entry.name.startswith("."):
            continue
        if entry.name not in FOLDER_KINDS or not entry.is_dir() or entry.is_symlink():
            problems.append(Problem(_display(entry, base), 1, 1, "", "unexpected-file",
                                    f"catalog/ 中不应有“{entry.name}”",
                                    "记录放在 practices/、policies/ 或 projects/ 目录中"))
            continue
        for path in sorted(entry.iterdir()):
            display = _display(path, base)
            if path.suffix != ".yml":
                if not path.name.startswith("."):
                    problems.append(Problem(display, 1, 1, "", "unexpected-file", "记录文件必须以 .yml 结尾",
                                            "请改名为 <id>.yml"))
                continue
            record, loaded, found = check_record_file(path, display)
            problems += found
            if record is not None and loaded is not None:
                records.append((record, loaded))
            else:  # its own problems explain it; records that link to it need not repeat them
                unusable.add(path.stem)
                if loaded is not None and isinstance(loaded.data, dict) and isinstance(loaded.data.get("id"), str):
                    unusable.add(loaded.data["id"])

    problems += _cross_record(records, model_ids if models_file else None,
                              region_ids if regions_file else None, unusable)
    problems += _reserved_names(records, models_file, models_loaded, regions_file, regions_loaded)
    # Records with errors of their own are compared once they are fixed: a half-written copy is
    # expected to look like the record it was copied from.
    broken = {p.file for p in problems if p.is_error}
    problems += _near_duplicates([(r, loaded) for r, loaded in records if loaded.display not in broken])
    return CheckedFiles(
        tuple(r for r, _ in records),
        {r.id: loaded.display for r, loaded in records},
        tuple(models_file.models) if isinstance(models_file, ModelsFile) else (),
        tuple(regions_file.regions) if isinstance(regions_file, RegionsFile) else (),
        tuple(glossary_file.terms) if isinstance(glossary_file, GlossaryFile) else (),
        problems,
    )


def _near_duplicates(records: list[tuple[RecordBase, LoadedFile]]) -> list[Problem]:
    """A record whose text is nearly the same as another's: a copy to merge or to tell apart."""
    from .duplicates import near_duplicates

    problems = []
    for i, j, similarity in near_duplicates([r for r, _ in records]):
        (_, first), (_, second) = records[i], records[j]
        problems.append(second.problem(("summary",), "near-duplicate",
                                       f"与 {first.display} 的内容几乎相同(相似度 {similarity:.0%})",
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


def _cross_record(records: list[tuple[RecordBase, LoadedFile]], model_ids: set[str] | None,
                  region_ids: set[str] | None, unusable: set[str] = frozenset()) -> list[Problem]:
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
        if region_ids is not None and record.region not in region_ids:
            close = difflib.get_close_matches(record.region, sorted(region_ids), n=1)
            hint = f"是否想写“{close[0]}”?" if close else "请先在 catalog/regions.yml 中添加该地区"
            problems.append(loaded.problem(("region",), "unknown-region", f"地区“{record.region}”不存在", hint))
        for index, model in enumerate(record.models):
            if model_ids is not None and model not in model_ids:
                close = difflib.get_close_matches(model, sorted(model_ids), n=1)
                hint = f"是否想写“{close[0]}”?" if close else "可选:" + "、".join(sorted(model_ids))
                problems.append(loaded.problem(("models", index), "unknown-model", f"治理模式“{model}”不存在", hint))
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
