"""generator/xlsx.py: the workbook writer, read back by openpyxl as Excel would show it."""

import io
from datetime import datetime

from openpyxl import load_workbook

from generator.xlsx import Workbook, column_letter


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_text_numbers_links_and_layout_read_back_exactly():
    book = Workbook(datetime(2024, 5, 6))
    texts = ["a & b <c> \"d\"", "  前后有空格  ", "两行\n文字", "=1+1", "鹤壁市 › 淇滨区"]
    book.add_table("第一表", ["文字", "数", "页面"], [20, 8, 30], [True, False, False],
                   [[t, n, "../p/x/"] for t, n in zip(texts, [1, 2.5, -3, 1e-7, 2022])],
                   ["..\\p\\x\\", None, "https://x.example/?a=1&b=\"2\"", None, None], link_column=2)
    book.add_table("第二表 'x'", ["甲"], [10], [False], [["乙"], [None], ["丙"]])
    workbook = load_workbook(io.BytesIO(book.bytes()))
    assert workbook.sheetnames == ["第一表", "第二表 'x'"]
    first = workbook["第一表"]
    rows = list(first.iter_rows(values_only=True))
    assert rows[0] == ("文字", "数", "页面")
    assert [r[0] for r in rows[1:]] == texts and [r[1] for r in rows[1:]] == [1, 2.5, -3, 1e-7, 2022]
    assert first["C2"].hyperlink.target == "..\\p\\x\\" and first["C3"].hyperlink is None
    assert first["C4"].hyperlink.target == "https://x.example/?a=1&b=\"2\"" and first["C4"].font.u == "single"
    assert first["A1"].font.b and first["A2"].alignment.wrap_text and not first["B2"].alignment.wrap_text
    assert first.freeze_panes == "A2" and first.auto_filter.ref == "A1:C6"
    assert first.column_dimensions["A"].width > 20
    second = list(workbook["第二表 'x'"].iter_rows(values_only=True))
    assert second == [("甲",), ("乙",), (None,), ("丙",)]
    assert workbook.properties.created == datetime(2024, 5, 6)


def test_characters_xml_cannot_carry_are_dropped_not_fatal():
    book = Workbook(datetime(2024, 1, 1))
    book.add_table("表", ["列"], [10], [False], [["前\x01后\x0b"]])
    assert load_workbook(io.BytesIO(book.bytes())).active["A2"].value == "前后"


def test_same_table_same_bytes():
    def make():
        book = Workbook(datetime(2024, 1, 1))
        book.add_table("表", ["列"], [10], [False], [["一"], ["二"]])
        return book.bytes()

    assert make() == make()
