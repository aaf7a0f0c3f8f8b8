"""Facet data for the browse page: each facet is a small class that says which values a record has.

Values are ids (model, kind and region ids; levels, years and tags as written), with their labels
beside them in `labels`: two regions with the same name stay apart, and renaming a model does not
break a shared browse address (the address holds the id).

The data ships as a .js file (not fetched), so the browse page filters offline and from file://.
"""

from __future__ import annotations

import json
from typing import Callable

from .catalog import Catalog
from .schema import KIND_NAMES, RecordBase

UNKNOWN_YEAR = "未注明"


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
    values = {f.key: {r.id: f.values(r, catalog) for r in catalog.records} for f in FACETS}
    labels = {f.key: {v: f.label_of(v, catalog) for vs in values[f.key].values() for v in vs} for f in FACETS}
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
                "added": r.review.added,
                "facets": {f.key: values[f.key][r.id] for f in FACETS},
            }
            for r in catalog.records
        ],
    }


def browse_script(data: dict) -> str:
    """The data as a script that sets a global; JSON is valid JavaScript, and `<` is escaped anyway."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f"window.KB_BROWSE = {payload};\n"
