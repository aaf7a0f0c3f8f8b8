"""Atomic builds: MkDocs writes into a fresh folder beside the target, which replaces the target
only when the whole build succeeded. A failed build leaves the previous site untouched."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

log = logging.getLogger("mkdocs")


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    site_dir: Path
    message: str = ""


def _ensure_logging() -> None:
    """MkDocs' own CLI sets up its log output; when called as a library we do it."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def build_site(config_file: Path, *, site_dir: Path | None = None, strict: bool = False,
               base_url: str | None = None) -> BuildResult:
    _ensure_logging()
    config_file = Path(config_file).resolve()
    overrides: dict = {"strict": strict}
    if base_url:
        overrides["site_url"] = base_url
    config = load_config(str(config_file), **overrides)
    target = Path(site_dir or config.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    config.site_dir = str(staging)
    if strict and "catalog" in config.plugins:
        config.plugins["catalog"].config.strict = True
    try:
        mkdocs_build(config)
    except (MkDocsException, SystemExit) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        return BuildResult(False, target, str(exc) or "构建失败")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, target)
    return BuildResult(True, target)


def _swap(new: Path, target: Path) -> None:
    """Two renames on one filesystem: readers see the old site or the new one, never a mix."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
