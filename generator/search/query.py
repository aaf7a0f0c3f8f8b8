"""The one query semantics of the site's search and `kb search`, declared once.

`PARAMS` holds every number and word list of it; the site's index carries them to the worker
(`config.kb.query` in search/search_index.json), and `Engine` below is the Python implementation that
`kb search` runs. generator/assets/search-worker.js implements the same steps in the browser;
tests/test_search_agreement.py runs both on every query of tests/relevance/queries.yml and requires
the same ranking.

A query, step by step (both engines):

1. Normalise: traditional → simplified (1:1 character map), full-width ASCII folded, lower case.
   Cut into runs of Chinese characters and runs of ASCII letters/digits.
2. Cut each Chinese run from left to right. At each position take the longest of:
   - a stop phrase (function words and question words: 的, 怎么, 有哪些 …) — dropped;
   - a thesaurus phrase (catalog/thesaurus.yml and glossary aliases) — a word that also searches
     its near-synonyms;
   - a word of the index's record vocabulary, or the beginning of one (三治 → 三治融合 …), at least
     two characters; failing those, one character.
   A span of four or more characters whose cut is not all whole words of two or more characters is
   first tried as a one-character slip of an index word of the same length and the same first
   character (一评四汇 → 一评四会); a slip counts SLIP of an exact match.
   Since the index holds dictionary words whole and, in jieba's search mode, their parts as well, a
   word missing from the index falls back to its dictionary parts and, failing those, to the
   two-character words (and single characters) it contains.
3. Each word has alternatives, each a set of index terms that must all occur, with a factor: the
   word itself (1.0), the longer words it begins (PREFIX), slips (SLIP), near-synonyms (SYNONYM).
   A record's score for a word is the best alternative's factor × the sum of its BM25F weights.
4. Coverage: each word weighs its idf over the records (rounded to 1/1000); a record's coverage is
   the weight of the words it matches over the weight of all words. Records below MIN_COVERAGE are
   dropped (a query about something the catalogue does not hold finds nothing); the rest are ranked
   by coverage² × the sum of word scores, ties by position in the index.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .text import STOPWORDS, normalise

# Question words and the like: what an official types around the words that matter.
QUESTION_WORDS = (
    "怎么 怎样 如何 怎么样 怎么做 怎样做 如何做 如何才能 怎么办 什么 哪些 哪里 哪个 哪儿 为什么 为何 是否 是不是 "
    "能否 能不能 可否 可以 有没有 有哪些 有什么 好的 请问 关于 一下 一些 有关 相关 吗 呢 吧 啊 么 呀 我 我们 你们 "
    "他们 要 想 找 查 看看 里 经验 做法 好做法 案例 典型"
).split()

PARAMS = {
    "stop": sorted(set(STOPWORDS) | set(QUESTION_WORDS)),
    "prefix": 0.8,       # a word matched by a longer index word it begins
    "prefix_terms": 64,  # at most this many such words, shortest first
    "slip": 0.6,         # a one-character slip
    "slip_min": 4,       # slips only in spans of at least this many characters
    "synonym": 0.9,      # a near-synonym from the thesaurus
    "parts": 0.7,        # a word of three or more characters matched by its shorter index words
    "unknown_single": 0.5,  # a character the index does not hold weighs this much of a rare word
    "min_coverage": 0.5,  # records covering less of the query are not shown
    "max_word": 20,      # longest index word looked for
}


def idf_weight(df: int, n: int) -> float:
    """The coverage weight of a word found in `df` of `n` records (the worker computes the same)."""
    return math.floor(math.log(1 + (n - df + 0.5) / (df + 0.5)) * 1000 + 0.5) / 1000


def thesaurus_groups(thesaurus: Sequence[Sequence[str]], glossary: Sequence[Sequence[str]] = ()) -> list[list[str]]:
    """Groups of near-synonyms, normalised, each with its preferred term first; glossary entries
    (term, then aliases) are groups too. A phrase in several groups gets the union."""
    out: list[list[str]] = []
    for group in [*thesaurus, *glossary]:
        words = list(dict.fromkeys(normalise(w).strip() for w in group if w and str(w).strip()))
        if len(words) >= 2:
            out.append(words)
    return out


def synonym_table(groups: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    """phrase → every phrase of its groups (itself first, then in group order)."""
    table: dict[str, list[str]] = {}
    for group in groups:
        for word in group:
            seen = table.setdefault(word, [word])
            for other in group:
                if other not in seen:
                    seen.append(other)
    return table


@dataclass
class Word:
    text: str
    kind: str  # exact | prefix | slip | synonym | single | unknown
    alts: list[tuple[tuple[str, ...], float]] = field(default_factory=list)
    also: list[str] = field(default_factory=list)  # near-synonyms searched as well (shown to the reader)


@dataclass
class Result:
    words: list[Word]
    ranked: list[tuple[int, float]]  # (document number, score), best first

    @property
    def also(self) -> list[str]:
        return list(dict.fromkeys(a for w in self.words for a in w.also))


class Engine:
    """The query semantics over delta-encoded postings {term: [doc delta, weight, …]} whose first
    `records` documents are records (the rest, hand-written pages on the site, are ranked but
    neither cut queries nor weigh words)."""

    def __init__(self, postings: Mapping[str, list[int]], records: int, synonyms: Mapping[str, list[str]] | None = None,
                 params: Mapping = PARAMS, *, records_only: bool = False):
        self.postings = postings
        self.records = records
        self.synonyms = dict(synonyms or {})
        self.p = dict(params)
        self.stop = set(self.p["stop"])
        # postings of records only (`kb search`): every term is a record's, no list needs reading
        self.vocab = sorted(postings if records_only else
                            (t for t, plist in postings.items() if plist and plist[0] < records))
        self._vocab_set = set(self.vocab)

    # --- the vocabulary -------------------------------------------------------------------------

    def has(self, term: str) -> bool:
        return term in self._vocab_set

    def _starting(self, start: str) -> list[str]:
        out = []
        i = bisect_left(self.vocab, start)
        while i < len(self.vocab) and self.vocab[i].startswith(start):
            out.append(self.vocab[i])
            i += 1
        return out

    def is_prefix(self, term: str) -> bool:
        i = bisect_left(self.vocab, term)
        if i < len(self.vocab) and self.vocab[i] == term:
            i += 1
        return i < len(self.vocab) and self.vocab[i].startswith(term)

    def prefixed(self, term: str) -> list[str]:
        longer = [t for t in self._starting(term) if t != term]
        longer.sort(key=lambda t: (len(t), t))
        return longer[: self.p["prefix_terms"]]

    def slips(self, span: str) -> list[str]:
        out = []
        for t in self._starting(span[0]):
            if len(t) == len(span) and t != span and sum(a != b for a, b in zip(t, span)) == 1:
                out.append(t)
        return out

    def exact_parse(self, text: str) -> list[str] | None:
        """`text` as whole index words of two or more characters (longest first), or None."""
        out, i = [], 0
        while i < len(text):
            for j in range(min(len(text), i + self.p["max_word"]), i + 1, -1):
                if self.has(text[i:j]):
                    out.append(text[i:j])
                    i = j
                    break
            else:
                return None
        return out

    # --- cutting --------------------------------------------------------------------------------

    def _longest(self, run: str, i: int, test) -> int:
        for j in range(min(len(run), i + self.p["max_word"]), i, -1):
            if test(run[i:j]):
                return j - i
        return 0

    def segment(self, run: str) -> list[Word]:
        out, i = [], 0
        while i < len(run):
            stop = self._longest(run, i, lambda t: t in self.stop)
            syn = self._longest(run, i, lambda t: len(t) >= 2 and t in self.synonyms)
            vocab, exact = 0, False
            for j in range(min(len(run), i + self.p["max_word"]), i + 1, -1):
                t = run[i:j]
                if self.has(t):
                    vocab, exact = j - i, True
                    break
                if self.is_prefix(t):
                    vocab = j - i
                    break
            if stop and stop >= max(vocab, syn, 1):
                i += stop
                continue
            if syn and syn >= vocab:
                out.append(self._synonym_word(run[i:i + syn]))
                i += syn
                continue
            slip = self._slip_at(run, i, vocab if exact else 0)
            if slip:
                out.append(slip)
                i += len(slip.text)
                continue
            if vocab >= 2:
                t = run[i:i + vocab]
                out.append(self._vocab_word(t, exact))
                i += vocab
                continue
            t = run[i]
            out.append(Word(t, "single", [((t,), 1.0)]) if self.has(t) else Word(t, "unknown"))
            i += 1
        return out

    def shorter_parse(self, text: str) -> list[str] | None:
        """`text` as whole index words shorter than itself (the exact parse of its parts), or None."""
        for j in range(len(text) - 1, 1, -1):
            if self.has(text[:j]):
                rest = self.exact_parse(text[j:]) if j < len(text) else []
                if rest is not None and all(len(r) < len(text) for r in rest):
                    return [text[:j], *rest]
        return None

    def _vocab_word(self, t: str, exact: bool) -> Word:
        if exact:
            word = Word(t, "exact", [((t,), 1.0)])
            parts = self.shorter_parse(t) if len(t) >= 3 else None
            if parts:
                word.alts.append((tuple(parts), self.p["parts"]))
            return word
        return Word(t, "prefix", [((x,), self.p["prefix"]) for x in self.prefixed(t)])

    def _slip_at(self, run: str, i: int, exact_len: int) -> Word | None:
        for length in range(min(len(run) - i, self.p["max_word"]), self.p["slip_min"] - 1, -1):
            if length <= exact_len:
                break
            span = run[i:i + length]
            parse = self.exact_parse(span)
            if parse is not None:
                continue
            found = self.slips(span)
            if found:
                return Word(span, "slip", [((t,), self.p["slip"]) for t in found])
        return None

    def _synonym_word(self, phrase: str) -> Word:
        word = Word(phrase, "synonym")
        for k, member in enumerate(self.synonyms[phrase]):
            parts = self.exact_parse(member)
            if parts is None:
                continue
            word.alts.append((tuple(parts), 1.0 if k == 0 else self.p["synonym"]))
            if k:
                word.also.append(member)
        return word

    def words(self, query: str) -> list[Word]:
        out: list[Word] = []
        seen: set[str] = set()
        for piece in pieces(normalise(query)):
            if is_han(piece[0]):
                found = self.segment(piece)
            elif piece in self.stop:
                found = []
            elif self.has(piece):
                found = [Word(piece, "exact", [((piece,), 1.0)])]
            elif self.is_prefix(piece):
                found = [self._vocab_word(piece, False)]
            else:
                found = [Word(piece, "unknown")]
            for w in found:
                if w.text not in seen:
                    seen.add(w.text)
                    out.append(w)
        return out

    # --- ranking --------------------------------------------------------------------------------

    def decode(self, term: str) -> dict[int, int]:
        out, doc = {}, 0
        plist = self.postings.get(term, [])
        for k in range(0, len(plist), 2):
            doc += plist[k]
            out[doc] = plist[k + 1]
        return out

    def word_scores(self, word: Word) -> dict[int, float]:
        best: dict[int, float] = {}
        for terms, factor in word.alts:
            lists = [self.decode(t) for t in terms]
            if not lists:
                continue
            for doc in sorted(lists[0]):
                if all(doc in m for m in lists[1:]):
                    total = 0
                    for m in lists:
                        total += m[doc]
                    s = factor * total
                    if doc not in best or s > best[doc]:
                        best[doc] = s
        return best

    def search(self, query: str) -> Result:
        words = self.words(query)
        if not words:
            return Result(words, [])
        scores = [self.word_scores(w) for w in words]
        # Single characters of the index weigh nothing in coverage when the query has longer words (员 in 网格员, 者 in
        # 社会工作者): they add to the score where they match but are not required.
        longer = any(len(w.text) >= 2 for w in words)
        weights = []
        for w, s in zip(words, scores):
            weight = idf_weight(sum(1 for d in s if d < self.records), self.records)
            if w.kind == "single" and longer:
                weight = 0.0
            elif w.kind == "unknown" and len(w.text) < 2:
                weight = weight * self.p["unknown_single"]
            weights.append(weight)
        total = 0.0
        for w in weights:
            total += w
        docs = sorted(set().union(*map(set, scores)))
        ranked = []
        for d in docs:
            covered, raw = 0.0, 0.0
            for k, s in enumerate(scores):
                if d in s:
                    covered += weights[k]
                    raw += s[d]
            cover = covered / total if total else 0.0
            if cover < self.p["min_coverage"]:
                continue
            ranked.append((d, cover * cover * raw))
        ranked.sort(key=lambda x: (-x[1], x[0]))
        return Result(words, ranked)


def is_han(ch: str) -> bool:
    c = ord(ch)
    return 0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF or 0xF900 <= c <= 0xFAFF


def pieces(text: str) -> list[str]:
    """Runs of Chinese characters and runs of [0-9a-z] (the worker's PIECES expression)."""
    out, cur, cur_han = [], "", None
    for ch in text:
        han = is_han(ch)
        ascii_ = ("0" <= ch <= "9") or ("a" <= ch <= "z")
        if han or ascii_:
            if cur and cur_han != han:
                out.append(cur)
                cur = ""
            cur += ch
            cur_han = han
        else:
            if cur:
                out.append(cur)
            cur, cur_han = "", None
    if cur:
        out.append(cur)
    return out


def suggestions(query: str, names: Sequence[str], limit: int = 6, stop: Sequence[str] = PARAMS["stop"]) -> list[str]:
    """What an empty result suggests: the names (glossary terms, models) sharing the most distinct
    characters with the query, in their given order on ties (the worker does the same)."""
    stops = set(stop)
    chars = {c for c in normalise(query) if is_han(c) and c not in stops}
    scored = []
    for k, name in enumerate(names):
        n = len({c for c in name if c in chars})
        if n:
            scored.append((-n, k, name))
    return [name for _, _, name in sorted(scored)[:limit]]
