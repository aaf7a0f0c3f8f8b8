"""The command line's index (`kb search`), kept in a cache folder. The only module that imports whoosh.

What the folder holds:
- a whoosh index of each record's text as a page shows it (title, summary, body as plain text) and
  its content hash: what the hits print, read only for the records shown; updated record by record;
- `search.json`: the records' postings (the same as the site's, from the shared segmentation in
  `.cache/segments/`), each record's kind, region, models and year (the filters), the region tree,
  the models, the glossary terms and the near-synonyms: everything a query needs, so a query never
  reads the catalogue;
- `manifest.json`, written last: the content hash of every file of the catalogue folder and the
  generator's fingerprint at the time the rest was made.

`open_current` compares the manifest with the catalogue's files: when nothing changed it opens the
folder as it is (no check, no YAML, no jieba); otherwise it runs the full check and brings the
index up to date.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from ..cache import Cache, generator_fingerprint
from ..catalog import Catalog
from .fields import Corpus, content_hash, plain_markdown, record_fields
from .query import Engine
from .text import domain_terms, normalise

SCHEMA_VERSION = "4"  # 4: whoosh stores the text only; postings (packed) and filters in search.json
MANIFEST = "manifest.json"
DATA = "search.json"


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    region: str
    region_name: str
    year: int | None
    models: list[str]
    score: float
    snippet: str

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "region": self.region,
                "region_name": self.region_name, "year": self.year, "models": self.models,
                "score": round(self.score, 4), "snippet": self.snippet}


def catalogue_manifest(catalog_dir: Path) -> dict:
    """The content hash of every file under the catalogue folder (hidden files aside), and the
    generator's fingerprint: if both are unchanged, so is everything the index was made from."""
    files: dict[str, str] = {}

    def walk(folder: str, prefix: str) -> None:  # os.scandir: pathlib costs more than the hashing here
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    walk(entry.path, prefix + entry.name + "/")
                else:
                    with open(entry.path, "rb") as handle:
                        files[prefix + entry.name] = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()

    walk(str(catalog_dir), "")
    return {"version": SCHEMA_VERSION, "generator": generator_fingerprint(), "files": files}


def search_data(catalog: Catalog, corpus: Corpus) -> dict:
    """What a query needs besides the records' text (written to search.json)."""
    from .site import record_postings
    from .thesaurus import catalog_synonyms

    return {
        "ids": [d.id for d in corpus.docs],
        # each list as one string, read only when a query needs it: parsing every list costs more than a query
        "postings": {term: ",".join(map(str, plist)) for term, plist in record_postings(corpus).items()},
        "records": {r.id: [r.kind, r.region, list(r.models), r.year] for r in catalog.records},
        "regions": {n.id: [n.name, list(n.children)] for n in catalog.regions.values()},
        "models": {m.id: m.name for m in catalog.models},
        "glossary": [t.term for t in catalog.glossary],
        "synonyms": catalog_synonyms(catalog),
    }


class PackedPostings(Mapping):
    """{term: "doc delta,weight,…"} read as {term: [doc delta, weight, …]}, a list at a time."""

    def __init__(self, packed: Mapping[str, str]):
        self.packed = packed

    def __getitem__(self, term: str) -> list[int]:
        return [int(n) for n in self.packed[term].split(",")]

    def __iter__(self) -> Iterator[str]:
        return iter(self.packed)

    def __len__(self) -> int:
        return len(self.packed)


class WhooshIndex:
    """The records' text in whoosh plus search.json, kept in `folder` and updated record by record.

    `WhooshIndex(catalog, folder).open()` brings the folder up to date with a checked catalogue;
    `WhooshIndex.open_current(catalog_dir, folder, load)` does so only when the catalogue's files
    changed (calling `load`, the full check), and otherwise opens the folder without the catalogue."""

    def __init__(self, catalog: Catalog | None, folder: Path):
        self.catalog = catalog
        self.folder = Path(folder)
        self.updated: list[str] = []
        self.removed: list[str] = []
        self.last = None  # the last query's Result (its words and the near-synonyms searched)
        self._index = None
        self.data: dict = {}

    @classmethod
    def open_current(cls, catalog_dir: Path, folder: Path, load: Callable[[], Catalog]) -> "WhooshIndex":
        folder = Path(folder)
        manifest = catalogue_manifest(catalog_dir) if Path(catalog_dir).is_dir() else None
        try:
            current = manifest is not None and json.loads((folder / MANIFEST).read_text(encoding="utf-8")) == manifest
        except (OSError, ValueError):
            current = False
        if current:
            index = cls(None, folder)
            try:
                index._open_whoosh(create=False)
                index.data = json.loads((folder / DATA).read_text(encoding="utf-8"))
                return index
            except (OSError, ValueError, KeyError):
                pass  # a damaged folder: rebuild it below
        (folder / MANIFEST).unlink(missing_ok=True)
        index = cls(load(), folder).open()
        if manifest is not None:
            _write(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=0))
        return index

    def _schema(self):
        from whoosh.fields import ID, STORED, Schema

        return Schema(id=ID(stored=True, unique=True), title=STORED(), summary=STORED(), body=STORED(), hash=STORED())

    def _open_whoosh(self, create: bool):
        from whoosh import index

        stamp = self.folder / "VERSION"
        if index.exists_in(self.folder) and stamp.exists() and stamp.read_text() == SCHEMA_VERSION:
            self._index = index.open_dir(self.folder, schema=self._schema())
        elif not create:
            raise OSError("no index")
        else:
            if self.folder.exists():
                for child in self.folder.iterdir():
                    if child.is_file():
                        child.unlink()
            self.folder.mkdir(parents=True, exist_ok=True)
            self._index = index.create_in(self.folder, self._schema())
            stamp.write_text(SCHEMA_VERSION)
        return self._index

    def open(self) -> "WhooshIndex":
        """Re-index only the records whose content hash changed, drop the ones that are gone, and
        write search.json from the shared segmentation (`.cache/segments/` beside this folder)."""
        assert self.catalog is not None
        catalog = self.catalog
        ix = self._open_whoosh(create=True)
        with ix.searcher() as searcher:
            have = {f["id"]: f["hash"] for f in searcher.all_stored_fields()}
        want_docs = {}
        for record in catalog.records:
            fields = record_fields(catalog, record)
            shown = {"title": fields["title"], "summary": fields["summary"], "body": plain_markdown(fields["body"])}
            want_docs[record.id] = (shown, content_hash(shown))
        changed = [rid for rid, (_, h) in want_docs.items() if have.get(rid) != h]
        gone = sorted(set(have) - set(want_docs))
        if changed or gone:
            # one segment, written in memory: a full build of thousands of records in seconds
            writer = ix.writer(limitmb=256, procs=1)
            for rid in gone:
                writer.delete_by_term("id", rid)
            for rid in changed:
                shown, digest = want_docs[rid]
                writer.update_document(id=rid, hash=digest, **shown)
            writer.commit(optimize=not have)
        self.updated, self.removed = sorted(changed), gone
        corpus = Corpus(catalog, cache=Cache(self.folder.parent, "segments"), terms=domain_terms(catalog))
        self.data = search_data(catalog, corpus)
        _write(self.folder / DATA, json.dumps(self.data, ensure_ascii=False, separators=(",", ":")))
        return self

    # --- what a query needs, from search.json ---------------------------------------------------

    @cached_property
    def engine(self) -> Engine:
        return Engine(PackedPostings(self.data["postings"]), len(self.data["ids"]), self.data["synonyms"],
                      records_only=True)

    @property
    def engine_ids(self) -> list[str]:
        return self.data["ids"]

    @property
    def models(self) -> dict[str, str]:
        """Model id → name, in the catalogue's order."""
        return self.data["models"]

    @property
    def regions(self) -> dict[str, str]:
        """Region id → name."""
        return {rid: node[0] for rid, node in self.data["regions"].items()}

    @property
    def glossary(self) -> list[str]:
        return self.data["glossary"]

    def region_and_descendants(self, region: str) -> list[str]:
        out, todo = [], [region]
        while todo:
            rid = todo.pop()
            out.append(rid)
            todo.extend(reversed(self.data["regions"][rid][1]))
        return out

    def search(self, query: str, *, models: Sequence[str] = (), kinds: Sequence[str] = (),
               region: str | None = None, years: Sequence[int] = (), limit: int = 20) -> list[Hit]:
        """Matching and ranking are the shared query semantics (generator.search.query), the same as
        the site's worker; the filters read search.json, and whoosh only the shown records' text."""
        result = self.engine.search(query)
        self.last = result
        records = self.data["records"]
        within = set(self.region_and_descendants(region)) if region else None
        shown: list[tuple[str, float]] = []
        for d, score in result.ranked:
            rid = self.engine_ids[d]
            kind, rid_region, rid_models, year = records[rid]
            if ((models and not set(models) & set(rid_models)) or (kinds and kind not in kinds)
                    or (within is not None and rid_region not in within) or (years and year not in years)):
                continue
            shown.append((rid, score))
            if len(shown) == limit:
                break
        if not shown:
            return []
        marks = [t for w in result.words for terms, _ in w.alts for t in terms]
        names = self.regions
        out = []
        with self._index.searcher() as searcher:
            for rid, score in shown:
                stored = searcher.document(id=rid)
                snippet = ""
                for name in ("summary", "body", "title"):
                    snippet = highlight(stored[name], marks)
                    if snippet:
                        break
                kind, rid_region, rid_models, year = records[rid]
                out.append(Hit(rid, kind, stored["title"], rid_region, names[rid_region], year, list(rid_models),
                               score, " ".join((snippet or stored["summary"][:80]).split())))
        return out


def highlight(text: str, terms: Sequence[str], *, top: int = 2, maxchars: int = 120, surround: int = 40) -> str:
    """Up to `top` passages of `text` around the places where `terms` occur, each term as 【term】,
    passages joined by " … " in reading order; "" when none occurs. Terms are matched in the
    normalised text (same length as `text`), longest first."""
    words = sorted({t for t in terms if t}, key=lambda t: (-len(t), t))
    if not words:
        return ""
    spans = [m.span() for m in re.finditer("|".join(map(re.escape, words)), normalise(text))]
    groups: list[list[tuple[int, int]]] = []
    for span in spans:  # passages: nearby matches together, each passage at most `maxchars` long
        if groups and span[1] - groups[-1][0][0] <= maxchars - 2 * surround:
            groups[-1].append(span)
        else:
            groups.append([span])
    best = sorted(groups, key=lambda g: (-len({normalise(text[s:e]) for s, e in g}), -len(g), g[0][0]))[:top]
    passages = []
    for group in sorted(best):
        start, end = max(0, group[0][0] - surround), min(len(text), group[-1][1] + surround)
        out, at = [], start
        for s, e in group:
            out += [text[at:s], "【", text[s:e], "】"]
            at = e
        passages.append("".join(out) + text[at:end])
    return " … ".join(passages)


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
