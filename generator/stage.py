"""The site stage: everything the generator adds to a site, as plain files, independent of the engine.

`SiteStage.build` checks the catalogue and produces the generated Markdown pages, the navigation,
our scripts, the browse data and the downloads. The MkDocs plugin hands these to MkDocs in memory;
`kb materialise` (generator/materialise.py) writes them to a folder that MkDocs, ProperDocs or
Zensical builds without our plugin. Both go through this one function, so they cannot drift.

No MkDocs and no Material here: this module imports only the generator's own stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

from markupsafe import escape

from .briefing import iter_documents, word_path
from .browse import browse_data, browse_files
from .cache import Cache
from .catalog import Catalog
from .compare import compare_data, compare_files
from .export import exports
from .memo import RecordMemo
from .render import Page, Renderer, last_update, md_text
from .routes import (BROWSE_DATA, BROWSE_PAGE, COMPARE_DATA, COMPARE_PAGE, DOWNLOADS, DOWNLOADS_PAGE, KINDS_PAGE, STATUS_PAGE, Routes, kind_path, model_path,
                     record_path)
from .schema import KINDS

ASSETS = Path(__file__).parent / "assets"
SCRIPTS = ASSETS / "javascripts"
HOME = "index.md"
INDEXED_GENERATED = {"glossary.md"}  # of the generated pages only the glossary is searched as a page


def nav(catalog: Catalog) -> list:
    """The site navigation, in MkDocs' `nav` form.

    Record pages stay out of the nav: every page carries the whole nav, so listing thousands of
    records there makes the build quadratic. Listing pages link the records instead."""
    return [
        {"首页": HOME},
        # Material prints nav titles as HTML: data is escaped here, once
        {"治理模式": ["models/index.md", *[{str(escape(m.name)): model_path(m.id)} for m in catalog.models]]},
        {"地区": "regions/index.md"},
        {"类型": [KINDS_PAGE, *[kind_path(k) for k in KINDS]]},
        {"标签": "tags/index.md"},
        {"筛选浏览": BROWSE_PAGE},
        {"对比": COMPARE_PAGE},
        {"术语表": "glossary.md"},
        {"下载": DOWNLOADS_PAGE},
        {"关于": ["about.md", "editing.md", STATUS_PAGE]},
    ]


def nav_paths(items) -> list[str]:
    """Every page path in a nav structure."""
    if isinstance(items, str):
        return [items]
    if isinstance(items, dict):
        items = list(items.values())
    return [path for item in items for path in nav_paths(item)]


def footer(catalog: Catalog, contact: str) -> dict[str, str]:
    """What every page's footer shows (theme_overrides/partials/copyright.html reads it from the
    theme's `extra`): when the catalogue was last updated, and whom to write to."""
    return {"kb_updated": last_update(catalog), "kb_contact": contact}


@dataclass
class SiteStage:
    """The generated part of a site. `files` maps a site path to its bytes or to a file to copy."""

    catalog: Catalog
    routes: Routes
    pages: list[Page]
    home: str  # appended to the hand-written home page
    nav: list
    files: dict[str, bytes | Path] = field(default_factory=dict)

    @cached_property  # asked for every page: computed once (pages do not change after build)
    def unindexed(self) -> set[str]:
        """Pages kept out of the engine's page search: listings repeat record text, and records are
        indexed from the catalogue itself; the home page lists the newest records."""
        return {p.path for p in self.pages if p.path not in INDEXED_GENERATED} | {HOME}

    @cached_property
    def listings(self) -> set[str]:
        """Generated pages that only repeat record text (listings, the home page): kept out of an
        engine's own search, which then finds each record on its own page."""
        records = {record_path(r) for r in self.catalog.records}
        return self.unindexed - records

    def record_urls(self) -> dict[str, str]:
        return {r.id: self.routes.record_url(r) for r in self.catalog.records}

    @classmethod
    def build(cls, catalog: Catalog, routes: Routes, *, source_url: str | None = None,
              similar: Callable[[], dict] | dict | None = None, site_url: str | None = None,
              cache: Path | None = None, memo: RecordMemo | None = None) -> "SiteStage":
        """`site_url`: the served site's address; the workbook's page links are absolute with it
        (never in the offline zip, whose links stay relative so they work from disk). `cache`: the
        project's .cache/, where the downloads and record pages are remembered between builds.
        `memo`: a long-lived process's (`kb serve`) values of unchanged records from its last build."""
        renderer = Renderer(catalog, source_url=source_url, similar=similar, routes=routes,
                            cache=Cache(cache, "record-pages"), memo=memo)
        files: dict[str, bytes | Path] = {}
        for path in sorted(SCRIPTS.rglob("*")):
            if path.is_file() and path.name != "README.md":
                files[f"assets/javascripts/{path.relative_to(SCRIPTS).as_posix()}"] = path
        # with a cache, every download is kept there as a file the engine copies: the stage holds
        # paths, not the bytes of thousands of documents for the whole build
        keep = Cache(cache, "downloads").keep
        data = browse_data(catalog, lambda r: routes.relative(record_path(r), BROWSE_PAGE))
        files.update((path, keep(piece)) for path, piece in browse_files(data, BROWSE_DATA).items())
        del data
        compare = compare_data(catalog, lambda r: routes.relative(record_path(r), COMPARE_PAGE), memo)
        files.update((path, keep(piece)) for path, piece in compare_files(compare, COMPARE_DATA).items())
        del compare
        made = exports(catalog, routes, site_url if routes.directory_urls and site_url else None, cache=cache, memo=memo)
        files.update((f"{DOWNLOADS}.{fmt}", keep(made.pop(fmt))) for fmt in list(made))
        files.update((path, doc if isinstance(doc, Path) else keep(doc)) for path, doc in iter_documents(catalog, cache, memo))
        # the pages last: the downloads are made (and let go) before every page's Markdown is held
        pages = renderer.pages()
        pages.append(Page(DOWNLOADS_PAGE, downloads_page(catalog, files)))
        return cls(catalog, routes, pages, renderer.home(), nav(catalog), files)


def _size(data: bytes | Path) -> str:
    n = data.stat().st_size if isinstance(data, Path) else len(data)
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def downloads_page(catalog: Catalog, files: dict[str, bytes | Path]) -> str:
    """The downloads page: each file with its size, how many records it holds and when the
    catalogue was last updated (files are rebuilt with every build)."""
    updated = last_update(catalog)
    total = len(catalog.records)
    name = DOWNLOADS.rsplit("/", 1)[1]
    rows = [("Excel 表格", f"{name}.xlsx", "全部记录、每类一张表、成效数据一张表（每个数字一行，便于数据透视）"),
            ("CSV", f"{name}.csv", "每条记录一行，Excel 与 WPS 可直接打开"),
            ("JSON", f"{name}.json", "全部字段，供其他系统使用")]
    lines = ["# 下载", "", f"以下文件随站点一同生成，内容截至 {updated}。", "",
             "| 文件 | 内容 | 记录数 | 大小 | 日期 |", "| --- | --- | --- | --- | --- |"]
    for label, file, what in rows:
        lines.append(f"| [{label}]({file}) | {what} | {total} 条 | {_size(files[f'downloads/{file}'])} | {updated} |")
    lines += ["", "## Word 文档（按治理模式汇编）", "",
              "每个治理模式的全部记录汇成一份 Word 文档，按公文格式排版（标题、一、二、标题、仿宋正文、来源注），"
              "可在 Word 或 WPS 中直接编辑。每条记录的 Word 文档在记录页面“下载 Word 文档”处。", "",
              "| 文档 | 记录数 | 大小 | 日期 |", "| --- | --- | --- | --- |"]
    for m in catalog.models:
        path = word_path("model", m.id)
        lines.append(f"| [{md_text(m.name)}经验汇编]({path.split('/', 1)[1]}) | {len(catalog.records_of_model(m.id))} 条 "
                     f"| {_size(files[path])} | {updated} |")
    return "\n".join(lines) + "\n"
