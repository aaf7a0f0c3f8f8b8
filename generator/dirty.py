"""`kb serve` rebuilds only what a change touched: MkDocs' dirty builds, made exact.

MkDocs' own `--dirty` skips a file when its source is older than its output. That is wrong here
twice over: generated pages and downloads have no source file (MkDocs treats them as always
changed), and a page shows more than its own source (the navigation, the footer, the URLs of the
pages it links to). So a file is skipped only when its *signature* is the one it had when it was
last written into the preview's folder:

- a page: its Markdown (and what the plugin adds to it), path and URL, plus everything every page
  shows: the whole configuration with `extra` (the footer), the navigation with every title, and
  the URL of every file;
- a generated download or data file: its bytes.

Files read from disk that are not pages (the theme's assets) keep MkDocs' own test.

A skipped page is not read, so its title, metadata and anchors are restored from the build that
wrote it: the navigation and anchor checks of the pages that are rebuilt then read as in a clean
build. Material's search index holds only the pages it saw, so the entries of skipped pages are
added back from the last build (`search_entries`). Any failed build forgets everything: the next
one is complete.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from typing import Any, Mapping

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

from .cache import content_key
from .page_cache import nav_key, settings_key


@dataclass
class Written:
    """What one file's last build left behind."""

    signature: str
    dest: str
    title: str | None = None
    meta: dict | None = None
    anchors: set | None = None
    search: list | None = None  # Material's search entries of the page


def _entries_by_page(index: Mapping) -> dict[str, list]:
    """Material's search entries grouped by the URL of their page (a section's location is
    `page/#anchor`)."""
    by_url: dict[str, list] = {}
    for entry in index.get("docs", []):
        by_url.setdefault(str(entry.get("location", "")).split("#")[0], []).append(entry)
    return by_url


def _unmodified() -> bool:
    return False


def _modified() -> bool:
    return True


class DirtyBuilds:
    """The memory of one `serve` session: which file was written with which signature."""

    def __init__(self) -> None:
        self.site_dir: str | None = None
        self.written: dict[str, Written] = {}  # src_uri -> what is in the preview's folder now
        self.skipped: set[str] = set()  # this build's files left as they are
        self._signatures: dict[str, str] = {}
        self._dests: dict[str, str] = {}

    def plan(self, config: MkDocsConfig, files: Files, nav: Navigation, additions: Mapping[str, str]) -> None:
        """Decide, before any page is read, which files this build leaves alone. `additions`: text
        the plugin adds to a page's Markdown (the home page's catalogue summary)."""
        if self.site_dir != config.site_dir:
            self.site_dir, self.written = config.site_dir, {}
        shared = content_key(settings_key(config), nav_key(nav),
                             json.dumps(sorted((f.src_uri, f.url) for f in files), ensure_ascii=False))
        self.skipped, self._signatures, self._dests = set(), {}, {}
        for file in files:
            if file.is_documentation_page():
                signature = content_key("page", shared, file.src_uri, file.url, file.content_bytes,
                                        additions.get(file.src_uri, ""))
            elif file.generated_by is not None and file.abs_src_path is None:
                signature = content_key("file", file.src_uri, file.dest_uri, file.content_bytes)
            elif file.generated_by is not None:  # made from a file elsewhere, e.g. in .cache/: which one
                stat = os.stat(file.abs_src_path)
                signature = content_key("copy", file.src_uri, file.dest_uri, file.abs_src_path,
                                        f"{stat.st_size}:{stat.st_mtime_ns}")
            else:
                self._dests[file.src_uri] = file.abs_dest_path
                continue  # a file of the docs folder or theme: MkDocs compares its time with the output's
            self._signatures[file.src_uri] = signature
            self._dests[file.src_uri] = file.abs_dest_path
            before = self.written.get(file.src_uri)
            if before is not None and before.signature == signature and os.path.isfile(file.abs_dest_path):
                file.is_modified = _unmodified  # type: ignore[method-assign]
                self.skipped.add(file.src_uri)
            else:
                file.is_modified = _modified  # type: ignore[method-assign]

    def restore(self, files: Files) -> None:
        """Give each skipped page what other pages read of it (after MkDocs made its Page)."""
        for src_uri in self.skipped:
            file = files.src_uris.get(src_uri)
            before = self.written[src_uri]
            if file is None or file.page is None or before.meta is None:
                continue
            page = file.page
            page.markdown = ""  # read: MkDocs answers `title` only for a page it has read
            page.meta = dict(before.meta)
            page._title_from_render = before.title
            page.present_anchor_ids = set(before.anchors) if before.anchors is not None else None

    def search_entries(self, files: Files, index: dict) -> dict:
        """Material's index of this build (rebuilt pages only) with the skipped pages' entries
        added back, in page order as a complete build writes them."""
        by_url = _entries_by_page(index)
        docs: list[Any] = []
        for file in files.documentation_pages():
            if file.src_uri in self.skipped:
                docs += self.written[file.src_uri].search or []
            else:
                docs += by_url.get(file.url, [])
        return {**index, "docs": docs}

    def commit(self, files: Files, index: dict | None) -> None:
        """The build succeeded: remember what is in the folder now, and remove the outputs of files
        that are gone (a deleted record's page must not stay in the preview)."""
        by_url = _entries_by_page(index or {})
        written: dict[str, Written] = {}
        for src_uri, dest in self._dests.items():
            signature = self._signatures.get(src_uri, "")
            file = files.src_uris.get(src_uri)
            page = file.page if file is not None else None
            if page is None:
                written[src_uri] = Written(signature, dest)
            else:
                written[src_uri] = Written(signature, dest, page.title, dict(page.meta),
                                           set(page.present_anchor_ids or ()), by_url.get(page.url, []))
        dests = set(self._dests.values())
        for src_uri, before in self.written.items():
            if src_uri not in written and before.dest not in dests:
                with contextlib.suppress(OSError):
                    os.remove(before.dest)
        self.written = written

    def summary(self, files: Files) -> str:
        pages = {f.src_uri for f in files.documentation_pages()}
        remade = [uri for uri in self._signatures if uri not in self.skipped]
        remade_pages = sum(uri in pages for uri in remade)
        return (f"预览：重新生成 {remade_pages} 个页面、{len(remade) - remade_pages} 个下载和数据文件；"
                f"{len(self.skipped)} 个未受改动影响，保持原样")

    def forget(self) -> None:
        self.written, self.skipped = {}, set()
