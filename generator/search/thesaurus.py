"""Near-synonyms for search: catalog/thesaurus.yml (groups with a preferred term) and the glossary
(a term and its aliases are one group). Used at query time by both engines (generator.search.query)."""

from __future__ import annotations

from ..catalog import Catalog
from .query import synonym_table, thesaurus_groups


def catalog_synonyms(catalog: Catalog) -> dict[str, list[str]]:
    """phrase (normalised) → the phrases it also searches, itself first."""
    groups = [[g.preferred, *g.synonyms] for g in getattr(catalog, "thesaurus", ())]
    glossary = [[t.term, *t.aliases] for t in catalog.glossary]
    return synonym_table(thesaurus_groups(groups, glossary))
