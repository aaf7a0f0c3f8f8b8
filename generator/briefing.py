"""Word briefing documents (.docx), made at build time with python-docx: one per record and one
per governance model (its records, one after another), laid out as Chinese government offices
expect — a centred title in 小标宋 style, 一、二、 headings in 黑体, body text in 仿宋_GB2312 at
三号 (16 pt) with 宋体/SimSun fallbacks for machines without it, and a source note at the end.

Record Markdown reaches the document as plain text (Markdown marks stripped): nothing in a
record is interpreted by Word.
"""

from __future__ import annotations

import io
import re
from datetime import date

from .catalog import Catalog
from .schema import KIND_NAMES, RecordBase

SITE_NAME = "市域社会治理经验库"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
FALLBACK_FONT = "宋体"  # WPS and Word substitute it when the font above is missing; SimSun on Windows
NUMERALS = "一二三四五六七八九十"
MD_MARKS = re.compile(r"(\*\*|__|\*|_|`|^#+\s*|^\s*[-+]\s+|\[([^\]]*)\]\([^)]*\))", re.MULTILINE)


def word_path(kind: str, ident: str) -> str:
    """Where a Word document lives in the site: downloads/word/<record id>.docx or model-<id>.docx."""
    return f"downloads/word/{'model-' if kind == 'model' else ''}{ident}.docx"


def plain(markdown: str) -> str:
    return MD_MARKS.sub(lambda m: m.group(2) or "", markdown).replace("\\", "").strip()


def _font(run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = FALLBACK_FONT if name == BODY_FONT else name
    run.font.color.rgb = RGBColor(0, 0, 0)  # 公文 text is black; the default template colours headings blue
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)  # the CJK font; Latin text falls back to the ascii font


class Writer:
    def __init__(self):
        from docx import Document
        from docx.oxml.ns import qn
        from docx.shared import Cm

        self.doc = Document()
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4, GB/T 9704 margins
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        self.doc.core_properties.language = "zh-CN"
        # the default template's Title style draws a rule under the title: a 公文 title has none
        title = self.doc.styles["Title"].element.pPr
        for border in title.findall(qn("w:pBdr")) if title is not None else ():
            title.remove(border)

    def title(self, text: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = self.doc.add_paragraph(style="Title")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(text), TITLE_FONT, 22)

    def heading(self, text: str, level: int = 1) -> None:
        p = self.doc.add_paragraph(style=f"Heading {level}")
        _font(p.add_run(text), HEADING_FONT if level == 1 else "楷体_GB2312", 16, bold=level == 1)

    def para(self, text: str, indent: bool = True, size: float = 16) -> None:
        from docx.shared import Pt

        for line in [l for l in plain(text).split("\n") if l.strip()] or [""]:
            p = self.doc.add_paragraph()
            if indent:
                p.paragraph_format.first_line_indent = Pt(size * 2)
            p.paragraph_format.line_spacing = Pt(28)
            _font(p.add_run(line.strip()), BODY_FONT, size)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def one_source(s) -> str:
    title = f"《{s.title}》" if s.title else s.description
    if s.title and s.description:
        title += f"（{s.description}）"
    return "，".join([title] + [p for p in (s.publisher, s.author, s.date, s.doc_number, s.url) if p])


def source_text(record: RecordBase) -> str:
    """All of a record's sources, in its order: 《标题》，发布单位，作者，日期，文号，网址；…"""
    return "；".join(one_source(s) for s in record.sources)


def _record(w: Writer, catalog: Catalog, r: RecordBase, numbered: list[str] | None = None) -> None:
    region = "".join(n.name for n in catalog.region_path(r.region))
    models = "、".join(catalog.model_by_id[m].name for m in r.models)
    sections: list[tuple[str, list[str]]] = [("基本情况", [
        f"{KIND_NAMES[r.kind]}，{region}，{r.year or '年份原文未写明'}{'年' if r.year else ''}；治理模式：{models}。",
        r.summary])]
    if r.kind == "practice":
        sections.append(("背景", [r.background]))
        sections.append(("主要做法", [f"（{NUMERALS[i] if i < 10 else i + 1}）{s.title}。{plain(s.text)}"
                                   for i, s in enumerate(r.measures)]))
        if r.outcomes:
            sections.append(("成效", [f.statement for f in r.outcomes]))
        if r.replicability:
            rep = r.replicability
            sections.append(("可复制推广", [f"{label}：{'；'.join(items)}。" for label, items in
                                          (("适用条件", rep.conditions), ("关键要点", rep.key_points),
                                           ("注意事项", rep.cautions)) if items]))
    elif r.kind == "policy":
        sections.append(("制发情况", [f"{r.issuer}{'，' + r.doc_number if r.doc_number else ''}"
                                     f"{'，' + r.issue_date if r.issue_date else ''}。"]))
        sections.append(("总体目标", [f"{s.title}。{plain(s.text)}" for s in r.objectives]))
        sections.append(("重点任务", [f"（{NUMERALS[i] if i < 10 else i + 1}）{t.title}。{plain(t.text)}"
                                   for i, t in enumerate(r.tasks)]))
    else:
        sections.append(("项目情况", [f"建设主体：{r.owner}；状态：{r.status}。", r.description]))
        if r.components:
            sections.append(("主要组成", [f"{s.title}。{plain(s.text)}" for s in r.components]))
        if r.coverage or r.outcomes:
            sections.append(("覆盖与成效", [f.statement for f in [*r.coverage, *r.outcomes]]))
    for i, (heading, paragraphs) in enumerate(sections):
        w.heading(f"{NUMERALS[i]}、{heading}")
        for text in paragraphs:
            w.para(text)
    w.para(f"来源：{source_text(r)}。据{SITE_NAME}整理（记录 {r.id}，"
           f"{'核对于 ' + r.review.checked if r.review.checked else '收录于 ' + r.review.added}）。",
           indent=False, size=12)


def record_docx(catalog: Catalog, r: RecordBase) -> bytes:
    w = Writer()
    w.title(r.title)
    _record(w, catalog, r)
    return w.bytes()


def model_docx(catalog: Catalog, model_id: str, today: date | None = None) -> bytes:
    model = catalog.model_by_id[model_id]
    w = Writer()
    w.title(f"{model.name}经验汇编")
    w.para(model.description)
    w.para(f"关键要素：{'、'.join(model.key_elements)}。")
    for r in catalog.records_of_model(model_id):
        w.title(r.title)
        _record(w, catalog, r)
    w.para(f"本汇编由{SITE_NAME}于{(today or date.today()).isoformat()}生成。", indent=False, size=12)
    return w.bytes()


def documents(catalog: Catalog) -> dict[str, bytes]:
    out = {word_path("record", r.id): record_docx(catalog, r) for r in catalog.records}
    out.update({word_path("model", m.id): model_docx(catalog, m.id) for m in catalog.models})
    return out
