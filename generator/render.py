"""Catalog → Markdown pages, in memory, through Jinja2 templates.

Record text is data, never template: it only ever enters a template as a variable. Plain-text
fields are escaped for both HTML and Markdown on output (the environment's `finalize`), so a
title shows literally whatever it holds; Markdown fields are passed as Markdown with every `<`
neutralised, so no raw HTML from a record reaches a page even if a check were bypassed.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Mapping, Sequence
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .briefing import word_path
from .cache import Cache, content_key
from .catalog import Catalog
from .charts import Bar, bar_chart, tile_map
from .completeness import NOT_PROVIDED, completeness, missing_sections
from .load import iter_strings
from .memo import RecordMemo, remember
from .routes import BROWSE_PAGE, COMPARE_PAGE, DOWNLOADS, DOWNLOADS_PAGE, KINDS_PAGE, STATUS_PAGE, kind_path, model_path, region_path, tag_path
from .routes import Routes, relative_path
from .routes import record_path as md_path
from .safety import IMAGE, site_relative, too_big
from .schema import KIND_FOLDERS, KIND_NAMES, KINDS, Amount, Figure, RecordBase

# Plain text → Markdown in one pass: & < > as entities (quotes stay plain text: never an attribute
# value here, and &#34; would show in Material's page title once MkDocs re-escapes the heading),
# and a backslash before every character Markdown could read as syntax
MD_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: "\\" + c for c in "\\`*_{}[]()#+-.!|"}})
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
CODE_SPAN = re.compile(r"(`[^`]*`)")
MD_LINK_OR_CODE = re.compile(r"(`[^`]*`|!?\[[^\]]*\]\([^)]*\))")
# a link destination with a scheme other than http, https or mailto (inline or reference style)
UNSAFE_LINK = re.compile(r"(\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?)(?:(?!https?://|mailto:)[A-Za-z][\w+.-]*:|//|/\\)[^)\s]*",
                         re.MULTILINE)


TITLE_SAFE = str.maketrans({'"': "”", "(": "（", ")": "）", "\\": "＼", "[": "【", "]": "】", "<": "＜", "&": "＆"})


@dataclass(frozen=True)
class Page:
    """One generated page: where it lives in the docs tree and its Markdown."""

    path: str  # e.g. "practices/hebi-yiping-sihui.md"
    markdown: str


def md_text(value: Any) -> Markup:
    """Plain text → Markdown that renders as exactly this text."""
    text = str(value)
    return _short_md_text(text) if len(text) <= 64 else Markup(" ".join(text.split()).translate(MD_TEXT))


@lru_cache(maxsize=4096)
def _short_md_text(text: str) -> Markup:
    """md_text of a name, label, date or number: the same few hundred are on every page."""
    return Markup(" ".join(text.split()).translate(MD_TEXT))


def slug(value: str) -> Markup:
    """An id already validated as [a-z0-9-]: safe in URLs, anchors and attributes as it is."""
    if not SLUG.fullmatch(value):
        raise ValueError(f"not a slug: {value!r}")
    return Markup(value)


def url(value: str) -> Markup:
    """An http(s) URL as a Markdown link destination."""
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {value!r}")
    return Markup(str(escape(value)).replace("(", "%28").replace(")", "%29").replace(" ", "%20"))


def number(value: float) -> Markup:
    return Markup(f"{value:g}" if abs(value) < 1e15 else str(value))


def cn_date(value: str) -> str:
    """2022-04-19 → 2022年4月19日 (2022-04 → 2022年4月; 2022 → 2022年)."""
    parts = [int(p) for p in str(value).split("-")]
    return "".join(f"{n}{unit}" for n, unit in zip(parts, "年月日"))


def newest_first(records) -> list[RecordBase]:
    """By date added, then id, newest first: the browse page's 按收录时间 sorts the same way."""
    return sorted(records, key=lambda r: (r.review.added, r.id), reverse=True)


def last_update(catalog: Catalog) -> str:
    """The catalogue's last update, for the footer: the latest date a record was added or checked."""
    dates = [d for r in catalog.records for d in (r.review.added, r.review.checked)]
    return cn_date(max(dates)) if dates else ""


PREFIX_QUALIFIERS = ("约", "近", "超过", "不足")  # 约1800人; 1800余人, 1800多人


def _num(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else str(value)


def amount_text(amount: Amount) -> str:
    """A quantity as Chinese prose writes it: 1800余人, 约30%, 10–20个, 2019—2021年."""
    if amount.low is not None and amount.high is not None:
        number_ = f"{_num(amount.low)}–{_num(amount.high)}"
    elif amount.value is not None:
        number_ = _num(amount.value)
    else:
        number_ = ""
    qualifier, unit = amount.qualifier or "", amount.unit or ""
    if qualifier in PREFIX_QUALIFIERS:
        text = f"{qualifier}{number_}{unit}"
    elif len(unit) > 1 and unit[0] in "十百千万亿" and "." in number_:  # 73.7万余人; but 20余万人次
        text = f"{number_}{unit[0]}{qualifier}{unit[1:]}"
    else:
        text = f"{number_}{qualifier}{unit}"
    label = getattr(amount, "label", None)
    return f"{label}:{text}" if label else text


def years_text(amount: Amount) -> str:
    if amount.year is None:
        return ""
    return f"{amount.year}—{amount.year_end}年" if amount.year_end else f"{amount.year}年"


def _standalone(statement: str, number: str) -> tuple[int, int] | None:
    r"""Where `number` first stands alone in `statement` (not inside a longer number or a decimal):
    the regex (?<![\d.])number(?![\d]|\.\d), without compiling one per number."""
    start = statement.find(number)
    while start != -1:
        end = start + len(number)
        before = statement[start - 1] if start else ""
        after = statement[end:end + 2]
        if not (before.isdecimal() or before == "." or after[:1].isdecimal()
                or (after[:1] == "." and after[1:].isdecimal())):
            return start, end
        start = statement.find(number, start + 1)
    return None


def _number_spans(statement: str, amount: Amount) -> list[tuple[int, int]]:
    """Where the amount's number(s) stand in the statement, so they are marked there, not repeated."""
    numbers = [amount.low, amount.high] if amount.low is not None else [amount.value]
    spans = []
    for value in numbers:
        if value is None:
            continue
        span = _standalone(statement, _num(value))
        if span is None:
            return []
        spans.append(span)
    return spans


def _md_part(text: str) -> Markup:
    """md_text for a piece of a sentence: the spaces at its ends belong to the sentence, and stay."""
    if not text.strip():
        return Markup(" " if text else "")
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return Markup(lead) + md_text(text) + Markup(trail)


def figure_markdown(figure: Figure) -> Markup:
    """The statement with each of its figures in bold where it stands; a figure the statement does
    not spell out is added after it, with its years, so nothing the record holds is lost."""
    statement = " ".join(figure.statement.split())
    spans: list[tuple[int, int]] = []
    extra: list[str] = []
    for amount in figure.quantities:
        found = _number_spans(statement, amount)
        if found:
            spans += found
        else:
            extra.append(amount_text(amount))
        years = years_text(amount)
        if years and years not in statement and str(amount.year) not in statement:
            extra.append(years)
    out, last = [], 0
    for start, end in sorted(set(spans)):
        if start < last:
            continue
        out += [_md_part(statement[last:start]), Markup("**"), md_text(statement[start:end]), Markup("**")]
        last = end
    out.append(_md_part(statement[last:]))
    if extra:
        out.append(Markup("(") + Markup(",").join(md_text(e) for e in dict.fromkeys(extra)) + Markup(")"))
    return Markup("").join(out)


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or value is None:
        return value
    return md_text(value)


class GlossaryLinker:
    """Links the first mention of each glossary term on a page to its entry, with the definition
    as the link's title (shown as a tooltip on hover, focus and touch)."""

    def __init__(self, catalog: Catalog):
        pairs = [(word, term.id) for term in catalog.glossary for word in (term.term, *term.aliases)]
        pairs.sort(key=lambda pair: -len(pair[0]))  # longest first: 三调联动机制 before 三调联动
        self._ids = dict(pairs)
        # a Markdown link title: Markdown escapes it for HTML; quotes, brackets and backslashes could end it early
        self._titles = {t.id: " ".join(t.definition.split()).translate(TITLE_SAFE) for t in catalog.glossary}
        self._pattern = re.compile("|".join(re.escape(w) for w, _ in pairs)) if pairs else None

    def users(self, records, memo: RecordMemo | None = None) -> dict[str, list[RecordBase]]:
        """Term id → the records whose text mentions the term or an alias."""
        out: dict[str, list[RecordBase]] = {}
        if self._pattern is None:
            return out
        # the memo's context: what finding mentions reads besides the record, as one short string
        terms = content_key("glossary-terms", self._pattern.pattern, repr(list(self._ids.items())))
        for record in records:
            for term_id in remember(memo, "glossary-users", record, terms, lambda: self._mentions(record)):
                out.setdefault(term_id, []).append(record)
        return out

    def _mentions(self, record: RecordBase) -> tuple[str, ...]:
        text = "\n".join(t for _, t in iter_strings(record.model_dump()))
        return tuple(dict.fromkeys(self._ids[w] for w in self._pattern.findall(text)))

    def link(self, markdown: str, page: str, seen: set[str]) -> str:
        if self._pattern is None:
            return markdown
        glossary = relative_path("glossary.md", posixpath.dirname(page))

        def replace(match: re.Match) -> str:
            term_id = self._ids[match.group(0)]
            if term_id in seen:
                return match.group(0)
            seen.add(term_id)
            title = self._titles[term_id]
            return f'[{match.group(0)}]({glossary}#{term_id} "{title}"){{ .kb-term }}'

        parts = MD_LINK_OR_CODE.split(markdown)
        # odd parts are existing links and code spans: left as they are
        return "".join(part if i % 2 else self._pattern.sub(replace, part) for i, part in enumerate(parts))


def preformatted(text: str) -> Markup:
    """An indented code block: Markdown escapes it and parses nothing inside, in linear time."""
    return Markup("\n".join("    " + line if line.strip() else "" for line in text.splitlines()))


def _image(match: re.Match) -> str:
    target = match.group(1)
    if target is not None and site_relative(target):
        return match.group(0)
    return "\\" + match.group(0)  # `\![alt](…)`: shown as text, never fetched


def neutralise(markdown: str) -> str:
    """No attribute lists and no images from elsewhere in record Markdown: `{` is escaped (so
    `{: onclick=…}` is shown as text) and `![…](//host/…)` becomes plain text. Code spans show
    their text literally and are left alone."""
    parts = CODE_SPAN.split(markdown)
    return "".join(part if i % 2 else IMAGE.sub(_image, part.replace("{", "\\{").replace("}", "\\}"))
                   for i, part in enumerate(parts))


LIST_LIMIT = 100  # records a listing shows before it links to the rest
TERM_USERS_LIMIT = 20  # records the glossary names for a term


class Renderer:
    def __init__(self, catalog: Catalog, *, source_url: str | None = None,
                 similar: Mapping[str, Sequence[str]] | None = None, routes: Routes | None = None,
                 cache: Cache | None = None, memo: RecordMemo | None = None):
        self.catalog = catalog
        self.memo = memo  # `kb serve`: what each unchanged record gave last build
        self.cache = cache or Cache(None, "record-pages")  # record pages remembered between builds
        self.routes = routes or Routes()  # the charts' links are raw HTML: their URLs are written out
        self.similar = similar or {}  # record id -> computed similar record ids (search.similar_records)
        self.source_url = source_url.rstrip("/") + "/" if source_url else None
        self.glossary = GlossaryLinker(catalog)
        self._rows: dict[tuple[str, bool], dict[str, str]] = {}  # (folder, show kind) -> record id -> row
        self._row_texts: dict[str, tuple[str, str, str]] = {}
        self._region_labels: dict[str, str] = {}
        self.env = Environment(
            loader=PackageLoader("generator", "templates"),
            autoescape=True,
            finalize=_finalize,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=memo.templates if memo is not None else None,
            auto_reload=False,  # a build's templates do not change while it renders thousands of pages
        )
        self.env.filters["md"] = self._markdown_field
        self.env.filters.update(text=md_text, slug=slug, url=url, number=number, cn_date=cn_date,
                                figure=figure_markdown)
        self.env.globals.update(KIND_NAMES=KIND_NAMES, KIND_FOLDERS=KIND_FOLDERS, KINDS=KINDS, catalog=catalog,
                                NOT_PROVIDED=NOT_PROVIDED, region_label=self.region_label, record_rows=self.record_rows,
                                browse_link=self.browse_link, page_link=self.page_link,
                                term_users=self.term_users, related_rows=self.related_rows,
                                missing_sections=missing_sections, completeness=completeness,
                                word_path=word_path, DOWNLOADS_PAGE=DOWNLOADS_PAGE)

    # --- filters -------------------------------------------------------------------------------
    def _markdown_field(self, value: str, page: str, seen: set[str]) -> Markup:
        if too_big(value):  # kb check refuses it; forced through, it is shown as preformatted text,
            return preformatted(value)  # which Markdown renders in linear time (escaped text is not)
        safe = UNSAFE_LINK.sub(r"\1#", value.replace("&", "&amp;").replace("<", "&lt;"))
        return Markup(self.glossary.link(neutralise(safe), page, seen))

    def region_label(self, region_id: str) -> str:
        """The full path of a region, as Chinese writes it: 湖南省邵阳市洞口县."""
        label = self._region_labels.get(region_id)
        if label is None:
            label = self._region_labels[region_id] = "".join(n.name for n in self.catalog.region_path(region_id))
        return label

    def record_rows(self, records: Sequence[RecordBase], page_path: str, more: Markup, show_kind: bool = True) -> Markup:
        """A listing's records (_macros.md.j2 record_list): each row is escaped once per folder and
        reused by every listing there that shows the record (its regions up to the province, its
        models, tags and kind), instead of once per listing.

        A long listing shows its first LIST_LIMIT records, then says how many there are and where
        they all are, `more` (a link from browse_link or page_link): a page never grows with the
        catalogue, and one record's edit never rewrites megabytes of listings."""
        start = posixpath.dirname(page_path)
        made = self._rows.setdefault((start, show_kind), {})
        rows = []
        for r in records[:LIST_LIMIT]:
            row = made.get(r.id)
            if row is None:
                _, meta, summary = self._row_text(r)
                kind = f"{md_text(KIND_NAMES[r.kind])} · " if show_kind else ""
                row = made[r.id] = (f'- {self._record_link(r, start)}{{ .kb-record data-id="{slug(r.id)}" }}\n'
                                    f'  <span class="kb-meta">{kind}{meta}</span>\n  {summary}\n')
            rows.append(row)
        if len(records) > LIST_LIMIT:
            rows.append(f"\n以上是前 {LIST_LIMIT} 条，共 {len(records)} 条，全部记录见{more}。\n{{ .kb-list-more }}\n")
        return Markup("".join(rows) if rows else "暂无记录。\n")

    @staticmethod
    def page_link(page_path: str, label: str, target: str, query: str = "") -> Markup:
        """A Markdown link to the page of `target`: the engine writes its address for every URL style."""
        return Markup(f"[{md_text(label)}]({escape(relative_path(target, posixpath.dirname(page_path)) + query)})")

    def browse_link(self, page_path: str, **filters: str) -> Markup:
        """A link to the browse page with `filters` set, in the query (kb-browse.js reads it when the
        address has no fragment): a fragment would be checked as a heading of the browse page."""
        return self.page_link(page_path, "筛选浏览", BROWSE_PAGE, "?" + urlencode(filters, quote_via=quote))

    def term_users(self, records: Sequence[RecordBase], page_path: str) -> Markup:
        """The glossary's links to the records using a term, the first TERM_USERS_LIMIT of them (a
        common term has thousands): each record's title is escaped once for all the terms it uses."""
        start = posixpath.dirname(page_path)
        links = "、".join(f'{self._record_link(r, start)}{{ .kb-term-user data-id="{slug(r.id)}" }}'
                           for r in records[:TERM_USERS_LIMIT])
        return Markup(links + (f"等，共 {len(records)} 条" if len(records) > TERM_USERS_LIMIT else ""))

    def related_rows(self, relation: str, records: Sequence[RecordBase], page_path: str) -> Markup:
        """A record page's related records of one relation, one line each (_record.md.j2): written
        here rather than in the template, as every page has several and each line is seven values."""
        start = posixpath.dirname(page_path)
        return Markup("".join(
            f'- {self._record_link(t, start)}{{ .kb-link data-relation="{slug(relation)}" data-id="{slug(t.id)}" }}'
            f'（{md_text(KIND_NAMES[t.kind])} · {md_text(self.region_label(t.region))}）\n' for t in records))

    def _record_link(self, r: RecordBase, start: str) -> str:
        """`[title](path)` of a record's page, from the folder `start`."""
        return f"[{self._row_text(r)[0]}]({escape(relative_path(md_path(r), start))})"

    def _row_text(self, r: RecordBase) -> tuple[str, str, str]:
        """A record's title, place and year, and summary, escaped: the same in every folder."""
        text = self._row_texts.get(r.id)
        if text is None:
            label = self.region_label(r.region)
            text = self._row_texts[r.id] = remember(self.memo, "row-text", r, label, lambda: self._make_row_text(r, label))
        return text

    @staticmethod
    def _make_row_text(r: RecordBase, region_label: str) -> tuple[str, str, str]:
        year = f" · {md_text(r.year)}年" if r.year else ""
        return md_text(r.title), f"{md_text(region_label)}{year}", md_text(r.summary)

    # --- pages ---------------------------------------------------------------------------------
    def _render(self, template: str, path: str, **context: Any) -> Page:
        start = posixpath.dirname(path)

        def href(target: str) -> Markup:
            return Markup(escape(relative_path(target, start)))

        markdown = self.env.get_template(template).render(
            page_path=path, href=href, md_path=md_path, tag_path=tag_path, region_path=region_path,
            model_path=model_path, kind_path=kind_path, seen=set(), **context)
        return Page(path, markdown)

    def pages(self) -> list[Page]:
        c = self.catalog
        out = [self._render("models.md.j2", "models/index.md")]
        out += [self._render("model.md.j2", model_path(m.id), model=m, records=c.records_of_model(m.id),
                             charts=self.model_charts(m.id))
                for m in c.models]
        out.append(self._render("regions.md.j2", "regions/index.md"))
        # regions without records stay in the data and the exports, but get no page to land on
        out += [self._render("region.md.j2", region_path(rid), region=node, path_nodes=c.region_path(rid),
                             own=c.records_in_region(rid, include_children=False),
                             records=c.records_in_region(rid))
                for rid, node in c.regions.items() if c.records_in_region(rid)]
        out.append(self._render("kinds.md.j2", KINDS_PAGE))
        out += [self._render("kind.md.j2", kind_path(k), kind=k, records=c.records_of_kind(k))
                for k in KINDS]
        out.append(self._render("tags.md.j2", "tags/index.md"))
        out += [self._render("tag.md.j2", tag_path(t), tag=t, records=list(rs)) for t, rs in c.tags.items()]
        out.append(self._render("glossary.md.j2", "glossary.md", users=self.glossary.users(c.records, self.memo)))
        out.append(self._render("status.md.j2", STATUS_PAGE,
                                records=sorted(c.records, key=lambda r: (completeness(r)[0] / completeness(r)[1],
                                                                         r.id))))
        out.append(self._render("browse.md.j2", BROWSE_PAGE))
        out.append(self._render("compare.md.j2", COMPARE_PAGE))
        out += [self._record_page(r) for r in c.records]
        self._rows.clear()  # listings are done: their rows are not needed again
        self._row_texts.clear()
        return out

    def _record_page(self, record: RecordBase) -> Page:
        path = md_path(record)
        file = self.catalog.files[record.id]
        region_nodes = self.catalog.region_path(record.region)
        related = self.related_groups(record)

        def render() -> Page:
            return self._render(f"{record.kind}.md.j2", path, r=record, region_nodes=region_nodes,
                                related=related, source_file=file,
                                source_href=self.source_url + file if self.source_url else None)

        if self.cache.folder is None:
            return render()
        # everything the record templates read: the record, where it and its other regions sit,
        # the models' and glossary's names, and what each related record shows of itself
        # (the templates and this code are in content_key's generator fingerprint)
        c = self.catalog
        around = (path, file, self.source_url or "", self._shared_key,
                  repr([(n.id, n.name, n.level) for n in region_nodes]),
                  repr([(f.region, c.regions[f.region].name) for f in getattr(record, "further_regions", None) or ()]),
                  repr([(rel, label, [(t.id, t.title, t.kind, t.region, self.region_label(t.region), md_path(t))
                                      for t in group]) for rel, label, group in related]))
        # `kb serve`: an unchanged record in the same surroundings has the same key (no dump, no hashing)
        key = remember(self.memo, "record-page-key", record, around,
                       lambda: content_key("record-page", record.model_dump_json(), *around))
        return Page(path, self.cache.get_or_make(key, lambda: render().markdown.encode("utf-8")).decode("utf-8"))

    @cached_property
    def _shared_key(self) -> str:
        """What every record page may show of the catalogue as a whole: model names, glossary."""
        c = self.catalog
        return content_key(repr(([(m.id, m.name) for m in c.models], [t.model_dump_json() for t in c.glossary])))

    def related_groups(self, record: RecordBase) -> list[tuple[str, str, list[RecordBase]]]:
        """(relation, label, records): explicit links by relation, then computed similar records;
        each record appears once, under its most specific relation."""
        groups: dict[tuple[str, str], list[RecordBase]] = {}
        seen: set[str] = set()
        links = sorted(self.catalog.links(record.id), key=lambda l: l.relation == "related")
        for link in links:
            if link.target not in seen:
                seen.add(link.target)
                groups.setdefault((link.relation, link.label), []).append(self.catalog.by_id[link.target])
        similar = [self.catalog.by_id[i] for i in self.similar.get(record.id, ()) if i not in seen]
        if similar:
            groups[("similar", "内容相似的记录")] = similar
        return [(relation, label, records) for (relation, label), records in groups.items()]

    # --- charts --------------------------------------------------------------------------------
    def _link(self, target: str, page: str, fragment: str = "") -> str:
        return self.routes.relative(target, page) + fragment

    def _years(self, records, page: str, facets: str = "") -> list[Bar]:
        counts: dict[int, int] = {}
        for r in records:
            if r.year:
                counts[r.year] = counts.get(r.year, 0) + 1
        return [Bar(f"{y}年", n, self._link(BROWSE_PAGE, page, f"#{facets}year={y}")) for y, n in sorted(counts.items())]

    def home_charts(self) -> Markup:
        c, page = self.catalog, "index.md"
        models = [Bar(m.name, len(c.records_of_model(m.id)), self._link(model_path(m.id), page)) for m in c.models]
        provinces = [Bar(c.regions[p].name, len(c.records_in_region(p)),
                         self._link(region_path(p), page) if c.records_in_region(p) else None) for p in c.top_regions]
        cities = [Bar("".join(n.name for n in c.region_path(cid)), len(c.records_in_region(cid)), self._link(region_path(cid), page))
                  for p in c.top_regions for cid in c.regions[p].children if c.records_in_region(cid)]
        return Markup("\n".join([
            tile_map("kb-chart-map", "各省（区、市）收录记录数", sorted(provinces, key=lambda b: -b.count), cities),
            bar_chart("kb-chart-models", "按治理模式的记录数", "治理模式", models),
            bar_chart("kb-chart-years", "按年份的记录数（原文未写明年份的不计）", "年份", self._years(c.records, page)),
        ]))

    def model_charts(self, model_id: str) -> Markup:
        """Links here stay inside the page (to its kind sections): engines disagree on how a relative
        link in raw HTML is resolved on a page that is not a folder index (Zensical rewrites it as
        relative to the Markdown file, MkDocs leaves it as written), and a fragment means the same to both."""
        c = self.catalog
        records = c.records_of_model(model_id)
        kinds = [Bar(KIND_NAMES[k], n, f"#kind-{k}") for k in KINDS if (n := sum(r.kind == k for r in records))]
        years = [Bar(b.label, b.count, None) for b in self._years(records, model_path(model_id))]
        return Markup("\n".join([
            bar_chart("kb-chart-kinds", "按类型的记录数", "类型", kinds),
            bar_chart("kb-chart-years", "按年份的记录数", "年份", years),
        ]))

    def home(self, newest: int = 8) -> str:
        """The generated part of the home page, appended to the hand-written introduction."""
        c = self.catalog
        topics = sorted(c.tags.items(), key=lambda item: (-len(item[1]), item[0]))[:12]
        return self._render("home.md.j2", "index.md", newest=newest_first(c.records)[:newest], topics=topics,
                            downloads=DOWNLOADS, charts=self.home_charts()).markdown


def render_pages(catalog: Catalog, *, source_url: str | None = None) -> list[Page]:
    return Renderer(catalog, source_url=source_url).pages()
