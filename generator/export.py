"""Exports for officials and other tools: the whole catalogue as JSON, one row per record as CSV,
and an Excel workbook for pivot tables: all records, one sheet per kind, and an outcomes sheet
with one row per figure.

In the workbook numbers and years are numbers, the page column is a hyperlink (absolute when the
build knows its `site_url`, relative to the workbook in the offline zip), every sheet has a
filter, a frozen header and wrapped text, and record text that looks like a formula is stored as
text (no visible `'`). Columns that are empty in every row of a sheet are dropped.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache as cache_once, cached_property
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Iterator

from .briefing import updated
from .cache import Cache, content_key
from .catalog import Catalog
from .memo import RecordMemo, remember
from .routes import Routes
from .schema import KIND_NAMES, RecordBase
from .xlsx import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_LINKS = 65530  # hyperlinks Excel allows in one worksheet; past it the page is plain text
MAX_URL = 2079  # the longest link address Excel accepts
SERVED = Routes()  # the page column as the served site spells it; the offline zip passes Routes(False)


@dataclass(frozen=True)
class Row:
    """What a column's getter reads: the record with its catalogue and the build's routes."""

    r: RecordBase
    catalog: Catalog
    routes: Routes

    @cached_property  # three columns read it
    def path(self):
        return self.catalog.region_path(self.r.region)


@dataclass(frozen=True)
class Column:
    name: str
    width: int  # in Excel's character widths
    get: Callable[[Row], Any]  # str, a number or None
    wrap: bool = False  # long text: wrapped in the workbook


COLUMNS_SPEC: tuple[Column, ...] = (
    Column("编号", 24, lambda x: x.r.id),
    Column("类型", 8, lambda x: KIND_NAMES[x.r.kind]),
    Column("标题", 36, lambda x: x.r.title, True),
    Column("地区", 10, lambda x: x.path[-1].name),
    Column("所属地区", 24, lambda x: " › ".join(n.name for n in x.path), True),
    Column("层级", 8, lambda x: x.path[-1].level),
    Column("主要治理模式", 12, lambda x: x.catalog.model_by_id[x.r.model].name),
    Column("其他治理模式", 16, lambda x: "、".join(x.catalog.model_by_id[m].name for m in x.r.models[1:]), True),
    Column("标签", 20, lambda x: "、".join(x.r.tags), True),
    Column("年份", 6, lambda x: x.r.year),
    Column("摘要", 60, lambda x: x.r.summary, True),
    # several sources share a cell, in the record's order
    Column("出处标题", 36, lambda x: _joined(s.label for s in x.r.sources), True),
    Column("发布单位", 14, lambda x: _joined(s.publisher for s in x.r.sources), True),
    Column("发布日期", 10, lambda x: _joined(s.date for s in x.r.sources)),
    Column("作者", 10, lambda x: _joined(s.author for s in x.r.sources)),
    Column("网址", 30, lambda x: _joined(s.url for s in x.r.sources), True),
    Column("文号", 16, lambda x: _joined(s.doc_number for s in x.r.sources)),
    Column("页面", 30, lambda x: x.routes.record_url(x.r)),
)


def _joined(values) -> str:
    return "；".join(v for v in values if v)


def _lines(items: Iterable[str]) -> str:
    return "\n".join(f"{i}. {t}" for i, t in enumerate(items, 1))


def _figures(items) -> str:
    return "\n".join(f.statement for f in items)


# what each kind adds to its own sheet, after the common columns
KIND_COLUMNS: dict[str, tuple[Column, ...]] = {
    "practice": (
        Column("主要做法", 40, lambda x: _lines(s.title for s in x.r.measures), True),
        Column("成效", 40, lambda x: _figures(x.r.outcomes), True),
        Column("适用条件", 36, lambda x: _lines(x.r.replicability.conditions) if x.r.replicability else "", True),
        Column("关键要点", 36, lambda x: _lines(x.r.replicability.key_points) if x.r.replicability else "", True),
        Column("注意事项", 36, lambda x: _lines(x.r.replicability.cautions) if x.r.replicability else "", True),
    ),
    "policy": (
        Column("制发单位", 20, lambda x: x.r.issuer, True),
        Column("印发日期", 12, lambda x: x.r.issue_date or ""),
        Column("实施起始", 8, lambda x: x.r.period.start if x.r.period else None),
        Column("实施截止", 8, lambda x: x.r.period.end if x.r.period else None),
        Column("总体目标", 40, lambda x: _lines(s.title for s in x.r.objectives), True),
        Column("重点任务", 40, lambda x: _lines(t.title for t in x.r.tasks), True),
    ),
    "project": (
        Column("建设主体", 20, lambda x: x.r.owner, True),
        Column("状态", 8, lambda x: x.r.status),
        Column("启动年份", 8, lambda x: x.r.start_year),
        Column("投入金额", 10, lambda x: x.r.investment.amount if x.r.investment else None),
        Column("投入单位", 8, lambda x: x.r.investment.unit if x.r.investment else ""),
        Column("主要组成", 40, lambda x: _lines(s.title for s in x.r.components), True),
        Column("覆盖范围", 40, lambda x: _figures(x.r.coverage), True),
        Column("成效", 40, lambda x: _figures(x.r.outcomes), True),
    ),
}

# the outcomes sheet: one row per number (practice outcomes, project coverage and outcomes); a
# statement with several numbers gives a row for each, a statement without a number one row
FIGURE_COLUMNS = ("编号", "标题", "类型", "地区", "类别", "陈述", "项目", "数值", "下限", "上限", "限定", "单位",
                  "年份", "截止年份", "页面")
FIGURE_WIDTHS = (24, 30, 8, 20, 8, 50, 12, 10, 8, 8, 6, 8, 6, 8, 30)


def figure_rows(catalog: Catalog, routes: Routes = SERVED) -> list[tuple]:
    out = []
    for r in catalog.records:
        region = "".join(n.name for n in catalog.region_path(r.region))
        for label, field in (("覆盖范围", "coverage"), ("成效", "outcomes")):
            for f in getattr(r, field, ()) or ():
                for q in f.quantities or (f,):
                    out.append((r.id, r.title, KIND_NAMES[r.kind], region, label, f.statement,
                                getattr(q, "label", None) or "", q.value, q.low, q.high, q.qualifier or "",
                                q.unit or "", q.year, q.year_end, routes.record_url(r)))
    return out


COLUMNS = tuple(c.name for c in COLUMNS_SPEC)


def record_values(catalog: Catalog, routes: Routes = SERVED, memo: RecordMemo | None = None,
                  context: Hashable = None) -> dict[str, tuple]:
    """Record id → its values in COLUMNS_SPEC, then in its kind's KIND_COLUMNS: made once for the
    CSV, the all-records sheet and the kind's sheet. With `memo` (`kb serve`), an unchanged record's
    values are those of the last build; `context` must then say what else they read (regions,
    models, routes)."""
    def make(r: RecordBase) -> tuple:
        row = Row(r, catalog, routes)
        return tuple(c.get(row) for c in COLUMNS_SPEC + KIND_COLUMNS[r.kind])

    return {r.id: remember(memo, "export-values", r, context, lambda: make(r)) for r in catalog.records}


def rows(catalog: Catalog, routes: Routes = SERVED, values: dict[str, tuple] | None = None) -> Iterator[dict[str, str]]:
    values = values if values is not None else record_values(catalog, routes)
    for record in catalog.records:
        yield {c.name: _text(v) for c, v in zip(COLUMNS_SPEC, values[record.id])}


def _text(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _cell(text: str) -> str:
    """CSV: spreadsheets run a cell that starts like a formula; record text must stay text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def to_json(catalog: Catalog, routes: Routes = SERVED, memo: RecordMemo | None = None) -> str:
    """{"records": [...]}, one record a line: readable and diffable without an indented copy of
    the catalogue, and written by json's C encoder (indentation takes the slow pure-Python one).
    With `memo` (`kb serve`), an unchanged record's line is the last build's for the same place and page."""

    def line(r: RecordBase, region_path: list[str], page: str) -> str:
        data = r.model_dump(mode="json", exclude_none=True)
        data["region_path"], data["page"] = region_path, page
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    lines = []
    for r in catalog.records:
        region_path, page = [n.name for n in catalog.region_path(r.region)], routes.record_url(r)
        lines.append(remember(memo, "json-line", r, (tuple(region_path), page), lambda: line(r, region_path, page)))
    return '{"records": [\n' + ",\n".join(lines) + "\n]}\n"


def to_csv(catalog: Catalog, routes: Routes = SERVED, values: dict[str, tuple] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(catalog, routes, values):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 Chinese correctly


def to_xlsx(catalog: Catalog, routes: Routes = SERVED, site_url: str | None = None,
            values: dict[str, tuple] | None = None) -> bytes:
    def link(record: RecordBase) -> tuple[str, str]:
        """What the page cell shows, and where it links."""
        page = routes.record_url(record)
        if site_url:
            return (site_url.rstrip("/") + "/" + page,) * 2
        # relative to the workbook, which sits in downloads/; a relative link to a file is written
        # with backslashes, as Excel itself writes one
        return "../" + page, ("../" + page).replace("/", "\\")

    # the workbook's date is the catalogue's last update, not the build's: the same bytes every build
    book = Workbook(datetime.fromisoformat(updated(catalog) or "2000-01-01"))
    sheets = [("全部记录", COLUMNS_SPEC, catalog.records)]
    for kind in KIND_NAMES:
        records = catalog.records_of_kind(kind)
        if records:
            sheets.append((KIND_NAMES[kind], COLUMNS_SPEC + KIND_COLUMNS[kind], records))
    values = values if values is not None else record_values(catalog, routes)
    for title, columns, records in sheets:
        table = [list(values[r.id][:len(columns)]) for r in records]
        keep = [i for i, c in enumerate(columns) if any(_present(row[i]) for row in table)]
        _add(book, title, [columns[i].name for i in keep], [columns[i].width for i in keep],
             [columns[i].wrap for i in keep], [[row[i] for i in keep] for row in table], [link(r) for r in records])
    figures = figure_rows(catalog, routes)
    if figures:
        keep = [i for i, _ in enumerate(FIGURE_COLUMNS) if any(_present(row[i]) for row in figures)]
        _add(book, "成效数据", [FIGURE_COLUMNS[i] for i in keep], [FIGURE_WIDTHS[i] for i in keep],
             [FIGURE_COLUMNS[i] in ("标题", "陈述", "地区") for i in keep], [[row[i] for i in keep] for row in figures],
             [link(catalog.by_id[row[0]]) for row in figures])
    return book.bytes()


def _present(value: Any) -> bool:
    return value is not None and value != ""


def _add(book: Workbook, title: str, names: list[str], widths: list[int], wraps: list[bool], table: list[list],
         pages: list[tuple[str, str]]) -> None:
    """One sheet; the page column shows each record's page and links to it (plain text past
    Excel's limit of links per sheet, or for an address longer than Excel takes)."""
    column = names.index("页面") if "页面" in names else None
    if column is not None:
        for row, (shown, _) in zip(table, pages):
            row[column] = shown
    links = [target if n < MAX_LINKS and len(target) <= MAX_URL else None for n, (_, target) in enumerate(pages)]
    book.add_table(title, names, widths, wraps, table, links, column)


EXPORTERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx}


def export(catalog: Catalog, fmt: str, routes: Routes = SERVED, site_url: str | None = None) -> bytes:
    data = to_xlsx(catalog, routes, site_url) if fmt == "xlsx" else EXPORTERS[fmt](catalog, routes)
    return data.encode("utf-8") if isinstance(data, str) else data


def exports(catalog: Catalog, routes: Routes = SERVED, site_url: str | None = None,
            cache: Path | None = None, memo: RecordMemo | None = None) -> dict[str, bytes]:
    """Every format, for a build. With `cache` (the project's .cache/) the CSV and the workbook
    are read back when nothing they show has changed: the JSON (every field of every record,
    with its region path and page), the regions' names and levels, the models' names and the
    site's address; the JSON is made anyway, and costs a fraction of the workbook."""
    data = to_json(catalog, routes, memo).encode("utf-8")
    store = Cache(cache, "exports")
    basis = (data, json.dumps([[r.id, r.name, r.level] for r in catalog.regions.values()], ensure_ascii=False),
             json.dumps([[m.id, m.name] for m in catalog.models], ensure_ascii=False), site_url or "")
    # made at most once, and only if a file is not in the cache; the memo's context: what the values read besides the record
    shared = cache_once(lambda: record_values(catalog, routes, memo,
                                              content_key("export-values", *basis[1:3], str(routes.directory_urls))))

    return {"json": data,
            "csv": store.get_or_make(content_key("csv", *basis), lambda: to_csv(catalog, routes, shared())),
            "xlsx": store.get_or_make(content_key("xlsx", *basis), lambda: to_xlsx(catalog, routes, site_url, shared()))}
