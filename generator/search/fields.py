"""What is indexed for a record, field by field, and the analysed catalogue (`Corpus`)."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..cache import Cache, content_key
from ..catalog import Catalog
from ..schema import KIND_NAMES, RecordBase
from .text import Analyzer, analyzer_for, dictionary_hash, domain_terms

# --- what is indexed -----------------------------------------------------------------------------

FIELD_WEIGHTS = {"title": 5.0, "meta": 3.0, "summary": 2.0, "body": 1.0}


def record_fields(catalog: Catalog, record: RecordBase) -> dict[str, str]:
    """The text of each indexed field: title; meta (kind, models, region path, tags); summary;
    body (measures / objectives and tasks / description and components, outcomes, coverage)."""
    r = record
    meta = [KIND_NAMES[r.kind]]
    meta += [catalog.model_by_id[m].name for m in r.models if m in catalog.model_by_id]
    meta += [n.name for n in catalog.region_path(r.region)]
    meta += list(r.tags)
    return {"title": r.title, "meta": " ".join(meta), "summary": r.summary, "body": "\n".join(r.body_texts())}


def content_hash(fields: Mapping[str, str], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode("utf-8"))
    for name in sorted(fields):
        h.update(f"\0{name}\0{fields[name]}".encode("utf-8"))
    return h.hexdigest()[:20]


def plain_markdown(text: str) -> str:
    """Markdown field → readable plain text for snippets (links keep their words)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`#>|]+", "", text)
    return " ".join(text.split())


# --- the analysed catalogue ----------------------------------------------------------------------

@dataclass(frozen=True)
class Doc:
    id: str
    tokens: dict[str, list[str]]  # field -> tokens
    key: str = ""  # the cache key of the tokens: the hash of the field texts and the dictionary

    def terms(self) -> set[str]:
        """Every distinct token of every field."""
        return set().union(*map(set, self.tokens.values()))


@dataclass(frozen=True)
class Analysed:
    """What a Corpus of the next version of the catalogue can reuse (`kb serve` between rebuilds):
    the tokens of every record, the document frequencies, the shared strings. The Corpus's own
    objects, not copies, and not the catalogue."""

    docs: Sequence[Doc]
    df: Mapping[str, int]
    vocabulary: dict[str, str]


class Corpus:
    """Every record analysed once: the one source of tokens for related records, the site's search
    index and `kb search`.

    jieba is the slow part (seconds per thousand records), so each record's tokens are kept in
    `cache` (`.cache/segments/`) under the hash of the field texts and the dictionary: a second
    build, or `kb search` after a build, segments only the records whose text changed (and loads
    jieba only if there is one). The field texts are not kept, and each distinct token is one
    string shared by every list that holds it: the tokens of a large catalogue are most of what
    search keeps in memory through a build.

    `previous` (`kb serve`): the last build's `Analysed`; a record whose key is the same keeps its
    tokens from there (no cache read, no parsing), and the document frequencies are updated for
    the records that changed instead of counted again."""

    def __init__(self, catalog: Catalog, analyzer: Analyzer | None = None, *, cache: Cache | None = None,
                 terms: Sequence[str] | None = None, previous: Analysed | None = None):
        self.catalog = catalog
        self._analyzer = analyzer
        self.terms = tuple(analyzer.terms if analyzer else terms if terms is not None else domain_terms(catalog))
        self.cache = cache or Cache(None, "segments")
        self.dict_hash = dictionary_hash(self.terms)
        # a string kept from the last build is the one its reused tokens hold
        self.vocabulary: dict[str, str] = previous.vocabulary if previous is not None else {}
        before = {d.id: d for d in previous.docs} if previous is not None else {}
        self.docs: list[Doc] = []
        for record in catalog.records:
            fields = record_fields(catalog, record)
            key = content_key(json.dumps(fields, ensure_ascii=False, sort_keys=True), self.dict_hash)
            doc = before.get(record.id)
            if doc is None or doc.key != key:
                doc = Doc(record.id, self._tokens(key, fields), key)
            self.docs.append(doc)
        if previous is None:
            self.df: Counter[str] = Counter()
            for doc in self.docs:
                self.df.update(doc.terms())
            return
        self.df = Counter(previous.df)
        for doc in self.docs:
            was = before.pop(doc.id, None)
            if was is not doc:
                self.df.update(doc.terms())
                if was is not None:
                    self.df.subtract(was.terms())
        for was in before.values():  # records removed
            self.df.subtract(was.terms())
        for term in [t for t, count in self.df.items() if count <= 0]:
            del self.df[term]

    def analysed(self) -> Analysed:
        return Analysed(self.docs, self.df, self.vocabulary)

    def _tokens(self, key: str, fields: Mapping[str, str]) -> dict[str, list[str]]:
        """The fields' tokens from the cache, or segmented and put there; each distinct token one string."""
        made: dict[str, list[str]] = {}

        def segment() -> bytes:
            made.update((name, self.analyzer.tokens(text)) for name, text in fields.items())
            return json.dumps(made, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

        data = self.cache.get_or_make(key, segment)
        shared = self.vocabulary.setdefault
        return {name: [shared(t, t) for t in tokens] for name, tokens in (made or json.loads(data)).items()}

    def text_tokens(self, fields: Mapping[str, str]) -> dict[str, list[str]]:
        """The tokens of texts that are not records (the site's pages), kept in the same cache."""
        return self._tokens(content_key("text", json.dumps(fields, ensure_ascii=False, sort_keys=True), self.dict_hash),
                            fields)

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = analyzer_for(self.terms)
        return self._analyzer

    @property
    def loaded_analyzer(self) -> Analyzer | None:
        """The analyzer if it has been loaded (never loads it)."""
        return self._analyzer

    def release_analyzer(self) -> None:
        """Let jieba's dictionary (some 70 MB) go once no more text is to be segmented; `analyzer`
        loads it again if some is."""
        self._analyzer = None
        analyzer_for.cache_clear()

    def weighted_tf(self, doc: Doc) -> Counter[str]:
        tf: Counter[str] = Counter()
        for name, tokens in doc.tokens.items():
            weight = FIELD_WEIGHTS[name]
            for token in tokens:
                tf[token] += weight
        return tf

    def idf(self, term: str) -> float:
        n = len(self.docs)
        df = self.df.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))
