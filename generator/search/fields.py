"""What is indexed for a record, field by field, and the analysed catalogue (`Corpus`)."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Mapping

from ..catalog import Catalog
from ..schema import KIND_NAMES, RecordBase
from .text import Analyzer, catalog_analyzer

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
    fields: dict[str, str]
    tokens: dict[str, list[str]]  # field -> tokens


class Corpus:
    """Every record analysed once: the input of related records and the site's search index."""

    def __init__(self, catalog: Catalog, analyzer: Analyzer | None = None):
        self.catalog = catalog
        self.analyzer = analyzer or catalog_analyzer(catalog)
        self.docs: list[Doc] = []
        for record in catalog.records:
            fields = record_fields(catalog, record)
            tokens = {name: self.analyzer.tokens(text) for name, text in fields.items()}
            self.docs.append(Doc(record.id, fields, tokens))
        self.df: Counter[str] = Counter()
        for doc in self.docs:
            self.df.update(set().union(*map(set, doc.tokens.values())))

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
