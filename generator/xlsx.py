"""A workbook of plain tables, written as SpreadsheetML directly.

The export's workbooks need little of the format: text and numbers, a bold frozen header, column
widths, wrapped text, a filter on each sheet, hyperlinks, the document's dates. XlsxWriter made
them cell by cell through its object model, 8 CPU seconds for 10,000 records (every record
appears on two sheets, about 570,000 cells); here each row is one string, about a sixth of that.
The parts and attributes are the ones XlsxWriter writes, so Excel, LibreOffice and openpyxl read
the workbook as before (tests/test_export.py reads it back with openpyxl).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Sequence
from xml.sax.saxutils import escape as xml_escape

from .ooxml import zip_entry

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
WIDTH_PADDING = 0.7109375  # Excel's cell padding on top of a width in characters, as XlsxWriter adds it

# cell formats (cellXfs): 0 default, 1 header, 2 top, 3 top + wrapped, 4 link
HEADER, TOP, WRAPPED, LINK = 1, 2, 3, 4
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><fonts count="3">'
    '<font><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/></font>'
    '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top"/></xf>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
# characters XML 1.0 cannot carry (kb check refuses them in records; a workbook must still open)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    return NOT_XML.sub("", xml_escape(text))


def _attribute(text: str) -> str:
    return NOT_XML.sub("", xml_escape(text, {'"': "&quot;"}))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class _Sheet:
    name: str
    xml: str
    extent: str  # $A$1:$Q$10001, for the filter's defined name
    links: list[str] = field(default_factory=list)


class Workbook:
    """Sheets of rows; `bytes()` is the .xlsx file."""

    def __init__(self, created: datetime):
        self.created = created
        self.sheets: list[_Sheet] = []
        self._strings: dict[str, int] = {}

    def _string(self, text: str) -> int:
        index = self._strings.get(text)
        if index is None:
            index = self._strings[text] = len(self._strings)
        return index

    def add_table(self, name: str, header: Sequence[str], widths: Sequence[float], wraps: Sequence[bool],
                  rows: Iterable[Sequence], links: Sequence[str | None] = (), link_column: int | None = None) -> None:
        """A sheet: a bold frozen header with a filter, then `rows` (str, int, float or None: an
        empty cell). The cell in `link_column` of row i links to `links[i]` when that is not None."""
        letters = [column_letter(i) for i in range(len(header))]
        styles = [WRAPPED if wrap else TOP for wrap in wraps]
        string = self._string
        out = ['<row r="1">']
        out += [f'<c r="{letters[i]}1" s="{HEADER}" t="s"><v>{string(h)}</v></c>' for i, h in enumerate(header)]
        out.append("</row>")
        hyperlinks: list[str] = []
        sheet_links: list[str] = []
        count = 0
        for count, values in enumerate(rows, 1):
            r = count + 1
            out.append(f'<row r="{r}">')
            for i, value in enumerate(values):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    target = links[count - 1] if i == link_column and count <= len(links) else None
                    style = LINK if target is not None else styles[i]
                    out.append(f'<c r="{letters[i]}{r}" s="{style}" t="s"><v>{string(value)}</v></c>')
                    if target is not None:
                        sheet_links.append(target)
                        hyperlinks.append(f'<hyperlink ref="{letters[i]}{r}" r:id="rId{len(sheet_links)}"/>')
                else:
                    out.append(f'<c r="{letters[i]}{r}" s="{styles[i]}"><v>{value!r}</v></c>')
            out.append("</row>")
        last = f"{letters[-1]}{count + 1}"
        cols = "".join(f'<col min="{i}" max="{i}" width="{w + WIDTH_PADDING}" customWidth="1"/>'
                       for i, w in enumerate(widths, 1))
        selected = ' tabSelected="1"' if not self.sheets else ""
        xml = (f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1:{last}"/>'
               f'<sheetViews><sheetView{selected} workbookViewId="0">'
               '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
               '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
               f'<cols>{cols}</cols><sheetData>{"".join(out)}</sheetData><autoFilter ref="A1:{last}"/>'
               + (f'<hyperlinks>{"".join(hyperlinks)}</hyperlinks>' if hyperlinks else "")
               + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
        self.sheets.append(_Sheet(name, xml, f"$A$1:${letters[-1]}${count + 1}", sheet_links))

    def bytes(self) -> bytes:
        stamp = self.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        n = len(self.sheets)
        sheet_types = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1))
        parts = {
            "[Content_Types].xml": (
                f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
                '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                f'{sheet_types}'
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                '</Types>'),
            "_rels/.rels": (
                f'{HEAD}<Relationships xmlns="{PKG_REL}">'
                f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'),
            "docProps/app.xml": (
                f'{HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                '<Application>Microsoft Excel</Application></Properties>'),
            "docProps/core.xml": (
                f'{HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'),
            "xl/workbook.xml": (
                f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews><sheets>'
                + "".join(f'<sheet name="{_attribute(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, s in enumerate(self.sheets, 1))
                + "</sheets><definedNames>"
                + "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                          f"'{escape(s.name).replace(chr(39), chr(39) * 2)}'!{s.extent}</definedName>" for i, s in enumerate(self.sheets))
                + '</definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'),
            "xl/_rels/workbook.xml.rels": (
                f'{HEAD}<Relationships xmlns="{PKG_REL}">'
                + "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                          for i in range(1, n + 1))
                + f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
                f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
            "xl/styles.xml": HEAD + STYLES,
            "xl/sharedStrings.xml": (
                f'{HEAD}<sst xmlns="{MAIN}" uniqueCount="{len(self._strings)}">'
                + "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' if t != t.strip() else
                          f"<si><t>{escape(t)}</t></si>" for t in self._strings)
                + "</sst>"),
        }
        for i, sheet in enumerate(self.sheets, 1):
            parts[f"xl/worksheets/sheet{i}.xml"] = sheet.xml
            if sheet.links:
                parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = (
                    f'{HEAD}<Relationships xmlns="{PKG_REL}">'
                    + "".join(f'<Relationship Id="rId{k}" Type="{REL}/hyperlink" Target="{_attribute(t)}" '
                              'TargetMode="External"/>' for k, t in enumerate(sheet.links, 1))
                    + "</Relationships>")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as package:
            for name, text in parts.items():
                package.writestr(zip_entry(name), text.encode("utf-8"))
        return out.getvalue()
