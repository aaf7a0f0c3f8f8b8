"""The one way every entry point gets a Catalog: check the folder, assemble, stop on errors.

`kb export`, `kb search`, `kb materialise` and the MkDocs plugin all call `require_catalog`, so
"check, then stop with the same messages" cannot drift between them (`kb check` itself reports
every problem and builds nothing)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .cache import Cache
from .catalog import Catalog
from .check import CheckResult, check_files
from .problems import Problem, promote_warnings


def project_cache(catalog_dir: Path) -> Cache:
    """The check cache of the project the catalogue belongs to (`.cache/check/` beside mkdocs.yml,
    which sits beside the catalogue), or no cache for a catalogue outside a project."""
    project = Path(catalog_dir).resolve().parent
    return Cache(project / ".cache" if (project / "mkdocs.yml").is_file() else None, "check")


def check_catalog(root: Path, base: Path | None = None, archive: Path | None = None,
                  config_file: Path | None = None, cache: Cache | None = None, memo: dict | None = None) -> CheckResult:
    """Check every file under `root` and, when nothing is an error, assemble the Catalog: the one
    place a Catalog is built. `archive`/`config_file` locate the archived originals (archive.py);
    `cache` remembers each file's own result (check.check_files), without changing the result;
    so does `memo`, in memory, for a process that checks again and again (`kb serve`)."""
    with cycle_collector_paused():
        checked = check_files(root, base, archive, config_file, cache, memo)
        if not checked.ok:
            return CheckResult(None, checked.problems, checked.notes, checked.archive_checked, checked.punctuation)
        catalog = Catalog.assemble(list(checked.records), dict(checked.files), list(checked.models),
                                   list(checked.regions), list(checked.glossary), checked.thesaurus)
    return CheckResult(catalog, checked.problems, checked.notes, checked.archive_checked, checked.punctuation)


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Checking makes millions of short-lived objects while it keeps thousands of records: the
    cycle collector would walk the kept ones again and again (a tenth of a cold check at 10,000
    records) to find next to nothing, as reading a file makes no cycles. Reference counting still
    frees everything as usual; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # what the pause made and kept joins the oldest generation (two list splices), or the
            # first collection afterwards would walk all of it at once (0.3 s at 10,000 records)
            gc.freeze()
            gc.unfreeze()
            gc.enable()


class CatalogRejected(Exception):
    """The catalogue has errors (or is missing); `problems` holds them, as `kb check` reports them."""

    def __init__(self, problems: list[Problem], message: str = ""):
        super().__init__(message or f"{len(problems)} 个错误")
        self.problems = problems


@dataclass(frozen=True)
class Checked:
    catalog: Catalog
    warnings: list[Problem]
    notes: tuple[str, ...] = ()  # e.g. the archive folder is absent, so numbers were not traced


def require_catalog(catalog_dir: Path, *, base: Path | None = None, strict: bool = False,
                    archive: Path | None = None, config_file: Path | None = None, memo: dict | None = None) -> Checked:
    """The checked Catalog with its warnings; raises CatalogRejected on a missing folder or errors
    (with `strict`, warnings count as errors)."""
    catalog_dir = Path(catalog_dir)
    if not catalog_dir.is_dir():
        raise CatalogRejected([], f"找不到记录目录 {catalog_dir}")
    result = check_catalog(catalog_dir, base=base, archive=archive, config_file=config_file,
                           cache=project_cache(catalog_dir), memo=memo)
    found = promote_warnings(result.problems) if strict else result.problems
    errors = [p for p in found if p.is_error]
    if errors or result.catalog is None:
        raise CatalogRejected(errors)
    return Checked(result.catalog, [p for p in found if not p.is_error], result.notes)
