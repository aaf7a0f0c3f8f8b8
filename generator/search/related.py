"""Related records: more-like-this over the analysed catalogue."""

from __future__ import annotations

import json
from collections import defaultdict

from ..cache import Cache, content_key
from .fields import Corpus

# --- related records -----------------------------------------------------------------------------

# Each key term brings at most this many candidates: the records in which it weighs most. Without a
# bound a term's postings grow with the catalogue, and so does the work per record (quadratic in all);
# with it the work per record is at most key_terms × PER_TERM additions, whatever the catalogue's size.
# A record left out of a term's list is one in which the term weighs little, so it would have gained
# little from it (bench/similar.py compares the lists with and without the bound).
PER_TERM = 48


def similar_records(corpus: Corpus, limit: int = 5, key_terms: int = 12,
                    per_term: int | None = PER_TERM) -> dict[str, list[str]]:
    """Up to `limit` similar records per record, best first, deterministic.

    More-like-this as whoosh does it (the record's `key_terms` highest tf-idf terms, then a
    BM25-weighted match of other records on them), plus shared governance models and region
    closeness (same region, or one inside the other). Records already linked explicitly are left
    out: the page lists them first. `per_term=None` keeps every posting (exact, quadratic)."""
    catalog = corpus.catalog
    n = len(corpus.docs)
    if n < 2:
        return {d.id: [] for d in corpus.docs}
    # Very common terms say nothing about likeness and make candidate lists long.
    df_cap = max(30, int(0.05 * n))
    vectors: dict[str, dict[str, float]] = {}
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    idf: dict[str, float] = {}
    for doc in corpus.docs:
        tf = corpus.weighted_tf(doc)
        length = sum(tf.values()) or 1.0
        vec = {}
        for t, c in tf.items():
            if corpus.df[t] <= df_cap:
                if t not in idf:
                    idf[t] = corpus.idf(t)
                vec[t] = (c / length) * idf[t]
        vectors[doc.id] = vec
        for term, weight in vec.items():
            postings[term].append((doc.id, weight))
    if per_term is not None:
        for term, plist in postings.items():
            if len(plist) > per_term:
                plist.sort(key=lambda p: (-p[1], p[0]))
                del plist[per_term:]
    records = catalog.by_id
    lineage = {rid: frozenset(n.id for n in catalog.region_path(rid)) for rid in catalog.regions}
    out: dict[str, list[str]] = {}
    for doc in corpus.docs:
        vec = vectors[doc.id]
        keys = sorted(vec, key=lambda t: (-vec[t], t))[:key_terms]
        mlt: dict[str, float] = defaultdict(float)
        for term in keys:
            for other, weight in postings[term]:
                if other != doc.id:
                    mlt[other] += vec[term] * weight
        top = max(mlt.values(), default=0.0) or 1.0
        record = records[doc.id]
        models = set(record.models)
        linked = {link.target for link in catalog.links(doc.id)}
        candidates = set(mlt)
        if len(candidates) < limit:  # small catalogues: models and region still relate records
            candidates |= {r.id for m in models for r in catalog.records_of_model(m)}
        scored = []
        for other in candidates - linked - {doc.id}:
            o = records[other]
            score = mlt.get(other, 0.0) / top
            score += 0.25 * len(models.intersection(o.models))
            if o.region == record.region:
                score += 0.2
            elif o.region in lineage[record.region] or record.region in lineage[o.region]:
                score += 0.1
            if score > 0:
                scored.append((-round(score, 9), other))
        out[doc.id] = [rid for _, rid in sorted(scored)[:limit]]
    return out


def cached_similar_records(corpus: Corpus, cache: Cache) -> dict[str, list[str]]:
    """`similar_records`, remembered under everything it reads: each record's id, tokens (by their
    cache key), models, region and links, and the region tree."""
    catalog = corpus.catalog
    inputs = [[d.id, d.key, list(catalog.by_id[d.id].models), catalog.by_id[d.id].region,
               sorted(link.target for link in catalog.links(d.id))] for d in corpus.docs]
    inputs.append([[n.id, n.parent] for n in catalog.regions.values()])
    key = content_key("similar", json.dumps(inputs, ensure_ascii=False))
    data = cache.get_or_make(key, lambda: json.dumps(similar_records(corpus), ensure_ascii=False).encode("utf-8"))
    return json.loads(data)
