"""Related records: more-like-this over the analysed catalogue."""

from __future__ import annotations

from collections import defaultdict

from .fields import Corpus

# --- related records -----------------------------------------------------------------------------

def similar_records(corpus: Corpus, limit: int = 5, key_terms: int = 12) -> dict[str, list[str]]:
    """Up to `limit` similar records per record, best first, deterministic.

    More-like-this as whoosh does it (the record's `key_terms` highest tf-idf terms, then a
    BM25-weighted match of other records on them), plus shared governance models and region
    closeness (same region, or one inside the other). Records already linked explicitly are left
    out: the page lists them first."""
    catalog = corpus.catalog
    n = len(corpus.docs)
    if n < 2:
        return {d.id: [] for d in corpus.docs}
    # Very common terms say nothing about likeness and make candidate lists long.
    df_cap = max(30, int(0.05 * n))
    vectors: dict[str, dict[str, float]] = {}
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for doc in corpus.docs:
        tf = corpus.weighted_tf(doc)
        length = sum(tf.values()) or 1.0
        vec = {t: (c / length) * corpus.idf(t) for t, c in tf.items() if corpus.df[t] <= df_cap}
        vectors[doc.id] = vec
        for term, weight in vec.items():
            postings[term].append((doc.id, weight))
    records = catalog.by_id
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
        linked = {link.target for link in catalog.links(doc.id)}
        lineage = {n.id for n in catalog.region_path(record.region)}
        candidates = set(mlt)
        if len(candidates) < limit:  # small catalogues: models and region still relate records
            candidates |= {r.id for r in catalog.records if set(r.models) & set(record.models)}
        scored = []
        for other in candidates - linked - {doc.id}:
            o = records[other]
            score = mlt.get(other, 0.0) / top
            score += 0.25 * len(set(o.models) & set(record.models))
            if o.region == record.region:
                score += 0.2
            elif o.region in lineage or record.region in {n.id for n in catalog.region_path(o.region)}:
                score += 0.1
            if score > 0:
                scored.append((-round(score, 9), other))
        out[doc.id] = [rid for _, rid in sorted(scored)[:limit]]
    return out
