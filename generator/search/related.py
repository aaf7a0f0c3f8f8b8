"""Related records: more-like-this over the analysed catalogue."""

from __future__ import annotations

import heapq
import json
from collections import defaultdict

from ..cache import Cache, content_key
from .fields import Corpus

# --- related records -----------------------------------------------------------------------------

# Each key term brings at most this many candidates: the records in which it weighs most. Without a
# bound a term's postings grow with the catalogue, and so does the work per record (quadratic in all);
# with it each record scores at most key_terms × PER_TERM candidates, whatever the catalogue's size.
# Candidates are then scored exactly, on all their key terms, so a bound only matters when a record
# that belongs in the top five is in none of its key terms' lists (bench/similar.py measures how often).
PER_TERM = 32


def similar_records(corpus: Corpus, limit: int = 5, key_terms: int = 12,
                    per_term: int | None = PER_TERM) -> dict[str, list[str]]:
    """Up to `limit` similar records per record, best first, deterministic.

    More-like-this as whoosh does it (the record's `key_terms` highest tf-idf terms, then a
    BM25-weighted match of other records on them), plus shared governance models and region
    closeness (same region, or one inside the other). Records already linked explicitly are left
    out: the page lists them first. `per_term=None` takes every record that shares a key term as a
    candidate (exact, but quadratic)."""
    catalog = corpus.catalog
    n = len(corpus.docs)
    if n < 2:
        return {d.id: [] for d in corpus.docs}
    # Very common terms say nothing about likeness and make candidate lists long.
    df_cap = max(30, int(0.05 * n))
    vectors: dict[str, dict[str, float]] = {}
    postings: dict[str, list[tuple[float, str]]] = defaultdict(list)
    idf: dict[str, float] = {}
    for doc in corpus.docs:
        tf = corpus.weighted_tf(doc)
        length = sum(tf.values()) or 1.0
        vec = {}
        for term, count in tf.items():
            if corpus.df[term] <= df_cap:
                if term not in idf:
                    idf[term] = corpus.idf(term)
                vec[term] = (count / length) * idf[term]
        vectors[doc.id] = vec
        for term, weight in vec.items():
            postings[term].append((-weight, doc.id))
    # each term's candidates: the records in which it weighs most (ties by id)
    lists = {term: [rid for _, rid in (plist if per_term is None or len(plist) <= per_term
                                       else heapq.nsmallest(per_term, plist))]
             for term, plist in postings.items()}
    lineage = {rid: frozenset(node.id for node in catalog.region_path(rid)) for rid in catalog.regions}
    about = {r.id: (frozenset(r.models), r.region) for r in catalog.records}
    out: dict[str, list[str]] = {}
    for doc in corpus.docs:
        vec = vectors[doc.id]
        keys = [(t, vec[t]) for t in sorted(vec, key=lambda t: (-vec[t], t))[:key_terms]]
        candidates: set[str] = set()
        for term, _ in keys:
            candidates.update(lists[term])
        candidates.discard(doc.id)
        mlt = {}
        for other in candidates:  # the match on every key term, in key order (the same sum as one pass per term)
            theirs = vectors[other]
            score = 0.0
            for term, weight in keys:
                theirs_weight = theirs.get(term)
                if theirs_weight is not None:
                    score += weight * theirs_weight
            mlt[other] = score
        top = max(mlt.values(), default=0.0) or 1.0
        models, region = about[doc.id]
        if len(candidates) < limit:  # small catalogues: models and region still relate records
            candidates |= {r.id for m in models for r in catalog.records_of_model(m)}
        candidates -= {link.target for link in catalog.links(doc.id)}
        candidates.discard(doc.id)
        scored = []
        for other in candidates:
            their_models, their_region = about[other]
            score = mlt.get(other, 0.0) / top + 0.25 * len(models & their_models)
            if their_region == region:
                score += 0.2
            elif their_region in lineage[region] or region in lineage[their_region]:
                score += 0.1
            if score > 0:
                scored.append((-round(score, 9), other))
        out[doc.id] = [rid for _, rid in heapq.nsmallest(limit, scored)]
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
