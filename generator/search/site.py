"""The site's search index: prebuilt, sharded, read by our search worker inside Material's UI.

Why not Material's own index: its browser worker downloads every page's text and builds a lunr
index from it at page load. Measured here (bench/scale.py) that is seconds at a few thousand
records, and the download grows with the catalogue. Material lets a site bring its own worker (the
`search` entry of its page configuration); ours speaks the same messages, so the search box, result
list, keyboard handling and highlighting stay Material's.

What is written (all under `search/`):
- `search_index.json`: Material's search configuration (its page highlighter reads the
  separator) and `config.kb`: number of shards, version, the query parameters
  (`generator.search.query.PARAMS`), the near-synonyms, the names an empty result suggests. Its
  `docs` is empty: Material fetches this file whole, so it must not grow with the catalogue.
- `kb/docs/<n>.js`: the table of documents (location, title, a one-line teaser, kind of page) in
  pieces of DOCS_PER_PIECE rows; the worker loads the pieces of the documents it lists.
- `kb/<n>.js`: the postings of every term whose first character's code is `n` modulo the number
  of shards: `{term: [doc delta, weight, ...]}` with BM25F weights (`postings`). A query loads only
  the shards of its own characters.
- `kb/t2s.js`: the traditional → simplified character map (the same one the analyzer uses).
- `kb/worker.js`: the worker (`generator/assets/search-worker.js`).

Records are indexed field by field from the Catalog (`search.fields.record_fields`); hand-written pages
and the glossary come from Material's own per-section entries. Listing pages are not indexed.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from array import array
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Mapping, Sequence

from ..cache import Cache
from ..schema import KIND_NAMES
from .fields import Analysed, Corpus
from .postings import RecordPostings, site_postings
from .related import SimilarState, cached_similar_records, update_similar_records
from .thesaurus import catalog_synonyms
from .query import PARAMS
from .text import Analyzer, domain_terms, t2s_map

DOCS_PER_PIECE = 100  # documents per piece of the table (search/kb/docs/<n>.js), ~25 KB raw
# A result lists at most this many pages (Material shows ten, then ten more on scrolling); each
# listed page may need its own piece of the table, so this bounds the requests before the list.
MAX_RESULTS = 20
GLOSSARY = re.compile(r"^glossary/(index\.html)?#")
SHARD_BYTES = 48 * 1024  # target raw size of one shard
MAX_SHARDS = 512
WORKER_PATH = "search/kb/worker.js"
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class PageEntry:
    """One searchable document that is not a record (a hand-written page section, the glossary)."""

    location: str
    title: str
    text: str  # plain text


def entries_from_material(docs: Sequence[Mapping]) -> list[PageEntry]:
    """Material's search entries (text segmented with U+200B, may hold a little HTML) → plain text."""
    out = []
    for doc in docs:
        title = html.unescape(TAG.sub("", str(doc.get("title", "")))).replace("\u200b", "")
        text = html.unescape(TAG.sub(" ", str(doc.get("text", "")))).replace("\u200b", "")
        out.append(PageEntry(str(doc.get("location", "")), " ".join(title.split()), " ".join(text.split())))
    return out


def _teaser(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build(corpus: Corpus, urls: Mapping[str, str], pages: Sequence[PageEntry], material_config: Mapping,
          synonyms: Mapping[str, list[str]] | None = None, record_part: RecordPostings | None = None) -> dict[str, bytes]:
    """Every file of the site's search index, by path under the site folder. `record_part`: the last
    build's postings of the records (`kb serve`), updated here for this one's."""
    catalog = corpus.catalog
    table: list[list[str]] = []  # per document: location, title, teaser, kind of page
    for doc in corpus.docs:
        record = catalog.by_id[doc.id]
        region = catalog.regions[record.region].name
        year = f" · {record.year}年" if record.year is not None else ""
        teaser = f"{KIND_NAMES[record.kind]} · {region}{year} — {record.summary}"
        table.append([urls[doc.id], html.escape(record.title, quote=False), html.escape(_teaser(teaser), quote=False),
                      KIND_NAMES[record.kind]])
    records = len(table)
    page_tokens = []
    for page in pages:
        kind = "术语" if GLOSSARY.match(page.location) else ""
        table.append([page.location, html.escape(page.title, quote=False), html.escape(_teaser(page.text), quote=False),
                      kind])
        page_tokens.append(corpus.text_tokens({"title": page.title, "body": page.text}))

    record_part = record_part if record_part is not None else RecordPostings()
    record_part.update(corpus.docs, corpus.df)
    postings = site_postings(record_part, page_tokens, corpus.df)

    total = sum(len(t) * 3 + 6 * len(p) for t, p in postings.items())
    shards = max(1, min(MAX_SHARDS, math.ceil(total / SHARD_BYTES)))
    grouped: dict[int, list[str]] = {i: [] for i in range(shards)}
    for term in sorted(postings):
        grouped[ord(term[0]) % shards].append(term)

    files: dict[str, bytes] = {}
    for i, terms in grouped.items():  # each shard's lists as Python lists only while it is written
        body = json.dumps({term: postings[term].tolist() for term in terms}, ensure_ascii=False, separators=(",", ":"))
        files[f"search/kb/{i}.js"] = f"kbShard({i},{body})\n".encode("utf-8")
    # The table of documents in pieces: a result loads only the pieces of the documents it lists.
    for k in range(0, max(1, len(table)), DOCS_PER_PIECE):
        body = json.dumps(table[k:k + DOCS_PER_PIECE], ensure_ascii=False, separators=(",", ":"))
        files[f"search/kb/docs/{k // DOCS_PER_PIECE}.js"] = f"kbDocs({k // DOCS_PER_PIECE},{body})\n".encode("utf-8")
    pairs = "".join(k + v for k, v in sorted(t2s_map().items()))
    files["search/kb/t2s.js"] = f"kbT2S({json.dumps(pairs, ensure_ascii=False)})\n".encode("utf-8")
    files[WORKER_PATH] = worker_source().encode("utf-8")
    version = hashlib.sha256(b"".join(files[k] for k in sorted(files))).hexdigest()[:12]
    config = dict(material_config)
    config["kb"] = {"shards": shards, "version": version, "records": records, "query": PARAMS,
                    "synonyms": dict(synonyms or {}), "suggest": suggestion_entries(pages, catalog, urls),
                    "per_piece": DOCS_PER_PIECE, "max_results": MAX_RESULTS}
    index = {"config": config, "docs": []}  # Material sends this to the worker; the table is in pieces
    files["search/search_index.json"] = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return files


def record_postings(corpus: Corpus) -> dict[str, array]:
    """The records' postings exactly as the site's index holds them (`kb search` ranks with these)."""
    return RecordPostings().update(corpus.docs, corpus.df)


def read_docs(site_dir: Path) -> list[dict]:
    """The table of documents of a built site, from its pieces (for tests and tools)."""
    out = []
    folder = Path(site_dir) / "search" / "kb" / "docs"
    for k in range(len(list(folder.glob("*.js")))):
        text = (folder / f"{k}.js").read_text(encoding="utf-8")
        body = text[text.index(",") + 1: text.rindex(")")]
        out += [{"location": r[0], "title": r[1], "text": r[2], "kind": r[3]} for r in json.loads(body)]
    return out


SUGGEST = re.compile(r"^(glossary/(index\.html)?#[^/]+|models/[^/#]+(/|\.html))$")


def suggestion_entries(pages: Sequence[PageEntry], catalog, urls: Mapping[str, str]) -> list[list[str]]:
    """[name, location] of each glossary term and model page: what an empty result suggests."""
    out = [[p.title, p.location] for p in pages if SUGGEST.match(p.location) and p.title]
    directory = not any(u.endswith(".html") for u in urls.values())
    out += [[m.name, f"models/{m.id}/" if directory else f"models/{m.id}.html"] for m in catalog.models]
    return out


def worker_source() -> str:
    return resources.files("generator").joinpath("assets/search-worker.js").read_text(encoding="utf-8")


# --- the plugin's search stage ------------------------------------------------------------------


@dataclass(frozen=True)
class SearchMemory:
    """What `kb serve` keeps of a build's search for the next one: the records' tokens, the state
    of the similar records and the records' postings (compact: no copy of the tokens, no catalogue)."""

    corpus: Analysed
    similar: SimilarState
    postings: RecordPostings  # updated in place when the build writes the index
    analyzer: Analyzer | None = None  # jieba's dictionary, once loaded: an edit's text is segmented without reloading it


class SiteSearch:
    """What a site build needs from search, independent of MkDocs: the analysed catalogue, similar
    records, and the files of the search index. `cache_dir` is the search's folder in the project's
    cache (`.cache/search`); the records' tokens are kept beside it, in `.cache/segments`, where
    `kb search` finds them too.

    jieba's dictionary is let go as soon as the records are segmented: the pages' text, segmented
    after the build for the index, loads it again only when it is not in the cache.

    `kb serve` passes `previous`, the last build's `SearchMemory` (or None for its first build):
    the records whose text did not change keep their tokens, and similar records are recomputed
    only where a change can move them, as are the postings; `memory()` is what to pass to the next build."""

    def __init__(self, catalog, cache_dir, previous: SearchMemory | None = None, *, serving: bool = False):
        self.catalog = catalog
        before = previous.corpus if previous is not None else None
        terms = tuple(domain_terms(catalog))
        analyzer = previous.analyzer if previous is not None and previous.analyzer is not None \
            and previous.analyzer.terms == terms else None
        self.corpus = Corpus(catalog, analyzer, cache=Cache(Path(cache_dir).parent, "segments"), terms=terms,
                             previous=before)
        self.serving = serving
        similar_cache = Cache(Path(cache_dir).parent, "similar")
        self._state: SimilarState | None = None
        self.record_postings = previous.postings if previous is not None else RecordPostings()
        if serving:
            self._state = update_similar_records(self.corpus, previous.similar if previous is not None else None,
                                                 before, similar_cache)
            self.similar = self._state.similar
        else:
            self.corpus.release_analyzer()
            self.similar = cached_similar_records(self.corpus, similar_cache)
        self.synonyms = catalog_synonyms(catalog)

    def memory(self) -> SearchMemory | None:
        """What the next `kb serve` build reuses (None unless made with `serving`)."""
        if self._state is None:
            return None
        return SearchMemory(self.corpus.analysed(), self._state, self.record_postings, self.corpus.loaded_analyzer)

    def files(self, urls: Mapping[str, str], material_index: Mapping) -> dict[str, bytes]:
        pages = entries_from_material(material_index.get("docs", []))
        try:
            return build(self.corpus, urls, pages, material_index.get("config", {}), self.synonyms, self.record_postings)
        finally:
            if not self.serving:
                self.corpus.release_analyzer()
