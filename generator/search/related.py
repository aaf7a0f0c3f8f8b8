"""Related records: more-like-this over the analysed catalogue."""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass
from typing import Mapping

from ..cache import Cache, content_key
from .fields import Analysed, Corpus, Doc

# --- related records -----------------------------------------------------------------------------

# Each key term brings at most this many candidates: the records in which it weighs most. Without a
# bound a term's postings grow with the catalogue, and so does the work per record (quadratic in all);
# with it each record scores at most key_terms × PER_TERM candidates, whatever the catalogue's size.
# Candidates are then scored exactly, on all their key terms, so a bound only matters when a record
# that belongs in the top five is in none of its key terms' lists (bench/similar.py measures how often).
PER_TERM = 32
LIMIT, KEY_TERMS = 5, 12


@dataclass
class SimilarState:
    """What the similar records were computed from, kept by `kb serve` between rebuilds so that the
    next computation redoes only what an edit can change (`update_similar_records`). It holds no
    tokens of its own: they stay in the Corpus (`Analysed`), which the next Corpus reuses."""

    about: tuple  # what ranking reads besides the tokens: ids, models, regions, links, region tree
    postings: dict[str, dict[str, float]]  # term -> record -> weight, for every term under the df cap
    keys: dict[str, list[tuple[str, float]]]  # record -> its key terms and their weights, best first
    lists: dict[str, list[str]]  # term -> its candidates (the records in which it weighs most)
    similar: dict[str, list[str]]


def similar_records(corpus: Corpus, limit: int = LIMIT, key_terms: int = KEY_TERMS,
                    per_term: int | None = PER_TERM) -> dict[str, list[str]]:
    """Up to `limit` similar records per record, best first, deterministic.

    More-like-this as whoosh does it (the record's `key_terms` highest tf-idf terms, then a
    BM25-weighted match of other records on them), plus shared governance models and region
    closeness (same region, or one inside the other). Records already linked explicitly are left
    out: the page lists them first. `per_term=None` takes every record that shares a key term as a
    candidate (exact, but quadratic)."""
    return _compute(corpus, limit, key_terms, per_term).similar


def _df_cap(n: int) -> int:
    return max(30, int(0.05 * n))  # very common terms say nothing about likeness and make candidate lists long


def _vector(corpus: Corpus, doc: Doc, df_cap: int, idf: dict[str, float]) -> dict[str, float]:
    """A record's weight per term (tf-idf, its terms under the df cap); `idf` remembers each term's."""
    tf = corpus.weighted_tf(doc)
    length = sum(tf.values()) or 1.0
    vec = {}
    for term, count in tf.items():
        if corpus.df[term] <= df_cap:
            if term not in idf:
                idf[term] = corpus.idf(term)
            vec[term] = (count / length) * idf[term]
    return vec


def _key_terms(vec: Mapping[str, float], key_terms: int) -> list[tuple[str, float]]:
    return [(t, vec[t]) for t in sorted(vec, key=lambda t: (-vec[t], t))[:key_terms]]


def _candidates(plist: Mapping[str, float], per_term: int | None) -> list[str]:
    """A term's candidates: the records in which it weighs most (ties by id)."""
    if per_term is None or len(plist) <= per_term:
        return list(plist)
    return [rid for _, rid in heapq.nsmallest(per_term, ((-w, rid) for rid, w in plist.items()))]


def _compute(corpus: Corpus, limit: int = LIMIT, key_terms: int = KEY_TERMS, per_term: int | None = PER_TERM,
             similar: dict[str, list[str]] | None = None, about: tuple | None = None) -> SimilarState:
    """Everything from scratch (`similar`, when given, is the known result: only the state is made)."""
    n = len(corpus.docs)
    postings: dict[str, dict[str, float]] = {}
    keys: dict[str, list[tuple[str, float]]] = {}
    if n >= 2:
        df_cap, idf = _df_cap(n), {}
        for doc in corpus.docs:
            vec = _vector(corpus, doc, df_cap, idf)
            keys[doc.id] = _key_terms(vec, key_terms)
            for term, weight in vec.items():
                plist = postings.get(term)
                if plist is None:
                    plist = postings[term] = {}
                plist[doc.id] = weight
    lists = {term: _candidates(plist, per_term) for term, plist in postings.items()}
    state = SimilarState(about if about is not None else _about(corpus), postings, keys, lists, similar or {})
    if similar is None:
        rank = _Ranking(corpus, state, limit)
        state.similar = {d.id: rank(d.id) if n >= 2 else [] for d in corpus.docs}
    return state


class _Ranking:
    """One record's similar records from its key terms' candidates, models, region and links."""

    def __init__(self, corpus: Corpus, state: SimilarState, limit: int):
        self.catalog, self.state, self.limit = corpus.catalog, state, limit
        catalog = corpus.catalog
        self.lineage = {rid: frozenset(node.id for node in catalog.region_path(rid)) for rid in catalog.regions}
        self.about = {r.id: (frozenset(r.models), r.region) for r in catalog.records}

    def __call__(self, rid: str) -> list[str]:
        catalog, lineage, about, postings = self.catalog, self.lineage, self.about, self.state.postings
        keys = self.state.keys[rid]
        candidates: set[str] = set()
        for term, _ in keys:
            candidates.update(self.state.lists[term])
        candidates.discard(rid)
        keyed = [(postings[term], weight) for term, weight in keys]
        mlt = {}
        for other in candidates:  # the match on every key term, in key order (the same sum as one pass per term)
            score = 0.0
            for theirs, weight in keyed:
                theirs_weight = theirs.get(other)
                if theirs_weight is not None:
                    score += weight * theirs_weight
            mlt[other] = score
        top = max(mlt.values(), default=0.0) or 1.0
        models, region = about[rid]
        if len(candidates) < self.limit:  # small catalogues: models and region still relate records
            candidates |= {r.id for m in models for r in catalog.records_of_model(m)}
        candidates -= {link.target for link in catalog.links(rid)}
        candidates.discard(rid)
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
        return [other for _, other in heapq.nsmallest(self.limit, scored)]


def _key(corpus: Corpus, about: tuple) -> str:
    """The cache key of everything `similar_records` reads: `_about`, and each record's tokens (by their cache key)."""
    return content_key("similar", repr(about), *(d.key for d in corpus.docs))


def _about(corpus: Corpus) -> tuple:
    """What ranking reads besides the tokens: each record's id, models, region and links, and the region tree."""
    catalog = corpus.catalog
    records = (catalog.by_id[d.id] for d in corpus.docs)
    return (tuple((r.id, r.models, r.region, tuple(sorted(link.target for link in catalog.links(r.id))))
                  for r in records),
            tuple((n.id, n.parent) for n in catalog.regions.values()))


def cached_similar_records(corpus: Corpus, cache: Cache) -> dict[str, list[str]]:
    """`similar_records`, remembered under everything it reads."""
    key = _key(corpus, _about(corpus))
    data = cache.get_or_make(key, lambda: json.dumps(similar_records(corpus), ensure_ascii=False).encode("utf-8"))
    return json.loads(data)


def update_similar_records(corpus: Corpus, previous: SimilarState | None, before: Analysed | None,
                           cache: Cache) -> SimilarState:
    """`similar_records(corpus)`, exactly, and the state for the next call: from the previous
    computation (`previous`, made from the corpus `before`) when only some records' tokens changed,
    else from scratch (or from `cache`). `previous` is updated in place: do not use it afterwards.

    Why the part recomputed is enough: with the same records (so the same n and df cap), a record's
    weight for a term changes only if its own tokens changed, or if the term's document frequency
    did (a term an edited record gained or lost). So only the edited records and those holding such
    a term get new weights (`changed`), only on the terms `moved`. A record outside `changed` whose
    key terms are all outside `moved` keeps its key terms, and each key term its candidates and
    their weights: its score for every candidate, and so its list, stay what they were."""
    about = _about(corpus)
    edited = _edited(corpus, about, previous, before)
    if edited is None:
        key = _key(corpus, about)
        data = cache.get(key)
        if data is not None:
            return _compute(corpus, similar=json.loads(data), about=about)
        state = _compute(corpus, about=about)
        cache.put(key, json.dumps(state.similar, ensure_ascii=False).encode("utf-8"))
        return state
    assert previous is not None and before is not None
    state = previous
    if not edited:
        return state
    state.similar = dict(state.similar)  # the last build's stays as it was: its pages were made from it
    n = len(corpus.docs)
    df_cap, idf = _df_cap(n), {}
    old_docs = {d.id: d for d in before.docs}
    old_df, new_df = before.df, corpus.df
    # terms whose document frequency changed: only terms an edited record gained or lost
    counted = set()
    for doc in edited:
        counted.update(*old_docs[doc.id].tokens.values(), *doc.tokens.values())
    df_moved = {t for t in counted if old_df.get(t, 0) != new_df.get(t, 0)
                and min(old_df.get(t, 0), new_df.get(t, 0)) <= df_cap}
    changed = {doc.id for doc in edited}
    for term in df_moved:
        changed.update(state.postings.get(term, ()))  # its holders (held under the cap before)
    went_under = {t for t in df_moved if old_df.get(t, 0) > df_cap}  # no postings before: look for holders
    if went_under:
        changed.update(d.id for d in corpus.docs
                       if d.id not in changed and any(not went_under.isdisjoint(ts) for ts in d.tokens.values()))
    # new weights for the changed records; `moved`: the terms on which some weight changed
    moved: set[str] = set()
    for doc in corpus.docs:
        if doc.id not in changed:
            continue
        vec = _vector(corpus, doc, df_cap, idf)
        old_terms = {t for ts in old_docs[doc.id].tokens.values() for t in ts if old_df[t] <= df_cap}
        for term in old_terms - vec.keys():
            del state.postings[term][doc.id]
            if not state.postings[term]:
                del state.postings[term]
            moved.add(term)
        for term, weight in vec.items():
            plist = state.postings.get(term)
            if plist is None:
                plist = state.postings[term] = {}
            if plist.get(doc.id) != weight:
                plist[doc.id] = weight
                moved.add(term)
        state.keys[doc.id] = _key_terms(vec, KEY_TERMS)
    for term in moved:
        if term in state.postings:
            state.lists[term] = _candidates(state.postings[term], PER_TERM)
        else:
            state.lists.pop(term, None)
    rank = _Ranking(corpus, state, LIMIT)
    for doc in corpus.docs:
        if doc.id in changed or any(term in moved for term, _ in state.keys[doc.id]):
            state.similar[doc.id] = rank(doc.id)
    return state


def _edited(corpus: Corpus, about: tuple, previous: SimilarState | None, before: Analysed | None) -> list[Doc] | None:
    """The records whose tokens changed since `previous`, or None if anything else did (records
    added, removed or reordered, models, regions, links) or most records changed: then it is all
    computed again."""
    if previous is None or before is None or len(before.docs) != len(corpus.docs) or len(corpus.docs) < 2:
        return None
    if previous.about != about:
        return None
    edited = [doc for doc, was in zip(corpus.docs, before.docs) if doc.key != was.key]
    return edited if 2 * len(edited) <= len(corpus.docs) else None
