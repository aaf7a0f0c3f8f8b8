"""Exports for officials and other tools: the whole catalogue as JSON, and one row per record as
CSV or XLSX that opens cleanly in Excel."""

from __future__ import annotations

import csv
import io
import json

from .catalog import Catalog
from .routes import Routes
from .schema import KIND_NAMES

COLUMNS = ("编号", "类型", "标题", "地区", "所属地区", "层级", "治理模式", "标签", "年份", "摘要",
           "出处标题", "发布单位", "发布日期", "作者", "网址", "文号", "页面")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SERVED = Routes()  # the page column as the served site spells it; the offline zip passes Routes(False)


def rows(catalog: Catalog, routes: Routes = SERVED) -> list[dict[str, str]]:
    out = []
    for r in catalog.records:
        path = catalog.region_path(r.region)
        src = r.source
        out.append({
            "编号": r.id,
            "类型": KIND_NAMES[r.kind],
            "标题": r.title,
            "地区": path[-1].name,
            "所属地区": " › ".join(n.name for n in path),
            "层级": path[-1].level,
            "治理模式": "、".join(catalog.model_by_id[m].name for m in r.models),
            "标签": "、".join(r.tags),
            "年份": str(r.year or ""),
            "摘要": r.summary,
            "出处标题": src.title,
            "发布单位": src.publisher or "",
            "发布日期": src.date or "",
            "作者": src.author or "",
            "网址": src.url or "",
            "文号": src.doc_number or "",
            "页面": routes.record_url(r),
        })
    return out


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

    book = Workbook()
    sheet = book.active
    sheet.title = "记录"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(catalog, routes):
        sheet.append([_cell(row[c]) for c in COLUMNS])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLMNOPQ", (24, 8, 36, 10, 24, 8, 16, 20, 6, 60, 36, 14, 10, 10, 30, 16, 30)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXPORTERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx}


def export(catalog: Catalog, fmt: str, routes: Routes = SERVED) -> bytes:
    data = EXPORTERS[fmt](catalog, routes)
    return data.encode("utf-8") if isinstance(data, str) else data
