"""The search index's postings: per term, the documents holding it and each one's BM25F weight.

A document's weight for a term is BM25 per field (the term's count against the field's average
length), summed with the field weights (a word in the title outweighs the same word repeated in
the body; a long record is not favoured for being long), times the term's idf. Document
frequencies and average lengths are the records' only, so a record's weights are the same on the
site (records, then pages) as in `kb search` (records only); pages are weighed with the records'
idf and their own average lengths, at PAGE_WEIGHT.

`RecordPostings` keeps the records' part with what updating it needs: per term the records
holding it and their scores before idf. After an edit (`kb serve`), only the terms of the changed
records are weighed again (their idf is the only one that can change), unless the average lengths
moved: they are kept to three significant digits, so one edit in a large catalogue seldom moves them.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import Counter
from itertools import chain
from operator import sub
from typing import Iterable, Mapping, Sequence

from .fields import FIELD_WEIGHTS, Doc

K1, B = 1.2, 0.75
PAGE_WEIGHT = 0.4  # a page about the library or a glossary entry ranks below the records it explains
Tokens = Mapping[str, Sequence[str]]  # a document's tokens by field


def field_averages(documents: Iterable[Tokens]) -> dict[str, float]:
    """Each field's average length in tokens, to three significant digits."""
    lengths: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for tokens in documents:
        for name, words in tokens.items():
            lengths[name] += len(words)
            counts[name] += 1
    return {name: float(f"{(lengths[name] / counts[name]) or 1.0:.3g}") for name in counts}


def scores(tokens: Tokens, averages: Mapping[str, float]) -> dict[str, float]:
    """A document's BM25F score for each of its terms, before idf."""
    out: dict[str, float] = {}
    for name, words in tokens.items():
        norm = K1 * (1 - B + B * len(words) / averages.get(name, 1.0))
        field_weight = FIELD_WEIGHTS[name]
        for term, tf in Counter(words).items():
            out[term] = out.get(term, 0) + field_weight * tf * (K1 + 1) / (tf + norm)
    return out


def idf(df: Mapping[str, int], records: int, term: str) -> float:
    count = df.get(term, 0)
    return math.log(1 + (records - count + 0.5) / (count + 0.5))


def weighted(holders: array, term_scores: array, term_idf: float, factor: float = 1.0, after: int = 0) -> array:
    """[doc delta, weight, ...] of documents `holders` (ascending, the first counted from `after`)."""
    out = array("i", bytes(8 * len(holders)))
    out[0::2] = array("i", map(sub, holders, chain((after,), holders)))
    out[1::2] = array("i", [max(1, round(score * term_idf * factor * 10)) for score in term_scores])
    return out


class RecordPostings:
    """The records' postings {term: [doc delta, weight, ...]} and, per term, the records holding
    it (ascending) with their scores before idf: what an update after an edit starts from."""

    def __init__(self) -> None:
        self.docs: list[Doc] = []  # the documents these were made from: identity tells an unchanged one
        self.averages: dict[str, float] = {}
        self.holders: dict[str, tuple[array, array]] = {}  # term -> (record indices, scores)
        self.postings: dict[str, array] = {}

    def update(self, docs: Sequence[Doc], df: Mapping[str, int]) -> dict[str, array]:
        """The postings of `docs` (a Corpus's, with its document frequencies `df`)."""
        averages = field_averages(doc.tokens for doc in docs)
        before, self.docs = self.docs, []  # an update cut short leaves nothing to reuse
        changed = [i for i, (old, new) in enumerate(zip(before, docs)) if old is not new]
        if averages != self.averages or [d.id for d in docs] != [d.id for d in before] or 4 * len(changed) > len(docs):
            self.averages, self.holders, self.postings = averages, {}, {}
            touched = self._add(enumerate(docs))
        else:
            touched = self._remove((i, before[i]) for i in changed) | self._add((i, docs[i]) for i in changed)
        for term in touched:
            if term in self.holders:
                self.postings[term] = weighted(*self.holders[term], idf(df, len(docs), term))
            else:
                self.postings.pop(term, None)
        self.docs = list(docs)
        return self.postings

    def _add(self, docs: Iterable[tuple[int, Doc]]) -> set[str]:
        touched = set()
        for index, doc in docs:
            for term, score in scores(doc.tokens, self.averages).items():
                lists = self.holders.get(term)
                if lists is None:
                    lists = self.holders[term] = (array("i"), array("d"))
                holders, term_scores = lists
                if not holders or holders[-1] < index:
                    holders.append(index)
                    term_scores.append(score)
                else:
                    at = bisect_left(holders, index)
                    holders.insert(at, index)
                    term_scores.insert(at, score)
                touched.add(term)
        return touched

    def _remove(self, docs: Iterable[tuple[int, Doc]]) -> set[str]:
        touched = set()
        for index, doc in docs:
            for term in doc.terms():
                holders, term_scores = self.holders[term]
                at = bisect_left(holders, index)
                del holders[at], term_scores[at]
                if not holders:
                    del self.holders[term]
                touched.add(term)
        return touched


def site_postings(records: RecordPostings, pages: Sequence[Tokens], df: Mapping[str, int]) -> dict[str, array]:
    """The records' postings followed by the pages' (documents numbered on after the records)."""
    count = len(records.docs)
    averages = field_averages(pages)
    page_holders: dict[str, tuple[array, array]] = {}
    for offset, tokens in enumerate(pages):
        for term, score in scores(tokens, averages).items():
            lists = page_holders.get(term)
            if lists is None:
                lists = page_holders[term] = (array("i"), array("d"))
            lists[0].append(count + offset)
            lists[1].append(score)
    postings = dict(records.postings)
    for term, (holders, term_scores) in page_holders.items():
        own = records.holders.get(term)
        tail = weighted(holders, term_scores, idf(df, count, term), PAGE_WEIGHT, after=own[0][-1] if own else 0)
        postings[term] = postings[term] + tail if term in postings else tail
    return postings
