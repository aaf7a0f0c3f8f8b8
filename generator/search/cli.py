"""The command line's whoosh index (`kb search`): fielded BM25 in a cache folder, updated per
record by content hash. The only module that imports whoosh."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Sequence

from whoosh.analysis import Token as _Token, Tokenizer as _Tokenizer

from ..catalog import Catalog
from .fields import FIELD_WEIGHTS, content_hash, plain_markdown, record_fields
from .query import Engine
from .text import Analyzer, analyzer_for, catalog_analyzer, dictionary_hash

# --- the command line's whoosh index ------------------------------------------------------------

SCHEMA_VERSION = "3"  # 2: the tokenizer moved to generator.search.cli; 3: postings cache beside it



class JiebaTokenizer(_Tokenizer):
    """whoosh tokenizer over `Analyzer`. Pickled into the index as its dictionary terms only."""

    def __init__(self, terms: Sequence[str] = ()):
        self.terms = tuple(terms)

    @property
    def analyzer(self) -> Analyzer:
        return analyzer_for(self.terms)

    def __getstate__(self):
        return {"terms": self.terms}

    def __setstate__(self, state):
        self.terms = tuple(state["terms"])

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.terms == self.terms

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = _Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = self.analyzer.spans(value) if tokenize else [(value, 0, len(value))]
        for pos, (word, start, end) in enumerate(spans):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    region: str
    region_name: str
    year: int | None
    models: list[str]
    score: float
    snippet: str

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "region": self.region,
                "region_name": self.region_name, "year": self.year, "models": self.models,
                "score": round(self.score, 4), "snippet": self.snippet}


class WhooshIndex:
    """Fielded BM25 over the catalogue, kept in `folder` and updated record by record."""

    def __init__(self, catalog: Catalog, folder: Path, analyzer: Analyzer | None = None):
        self.catalog = catalog
        self.folder = Path(folder)
        self.analyzer = analyzer or catalog_analyzer(catalog)
        self.dict_hash = dictionary_hash(self.analyzer.terms)
        self.updated: list[str] = []
        self.last = None  # the last query's Result (its words and the near-synonyms searched)
        self.removed: list[str] = []
        self._index = None

    def _schema(self):
        from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

        text = JiebaTokenizer(self.analyzer.terms)
        return Schema(
            id=ID(stored=True, unique=True), kind=ID(stored=True), region=ID(stored=True),
            models=KEYWORD(stored=True, commas=True), year=NUMERIC(stored=True, sortable=True),
            title=TEXT(analyzer=text, stored=True),
            meta=TEXT(analyzer=text),
            summary=TEXT(analyzer=text, stored=True),
            body=TEXT(analyzer=text, stored=True),
            hash=STORED(),
        )

    def open(self) -> "WhooshIndex":
        """Open the cached index, rebuilding it whole if the dictionary or schema changed, then
        re-index only the records whose content hash changed and drop the ones that are gone."""
        from whoosh import index

        stamp = self.folder / "VERSION"
        want = f"{SCHEMA_VERSION} {self.dict_hash}"
        fresh = not (index.exists_in(self.folder) and stamp.exists() and stamp.read_text() == want)
        if fresh:
            if self.folder.exists():
                for child in self.folder.iterdir():
                    child.unlink()
            self.folder.mkdir(parents=True, exist_ok=True)
            ix = index.create_in(self.folder, self._schema())
        else:
            ix = index.open_dir(self.folder, schema=self._schema())
        with ix.searcher() as searcher:
            have = {f["id"]: f["hash"] for f in searcher.all_stored_fields()}
        want_docs = {}
        for record in self.catalog.records:
            fields = record_fields(self.catalog, record)
            fields["body"] = plain_markdown(fields["body"])
            extra = f"{record.kind}|{record.region}|{','.join(record.models)}|{record.year}"
            want_docs[record.id] = (record, fields, content_hash(fields, extra))
        changed = [rid for rid, (_, _, h) in want_docs.items() if have.get(rid) != h]
        gone = sorted(set(have) - set(want_docs))
        if changed or gone:
            writer = ix.writer()
            for rid in gone:
                writer.delete_by_term("id", rid)
            for rid in changed:
                record, fields, digest = want_docs[rid]
                extra = {"year": record.year} if record.year is not None else {}
                writer.update_document(id=rid, kind=record.kind, region=record.region,
                                       models=",".join(record.models), hash=digest, **extra, **fields)
            writer.commit()
        if fresh:
            stamp.write_text(want)
        self.updated, self.removed = sorted(changed), gone
        self._stamp = hashlib.sha256(f"{want}|{sorted((r, h) for r, (_, _, h) in want_docs.items())}".encode()).hexdigest()[:16]
        self._index = ix
        return self

    @cached_property
    def _engine(self):
        from .fields import Corpus
        from .site import record_postings
        from .thesaurus import catalog_synonyms

        # The records' postings as the site builds them, cached beside the whoosh index until a record
        # or the dictionary changes (analysing every record again would cost seconds at thousands).
        if self._index is None:
            self.open()
        cache = self.folder / f"postings-{self._stamp}.json"
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            corpus = Corpus(self.catalog, self.analyzer)
            data = {"ids": [d.id for d in corpus.docs], "postings": record_postings(corpus)}
            for old in self.folder.glob("postings-*.json"):
                old.unlink()
            tmp = cache.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            tmp.replace(cache)
        return Engine(data["postings"], len(data["ids"]), catalog_synonyms(self.catalog)), data["ids"]

    @property
    def engine(self) -> Engine:
        return self._engine[0]

    @property
    def engine_ids(self) -> list[str]:
        return self._engine[1]

    def search(self, query: str, *, models: Sequence[str] = (), kinds: Sequence[str] = (),
               region: str | None = None, years: Sequence[int] = (), limit: int = 20) -> list[Hit]:
        from whoosh import highlight, query as q, scoring

        if self._index is None:
            self.open()
        result = self.engine.search(query)
        self.last = result
        ranked = [self.engine_ids[d] for d, _ in result.ranked]
        if not ranked:
            return []
        score = {self.engine_ids[d]: s for d, s in result.ranked}
        filters = []
        if models:
            filters.append(q.Or([q.Term("models", m) for m in models]))
        if kinds:
            filters.append(q.Or([q.Term("kind", k) for k in kinds]))
        if region:
            filters.append(q.Or([q.Term("region", r) for r in self.catalog.region_and_descendants(region)]))
        if years:
            filters.append(q.Or([q.NumericRange("year", y, y) for y in years]))
        # whoosh holds the stored fields and applies the filters; matching and ranking are the
        # shared query semantics (generator.search.query), the same as the site's worker.
        ids = q.Or([q.Term("id", rid) for rid in ranked])
        wanted = q.And([ids, *filters]) if filters else ids
        highlight_terms = [t for w in result.words for terms, _ in w.alts for t in terms]
        marks = q.Or([q.Term(f, t) for f in ("title", "summary", "body") for t in dict.fromkeys(highlight_terms)])
        out = []
        with self._index.searcher(weighting=scoring.BM25F()) as searcher:
            results = searcher.search(wanted, limit=None)
            results.q = marks
            results.fragmenter = highlight.ContextFragmenter(maxchars=120, surround=40)
            results.formatter = _mark_formatter()
            order = {rid: k for k, rid in enumerate(ranked)}
            hits = sorted(results, key=lambda h: order[h["id"]])[:limit]
            for hit in hits:
                snippet = ""
                for name in ("summary", "body", "title"):
                    snippet = hit.highlights(name, top=2)
                    if snippet:
                        break
                if not snippet:
                    snippet = hit["summary"][:80]
                region_id = hit["region"]
                out.append(Hit(hit["id"], hit["kind"], hit["title"], region_id,
                               self.catalog.regions[region_id].name, hit.get("year"),
                               hit["models"].split(","), score[hit["id"]], " ".join(snippet.split())))
        return out


def _mark_formatter():
    """Highlights as 【term】: readable in a terminal and in JSON alike."""
    from whoosh.highlight import Formatter, get_text

    class MarkFormatter(Formatter):
        between = " … "

        def format_token(self, text, token, replace=False):
            return "【" + get_text(text, token, replace) + "】"

    return MarkFormatter()
