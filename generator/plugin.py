"""The MkDocs plugin: a thin adapter from MkDocs events to the generator's stages.

Plain `mkdocs build` and `mkdocs serve` work because everything happens here: the catalogue is
checked when the config loads, pages are rendered into MkDocs' generated files (in memory, never
written into the docs folder), and `serve` watches the catalogue.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .check import check_catalog
from .export import EXPORTERS, export
from .problems import promote_warnings, report_text
from .browse import browse_data, browse_script
from .render import BROWSE_PAGE, DOWNLOADS, Renderer, md_path
from .schema import KIND_FOLDERS, KINDS

log = logging.getLogger("mkdocs.plugins.catalog")
ASSETS = Path(__file__).parent / "assets"


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
        self.renderer = Renderer(result.catalog, source_url=self.config.source_url)
        config.nav = self._nav(result.catalog)
        return config

    @staticmethod
    def _nav(catalog) -> list:
        # Record pages stay out of the nav: every page carries the whole nav, so listing thousands
        # of records there makes the build quadratic. Listing pages link the records instead.
        return [
            {"首页": "index.md"},
            {"治理模式": ["models/index.md", *[{m.name: f"models/{m.id}.md"} for m in catalog.models]]},
            {"地区": "regions/index.md"},
            {"类型": [f"{KIND_FOLDERS[k]}/index.md" for k in KINDS]},
            {"标签": "tags/index.md"},
            {"筛选浏览": BROWSE_PAGE},
            {"术语表": "glossary.md"},
            {"关于": ["about.md", "editing.md"]},
        ]

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.renderer is not None
        for page in self.renderer.pages():
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(f"生成的页面 {page.path} 与 {config.docs_dir} 中的手写文件重名,请改名或删除手写文件")
            in_nav = page.path.endswith("index.md") or page.path.startswith("models/") or page.path == "glossary.md"
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.path, content=page.markdown, inclusion=inclusion))
        self._add_browse_assets(files, config)
        for fmt in EXPORTERS:
            files.append(File.generated(config, f"{DOWNLOADS}.{fmt}", content=export(self.renderer.catalog, fmt)))
        return files

    def _add_browse_assets(self, files: Files, config: MkDocsConfig) -> None:
        """The browse page's data and script, with record URLs as this build spells them."""
        catalog = self.renderer.catalog
        browse_url = files.get_file_from_path(BROWSE_PAGE).url

        def url_of(record) -> str:
            return get_relative_url(files.get_file_from_path(md_path(record)).url, browse_url)

        data = browse_script(browse_data(catalog, url_of))
        files.append(File.generated(config, "assets/kb-browse-data.js", content=data))
        files.append(File.generated(config, "assets/kb-browse.js", abs_src_path=str(ASSETS / "browse.js")))

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri == "index.md" and self.renderer is not None:
            return markdown.rstrip() + "\n\n" + self.renderer.home()
        return markdown

    def on_serve(self, server, config: MkDocsConfig, builder):
        if self.catalog_path is not None:
            server.watch(str(self.catalog_path))
        return server
