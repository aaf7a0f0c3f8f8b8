"""Near-duplicate records (a `kb check` warning): character 4-gram sketches, no search engine."""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from typing import Sequence

from .load import iter_strings
from .schema import RecordBase
from .search.fields import plain_markdown
from .search.text import WORD, normalise

# --- near-duplicates -----------------------------------------------------------------------------

NEAR_DUPLICATE = 0.8  # Jaccard similarity of character 4-gram sets
SKETCH = 64


def duplicate_text(record: RecordBase) -> str:
    """The text compared for near-duplicates: everything a reader reads, without the title."""
    data = record.model_dump(exclude={"id", "title", "region", "further_regions", "model", "secondary_models", "tags",
                                      "year", "sources",
                                      "related", "review", "kind", "implements", "supports"})
    text = normalise(" ".join(plain_markdown(value) for _, value in iter_strings(data)))
    return "".join(WORD.findall(text))


def _shingles(text: str, k: int = 4) -> set[str]:
    if len(text) <= k:
        return {text} if text else set()
    return {text[i:i + k] for i in range(len(text) - k + 1)}


def near_duplicates(records: Sequence[RecordBase], threshold: float = NEAR_DUPLICATE) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for record pairs i < j whose text is nearly the same.

    Bottom-k sketches of the shingle sets find candidate pairs without comparing all pairs; each
    candidate is then verified on the full sets, so the answer is exact for the pairs found."""
    shingles = [_shingles(duplicate_text(r)) for r in records]
    sketches = []
    for s in shingles:
        hashes = sorted({zlib.crc32(x.encode("utf-8")) for x in s})[:SKETCH]
        sketches.append(hashes)
    by_hash: dict[int, list[int]] = defaultdict(list)
    for index, sketch in enumerate(sketches):
        for h in sketch:
            by_hash[h].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    crowded = max(20, len(records) // 50)
    for members in by_hash.values():
        if len(members) < 2 or len(members) > crowded:
            continue
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                shared[(members[a], members[b])] += 1
    found = []
    for (i, j), count in sorted(shared.items()):
        if count < SKETCH // 8:
            continue
        a, b = shingles[i], shingles[j]
        if not a or not b:
            continue
        small, large = sorted((len(a), len(b)))
        if small / large < threshold:
            continue
        similarity = len(a & b) / len(a | b)
        if similarity >= threshold:
            found.append((i, j, similarity))
    return found
