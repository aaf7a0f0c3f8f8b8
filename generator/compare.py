"""Data for the compare page (/compare/): what each record shows in its column, as scripts (like
the browse data), so comparing works offline and from file://.

The page loads only the pieces that hold the records it compares: a record's piece is the FNV-1a
hash of its id modulo the number of pieces (kb-compare-page.js computes the same), about
`COMPARE_PER_PIECE` records each, so no file grows with the catalogue and no id index is needed.
`head.js` says how many pieces there are.

The selection itself is the reader's: kb-compare.js keeps it in the address (`?ids=a,b,c`) and in
localStorage, so it survives navigation and can be shared.
"""

from __future__ import annotations

import json
import math
from typing import Callable

from .briefing import one_source, plain
from .browse import data_script
from .render import amount_text, years_text
from .catalog import Catalog
from .memo import RecordMemo, remember
from .schema import KIND_NAMES, RecordBase

MAX_COMPARE = 4
COMPARE_PER_PIECE = 16  # records per piece on average: ~27 KB raw, ~4.5 KB gzipped (synthetic catalogue)


def _figures(record: RecordBase) -> list[dict]:
    out = []
    for label, field in (("覆盖范围", "coverage"), ("成效", "outcomes")):
        for f in getattr(record, field, ()) or ():
            numbers = "；".join(" ".join(t for t in (amount_text(q), years_text(q)) if t) for q in f.quantities)
            out.append({"group": label, "statement": f.statement, "numbers": numbers})
    return out


def compare_data(catalog: Catalog, url_of: Callable[[RecordBase], str], memo: RecordMemo | None = None) -> dict:
    """Every record's side-by-side entry. With `memo` (`kb serve`), an unchanged record's entry is
    the last build's when its address, place and models' names are the same."""
    records = {}
    for r in catalog.records:
        path = catalog.region_path(r.region)
        url = url_of(r)
        names = [catalog.model_by_id[m].name for m in r.models]
        context = (url, tuple((n.name, n.level) for n in path), tuple(names))
        records[r.id] = remember(memo, "compare", r, context, lambda: _entry(r, url, path, names))
    return {"max": MAX_COMPARE, "records": records}


def _entry(r: RecordBase, url: str, path, models: list[str]) -> dict:
    steps = getattr(r, "measures", None) or getattr(r, "tasks", None) or getattr(r, "components", None) or []
    rep = getattr(r, "replicability", None)
    return {
        "title": r.title,
        "url": url,
        "kind": KIND_NAMES[r.kind],
        "region": " › ".join(n.name for n in path),
        "level": path[-1].level,
        "year": r.year,
        "models": models,
        "summary": r.summary,
        "measures": [{"title": s.title, "text": plain(s.text)} for s in steps],
        "figures": _figures(r),
        "conditions": list(rep.conditions) if rep else [],
        "key_points": list(rep.key_points) if rep else [],
        "sources": [{"text": one_source(s), "url": s.url} for s in r.sources],
    }


def piece_of(record_id: str, pieces: int) -> int:
    """FNV-1a (32 bits) of the id's UTF-8 bytes, modulo `pieces`: kb-compare-page.js does the same."""
    h = 0x811C9DC5
    for byte in record_id.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % pieces


def compare_files(data: dict, folder: str, per_piece: int | None = None) -> dict[str, bytes]:
    """`folder`/head.js (how many pieces) and `folder`/<n>.js (calling `kbCompare(n, {id: record})`)."""
    pieces = max(1, math.ceil(len(data["records"]) / (per_piece or COMPARE_PER_PIECE)))
    split: list[dict] = [{} for _ in range(pieces)]
    for rid, record in data["records"].items():
        split[piece_of(rid, pieces)][rid] = record
    head = json.dumps({"max": data["max"], "pieces": pieces}, sort_keys=True)
    files = {f"{folder}/head.js": f"kbCompareHead({head});\n"}
    files.update({f"{folder}/{n}.js": data_script("kbCompare", n, piece) for n, piece in enumerate(split)})
    return {path: text.encode("utf-8") for path, text in files.items()}
