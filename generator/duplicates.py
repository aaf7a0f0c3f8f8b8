"""Near-duplicate records (a `kb check` warning): character 4-gram sketches, no search engine."""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import chain, compress
from typing import Any, Iterator, NamedTuple, Sequence

from .schema import RecordBase
from .search.text import HAN, _normalise_table, normalise

# --- near-duplicates -----------------------------------------------------------------------------

NEAR_DUPLICATE = 0.8  # Jaccard similarity of character 4-gram sets
SKETCH = 64
# A Markdown link or image reads as its words (search.fields.plain_markdown's rule): its address
# is not compared. Of the rest only the characters search.text.WORD keeps count.
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
NOT_WORD = re.compile(rf"[^{HAN}0-9a-z]", re.IGNORECASE)


@lru_cache(maxsize=1)
def _never_kept() -> re.Pattern:
    """The characters that normalise never turns into one WORD keeps (punctuation, spaces, ...):
    dropped before normalising, most text then needs no translation table at all. (normalise
    works character by character, so dropping them first changes nothing.)"""
    _, table = _normalise_table()
    becomes_word = "".join(re.escape(chr(code)) for code, to in sorted(table.items()) if NOT_WORD.sub("", to.lower()))
    kept = re.compile(rf"[{HAN}0-9a-z{becomes_word}]+", re.IGNORECASE)
    # the same class without IGNORECASE (which looks up each character's case: twice as slow), as
    # the runs of the BMP it keeps; it keeps nothing above U+FFFF (tests/test_duplicates.py)
    runs = kept.finditer("".join(map(chr, range(0x10000))))
    return re.compile("[^" + "".join(f"\\u{run.start():04x}-\\u{run.end() - 1:04x}" for run in runs) + "]")


def _texts(value: Any, out: list[str]) -> list[str]:
    """The strings in dumped data, in iter_strings' order, without their paths."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for child in value.values():
            _texts(child, out)
    elif isinstance(value, list):
        for child in value:
            _texts(child, out)
    return out


def duplicate_text(record: RecordBase) -> str:
    """The text compared for near-duplicates: everything a reader reads, without the title, as
    its Chinese characters, digits and letters only (simplified, lower case)."""
    data = record.model_dump(exclude={"id", "title", "region", "further_regions", "model", "secondary_models", "tags",
                                      "year", "sources",
                                      "related", "review", "kind", "implements", "supports"})
    return comparable_text(_texts(data, []))


def comparable_text(texts: list[str]) -> str:
    """Markdown strings as compared: WORD's characters of the normalised plain text."""
    text = "".join(LINK.sub(r"\1", value) if "](" in value else value for value in texts)
    return NOT_WORD.sub("", normalise(_never_kept().sub("", text)))


def _shingles(text: str, k: int = 4) -> set[str]:
    if len(text) <= k:
        return {text} if text else set()
    return {text[i:i + k] for i in range(len(text) - k + 1)}


class Sketch(NamedTuple):
    """What near-duplicate detection keeps of a record: the SKETCH smallest hashes of its shingles
    (a bottom-k MinHash), a few hundred bytes whatever its length."""

    hashes: tuple[int, ...]


# The hash of a shingle: its four characters as one 64-bit number (16 bits each: comparable text
# is Chinese characters, digits and letters, all below U+10000), times an odd constant, modulo
# 2**64, of which the high 32 bits (Knuth's multiplicative hash).
MULTIPLIER = 0x9E3779B97F4A7C15
# a hash's top byte at most AT_MOST[n] keeps about 2 * SKETCH of n hashes (then only those are sorted)
AT_MOST = [b"\1" * (top + 1) + b"\0" * (255 - top) for top in range(256)]


def shingle_hashes(text: str) -> array:
    """The hash of every shingle of `text`, in order (repeats included), made in C: the UTF-16 text
    read as 64-bit words at every character gives the shingles' numbers, placed in 16-byte slots;
    one multiplication of the slots as a single integer multiplies each (no carry crosses a slot).
    (Text outside the BMP, which comparable_text never returns, is shingled by UTF-16 code units.)"""
    data = text.encode("utf-16-le")
    units = len(data) // 2
    if units < 4:  # the text itself is the only shingle, or there is none
        data += bytes(8 - len(data))
        count = 1 if units else 0
    else:
        count = units - 3
    words = array("Q", bytes(16 * count))  # (only its bytes matter: little-endian on any machine)
    for start in range(4):  # shingles start, start + 4, ...: eight bytes apart, so one copy each
        words[2 * start::8] = array("Q", data[2 * start: 2 * start + 8 * ((count - start + 3) // 4)])
    product = (int.from_bytes(words, "little") * MULTIPLIER).to_bytes(16 * count + 8, "little")
    hashes = array("I", product[:16 * count])
    if sys.byteorder == "big":
        hashes.byteswap()
    return hashes[1::4]  # bits 32-63 of each slot


def sketch(record: RecordBase) -> Sketch:
    return text_sketch(duplicate_text(record))


def text_sketch(text: str) -> Sketch:
    hashes = shingle_hashes(text)
    if len(hashes) > 4 * SKETCH:  # sort only the hashes with a small top byte, when there are enough of them
        top_bytes = hashes.tobytes()[3::4] if sys.byteorder == "little" else hashes.tobytes()[0::4]
        small = sorted(set(compress(hashes, top_bytes.translate(AT_MOST[256 * 2 * SKETCH // len(hashes)]))))
        if len(small) >= SKETCH:
            return Sketch(tuple(small[:SKETCH]))
    return Sketch(tuple(sorted(set(hashes))[:SKETCH]))


# A record's few largest buckets hold most of the pairs it takes part in: counted without them, a
# pair needs LEFT_OUT fewer shared values to be a candidate, and the candidates are counted in full.
LEFT_OUT = 4


def candidate_pairs(sketches: Sequence[Sketch]) -> Iterator[tuple[int, int]]:
    """(i, j), i < j, in order: the record pairs whose sketches share at least SKETCH // 8 values
    that between 2 and `crowded` records share (a value most records share says nothing)."""
    by_hash: dict[int, list[int]] = defaultdict(list)
    for index, (hashes,) in enumerate(sketches):
        for h in hashes:
            by_hash[h].append(index)  # ascending
    crowded = max(20, len(sketches) // 50)
    buckets = {h: members for h, members in by_hash.items() if 2 <= len(members) <= crowded}
    need = SKETCH // 8
    for i, (hashes,) in enumerate(sketches):
        mine = sorted(filter(None, map(buckets.get, hashes)), key=len)
        # the later records in this one's buckets but the LEFT_OUT largest, counted for one record at
        # a time (memory stays O(N)): a pair sharing `need` values shares need - LEFT_OUT of them here
        shared = Counter(chain.from_iterable(members[bisect_right(members, i):] for members in mine[:-LEFT_OUT]))
        if max(shared.values(), default=0) < need - LEFT_OUT:
            continue  # most records: no candidate, found without comparing every count in Python
        kept = {h for h in hashes if h in buckets}
        for j in sorted(compress(shared, map((need - LEFT_OUT - 1).__lt__, shared.values()))):
            if len(kept.intersection(sketches[j][0])) >= need:
                yield i, j


def near_duplicates(records: Sequence[RecordBase], threshold: float = NEAR_DUPLICATE,
                    sketches: Sequence[Sketch] | None = None) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for record pairs i < j whose text is nearly the same.

    Bottom-k sketches of the shingle sets find candidate pairs without comparing all pairs; each
    candidate is then verified on the full sets, so the answer is exact for the pairs found. Only
    the sketches stay in memory (`sketches` may come from the cache); shingle sets are made again
    for the few candidates."""
    if sketches is None:
        sketches = [sketch(r) for r in records]
    shingles = lru_cache(maxsize=256)(lambda index: _shingles(duplicate_text(records[index])))
    found = []
    for i, j in candidate_pairs(sketches):
        a, b = shingles(i), shingles(j)
        similarity = len(a & b) / len(a | b)
        if similarity >= threshold:
            found.append((i, j, similarity))
    return found
