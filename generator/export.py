"""Exports for officials and other tools: the whole catalogue as JSON, and one row per record as
CSV or XLSX that opens cleanly in Excel."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Callable

from .catalog import Catalog
from .routes import Routes
from .schema import KIND_NAMES, RecordBase

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SERVED = Routes()  # the page column as the served site spells it; the offline zip passes Routes(False)


@dataclass(frozen=True)
class Row:
    """What a column's getter reads: the record with its catalogue and the build's routes."""

    r: RecordBase
    catalog: Catalog
    routes: Routes

    @property
    def path(self):
        return self.catalog.region_path(self.r.region)


@dataclass(frozen=True)
class Column:
    name: str
    width: int  # in Excel's character widths
    get: Callable[[Row], str]


COLUMNS_SPEC: tuple[Column, ...] = (
    Column("编号", 24, lambda x: x.r.id),
    Column("类型", 8, lambda x: KIND_NAMES[x.r.kind]),
    Column("标题", 36, lambda x: x.r.title),
    Column("地区", 10, lambda x: x.path[-1].name),
    Column("所属地区", 24, lambda x: " › ".join(n.name for n in x.path)),
    Column("层级", 8, lambda x: x.path[-1].level),
    Column("主要治理模式", 12, lambda x: x.catalog.model_by_id[x.r.model].name),
    Column("其他治理模式", 16, lambda x: "、".join(x.catalog.model_by_id[m].name for m in x.r.models[1:])),
    Column("标签", 20, lambda x: "、".join(x.r.tags)),
    Column("年份", 6, lambda x: str(x.r.year or "")),
    Column("摘要", 60, lambda x: x.r.summary),
    # several sources share a cell, in the record's order
    Column("出处标题", 36, lambda x: _joined(s.label for s in x.r.sources)),
    Column("发布单位", 14, lambda x: _joined(s.publisher for s in x.r.sources)),
    Column("发布日期", 10, lambda x: _joined(s.date for s in x.r.sources)),
    Column("作者", 10, lambda x: _joined(s.author for s in x.r.sources)),
    Column("网址", 30, lambda x: _joined(s.url for s in x.r.sources)),
    Column("文号", 16, lambda x: _joined(s.doc_number for s in x.r.sources)),
    Column("页面", 30, lambda x: x.routes.record_url(x.r)),
)
COLUMNS = tuple(c.name for c in COLUMNS_SPEC)


def rows(catalog: Catalog, routes: Routes = SERVED) -> list[dict[str, str]]:
    out = []
    for record in catalog.records:
        row = Row(record, catalog, routes)
        out.append({c.name: c.get(row) for c in COLUMNS_SPEC})
    return out


def _joined(values) -> str:
    return "；".join(v for v in values if v)


def _cell(text: str) -> str:
    """Spreadsheets run a cell that starts like a formula; record text must stay text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def to_json(catalog: Catalog, routes: Routes = SERVED) -> str:
    records = []
    for r in catalog.records:
        data = r.model_dump(mode="json", exclude_none=True)
        data["region_path"] = [n.name for n in catalog.region_path(r.region)]
        data["page"] = routes.record_url(r)
        records.append(data)
    return json.dumps({"records": records}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def to_csv(catalog: Catalog, routes: Routes = SERVED) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(catalog, routes):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 Chinese correctly


def to_xlsx(catalog: Catalog, routes: Routes = SERVED) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "记录"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(catalog, routes):
        sheet.append([_cell(row[c]) for c in COLUMNS])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS_SPEC, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXPORTERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx}


def export(catalog: Catalog, fmt: str, routes: Routes = SERVED) -> bytes:
    data = EXPORTERS[fmt](catalog, routes)
    return data.encode("utf-8") if isinstance(data, str) else data
