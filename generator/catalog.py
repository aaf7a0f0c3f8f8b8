"""The Catalog: checked records, the region tree, models and glossary, cross-linked both ways.

Built only by `pipeline.check_catalog` (after `check.check_files` found no errors), so everything
after this stage sees typed, valid data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Mapping

from .routes import Routes
from .schema import TIER_OF, GovernanceModel, RecordBase, Region, Term

# A link's name as seen from each end: practice --implements--> policy is, from the policy's
# side, "implemented by".
LINK_NAMES = {
    "related": ("相关记录", "相关记录"),
    "implements": ("落实的政策文件", "落实本文件的记录"),
    "supports": ("支撑的实践案例", "支撑本案例的项目"),
}


@dataclass(frozen=True)
class RegionNode:
    id: str
    name: str
    level: str
    code: str | None
    parent: str | None
    children: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    relation: str  # key of LINK_NAMES
    label: str  # the relation as read from this end
    target: str  # record id


@dataclass(frozen=True)
class Catalog:
    records: tuple[RecordBase, ...]  # sorted by id
    files: Mapping[str, str]  # record id -> path relative to the project root
    models: tuple[GovernanceModel, ...]
    regions: Mapping[str, RegionNode]  # in tree order
    top_regions: tuple[str, ...]
    glossary: tuple[Term, ...]
    _links: Mapping[str, tuple[Link, ...]] = field(repr=False)
    thesaurus: tuple = ()  # SynonymGroup, from the optional catalog/thesaurus.yml

    @classmethod
    def assemble(cls, records: list[RecordBase], files: dict[str, str], models: list[GovernanceModel],
                 regions: list[Region], glossary: list[Term], thesaurus: tuple = ()) -> "Catalog":
        nodes: dict[str, RegionNode] = {}

        def walk(region: Region, parent: str | None) -> None:
            nodes[region.id] = RegionNode(region.id, region.name, region.level, region.code, parent,
                                          tuple(c.id for c in region.children))
            for child in region.children:
                walk(child, region.id)

        for top in regions:
            walk(top, None)
        links: dict[str, list[Link]] = defaultdict(list)
        for record in records:
            for relation, targets in record.links().items():
                forward, backward = LINK_NAMES[relation]
                for target in targets:
                    links[record.id].append(Link(relation, forward, target))
                    links[target].append(Link(relation, backward, record.id))
        unique = {rid: tuple(dict.fromkeys(ls)) for rid, ls in links.items()}
        return cls(
            records=tuple(sorted(records, key=lambda r: r.id)),
            files=MappingProxyType(dict(files)),
            models=tuple(models),
            regions=MappingProxyType(nodes),
            top_regions=tuple(r.id for r in regions),
            glossary=tuple(glossary),
            _links=MappingProxyType(unique),
            thesaurus=tuple(thesaurus),
        )

    # --- lookups ---------------------------------------------------------------------------
    @cached_property
    def by_id(self) -> Mapping[str, RecordBase]:
        return MappingProxyType({r.id: r for r in self.records})

    @cached_property
    def model_by_id(self) -> Mapping[str, GovernanceModel]:
        return MappingProxyType({m.id: m for m in self.models})

    def links(self, record_id: str) -> tuple[Link, ...]:
        """Explicit links of a record, both directions, in declaration order."""
        return self._links.get(record_id, ())

    def region_path(self, region_id: str) -> list[RegionNode]:
        """From the province down to the region itself."""
        path = []
        node: RegionNode | None = self.regions[region_id]
        while node is not None:
            path.append(node)
            node = self.regions[node.parent] if node.parent else None
        return path[::-1]

    def region_and_descendants(self, region_id: str) -> list[str]:
        out = [region_id]
        for child in self.regions[region_id].children:
            out.extend(self.region_and_descendants(child))
        return out

    # --- indexes, built once on first use: templates ask per region, per model, per kind ------
    @cached_property
    def _index(self) -> dict[str, Mapping[str, tuple[RecordBase, ...]]]:
        own: dict[str, list[RecordBase]] = defaultdict(list)
        subtree: dict[str, list[RecordBase]] = defaultdict(list)
        kind: dict[str, list[RecordBase]] = defaultdict(list)
        model: dict[str, list[RecordBase]] = defaultdict(list)
        for record in self.records:  # in id order, so every list is too
            for region_id in record.region_ids:  # its own region, then where it started or spread
                own[region_id].append(record)
            for node_id in dict.fromkeys(n.id for rid in record.region_ids for n in self.region_path(rid)):
                subtree[node_id].append(record)
            kind[record.kind].append(record)
            for model_id in dict.fromkeys(record.models):
                model[model_id].append(record)
        return {name: MappingProxyType({k: tuple(v) for k, v in index.items()})
                for name, index in (("own", own), ("subtree", subtree), ("kind", kind), ("model", model))}

    def records_in_region(self, region_id: str, *, include_children: bool = True) -> list[RecordBase]:
        """Records whose own region or one of whose further regions (发源地, 推广地) lies here."""
        return list(self._index["subtree" if include_children else "own"].get(region_id, ()))

    def level_of(self, record: RecordBase) -> str:
        return self.regions[record.region].level

    def tier_of(self, record: RecordBase) -> str:
        """省级, 地级, 县级, 乡级 or 村级: the level group that browsing and counts use."""
        return TIER_OF[self.regions[record.region].level]

    def province_of(self, record: RecordBase) -> RegionNode:
        return self.region_path(record.region)[0]

    def records_of_kind(self, kind: str) -> list[RecordBase]:
        return list(self._index["kind"].get(kind, ()))

    def records_of_model(self, model_id: str) -> list[RecordBase]:
        return list(self._index["model"].get(model_id, ()))

    @cached_property
    def tags(self) -> Mapping[str, tuple[RecordBase, ...]]:
        by_tag: dict[str, list[RecordBase]] = defaultdict(list)
        for record in self.records:
            for tag in dict.fromkeys(record.tags):
                by_tag[tag].append(record)
        return MappingProxyType({t: tuple(by_tag[t]) for t in sorted(by_tag)})

    @staticmethod
    def url_of(record: RecordBase) -> str:
        """The stable URL path of a record's page on the served site (see routes.Routes)."""
        return Routes().record_url(record)
