"""Exports: one row per record that Excel opens as intended, and the full records as JSON."""

import csv
import io
import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.check import check_catalog
from generator.cli import main
from generator.export import COLUMNS, to_csv, to_json, to_xlsx

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
    sheet = load_workbook(io.BytesIO(to_xlsx(poisoned))).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_reads_back(catalog):
    sheet = load_workbook(io.BytesIO(to_xlsx(catalog))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and len(rows) == len(catalog.records) + 1


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
