"""Exports: one row per record that Excel opens as intended, and the full records as JSON."""

import csv
import io
import json
import zipfile
from dataclasses import replace

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.check import check_catalog
from generator.cli import main
from generator.export import COLUMNS, export, exports, to_csv, to_json, to_xlsx
from generator.routes import Routes
from generator.schema import KIND_NAMES

from conftest import FIXTURES


@pytest.fixture
def catalog():
    return check_catalog(FIXTURES / "valid" / "catalog").catalog


def test_csv_has_a_bom_header_and_one_row_per_record(catalog):
    data = to_csv(catalog)
    assert data.startswith("\ufeff".encode("utf-8"))
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(table[0]) == COLUMNS
    assert [row["编号"] for row in table] == [r.id for r in catalog.records]
    row = next(r for r in table if r["编号"] == "wangge-bihuan")
    assert row["所属地区"] == "示例省 › 示例市 › 示例区" and row["主要治理模式"] == "网格化" and row["其他治理模式"] == "党建引领"


def test_spreadsheet_cells_never_start_a_formula(catalog):
    record = catalog.by_id["wangge-bihuan"]
    hostile = record.model_copy(update={"summary": "=HYPERLINK(\"http://x\",\"点我\")", "title": "+1+1"})
    poisoned = replace(catalog, records=tuple(hostile if r.id == record.id else r for r in catalog.records))
    text = to_csv(poisoned).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1+1" in text
    book = load_workbook(io.BytesIO(to_xlsx(poisoned)))
    for sheet in book.worksheets:
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    values = [c.value for row in book.active.iter_rows() for c in row]
    # stored as text, shown exactly as written: no visible ' in the workbook
    assert "=HYPERLINK(\"http://x\",\"点我\")" in values and "+1+1" in values


def test_xlsx_reads_back(catalog):
    sheet = load_workbook(io.BytesIO(to_xlsx(catalog))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert set(rows[0]) <= set(COLUMNS) and len(rows) == len(catalog.records) + 1
    assert [r[0] for r in rows[1:]] == [r.id for r in catalog.records]


def test_xlsx_for_pivot_tables(catalog):
    """A sheet per kind and one row per figure; numbers as numbers; filter, frozen header, wrapped
    text; empty columns dropped; page links absolute with site_url and relative offline."""
    book = load_workbook(io.BytesIO(to_xlsx(catalog, Routes(), "https://intranet.example/kb/")))
    kinds = {catalog.by_id[i].kind for i in (r.id for r in catalog.records)}
    assert book.sheetnames == ["全部记录", *[KIND_NAMES[k] for k in KIND_NAMES if k in kinds], "成效数据"]
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
        for index, name in enumerate(header, 1):  # no column is empty in every row
            assert any(sheet.cell(row=r, column=index).value not in (None, "") for r in range(2, sheet.max_row + 1)), name
    practices = book["实践案例"]
    header = [c.value for c in practices[1]]
    assert {"主要做法", "成效"} <= set(header)
    assert any(c.alignment.wrap_text for c in practices[2])
    records = book["全部记录"]
    header = [c.value for c in records[1]]
    years = [row[header.index("年份")] for row in records.iter_rows(min_row=2, values_only=True)]
    assert any(isinstance(y, int) for y in years) and not any(isinstance(y, str) for y in years)
    page = records.cell(row=2, column=header.index("页面") + 1)
    assert page.hyperlink.target == "https://intranet.example/kb/" + Routes().record_url(catalog.records[0])
    figures = book["成效数据"]
    fheader = [c.value for c in figures[1]]
    assert fheader[:2] == ["编号", "标题"] and {"陈述", "数值", "单位"} <= set(fheader)
    expected = sum(len(f.quantities) or 1 for r in catalog.records
                   for f in [*getattr(r, "outcomes", []), *getattr(r, "coverage", [])])
    assert figures.max_row == expected + 1
    values = [row[fheader.index("数值")] for row in figures.iter_rows(min_row=2, values_only=True)]
    assert all(v is None or isinstance(v, (int, float)) for v in values) and any(values)
    offline = load_workbook(io.BytesIO(to_xlsx(catalog, Routes(False)))).active
    header = [c.value for c in offline[1]]
    cell = offline.cell(row=2, column=header.index("页面") + 1)
    # a relative link to a file, written as Excel writes one (backslashes); the cell shows the path
    page = "../" + Routes(False).record_url(catalog.records[0])
    assert cell.hyperlink.target == page.replace("/", "\\") and cell.value == page and page.endswith(".html")


def test_json_keeps_every_field(catalog):
    data = json.loads(to_json(catalog))
    policy = next(r for r in data["records"] if r["id"] == "shifang-fangan")
    assert policy["tasks"][0] == {"title": "党建引领示范工程", "text": "把党支部建在网格上。", "lead": "张三",
                                  "departments": ["党政综合办公室", "各社区"]}
    assert policy["region_path"] == ["示例省", "示例市", "示例区", "示例街道"]


def test_kb_export_writes_the_file_and_refuses_a_broken_catalogue(tmp_path):
    out = tmp_path / "out.csv"
    ok = CliRunner().invoke(main, ["export", "--catalog", str(FIXTURES / "valid" / "catalog"), "--format", "csv",
                                   "-o", str(out)])
    assert ok.exit_code == 0 and out.read_bytes().startswith("\ufeff".encode("utf-8"))
    bad = CliRunner().invoke(main, ["export", "--catalog", str(FIXTURES / "broken" / "catalog"), "-o",
                                    str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 1 and not (tmp_path / "x.xlsx").exists()


def test_exports_are_the_same_bytes_every_build(catalog):
    """No build time in the files: the workbook's zip times are fixed and its date is the
    catalogue's last update, so an unchanged catalogue gives unchanged downloads."""
    for fmt in ("json", "csv", "xlsx"):
        assert export(catalog, fmt) == export(catalog, fmt)
    data = to_xlsx(catalog)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert len({i.date_time for i in z.infolist()}) == 1 and z.infolist()[0].date_time[0] == 1980
    updated = max(d for r in catalog.records for d in (r.review.added, r.review.checked) if d)
    properties = load_workbook(io.BytesIO(data)).properties
    assert properties.created.date().isoformat() == properties.modified.date().isoformat() == updated


def test_exports_from_the_cache_equal_a_clean_export(catalog, tmp_path):
    """Warm or cold, the files are a clean export's; a renamed model (which the JSON does not
    spell out) still reaches the workbook and the CSV."""
    clean = exports(catalog)
    assert exports(catalog, cache=tmp_path) == clean == exports(catalog, cache=tmp_path)
    assert clean == {fmt: export(catalog, fmt) for fmt in ("json", "csv", "xlsx")}
    model = catalog.models[0]
    renamed = replace(catalog, models=(model.model_copy(update={"name": "改名模式"}), *catalog.models[1:]))
    warm = exports(renamed, cache=tmp_path)
    assert warm == exports(renamed) and "改名模式" in warm["csv"].decode("utf-8-sig")


def test_pages_past_excels_hyperlink_limit_stay_as_text(catalog, monkeypatch):
    monkeypatch.setattr("generator.export.MAX_LINKS", 1)
    sheet = load_workbook(io.BytesIO(to_xlsx(catalog, Routes(), "https://intranet.example/kb/"))).active
    column = [c.value for c in sheet[1]].index("页面") + 1
    first, second = sheet.cell(row=2, column=column), sheet.cell(row=3, column=column)
    assert first.hyperlink is not None and second.hyperlink is None
    assert second.value == "https://intranet.example/kb/" + Routes().record_url(catalog.records[1])
