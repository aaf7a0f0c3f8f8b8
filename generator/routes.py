"""Where every generated page lives: one place that turns a record, a model, a region or a tag
into its Markdown path and its URL.

The Markdown paths are the engine-independent source tree (what `kb materialise` writes); the
URL depends only on whether the build uses directory URLs (`practices/x/`, the served site) or
plain files (`practices/x.html`, the offline zip opened from disk).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .schema import KIND_FOLDERS, RecordBase

DOWNLOADS = "downloads/catalog"  # + .json / .csv / .xlsx
DOWNLOADS_PAGE = "downloads/index.md"  # the downloads page: every file with its size, record count and date
BROWSE_PAGE = "browse/index.md"  # a folder of its own, so its scripts sit at ../assets/ in every URL style
COMPARE_PAGE = "compare/index.md"  # a folder of its own, like the browse page
# The data of those two pages, in pieces (generator/browse.py, compare.py): beside the pages, not
# under assets/, which browsers may keep for an hour (deploy/nginx.conf): pieces must not mix builds.
COMPARE_DATA = "compare/data"
BROWSE_DATA = "browse/data"
KINDS_PAGE = "kinds/index.md"  # the 类型 section's own page, so all three kinds show under it in the menu
STATUS_PAGE = "status.md"  # editors' view: records by completeness


def record_path(record: RecordBase) -> str:
    return f"{KIND_FOLDERS[record.kind]}/{record.id}.md"


def model_path(model_id: str) -> str:
    return f"models/{model_id}.md"


def region_path(region_id: str) -> str:
    return f"regions/{region_id}.md"


def kind_path(kind: str) -> str:
    return f"{KIND_FOLDERS[kind]}/index.md"


def tag_path(tag: str) -> str:
    return f"tags/{tag}.md"


def relative_path(target: str, start: str) -> str:
    """posixpath.relpath(target, start or ".") for the docs tree's own paths (no `.`, `..` or
    leading `/`), without relpath's absolute-path round trip: pages call it for every link."""
    parts, base = target.split("/"), start.split("/") if start else []
    if "" in parts or "." in parts or ".." in parts or "" in base or "." in base or ".." in base:
        return posixpath.relpath(target, start or ".")
    common = 0
    while common < min(len(parts), len(base)) and parts[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


@dataclass(frozen=True)
class Routes:
    """Markdown paths → URLs, as MkDocs (and engines following it) spell them."""

    directory_urls: bool = True

    def url(self, md: str) -> str:
        """The site-relative URL of the page built from Markdown path `md`."""
        stem, _ = posixpath.splitext(md)
        if not self.directory_urls:
            return stem + ".html"
        if posixpath.basename(stem) in ("index", "README"):
            folder = posixpath.dirname(stem)
            return folder + "/" if folder else "./"
        return stem + "/"

    def record_url(self, record: RecordBase) -> str:
        return self.url(record_path(record))

    def relative(self, target_md: str, from_md: str) -> str:
        """The link from the page of `from_md` to the page of `target_md`, as a browser resolves it."""
        target = self.url(target_md)
        base = self.url(from_md)
        base_dir = base if base.endswith("/") else posixpath.dirname(base) + "/"
        if base_dir in ("./", "/"):
            base_dir = ""
        rel = relative_path(target.rstrip("/") or ".", base_dir.rstrip("/"))
        if target.endswith("/") and not rel.endswith("/"):
            rel = rel + "/" if rel != "." else "./"
        return rel
