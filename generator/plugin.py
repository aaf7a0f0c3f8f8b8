"""The MkDocs plugin: a thin adapter from MkDocs events to the generator's stages.

Plain `mkdocs build` and `mkdocs serve` work because everything happens here: the catalogue is
checked when the config loads, pages are rendered into MkDocs' generated files (in memory, never
written into the docs folder), and `serve` watches the catalogue.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from markupsafe import escape

from .check import check_catalog
from .export import EXPORTERS, export
from .problems import promote_warnings, report_text
from .browse import browse_data, browse_script
from .render import BROWSE_PAGE, DOWNLOADS, Renderer, md_path
from .safety import unsafe_html
from .schema import KIND_FOLDERS, KINDS
from .search import JiebaMissing
from .webindex import ZH_SEPARATOR, SiteSearch, separator_ok, use_worker

log = logging.getLogger("mkdocs.plugins.catalog")
ASSETS = Path(__file__).parent / "assets"


def _paths(nav) -> list[str]:
    """Every page path in a MkDocs nav structure."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        nav = list(nav.values())
    return [path for item in nav for path in _paths(item)]


class CatalogConfig(base.Config):
    catalog_dir = opt.Type(str, default="catalog")
    """The records folder, relative to mkdocs.yml."""
    source_url = opt.Optional(opt.URL())
    """Where editors read a record's YAML, e.g. https://git.example/kb/-/blob/main/ (the record's
    path is appended). Without it, record pages show the path only."""
    strict = opt.Type(bool, default=False)
    """Treat check warnings (traditional characters, web boilerplate, untraceable sources) as errors."""


class CatalogPlugin(BasePlugin[CatalogConfig]):
    def __init__(self) -> None:
        self.renderer: Renderer | None = None
        self.catalog_path: Path | None = None
        self.search: SiteSearch | None = None
        self.search_on = False  # Material's search plugin enabled: our index and worker replace its own
        self.unindexed: set[str] = set()  # generated pages kept out of the search index
        self.record_urls: dict[str, str] = {}

    @event_priority(100)  # before Material's search plugin, which loads jieba_dict_user in its on_config
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        project = Path(config.config_file_path or ".").resolve().parent
        self.catalog_path = (project / self.config.catalog_dir).resolve()
        result = check_catalog(self.catalog_path, base=project)
        found = promote_warnings(result.problems) if self.config.strict else result.problems
        for problem in found:
            if not problem.is_error:
                log.warning(problem.as_text())
        if any(p.is_error for p in found):
            errors = [p for p in found if p.is_error]
            raise PluginError("记录检查未通过,站点未生成:\n" + report_text(errors).rstrip())
        self.search = self._setup_search(config, project, result.catalog)
        self.renderer = Renderer(result.catalog, source_url=self.config.source_url, similar=self.search.similar)
        config.nav = self._nav(result.catalog)
        return config

    def _setup_search(self, config: MkDocsConfig, project: Path, catalog) -> SiteSearch:
        """Chinese segmentation must be on, or search silently indexes whole runs of characters."""
        try:
            site_search = SiteSearch(catalog, project / ".cache" / "search")
        except JiebaMissing as exc:
            raise PluginError(f"{exc}。站点未生成:没有分词,站内搜索只能整段匹配中文。"
                              "请安装项目依赖(pip install -e .)后重新构建。") from None
        material = config.plugins.get("material/search")
        self.search_on = bool(material is not None and material.config.enabled)
        if self.search_on:
            from material.plugins.search import plugin as material_search

            if material_search.jieba is None:
                raise PluginError("Material 搜索插件未启用中文分词(导入 jieba 失败),站点未生成。请安装项目依赖后重新构建。")
            if material.config.separator is None:
                material.config.separator = ZH_SEPARATOR
            elif not separator_ok(material.config.separator):
                raise PluginError("mkdocs.yml 中 search 的 separator 必须包含 \\u200b(jieba 分出的词以零宽空格隔开),"
                                  f"现为 {material.config.separator!r}")
            material.config.jieba_dict_user = str(site_search.dict_path)
        return site_search

    @staticmethod
    def _nav(catalog) -> list:
        # Record pages stay out of the nav: every page carries the whole nav, so listing thousands
        # of records there makes the build quadratic. Listing pages link the records instead.
        return [
            {"首页": "index.md"},
            # Material prints nav titles as HTML: data is escaped here, once
            {"治理模式": ["models/index.md", *[{str(escape(m.name)): f"models/{m.id}.md"} for m in catalog.models]]},
            {"地区": "regions/index.md"},
            {"类型": [f"{KIND_FOLDERS[k]}/index.md" for k in KINDS]},
            {"标签": "tags/index.md"},
            {"筛选浏览": BROWSE_PAGE},
            {"术语表": "glossary.md"},
            {"关于": ["about.md", "editing.md"]},
        ]

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.renderer is not None
        nav_paths = set(_paths(config.nav))
        for page in self.renderer.pages():
            if files.get_file_from_path(page.path) is not None:
                owner = self._owner(page.path)
                raise PluginError(f"生成的页面 {page.path}{owner} 与 {config.docs_dir} 或其他生成页面重名,"
                                  "请改名或删除其中之一")
            inclusion = InclusionLevel.UNDEFINED if page.path in nav_paths else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.path, content=page.markdown, inclusion=inclusion))
            # Listing pages repeat record text, and records are indexed from the catalogue itself:
            # of the generated pages only the glossary goes through Material's indexing.
            if page.path != "glossary.md":
                self.unindexed.add(page.path)
        self.unindexed.add("index.md")  # the home page lists the newest records
        self.record_urls = {r.id: files.get_file_from_path(md_path(r)).url for r in self.renderer.catalog.records}
        self._add_browse_assets(files, config)
        self._add_scripts(files, config)
        for fmt in EXPORTERS:
            files.append(File.generated(config, f"{DOWNLOADS}.{fmt}", content=export(self.renderer.catalog, fmt)))
        return files

    def _add_browse_assets(self, files: Files, config: MkDocsConfig) -> None:
        """The browse page's data and script, with record URLs as this build spells them."""
        catalog = self.renderer.catalog
        browse_url = files.get_file_from_path(BROWSE_PAGE).url

        def url_of(record) -> str:
            return get_relative_url(self.record_urls[record.id], browse_url)

        data = browse_script(browse_data(catalog, url_of))
        files.append(File.generated(config, "assets/javascripts/kb-browse-data.js", content=data))

    @staticmethod
    def _add_scripts(files: Files, config: MkDocsConfig) -> None:
        """Our scripts and the vendored iframe-worker shim: they ship with the generator, so
        theme_overrides/ stays HTML and CSS."""
        scripts = ASSETS / "javascripts"
        for path in sorted(scripts.rglob("*")):
            if path.is_file() and path.name != "README.md":
                uri = f"assets/javascripts/{path.relative_to(scripts).as_posix()}"
                files.append(File.generated(config, uri, abs_src_path=str(path)))

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri in self.unindexed:
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        if page.file.src_uri == "index.md" and self.renderer is not None:
            return markdown.rstrip() + "\n\n" + self.renderer.home()
        return markdown

    def _owner(self, path: str) -> str:
        """`(来自 catalog/…yml)` for a record page, for messages that must name the record."""
        if self.renderer is None:
            return ""
        for record in self.renderer.catalog.records:
            if md_path(record) == path:
                return f"(来自 {self.renderer.catalog.files[record.id]})"
        return ""

    def _fields(self, page: Page, removed: list[str]) -> str:
        """`的 measures[0].text 字段`: the record fields holding the removed attribute values."""
        import re

        from .load import field_name, iter_strings

        if self.renderer is None:
            return ""
        record = next((r for r in self.renderer.catalog.records if md_path(r) == page.file.src_uri), None)
        if record is None:
            return ""
        values = [v for item in removed for v in re.findall(r"='([^']{3,})'", item)]
        names = [field_name(path) for path, text in iter_strings(record.model_dump())
                 if any(v in text for v in values)]
        return f"的 {'、'.join(dict.fromkeys(names))} 字段" if names else ""

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The backstop: nh3 with an allow-list of what our templates produce. If it would change
        anything, data got past the checks and the renderer: fail rather than publish it."""
        removed = unsafe_html(html)
        if removed:
            raise PluginError(f"页面 {page.file.src_uri}{self._owner(page.file.src_uri)}{self._fields(page, removed)}"
                              f" 含不安全的 HTML,站点未生成:{'、'.join(removed[:5])}。请运行 kb check 并修正该记录。")
        return html

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if not self.search_on:
            return output
        try:
            return use_worker(output)
        except ValueError as exc:
            raise PluginError(f"{page.file.src_uri}:{exc}") from None

    @event_priority(-100)  # after Material's search plugin has written search_index.json
    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.search_on or self.search is None:
            return
        site = Path(config.site_dir)
        material_index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
        for rel, data in self.search.files(self.record_urls, material_index).items():
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def on_serve(self, server, config: MkDocsConfig, builder):
        if self.catalog_path is not None:
            server.watch(str(self.catalog_path))
        return server
