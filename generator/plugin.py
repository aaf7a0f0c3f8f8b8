"""The MkDocs plugin: a thin adapter from MkDocs events to the generator's stages.

Plain `mkdocs build` and `mkdocs serve` work because everything happens here: the catalogue is
checked when the config loads, pages are rendered into MkDocs' generated files (in memory, never
written into the docs folder), and `serve` watches the catalogue.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .archive import ARCHIVE_ENV
from .dirty import DirtyBuilds
from .material import MaterialError, configure_search, forget_previous_index, read_page_index, use_worker
from .memo import RecordMemo
from .page_cache import CACHED_TEMPLATE, PageCache
from .pipeline import CatalogRejected, require_catalog
from .problems import report_text
from .routes import Routes, record_path
from .safety import unsafe_html
from .search.text import JiebaMissing
from .stage import HOME, SiteStage, footer, nav_paths
from .search.site import SiteSearch

log = logging.getLogger("mkdocs.plugins.catalog")


def problems_markdown(problems) -> str:
    """The preview's page when the catalogue does not check: every problem with where and how to fix."""
    from .render import md_text

    items = "".join(
        f"- **{md_text(f'{p.file}:{p.line}:{p.col}')}** {md_text(p.field + ':') if p.field else ''}"
        f"{md_text(p.message)}\n\n    改法:{md_text(p.hint)} [{md_text(p.code)}]\n\n" for p in sorted(problems))
    # a list, not a table: it reads on a phone without scrolling sideways
    return ("# 记录检查未通过\n\n"
            f"共 {len(problems)} 个问题。请按下面的提示修改记录并保存,预览会自动刷新;改好后这里恢复成站点。"
            "问题代码的说明见编辑指南的“问题代码一览”。\n\n" + items)


class CatalogConfig(base.Config):
    catalog_dir = opt.Type(str, default="catalog")
    """The records folder, relative to mkdocs.yml."""
    source_url = opt.Optional(opt.URL())
    """Where editors read a record's YAML, e.g. https://git.example/kb/-/blob/main/ (the record's
    path is appended). Without it, record pages show the path only."""
    contact = opt.Type(str, default="")
    """The editorial contact shown in every page's footer, e.g. “编辑部，kb@example.org”."""
    archive_dir = opt.Optional(opt.Type(str))
    """Folder of archived source texts (`archived_copy`), relative to mkdocs.yml; the environment
    variable KB_ARCHIVE overrides it; default `archive/` beside the catalog folder."""
    strict = opt.Type(bool, default=False)
    """Treat check warnings (traditional characters, web boilerplate, untraceable sources) as errors."""
    page_cache = opt.Type(bool, default=True)
    """Remember pages and downloads in `.cache/` beside mkdocs.yml, so the next build (and every
    `kb serve` reload) converts and renders only the pages a change touched; the site is the same
    byte for byte as a clean build's. `false`: every build starts from nothing."""


class CatalogPlugin(BasePlugin[CatalogConfig]):
    def __init__(self) -> None:
        self.serving = False  # `kb serve`: a failed check shows a page of problems instead of stopping
        self.problems_page: str | None = None
        self.stage: SiteStage | None = None
        self.catalog_path: Path | None = None
        self._archive: Path | None = None
        self._checked_files: dict = {}  # `kb serve`: the last check's results, by file content
        self._record_memo = RecordMemo()  # `kb serve`: what each unchanged record gave the last build
        self.search: SiteSearch | None = None
        self._search_memory = None  # `kb serve`: what the next build's search reuses of the last one's
        self.search_on = False  # Material's search plugin enabled: our index and worker replace its own
        # what the build needs of the stage once its pages are MkDocs' files: the stage itself
        # (catalogue, pages) is let go then, before MkDocs holds every page's HTML as well
        self._unindexed: set[str] = set()
        self._generated: set[str] = set()  # the pages this plugin made
        self._home = ""
        self._record_files: dict[str, str] = {}  # record page path -> the record's file, for messages
        self._record_urls: dict[str, str] = {}  # record id -> page URL, for the search index
        self.project: Path | None = None
        self.pages: PageCache | None = None  # this build's use of the page cache
        self._nav: Navigation | None = None
        self._files: Files | None = None
        self.dirty: DirtyBuilds | None = None  # `kb serve`: rebuild only the files a change touched

    @event_priority(100)  # before Material's search plugin, which loads jieba_dict_user in its on_config
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        project = Path(config.config_file_path or ".").resolve().parent
        self.project, self.pages = project, None
        self.stage = self.search = None  # `kb serve`: let the last build's go before making the next
        self.catalog_path = (project / self.config.catalog_dir).resolve()
        archive = None if os.environ.get(ARCHIVE_ENV) or not self.config.archive_dir else project / self.config.archive_dir
        self._archive = archive
        self.problems_page = None
        try:
            checked = require_catalog(self.catalog_path, base=project, strict=self.config.strict, archive=archive,
                                      memo=self._checked_files if self.serving else None)
        except CatalogRejected as exc:
            detail = report_text(exc.problems).rstrip() if exc.problems else str(exc)
            if self.serving and exc.problems:  # the preview shows what to fix, and recovers on the next save
                log.error("记录检查未通过:\n" + detail)
                self.problems_page = problems_markdown(exc.problems)
                self.stage, self.search_on = None, False
                config.nav = [{"记录检查未通过": HOME}]
                return config
            raise PluginError("记录检查未通过,站点未生成:\n" + detail) from None
        for note in checked.notes:
            log.info(note)
        for problem in checked.warnings:
            log.warning(problem.as_text())
        self.search = self._setup_search(config, project, checked.catalog)
        similar = self.search.similar
        if not self.search_on:
            self.search = None  # only its similar records are used: the analysed text goes before rendering
        self.stage = SiteStage.build(checked.catalog, Routes(config.use_directory_urls),
                                     source_url=self.config.source_url, similar=similar,
                                     cache=project / ".cache" if self.config.page_cache else None,
                                     memo=self._record_memo if self.serving else None,
                                     site_url=config.site_url if "://" in (config.site_url or "") else None)
        if self.serving:
            self._record_memo.keep_only(checked.catalog.records)
        config.nav = self.stage.nav
        config.extra.update(footer(checked.catalog, self.config.contact))
        return config

    def _setup_search(self, config: MkDocsConfig, project: Path, catalog) -> SiteSearch:
        """Chinese segmentation must be on, or search silently indexes whole runs of characters.

        `kb serve` with search on keeps what the next build's search reuses (the analysed text lives
        through the build anyway; with search off it goes before rendering). The memory is handed
        over, as it is updated in place: a build that fails here leaves none, and the next starts afresh."""
        try:
            self.search_on = configure_search(config)
        except MaterialError as exc:
            raise PluginError(str(exc)) from None
        remember = self.serving and self.search_on
        previous, self._search_memory = self._search_memory, None
        try:
            site_search = SiteSearch(catalog, project / ".cache" / "search", previous if remember else None,
                                     serving=remember)
        except JiebaMissing as exc:
            raise PluginError(f"{exc}。站点未生成:没有分词,站内搜索只能整段匹配中文。"
                              "请安装项目依赖(pip install -e .)后重新构建。") from None
        self._search_memory = site_search.memory()
        return site_search

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this plugin object across `mkdocs serve` rebuilds.
        self.serving = command == "serve"
        self.dirty = DirtyBuilds() if dirty else None

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.problems_page is not None:  # only the problems page, with the theme's own assets
            kept = Files([f for f in files if not f.is_documentation_page()])
            kept.append(File.generated(config, HOME, content=self.problems_page))
            return kept
        assert self.stage is not None
        in_nav = set(nav_paths(config.nav))
        for page in self.stage.pages:
            if files.get_file_from_path(page.path) is not None:
                owner = self._owner(page.path)
                raise PluginError(f"生成的页面 {page.path}{owner} 与 {config.docs_dir} 或其他生成页面重名,"
                                  "请改名或删除其中之一")
            inclusion = InclusionLevel.UNDEFINED if page.path in in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.path, content=page.markdown, inclusion=inclusion))
        for uri, data in self.stage.files.items():
            if isinstance(data, Path):
                files.append(File.generated(config, uri, abs_src_path=str(data)))
            else:
                files.append(File.generated(config, uri, content=data))
        catalog = self.stage.catalog
        self._record_files = {record_path(r): catalog.files[r.id] for r in catalog.records}
        self._record_urls = self.stage.record_urls() if self.search is not None else {}
        self._unindexed, self._home = self.stage.unindexed, self.stage.home
        self._generated = {page.path for page in self.stage.pages}
        self.stage = None  # at 10,000 records the catalogue alone is ~130 MB
        return files

    @event_priority(-100)  # last: the nav and files as MkDocs will use them
    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Every plugin has configured the build and added its files: the page cache can key on them."""
        self._nav, self._files = nav, files
        forget_previous_index(config)
        if self.dirty is not None:
            self.dirty.plan(config, files, nav, {HOME: self._home} if self.problems_page is None else {})
        if self.problems_page is None and self.config.page_cache:
            self.pages = PageCache(self.project / ".cache" if self.project else None, config)
            self.pages.watch(files)
        return nav

    @event_priority(-100)  # last: the page cache keys on the Markdown every plugin has finished with
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.problems_page is not None:
            return markdown
        if page.file.src_uri in self._unindexed:
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        if page.file.src_uri == HOME:
            markdown = markdown.rstrip() + "\n\n" + self._home
        if self.pages is not None:
            self.pages.before_render(page, markdown)
        return markdown

    def _owner(self, path: str) -> str:
        """`(来自 catalog/…yml)` for a record page, for messages that must name the record."""
        file = self._record_files.get(path)
        return f"(来自 {file})" if file is not None else ""

    def _fields(self, page: Page, removed: list[str]) -> str:
        """`的 measures[0].text 字段`: the record fields holding the removed attribute values."""
        import re

        from .load import field_name, iter_strings

        file = self._record_files.get(page.file.src_uri)
        if file is None:
            return ""
        # a failing build only: the catalogue again, from the warm check cache
        catalog = require_catalog(self.catalog_path, base=self.project, strict=self.config.strict,
                                  archive=self._archive).catalog
        record = next(r for r in catalog.records if catalog.files[r.id] == file)
        values = [v for item in removed for v in re.findall(r"='([^']{3,})'", item)]
        names = [field_name(path) for path, text in iter_strings(record.model_dump())
                 if any(v in text for v in values)]
        return f"的 {'、'.join(dict.fromkeys(names))} 字段" if names else ""

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The backstop: nh3 with an allow-list of what our templates produce. If it would change
        anything, data got past the checks and the renderer: fail rather than publish it."""
        if self.pages is None or page.file.src_uri not in self.pages.cached:  # a cached one passed when stored
            removed = unsafe_html(html)
            if removed:
                raise PluginError(f"页面 {page.file.src_uri}{self._owner(page.file.src_uri)}"
                                  f"{self._fields(page, removed)} 含不安全的 HTML,站点未生成:"
                                  f"{'、'.join(removed[:5])}。请运行 kb check 并修正该记录。")
            if self.pages is not None:
                self.pages.after_render(page)
        if page.file.src_uri in self._generated:
            # converted: nothing reads this page's Markdown again, and a 10,000-record site's
            # Markdown is some 150 MB of text MkDocs would otherwise hold to the end of the build
            # ("" rather than None: MkDocs answers `title` only for a page it has read)
            page.markdown = ""
            page.file.content_string = ""
        return html

    def on_env(self, env, config: MkDocsConfig, files: Files):
        if self.dirty is not None:
            self.dirty.restore(files)
        if self.serving:
            env.bytecode_cache = self._record_memo.templates
        if self.pages is not None:
            import jinja2

            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({CACHED_TEMPLATE: "{{ kb_cached_html }}"}),
                                              env.loader])
            self.pages.choose_templates(self._nav, files)
        return env

    @event_priority(-100)  # after Material's search plugin has indexed the page
    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav: Navigation):
        if self.pages is not None and page.meta.get("template") == CACHED_TEMPLATE:
            context["kb_cached_html"] = self.pages.html(page)
        return context

    def _our_worker(self, output: str, where: str) -> str:
        if not self.search_on:
            return output
        try:
            return use_worker(output)
        except ValueError as exc:
            raise PluginError(f"{where}:{exc}") from None

    @event_priority(100)  # first: the page cache keeps the template's own output
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self.pages is not None:
            self.pages.rendered(page, output)
        return self._our_worker(output, page.file.src_uri)

    def on_build_error(self, error: Exception) -> None:
        self._files = self._nav = None
        if self.dirty is not None:
            self.dirty.forget()
        if self.pages is not None:
            self.pages.abandon()

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        """404.html is a static template, not a page: its search, too, must use our worker."""
        return self._our_worker(output_content, template_name)

    @event_priority(-100)  # after Material's search plugin has written search_index.json
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.pages is not None:
            log.info(f"页面缓存：{self.pages.page_hits} 页直接重用，{self.pages.content_hits} 页免于 Markdown 转换，"
                     f"{self.pages.page_misses} 页重新生成")
        index = None
        if self.search_on and self.search is not None:
            site = Path(config.site_dir)
            index = read_page_index(site)
            if self.dirty is not None and self._files is not None:
                index = self.dirty.search_entries(self._files, index)
            for rel, data in self.search.files(self._record_urls, index).items():
                target = site / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        if self.dirty is not None and self._files is not None:
            self.dirty.commit(self._files, index)
            log.info(self.dirty.summary(self._files))
        # every page's Markdown and HTML hang off these: `kb serve` would hold them until the next build
        self._files = self._nav = None

    def on_serve(self, server, config: MkDocsConfig, builder):
        if self.catalog_path is not None:
            server.watch(str(self.catalog_path))
        return server
