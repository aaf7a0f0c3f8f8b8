"""Every use of Material for MkDocs' internals, in one place.

Material 9 reaches end of life on 2027-05-05. What the generator relies on beyond Material's
documented configuration is listed here, and `tests/test_material_contract.py` checks each item
against the installed Material, pinned to `PINNED_VERSION`: an upgrade fails that one test with a
message saying what to re-check, instead of breaking pages.

1. The search plugin's config keys `separator`, `jieba_dict` and `jieba_dict_user`, and its
   module global `jieba` (set to None: Material then does not segment): `configure_search`.
2. The search worker: the page configuration names Material's hashed worker URL, which
   `use_worker` points at ours; ours (generator/assets/search-worker.js) speaks Material's
   undocumented worker messages (setup / ready / query / result).
3. Material's `search/search_index.json` (`config`, `docs` with location/title/text), read after
   the build for the hand-written pages: `read_page_index`; and the search plugin's
   `search_index_prev`, its memory between `serve --dirty` builds: `forget_previous_index`.
4. The head script: generator/assets/javascripts/kb-head.js is a copy of Material's inline
   partials javascripts/base.html and content.html, which theme_overrides/partials/javascripts/
   replace wholesale (`OVERRIDDEN_PARTIALS`).
5. The offline build: Material's `offline` plugin and its `extra.polyfills` iframe-worker entry:
   `offline_config`.

Imported only by the MkDocs adapter (plugin.py) and the offline bundle, never by `kb check`.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from .search.site import WORKER_PATH

PINNED_VERSION = "9.8.1"
ZH_SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；]+"  # Material's default for zh: U+200B is jieba's word boundary
WORKER_URL = re.compile(r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js(")')
SHIM = "assets/javascripts/vendor/iframe-worker/shim.js"
"""Where the plugin puts the vendored iframe-worker shim in the built site."""
OVERRIDDEN_PARTIALS = {
    # Material's partial → sha256 of the installed PINNED_VERSION copy: kb-head.js repeats its code
    "partials/javascripts/base.html": "d6113712bc4deb30b4bd810ee0dfc28b6f04d2f88cc0016c0f1766eac7b762b6",
    "partials/javascripts/content.html": "3722e156f0f6339de39fbbfc178b6e401d1a4fb890f189ac5b80c2504bda7dcf",
    # emptied for Zensical (an inline palette script); Material includes it only for a palette list
    "partials/javascripts/palette.html": "8790389765ea6036effddba548b15093bb05bdc75624eaeaf8b13f3c24be4ab5",
}


class MaterialError(Exception):
    """Material is missing, misconfigured, or not the version this module was written against."""


def installed_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("mkdocs-material")
    except Exception:  # pragma: no cover - Material is a dependency
        return None


def template_path(name: str) -> Path:
    import material

    return Path(material.__file__).parent / "templates" / name


def template_digest(name: str) -> str:
    return hashlib.sha256(template_path(name).read_bytes()).hexdigest()


def search_plugin(config):
    """Material's search plugin in a loaded MkDocs config, when enabled; else None."""
    plugin = config.plugins.get("material/search")
    return plugin if plugin is not None and plugin.config.enabled else None


def separator_ok(separator: str) -> bool:
    return "\\u200b" in separator or "\u200b" in separator


def configure_search(config) -> bool:
    """Returns whether Material's search is on; then our index and worker replace its own. Must run
    before Material's search plugin's own on_config.

    Material's index is replaced wholesale (our `on_post_build` overwrites search_index.json), and
    the only part of it we read, the hand-written pages' text, is the same with or without its
    segmentation (it only adds U+200B, which `search.site.entries_from_material` takes out again). So
    Material's own jieba is switched off: it would load a second copy of jieba's dictionary (some 70
    MB) and cut every indexed page for nothing. Our analyzer (`search.text.Analyzer`) does the
    segmenting, with the domain dictionary."""
    plugin = search_plugin(config)
    if plugin is None:
        return False
    from material.plugins.search import plugin as material_search

    if plugin.config.separator is None:
        plugin.config.separator = ZH_SEPARATOR
    elif not separator_ok(plugin.config.separator):
        raise MaterialError("mkdocs.yml 中 search 的 separator 必须包含 \\u200b(jieba 分出的词以零宽空格隔开),"
                            f"现为 {plugin.config.separator!r}")
    material_search.jieba = None  # a module global: Material segments only when it is set
    plugin.config.jieba_dict = plugin.config.jieba_dict_user = None  # Material would load them into it
    return True


def forget_previous_index(config) -> None:
    """Under `serve --dirty`, Material merges the pages it indexed with its previous index assuming
    one page was rebuilt, which duplicates sections when several were. generator/dirty.py adds the
    skipped pages' entries back itself, so Material must write only what it saw."""
    plugin = search_plugin(config)
    if plugin is not None:
        plugin.search_index_prev = None


def use_worker(output: str) -> str:
    """Point Material's page configuration at our worker; the relative prefix is kept."""
    replaced, count = WORKER_URL.subn(lambda m: m.group(1) + m.group(2) + WORKER_PATH + m.group(3), output)
    if count != 1 and '"search":' in output:
        raise ValueError("页面配置中找不到 Material 搜索 worker 的路径(Material 版本变了?)")
    return replaced


def read_page_index(site_dir: Path) -> dict:
    """Material's own search index of the built site: {config, docs: [{location, title, text}]}."""
    return json.loads((Path(site_dir) / "search" / "search_index.json").read_text(encoding="utf-8"))


def offline_config(config) -> None:
    """Turn a loaded config into the offline build's: Material's `offline` plugin (plain `.html`
    links, the search index inlined) with the vendored iframe-worker shim instead of unpkg's."""
    from material.plugins.offline.plugin import OfflinePlugin

    config.use_directory_urls = False
    polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
    config.extra["polyfills"] = [*polyfills, SHIM]  # the plugin adds unpkg's copy unless one is listed
    if not any(isinstance(p, OfflinePlugin) for p in config.plugins.values()):
        plugin = OfflinePlugin()
        errors, _ = plugin.load_config({})
        if errors:  # pragma: no cover - an empty config is always valid
            raise MaterialError(f"material/offline: {errors}")
        config.plugins["material/offline"] = plugin
    for plugin in config.plugins.values():
        if isinstance(plugin, OfflinePlugin):
            plugin.config.enabled = True
