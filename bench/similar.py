"""Similar records with the per-term bound against the exact lists (every posting kept).

    python bench/similar.py [CATALOG ...] [--per-term 48 ...] [--cache .cache]

For each catalogue: CPU seconds of both, and how alike the lists are: the share of the exact top-5
found in the bounded top-5 (mean over records), the share of records whose lists are identical, and
whether the first record is the same. Defaults to the seed catalogue (catalog/).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.cache import Cache  # noqa: E402
from generator.pipeline import require_catalog  # noqa: E402
from generator.search.fields import Corpus  # noqa: E402
from generator.search.related import PER_TERM, similar_records  # noqa: E402


def compare(exact: dict[str, list[str]], bounded: dict[str, list[str]]) -> dict:
    shared, same, first = [], 0, 0
    for rid, want in exact.items():
        got = bounded[rid]
        if want:
            shared.append(len(set(want) & set(got)) / len(want))
        same += want == got
        first += want[:1] == got[:1]
    n = len(exact)
    return {"top5_overlap": round(sum(shared) / max(1, len(shared)), 4), "identical": round(same / n, 4),
            "same_first": round(first / n, 4)}


def timed(fn):
    start = time.process_time()
    value = fn()
    return value, round(time.process_time() - start, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("catalogs", nargs="*", type=Path, default=[ROOT / "catalog"])
    parser.add_argument("--per-term", type=int, action="append", help=f"bounds to try (default {PER_TERM})")
    parser.add_argument("--cache", type=Path, default=None, help="a .cache folder for the segmentation")
    args = parser.parse_args()
    for folder in args.catalogs:
        catalog = require_catalog(folder, base=folder.parent).catalog
        corpus, seg = timed(lambda: Corpus(catalog, cache=Cache(args.cache, "segments") if args.cache else None))
        exact, exact_s = timed(lambda: similar_records(corpus, per_term=None))
        print(f"{folder}: {len(corpus.docs)} records; segmentation {seg} CPU-s; exact lists {exact_s} CPU-s")
        for bound in args.per_term or [PER_TERM]:
            bounded, bounded_s = timed(lambda: similar_records(corpus, per_term=bound))
            print(f"  per_term={bound}: {bounded_s} CPU-s; {compare(exact, bounded)}")


if __name__ == "__main__":
    main()
