"""Word briefing documents (.docx), made at build time: one per record and one per governance
model (its records, one after another), laid out as Chinese government offices expect — a
centred title in 小标宋 style, 一、二、 headings in 黑体, body text in 仿宋_GB2312 at 三号 (16 pt)
with 宋体/SimSun fallbacks for machines without it, and a source note at the end.

python-docx builds the package once (page, styles, properties); each record's paragraphs are
written as WordprocessingML text once and a document is its package plus paragraphs, so the
work is linear in the catalogue and a model's compilation repeats its records' paragraphs.
Documents are cached by content under .cache/word/ and are the same bytes on every build.

Record Markdown reaches the document as plain text (Markdown marks stripped, XML escaped):
nothing in a record is interpreted by Word.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator
from xml.sax.saxutils import escape
from zipfile import ZipFile

from .cache import Cache, content_key
from .catalog import Catalog
from .memo import RecordMemo, remember
from .ooxml import zip_entry
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


# Each kind of paragraph as WordprocessingML, written as text: the same properties python-docx
# wrote on every paragraph before, without its per-call style lookups and its appends that scan
# the whole body (quadratic in a document's length).
def _paragraph_start(font: str, size: float, *, style: str | None = None, indent: bool = False,
                     centred: bool = False, bold: bool = False) -> str:
    latin = FALLBACK_FONT if font == BODY_FONT else font  # the CJK font is eastAsia; Latin text falls back
    props = f'<w:pStyle w:val="{style}"/>' if style else '<w:spacing w:line="560" w:lineRule="exact"/>'
    props += f'<w:ind w:firstLine="{round(size * 40)}"/>' if indent else ""  # two characters, in twips
    props += '<w:jc w:val="center"/>' if centred else ""
    weight = "<w:b/>" if bold else '<w:b w:val="0"/>'
    # 公文 text is black; the default template colours headings blue
    return (f'<w:p><w:pPr>{props}</w:pPr><w:r><w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" '
            f'w:eastAsia="{font}"/>{weight}<w:color w:val="000000"/><w:sz w:val="{round(size * 2)}"/></w:rPr>')


TITLE = _paragraph_start(TITLE_FONT, 22, style="Title", centred=True)  # 二号
HEADING = _paragraph_start(HEADING_FONT, 16, style="Heading1", bold=True)
BODY = _paragraph_start(BODY_FONT, 16, indent=True)  # 三号, 28 pt lines
NOTE = _paragraph_start(BODY_FONT, 12)  # the source note
PARAGRAPH_END = "</w:r></w:p>"
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # XML 1.0 cannot hold them
RUN_BREAKS = re.compile(r"([\t\r\n])")
PLAIN_TEXT = re.compile("[^\x00-\x1f\ufffe\uffff\ud800-\udfff]*")  # nothing but escaping to do


def _run_text(text: str) -> str:
    """A run's text as python-docx writes it: escaped, a tab as <w:tab/>, a line break as <w:br/>."""
    if PLAIN_TEXT.fullmatch(text) and text.strip() == text:
        return f"<w:t>{escape(text)}</w:t>" if text else ""
    out = []
    for piece in RUN_BREAKS.split(NOT_IN_XML.sub("", text)):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece.strip() != piece else ""
            out.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(out)


def _title(text: str) -> str:
    return TITLE + _run_text(text) + PARAGRAPH_END


def _heading(text: str) -> str:
    return HEADING + _run_text(text) + PARAGRAPH_END


def _paras(text: str, start: str = BODY) -> str:
    """Markdown as plain-text paragraphs, one per non-empty line."""
    lines = [line.strip() for line in plain(text).split("\n") if line.strip()] or [""]
    return "".join(start + _run_text(line) + PARAGRAPH_END for line in lines)


KEEP_STYLES = ("Normal", "Title", "Heading1")
# parts of the default template nothing uses (the theme too: every run names its fonts and colour)
DROP_PARTS = ("stylesWithEffects", "webSettings", "customXml", "numbering", "thumbnail", "theme")
DOCUMENT_PART = "word/document.xml"


@dataclass(frozen=True)
class Package:
    """Everything in a .docx but the paragraphs: built once with python-docx from its default
    template, pruned to the styles the paragraphs use, and split around the body."""

    parts: bytes  # a zip of every part but word/document.xml, compressed once
    head: bytes  # word/document.xml up to the first paragraph
    tail: bytes  # the section properties (A4, margins) and the end of the document
    digest: str  # of all the above: a cached document is reused only with the same package

    def docx(self, paragraphs: Iterable[str]) -> bytes:
        """A document of these paragraphs (WordprocessingML <w:p> elements, as text)."""
        draft = Draft(self)
        for xml in paragraphs:
            draft.write(xml)
        return draft.close()


class Draft:
    """A document being written: the package's zip with word/document.xml streamed into it, so
    a compilation of thousands of records is never held as one string."""

    def __init__(self, package: Package):
        self.out = io.BytesIO(package.parts)
        self.out.seek(0, io.SEEK_END)
        self.zip = ZipFile(self.out, "a")
        self.body = self.zip.open(zip_entry(DOCUMENT_PART), "w")
        self.body.write(package.head)
        self.tail = package.tail

    def write(self, xml: str) -> None:
        self.body.write(xml.encode("utf-8"))

    def close(self) -> bytes:
        self.body.write(self.tail)
        self.body.close()
        self.zip.close()
        return self.out.getvalue()


@lru_cache(maxsize=2)
def package(updated: str) -> Package:
    """`updated` (the catalogue's last update, 2024-05-01) is the documents' creation and
    modification date: not the build's, so the same catalogue gives the same bytes."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4, GB/T 9704 margins
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    properties = doc.core_properties
    properties.language, properties.author, properties.comments = "zh-CN", SITE_NAME, ""
    if updated:
        properties.created = properties.modified = datetime.fromisoformat(updated)
    # the default template's Title style draws a rule under the title: a 公文 title has none
    title = doc.styles["Title"].element.pPr
    for border in title.findall(qn("w:pBdr")) if title is not None else ():
        title.remove(border)
    _prune_styles(doc.styles.element, qn)
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype.rsplit("/", 1)[1] in DROP_PARTS]:
            rels.pop(rid)
    buffer = io.BytesIO()
    doc.save(buffer)
    parts = io.BytesIO()
    with ZipFile(buffer) as template, ZipFile(parts, "w") as z:
        for name in template.namelist():  # the template's order; the document comes last
            if name != DOCUMENT_PART:
                z.writestr(zip_entry(name), template.read(name))
        document = template.read(DOCUMENT_PART)
    body = document.index(b"<w:body>") + len(b"<w:body>")
    head, tail = document[:body], document[document.index(b"<w:sectPr", body):]
    assert document[body:len(document) - len(tail)] == b"", "the template's body holds only its section"
    return Package(parts.getvalue(), head, tail, hashlib.blake2b(parts.getvalue() + head + tail).hexdigest())


def _prune_styles(styles, qn) -> None:
    """Keep the styles the paragraphs use, what they are based on or linked to, and the defaults;
    the template's hundreds of others (and its latent styles) cost every document 12 KB."""
    by_id = {s.get(qn("w:styleId")): s for s in styles.iterchildren(qn("w:style"))}
    wanted = [*KEEP_STYLES, *(i for i, s in by_id.items() if s.get(qn("w:default")) == "1")]
    keep: set[str] = set()
    while wanted:
        style_id = wanted.pop()
        if style_id in keep or style_id not in by_id:
            continue
        keep.add(style_id)
        for ref in ("basedOn", "next", "link"):
            element = by_id[style_id].find(qn(f"w:{ref}"))
            if element is not None:
                wanted.append(element.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)

def one_source(s) -> str:
    title = f"《{s.title}》" if s.title else s.description
    if s.title and s.description:
        title += f"（{s.description}）"
    return "，".join([title] + [p for p in (s.publisher, s.author, s.date, s.doc_number, s.url) if p])


def source_text(record: RecordBase) -> str:
    """All of a record's sources, in its order: 《标题》，发布单位，作者，日期，文号，网址；…"""
    return "；".join(one_source(s) for s in record.sources)


def _place(catalog: Catalog, r: RecordBase) -> str:
    return "".join(n.name for n in catalog.region_path(r.region))


def _model_names(catalog: Catalog, r: RecordBase) -> str:
    return "、".join(catalog.model_by_id[m].name for m in r.models)


def record_xml(catalog: Catalog, r: RecordBase) -> str:
    """A record's part of a document, as WordprocessingML paragraphs: its title, its sections and
    its source note. The record's own document and its models' compilations are made of these;
    of the catalogue they read only the record's place and its models' names (iter_documents
    keys the documents on these)."""
    region = _place(catalog, r)
    models = _model_names(catalog, r)
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
    out = [_title(r.title)]
    for i, (heading, paragraphs) in enumerate(sections):
        out.append(_heading(f"{NUMERALS[i]}、{heading}"))
        out.extend(_paras(text) for text in paragraphs)
    out.append(_paras(f"来源：{source_text(r)}。据{SITE_NAME}整理（记录 {r.id}，"
                      f"{'核对于 ' + r.review.checked if r.review.checked else '收录于 ' + r.review.added}）。", NOTE))
    return "".join(out)



def updated(catalog: Catalog) -> str:
    """The catalogue's last update (2024-05-01): the latest date a record was added or checked."""
    return max((d for r in catalog.records for d in (r.review.added, r.review.checked) if d), default="")


def _model_intro(catalog: Catalog, model_id: str) -> str:
    model = catalog.model_by_id[model_id]
    return (_title(f"{model.name}经验汇编") + _paras(model.description)
            + _paras(f"关键要素：{'、'.join(model.key_elements)}。"))


def _model_end(catalog: Catalog) -> str:
    from .render import cn_date  # render imports this module

    date = updated(catalog)
    return _paras(f"本汇编由{SITE_NAME}整理，内容截至{cn_date(date) if date else '编印时'}。", NOTE)


def record_docx(catalog: Catalog, r: RecordBase) -> bytes:
    return package(updated(catalog)).docx([record_xml(catalog, r)])


def model_docx(catalog: Catalog, model_id: str) -> bytes:
    """A governance model's compilation: its description, then each of its records in full."""
    records = (record_xml(catalog, r) for r in catalog.records_of_model(model_id))
    return package(updated(catalog)).docx([_model_intro(catalog, model_id), *records, _model_end(catalog)])


def documents(catalog: Catalog, cache: Path | None = None) -> dict[str, bytes]:
    """Every record's document and every model's compilation, by site path (see iter_documents)."""
    return {path: doc.read_bytes() if isinstance(doc, Path) else doc for path, doc in iter_documents(catalog, cache)}


def iter_documents(catalog: Catalog, cache: Path | None = None,
                   memo: RecordMemo | None = None) -> Iterator[tuple[str, bytes | Path]]:
    """Every record's document, then every model's compilation, by site path, in one pass over
    the records: a record's paragraphs are written once, into its own document and into its
    models' compilations. With `cache` (the project's .cache/) each document is a file there (a
    Path), keyed by what it is made from (the record, its place and models' names, the package),
    so a build makes only the documents a change touched, and nobody holds the bytes of
    thousands of documents. With `memo` (`kb serve`) an unchanged record's key and paragraphs are
    those of the last build."""
    store = Cache(cache, "word")
    pack = package(updated(catalog))
    about = {r.id: (_place(catalog, r), _model_names(catalog, r)) for r in catalog.records}  # all record_xml reads
    basis = {r.id: remember(memo, "docx-key", r, (pack.digest, about[r.id]),
                            lambda: content_key("docx", pack.digest, r.model_dump_json(), *about[r.id]))
             for r in catalog.records}
    end = _model_end(catalog)
    compiled = {m.id: content_key("docx-model", pack.digest, _model_intro(catalog, m.id), end,
                                  *(basis[r.id] for r in catalog.records_of_model(m.id)))
                for m in catalog.models}
    drafts = {m: Draft(pack) for m, key in compiled.items() if not store.has(key)}
    for model_id, draft in drafts.items():
        draft.write(_model_intro(catalog, model_id))
    for r in catalog.records:
        into = [drafts[m] for m in dict.fromkeys(r.models) if m in drafts]  # in id order, as records_of_model
        xml = remember(memo, "docx-xml", r, about[r.id], lambda: record_xml(catalog, r)) if into else None
        for draft in into:
            draft.write(xml)
        yield word_path("record", r.id), store.file(basis[r.id], lambda: pack.docx([xml or record_xml(catalog, r)]))
    for m in catalog.models:
        draft = drafts.pop(m.id, None)
        if draft is not None:
            draft.write(end)
        yield word_path("model", m.id), store.file(compiled[m.id], draft.close if draft else lambda: model_docx(catalog, m.id))
