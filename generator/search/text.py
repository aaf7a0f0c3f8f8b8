"""Text for search and checks: traditional → simplified, normalising, the domain dictionary, the
analyzer (jieba). No whoosh, no MkDocs: `kb check` imports this."""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

from ..catalog import Catalog

# --- normalisation -------------------------------------------------------------------------------

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(rf"[{HAN}]|[0-9a-z]", re.IGNORECASE)
ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # jieba's re_eng
QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’]{2,16})[”\"」』’]")
# Function words that carry no meaning on their own; dropped from every index and every query.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 为 对 把 被 将 由 从 以 于 等 并 其 之 也 都 就 而 又 中 上 下 个 这 那 有 向 让 使 "
    "a an and the of to in on for is are".split()
)


@lru_cache(maxsize=1)
def ts_characters() -> dict[str, list[str]]:
    """OpenCC's TSCharacters table: each traditional character and its simplified candidates."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            trad, simps = line.split("\t", 1)
            table[trad] = simps.split(" ")
    return table


@lru_cache(maxsize=1)
def t2s_map() -> dict[str, str]:
    """Traditional → simplified, character for character (OpenCC's TSCharacters, first choice).

    Only 1:1 pairs are kept, so normalised text has the same length as the original."""
    pairs = {}
    for trad, simps in ts_characters().items():
        simp = simps[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp and ord(trad) < 0x10000 and ord(simp) < 0x10000:
            pairs[trad] = simp
    return pairs


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    return {ord(k): v for k, v in t2s_map().items()}


@lru_cache(maxsize=1)
def _normalise_table() -> tuple[re.Pattern, dict[int, str]]:
    """t2s, then full-width ASCII folded, as one translation table, and a class of the characters
    it changes (all below U+10000, so a table lookup per character): most text has none of them."""
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    for code, simplified in _t2s_table().items():
        table[code] = chr(ord(simplified) - 0xFEE0) if "\uff01" <= simplified <= "\uff5e" else simplified
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(table)) + "]"), table


def normalise(text: str) -> str:
    """Simplified characters, lower case, full-width ASCII folded; same length as the input."""
    changed, table = _normalise_table()
    if changed.search(text):
        text = text.translate(table)
    return text.lower()


# --- the domain dictionary -----------------------------------------------------------------------

def _region_short(name: str) -> str | None:
    for suffix in ("特别行政区", "自治州", "自治县", "省", "市", "区", "县", "街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def domain_terms(catalog: Catalog) -> list[str]:
    """Every word the domain knows as one word, sorted: model names, glossary terms and aliases,
    tags, region names (and their short forms: 鹤壁市 → 鹤壁) and the quoted key terms of titles
    (鹤壁市“一评四会” → 一评四会)."""
    words: set[str] = set()
    words.update(m.name for m in catalog.models)
    for term in catalog.glossary:
        words.add(term.term)
        words.update(term.aliases)
    words.update(catalog.tags)
    for node in catalog.regions.values():
        words.add(node.name)
        short = _region_short(node.name)
        if short:
            words.add(short)
    for record in catalog.records:
        words.update(m.group(1) for m in QUOTED.finditer(record.title))
    out = set()
    for word in words:
        word = normalise(word.strip())
        # jieba's dictionary format is "word freq": a word may not contain spaces; pure ASCII
        # words need no dictionary; punctuation inside a term (综治中心+网格化) splits it anyway.
        for part in re.split(r"[^\w\u00b7]+", word):
            if 2 <= len(part) <= 20 and re.search(f"[{HAN}]", part):
                out.add(part)
    return sorted(out)


DICT_FREQ = 30000  # high enough to keep a domain term whole, low enough not to swallow longer words


def dictionary_hash(terms: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(terms).encode("utf-8")).hexdigest()[:16]


# --- the analyzer --------------------------------------------------------------------------------

class JiebaMissing(RuntimeError):
    pass


def require_jieba():
    try:
        import jieba
    except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
        raise JiebaMissing("未安装中文分词库 jieba(pip install jieba),中文检索无法分词") from exc
    jieba.setLogLevel(60)
    return jieba


class Analyzer:
    """jieba with the domain dictionary, over normalised text.

    `tokens` gives exactly the words of jieba's `tokenize` (`spans`), at a fraction of its cost: text
    is cut into the same runs of characters jieba cuts one by one, a run seen before (a region path, a
    model name, a repeated phrase) is not cut again, and a new run is cut by `_cut`, jieba's own
    no-HMM route (same dictionary, same scores, same ties) without its per-word generator and tuples.
    tests/test_search_segmentation.py compares the two on the seed catalogue, a synthetic one and
    generated text."""

    RUNS_KEPT = 200_000  # remembered runs of characters; a bound on memory for a large catalogue

    def __init__(self, terms: Sequence[str] = ()):
        jieba = require_jieba()
        self.terms = tuple(terms)
        self._tok = jieba.Tokenizer()
        self._tok.initialize()
        for term in self.terms:
            self._tok.add_word(term, DICT_FREQ, "n")
        self._han = jieba.re_han_default  # what jieba cuts with its dictionary; the rest is cut per character
        self._log_total = math.log(self._tok.total)
        self._scores: dict[str, float] = {}  # word -> log(freq) - log(total), jieba's edge weight
        self._runs: dict[bool, dict[str, list[str]]] = {True: {}, False: {}}  # by search mode

    def spans(self, text: str, *, search: bool = True) -> Iterator[tuple[str, int, int]]:
        """(token, start, end) with offsets into `text`. Search mode also yields the dictionary
        words inside a long word (人民调解 → 人民, 调解, 人民调解), so a part finds the whole."""
        norm = normalise(text)
        mode = "search" if search else "default"
        for word, start, end in self._tok.tokenize(norm, mode=mode, HMM=False):
            if word in STOPWORDS or not WORD.search(word):
                continue
            yield word, start, end

    def tokens(self, text: str, *, search: bool = True) -> list[str]:
        """The words of `spans`, without offsets."""
        out: list[str] = []
        runs = self._runs[search]
        # split() with jieba's capturing pattern: what lies between its runs, then a run, and so on
        for i, piece in enumerate(self._han.split(normalise(text))):
            if i % 2:
                words = runs.get(piece)
                if words is None:
                    if len(runs) >= self.RUNS_KEPT:
                        runs.clear()
                    words = runs[piece] = self._run_tokens(piece, search)
                out += words
            elif piece:  # jieba yields each of these characters on its own: keep the word characters
                out += [c for c in WORD.findall(piece) if c not in STOPWORDS]
        return out

    def _run_tokens(self, run: str, search: bool) -> list[str]:
        """jieba's `tokenize` of one run of characters, kept words only."""
        freq = self._tok.FREQ
        out = []
        for word in self._cut(run):
            if search:  # jieba's search mode: the dictionary's two- and three-character words inside
                size = len(word)
                if size > 2:
                    out += [gram for i in range(size - 1) if freq.get(gram := word[i:i + 2])]
                if size > 3:
                    out += [gram for i in range(size - 2) if freq.get(gram := word[i:i + 3])]
            out.append(word)
        return [w for w in out if w not in STOPWORDS and WORD.search(w)]

    def _cut(self, run: str) -> list[str]:
        """jieba's `__cut_DAG_NO_HMM`: the route through the run with the highest sum of word scores
        (log frequency over the total; a character the dictionary does not know scores as frequency
        1), found right to left; on a tie the longer word wins. Single ASCII letters and digits in a
        row are joined, as jieba does."""
        freq, scores, log_total = self._tok.FREQ, self._scores, self._log_total
        n = len(run)
        best = [0.0] * (n + 1)  # best[k]: score of the best route through run[k:]
        end = [0] * (n + 1)     # end[k]: the last character of its first word
        for k in range(n - 1, -1, -1):
            top, last = None, k
            i, frag = k + 1, run[k]
            count = freq.get(frag)
            while count is not None:  # every dictionary word starting at k (jieba's DAG)
                if count:
                    score = scores.get(frag)
                    if score is None:
                        score = scores[frag] = math.log(count) - log_total
                    score += best[i]
                    if top is None or score >= top:
                        top, last = score, i - 1
                if i >= n:
                    break
                i += 1
                frag = run[k:i]
                count = freq.get(frag)
            if top is None:  # no word: the character alone, at frequency 1 (log 1 = 0)
                top = 0.0 - log_total + best[k + 1]
            best[k], end[k] = top, last
        words, k, letters = [], 0, ""
        while k < n:
            word = run[k:end[k] + 1]
            if word in ASCII_ALNUM:
                letters += word
            else:
                if letters:
                    words.append(letters)
                    letters = ""
                words.append(word)
            k = end[k] + 1
        if letters:
            words.append(letters)
        return words

    def query_terms(self, query: str) -> list[str]:
        """A query's words in reading order (accurate mode: 三治融合 stays one term)."""
        return list(dict.fromkeys(self.tokens(query, search=False)))


@lru_cache(maxsize=1)  # one jieba dictionary in memory at a time
def analyzer_for(terms: tuple[str, ...]) -> Analyzer:
    return Analyzer(terms)


def catalog_analyzer(catalog: Catalog) -> Analyzer:
    return analyzer_for(tuple(domain_terms(catalog)))
