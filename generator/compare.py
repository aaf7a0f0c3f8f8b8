"""Data for the compare page (/compare/): what each record shows in its column, as a script that
sets a global (like the browse data), so comparing works offline and from file://.

The selection itself is the reader's: kb-compare.js keeps it in the address (`?ids=a,b,c`) and in
localStorage, so it survives navigation and can be shared.
"""

from __future__ import annotations

import json
from typing import Callable

from .briefing import one_source, plain
from .render import amount_text, years_text
from .catalog import Catalog
from .schema import KIND_NAMES, RecordBase

MAX_COMPARE = 4


def _figures(record: RecordBase) -> list[dict]:
    out = []
    for label, field in (("覆盖范围", "coverage"), ("成效", "outcomes")):
        for f in getattr(record, field, ()) or ():
            numbers = "；".join(" ".join(t for t in (amount_text(q), years_text(q)) if t) for q in f.quantities)
            out.append({"group": label, "statement": f.statement, "numbers": numbers})
    return out


def compare_data(catalog: Catalog, url_of: Callable[[RecordBase], str]) -> dict:
    records = {}
    for r in catalog.records:
        path = catalog.region_path(r.region)
        steps = getattr(r, "measures", None) or getattr(r, "tasks", None) or getattr(r, "components", None) or []
        rep = getattr(r, "replicability", None)
        records[r.id] = {
            "title": r.title,
            "url": url_of(r),
            "kind": KIND_NAMES[r.kind],
            "region": " › ".join(n.name for n in path),
            "level": path[-1].level,
            "year": r.year,
            "models": [catalog.model_by_id[m].name for m in r.models],
            "summary": r.summary,
            "measures": [{"title": s.title, "text": plain(s.text)} for s in steps],
            "figures": _figures(r),
            "conditions": list(rep.conditions) if rep else [],
            "key_points": list(rep.key_points) if rep else [],
            "sources": [{"text": one_source(s), "url": s.url} for s in r.sources],
        }
    return {"max": MAX_COMPARE, "records": records}


def compare_script(data: dict) -> str:
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f"window.KB_COMPARE = {payload};\n"
