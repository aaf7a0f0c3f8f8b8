"""Incremental builds: each page's HTML remembered in `.cache/pages`, keyed by everything it depends on.

MkDocs turns a page into HTML in two steps, and each has its own entry:

- *content* (Markdown → HTML fragment, table of contents, title, anchors): keyed by the page's
  final Markdown and metadata, its path and URL, and the build's settings but the theme and
  `extra` (`settings_key(theme=False)`: a newer record moves the footer's date on every page,
  which needs the templates again but no Markdown converted). The
  fragment also depends on the files its links point to, so the entry lists every file MkDocs
  looked up while converting it (with the URL it found, or none) and is used only if each lookup
  still gives the same answer. A page whose conversion logged anything (a broken link) is never
  stored, so the message is repeated on every build, as in a clean one.
- *page* (the theme's template around the fragment): keyed by the content, the navigation with
  every title and URL in it (every page shows the whole nav), the page's URL and the settings.

On a hit the page skips Markdown and the template; every plugin event still runs, so Material's
search indexes it from the restored content. Settings cover the generator's own code and
templates (content_key's fingerprint), the whole MkDocs configuration but the output folder, the
theme overrides folder and the versions of MkDocs, Material and Markdown: change any of them and
every page is made again. The result is byte for byte what a clean build writes
(tests/test_incremental.py). Entries are never removed: `.cache/` may be deleted at any time.
"""

from __future__ import annotations

import json
import logging
import re
import zlib
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from .cache import Cache, content_key, tree_digest

CACHED_TEMPLATE = "kb-cached-page.html"  # the page's remembered HTML, as it is
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")  # repr() of functions: the address changes every run
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")


def _plain(value: Any) -> Any:
    """JSON for what json cannot write: sets in order (their repr follows string hashing, which
    changes every run), anything else by its repr without memory addresses."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if hasattr(value, "items") and callable(value.items):
        return {str(k): v for k, v in value.items()}
    return ADDRESS.sub("", repr(value))


def settings_key(config: MkDocsConfig, *, theme: bool = True) -> str:
    """Everything but the pages that shapes every page: configuration, plugins, versions and, with
    `theme`, the theme, its overrides folder and `extra` (which only templates read: the footer's
    date changes when a newer record is added, and Markdown conversion need not be redone for it)."""
    left_out = {"site_dir", "nav", "plugins", "theme"} | (set() if theme else {"extra"})
    parts = {
        "config": {k: v for k, v in config.items() if k not in left_out},
        "plugins": {name: dict(plugin.config) if hasattr(plugin, "config") else None
                    for name, plugin in config.plugins.items()},
        "config_file": Path(config.config_file_path).read_text("utf-8") if config.config_file_path else "",
        "versions": {p: metadata.version(p) for p in PACKAGES},
    }
    if theme:
        parts.update(theme=dict(config.theme), theme_name=config.theme.name, theme_dirs=config.theme.dirs,
                     overrides=tree_digest(Path(config.theme.custom_dir)) if config.theme.custom_dir else "")
    return content_key(json.dumps(parts, sort_keys=True, default=_plain, ensure_ascii=False))


def nav_key(nav: Navigation) -> str:
    """The navigation as every page shows it: order, titles, URLs."""

    def walk(items) -> list:
        return [[type(item).__name__, item.title, getattr(item, "url", None), walk(getattr(item, "children", None) or [])]
                for item in items]

    return content_key(json.dumps(walk(nav.items), ensure_ascii=False))


def _toc_to_json(items) -> list:
    return [[i.title, i.id, i.level, _toc_to_json(i.children)] for i in items]


def _toc_from_json(items) -> list[AnchorLink]:
    out = []
    for title, anchor, level, children in items:
        link = AnchorLink(title, anchor, level)
        link.children = _toc_from_json(children)
        out.append(link)
    return out


class _Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PageCache:
    """One build's use of the cache; the counters say how many pages were converted (content) and
    rendered (page) again, and how many were reused."""

    def __init__(self, root: Path | None, config: MkDocsConfig):
        self.store = Cache(root, "pages")
        self.settings = settings_key(config)
        self.conversion = settings_key(config, theme=False)
        self.content_hits = self.content_misses = self.page_hits = self.page_misses = 0
        self._lookup = None  # Files.get_file_from_path as MkDocs defines it
        self._uris: dict = {}  # Files.src_uris
        self._recording: list | None = None  # lookups made while the current page converts
        self._pending: dict[str, tuple[str, _Logged]] = {}  # src_uri -> content key, log counter
        self._page_keys: dict[str, str] = {}  # src_uri -> page key, for pages to store after rendering
        self.cached: set[str] = set()  # pages whose content came from the cache
        self._html: dict[str, bytes] = {}  # src_uri -> remembered page HTML, compressed

    # --- files: record what a page's links looked up ---------------------------------------------
    def watch(self, files: Files) -> None:
        self._lookup, self._uris = files.get_file_from_path, files.src_uris

        def recording(path: str):
            found = self._lookup(path)
            if self._recording is not None:
                self._recording.append([path, found.url if found else None,
                                        bool(found and found.inclusion.is_excluded())])
            return found

        files.get_file_from_path = recording  # type: ignore[method-assign]

    def _still(self, lookups) -> bool:
        for path, url, excluded in lookups:
            # a key of src_uris is already the normal form get_file_from_path would make of it
            found = self._uris.get(path) or self._lookup(path)
            if (found.url if found else None) != url or bool(found and found.inclusion.is_excluded()) != excluded:
                return False
        return True

    # --- content: Markdown → fragment -----------------------------------------------------------------
    def before_render(self, page: Page, markdown: str) -> None:
        """Called with the page's final Markdown, just before MkDocs converts it: on a hit, restore
        what conversion would produce and make conversion a no-op."""
        key = content_key("content", self.conversion, page.file.src_uri, page.url, markdown,
                          json.dumps(page.meta, sort_keys=True, default=_plain, ensure_ascii=False))
        data = self.store.get(key)
        if data is not None:
            about, content = zlib.decompress(data).split(b"\0", 1)
            entry = json.loads(about)
            if self._still(entry["lookups"]):
                page.content = content.decode("utf-8")
                page.toc = TableOfContents(_toc_from_json(entry["toc"]))
                page._title_from_render = entry["title"]
                page.present_anchor_ids = set(entry["anchors"])
                if entry["links_to_anchors"] is not None:
                    page.links_to_anchors = {self._lookup(uri): links for uri, links in entry["links_to_anchors"]}
                page.render = lambda *args, **kwargs: None  # type: ignore[method-assign]
                self.cached.add(page.file.src_uri)
                self.content_hits += 1
                return
        self.content_misses += 1
        logged = _Logged()
        logging.getLogger("mkdocs").addHandler(logged)
        self._pending[page.file.src_uri] = (key, logged)
        self._recording = []

    def after_render(self, page: Page) -> None:
        """Called with the page's fragment (after the safety backstop passed it): store it."""
        pending = self._pending.pop(page.file.src_uri, None)
        lookups, self._recording = self._recording, None
        if pending is None:
            return
        key, logged = pending
        logging.getLogger("mkdocs").removeHandler(logged)
        if logged.count or lookups is None:
            return  # its messages must show on every build
        links = None
        if page.links_to_anchors is not None:
            links = sorted([f.src_uri, dict(sorted(a.items()))] for f, a in page.links_to_anchors.items())
        entry = {"toc": _toc_to_json(page.toc), "title": page._title_from_render,
                 "anchors": sorted(page.present_anchor_ids or ()), "links_to_anchors": links, "lookups": lookups}
        # the fragment as it is after the rest in JSON (which never holds a raw NUL): not escaped again
        about = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        self.store.put(key, zlib.compress(about + b"\0" + page.content.encode("utf-8"), 1))

    def abandon(self) -> None:
        """A page failed to convert: stop listening for it."""
        for _, logged in self._pending.values():
            logging.getLogger("mkdocs").removeHandler(logged)
        self._pending.clear()
        self._recording = None

    # --- page: the theme's template around the fragment ----------------------------------------------
    def choose_templates(self, nav: Navigation, files: Files) -> None:
        """Once every page has its content (MkDocs' env event): pages whose HTML is remembered use
        a template that writes it out as it is."""
        navigation = nav_key(nav)
        for file in files.documentation_pages():
            page = file.page
            if page is None or page.content is None:
                continue
            key = content_key("page", self.settings, navigation, file.src_uri, page.url, page.content,
                              json.dumps(_toc_to_json(page.toc), ensure_ascii=False), page.title or "",
                              json.dumps(page.meta, sort_keys=True, default=_plain, ensure_ascii=False))
            data = self.store.get(key)
            if data is not None and "template" not in page.meta:
                page.meta["template"] = CACHED_TEMPLATE
                self._html[file.src_uri] = data  # compressed until its turn: thousands of pages add up
                self.page_hits += 1
            else:
                self._page_keys[file.src_uri] = key
                self.page_misses += 1

    def html(self, page: Page) -> str | None:
        """The remembered HTML of a page that uses CACHED_TEMPLATE (once: it is then let go)."""
        data = self._html.pop(page.file.src_uri, None)
        if data is None:
            return None
        at, html = zlib.decompress(data).decode("utf-8").split("\0", 1)
        start = int(at)
        return html if start < 0 else html[:start] + page.content + html[start:]

    def rendered(self, page: Page, output: str) -> None:
        """The template's output for a page (before any plugin's post_page changes it). Stored
        without the page's own fragment, which its key holds (the fragment is kept in its content
        entry, and is the page's content whenever this entry is used): where it stood, then the rest."""
        key = self._page_keys.pop(page.file.src_uri, None)
        if key is not None:
            start = output.find(page.content) if page.content else -1
            rest = output if start < 0 else output[:start] + output[start + len(page.content):]
            self.store.put(key, zlib.compress(f"{start}\0{rest}".encode("utf-8"), 1))
