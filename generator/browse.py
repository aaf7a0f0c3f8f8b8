"""Facet data for the browse page: each facet is a small class that says which values a record has.

Values are ids (model, kind and region ids; levels, years and tags as written), with their labels
beside them in `labels`: two regions with the same name stay apart, and renaming a model does not
break a shared browse address (the address holds the id).

The data ships as .js files that the page adds as <script> elements (not fetched: `fetch` fails on
file://), so the browse page filters offline and from the zip opened from disk. It comes in pieces
of at most `BROWSE_PER_PIECE` rows, so no file grows with the number of records: the first also
holds the facets (each value once, with its label and its count over the whole catalogue: as many
as there are regions and tags) and the first rows in the default order (newest first), so
the page shows results at once; the others hold the following rows, `BROWSE_PER_PIECE` each, and
arrive while the reader already filters. A row names its facet values by their position in the
facet's list of values (small integers), not by id. Every piece carries the same `build` digest:
the page stops at a piece from another build (a site published while it was loading).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Callable

from .catalog import Catalog
from .schema import KIND_NAMES, RecordBase

UNKNOWN_YEAR = "未注明"
BROWSE_PER_PIECE = 500  # rows per piece: ~200 KB raw, ~30 KB gzipped on the synthetic catalogue


class Facet:
    key = ""
    label = ""

    def values(self, record: RecordBase, catalog: Catalog) -> list[str]:
        raise NotImplementedError

    def label_of(self, value: str, catalog: Catalog) -> str:
        return value


class MainModelFacet(Facet):
    key, label = "main-model", "主要治理模式"

    def values(self, record, catalog):
        return [record.model]

    def label_of(self, value, catalog):
        return catalog.model_by_id[value].name


class ModelFacet(Facet):
    """Main and secondary models alike: a record counts for every model it names."""

    key, label = "model", "涉及治理模式"

    def values(self, record, catalog):
        return list(dict.fromkeys(record.models))

    def label_of(self, value, catalog):
        return catalog.model_by_id[value].name


class KindFacet(Facet):
    key, label = "kind", "类型"

    def values(self, record, catalog):
        return [record.kind]

    def label_of(self, value, catalog):
        return KIND_NAMES[value]


class RegionFacet(Facet):
    """A record counts for its region and every region above it, so 湖南省 includes 雨湖区."""

    key, label = "region", "地区"

    def values(self, record, catalog):
        return [node.id for node in catalog.region_path(record.region)]

    def label_of(self, value, catalog):
        return catalog.regions[value].name


class LevelFacet(Facet):
    key, label = "level", "层级"

    def values(self, record, catalog):
        return [catalog.tier_of(record)]


class YearFacet(Facet):
    key, label = "year", "年份"

    def values(self, record, catalog):
        return [str(record.year) if record.year else UNKNOWN_YEAR]


class TagFacet(Facet):
    key, label = "tag", "标签"

    def values(self, record, catalog):
        return list(dict.fromkeys(record.tags))


FACETS: tuple[Facet, ...] = (MainModelFacet(), ModelFacet(), KindFacet(), RegionFacet(), LevelFacet(), YearFacet(), TagFacet())


def browse_data(catalog: Catalog, url_of: Callable[[RecordBase], str]) -> dict:
    """Every record with its facet values (ids), newest first: the page's default order."""
    values = {f.key: {r.id: f.values(r, catalog) for r in catalog.records} for f in FACETS}
    labels = {f.key: {v: f.label_of(v, catalog) for vs in values[f.key].values() for v in vs} for f in FACETS}
    newest = sorted(catalog.records, key=lambda r: (str(r.review.added), r.id), reverse=True)
    return {
        "facets": [{"key": f.key, "label": f.label} for f in FACETS],
        "labels": labels,
        "records": [
            {
                "id": r.id,
                "title": r.title,
                "summary": r.summary,
                "url": url_of(r),
                "region": catalog.regions[r.region].name,
                "year": r.year,
                "added": str(r.review.added),
                "facets": {f.key: values[f.key][r.id] for f in FACETS},
            }
            for r in newest
        ],
    }


def data_script(call: str, n: int, payload) -> str:
    """`call(n, payload)`: JSON is valid JavaScript, and `<` is escaped so no text closes a script."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f"{call}({n},{body});\n"


def browse_files(data: dict, folder: str, per_piece: int | None = None) -> dict[str, bytes]:
    """The browse data as scripts `folder`/<n>.js calling `kbBrowse(n, piece)` (see the module's
    docstring). A row is [id, title, summary, url, [[value index, …] for each facet]]; the region
    name and the year are read back from the facet values, the date added from the row's place."""
    per_piece = per_piece or BROWSE_PER_PIECE
    records = data["records"]
    facets = []
    for f in data["facets"]:
        counts = Counter(v for r in records for v in r["facets"][f["key"]])
        ids = sorted(counts)
        facets.append({**f, "values": ids, "names": [data["labels"][f["key"]][v] for v in ids],
                       "counts": [counts[v] for v in ids]})
    index = [{v: i for i, v in enumerate(f["values"])} for f in facets]
    # the region tree, for the page to draw before the rows arrive: each region's parent (-1: none)
    region = next(k for k, f in enumerate(facets) if f["key"] == RegionFacet.key)
    parents = [-1] * len(facets[region]["values"])
    for r in records:
        path = [index[region][v] for v in r["facets"][RegionFacet.key]]
        for above, below in zip(path, path[1:]):
            parents[below] = above
    facets[region]["parents"] = parents
    rows = [[r["id"], r["title"], r["summary"], r["url"],
             [[index[k][v] for v in r["facets"][f["key"]]] for k, f in enumerate(facets)]] for r in records]
    chunks = [rows[i:i + per_piece] for i in range(0, len(rows), per_piece)] or [[]]
    head = {"facets": facets, "total": len(rows), "pieces": len(chunks)}
    build = hashlib.sha256(json.dumps([head, rows], ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    return {f"{folder}/{n}.js": data_script("kbBrowse", n, {**(head if n == 0 else {}), "build": build, "rows": chunk})
            .encode("utf-8") for n, chunk in enumerate(chunks)}
