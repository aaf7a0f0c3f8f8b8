"""The offline bundle: the whole site as one zip that works opened from disk (file://), search
included, for readers without the intranet server.

It is the normal build with three changes, made on the loaded config (never in mkdocs.yml):
- Material's `offline` plugin: plain `.html` links instead of directory URLs (a browser opening
  `practices/x/` from disk shows a folder listing, not the page), and the search index inlined as
  `search/search_index.js` so search needs no fetch;
- the `iframe-worker` shim that plugin needs (browsers refuse web workers on file://) comes from
  the copy vendored in generator/assets/javascripts/vendor/, not from unpkg.com, so the bundle, too, loads nothing
  from any other host;
- the output goes to a temporary folder that is zipped as `dist/<name>-<date>.zip`, under one top
  folder `<name>-<date>/` so that unzipping never scatters files. The zip is written beside its
  final name and renamed into place: a failed build leaves the previous zip alone. Source maps
  (*.map, for browser developer tools only) are left out.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from .build import build_site
from .material import SHIM, offline_config  # noqa: F401 - SHIM: where the offline site has the shim

DEFAULT_NAME = "shiyu-zhili-kb"
"""File name stem of the zip unless mkdocs.yml sets `extra.bundle_name`."""


@dataclass(frozen=True)
class BundleResult:
    ok: bool
    path: Path | None
    message: str = ""


def build_bundle(config_file: Path, *, dist_dir: Path | None = None, strict: bool = False,
                 name: str | None = None, date: dt.date | None = None) -> BundleResult:
    config_file = Path(config_file).resolve()
    dist = Path(dist_dir) if dist_dir is not None else config_file.parent / "dist"
    dist = dist.resolve()
    dist.mkdir(parents=True, exist_ok=True)
    date = date or dt.date.today()
    with tempfile.TemporaryDirectory(prefix=".kb-offline-", dir=dist) as tmp:
        site = Path(tmp) / "site"
        names: list[str] = []

        def configure(config: MkDocsConfig) -> None:
            offline_config(config)
            names.append(name or config.extra.get("bundle_name") or DEFAULT_NAME)

        result = build_site(config_file, site_dir=site, strict=strict, configure=configure)
        if not result.ok:
            return BundleResult(False, None, result.message)
        folder = f"{names[0]}-{date:%Y%m%d}"
        target = dist / f"{folder}.zip"
        partial = Path(tmp) / f"{folder}.zip"
        _zip_tree(site, partial, folder, date)
        os.replace(partial, target)
    return BundleResult(True, target)


def _zip_tree(root: Path, zip_path: Path, folder: str, date: dt.date) -> None:
    """Zip `root` as `folder/...`, sorted and with one timestamp, so equal sites give equal zips."""
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(root.rglob("*")):
            if path.is_dir() or path.suffix == ".map":  # source maps only serve developer tools
                continue
            info = zipfile.ZipInfo(f"{folder}/{path.relative_to(root).as_posix()}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
