"""Atomic builds: MkDocs writes into a fresh folder beside the target, which replaces the target
only when the whole build succeeded. A failed build leaves the previous site untouched."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException

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
               base_url: str | None = None,
               configure: Callable[[MkDocsConfig], None] | None = None) -> BuildResult:
    """Build atomically. `base_url` is a full URL (https://intranet.example/kb/) or just a path
    (/kb/): pages link relatively either way; the path makes 404.html, canonical links and the
    sitemap point inside the prefix without naming a host. `configure` adjusts the loaded config
    before the build (the offline bundle uses it)."""
    _ensure_logging()
    config_file = Path(config_file).resolve()
    overrides: dict = {"strict": strict}
    sub_path = None
    if base_url and base_url.startswith("/"):
        sub_path = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
    elif base_url:
        overrides["site_url"] = base_url
    config = load_config(str(config_file), **overrides)
    if sub_path is not None:
        config.site_url = sub_path  # MkDocs' URL option wants a scheme; a bare path works everywhere it is used
    if configure is not None:
        configure(config)
    target = Path(site_dir or config.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    config.site_dir = str(staging)
    if strict and "catalog" in config.plugins:
        config.plugins["catalog"].config.strict = True
    records = _Records()
    log.addHandler(records)
    try:
        config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
        mkdocs_build(config)
    except MkDocsException as exc:  # Abort (strict warnings, a BuildError), ConfigurationError, …
        shutil.rmtree(staging, ignore_errors=True)
        return BuildResult(False, target, _explain(exc, records))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        log.removeHandler(records)
    _publishable(staging)
    _swap(staging, target)
    return BuildResult(True, target)


def _publishable(folder: Path) -> None:
    """Readable by the web server and by whoever copies it: mkdtemp makes 0700, and a strict
    umask would make the files 0600."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


class _Records(logging.Handler):
    """Counts what MkDocs logged during one build, by level."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.errors = 0
        self.warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors += 1
        else:
            self.warnings += 1


def _explain(exc: MkDocsException, records: _Records) -> str:
    """Why MkDocs stopped, in Chinese, from what it logged (the problems themselves are above)."""
    if records.errors:
        return "错误见上方 ERROR 行。"
    if isinstance(exc, Abort) and records.warnings:
        return f"严格模式下有 {records.warnings} 个警告,见上方 WARNING 行。"
    return str(exc)


RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE). False where unsupported."""
    import ctypes
    import ctypes.util
    import os

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    return False  # ENOSYS, EINVAL (file system without exchange): fall back to two renames


def _swap(new: Path, target: Path) -> None:
    """Readers see the old site or the new one, never a mix and never no site: one atomic
    exchange where the system has it, else two renames (a moment without `target`)."""
    if target.is_dir() and not target.is_symlink() and _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the previous site
        return
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
