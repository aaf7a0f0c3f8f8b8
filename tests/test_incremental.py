"""Incremental builds: with the page cache warm, a build after a change writes exactly what a clean
build writes (every file in site/), and reuses the pages the change did not touch."""

import shutil
from pathlib import Path

import pytest

from generator.build import build_site

from conftest import FIXTURES, make_project

NEW_RECORD = """\
id: tiaojie-zhongxin
kind: practice
title: 示例市矛盾调解中心
region: shier
model: sanzhi-ronghe
tags: [调解]
year: 2023
summary: 市里设立矛盾纠纷调解中心，群众来访一站受理。
sources:
  - title: 示例调解中心报道
    publisher: 示例日报
    date: 2023-03-02
review: {added: 2026-11-22, checked: 2026-11-22}
background: 纠纷多头受理，群众来回跑。
measures:
  - title: 一站受理
    text: 各部门派员进驻中心，统一登记、分流、回访。
"""
RECORD_PAGE = "practices/wangge-bihuan/index.html"


def build(project: Path, site: Path, *, cache: bool = True):
    """A `kb build` into `site`; returns the build's page cache (None when the cache is off)."""
    used = {}

    def configure(config):
        config.plugins["catalog"].config.page_cache = cache
        used["plugin"] = config.plugins["catalog"]

    result = build_site(project / "mkdocs.yml", site_dir=site, configure=configure)
    assert result.ok, result.message
    return used["plugin"].pages


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_site(incremental: Path, clean: Path) -> None:
    a, b = site_files(incremental), site_files(clean)
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name] == b[name], name


def check_against_clean(project: Path, tmp_path: Path, step: str):
    """Build incrementally (cache warm from the builds before), then clean (cache off); compare."""
    pages = build(project, tmp_path / f"{step}-incremental")
    build(project, tmp_path / f"{step}-clean", cache=False)
    assert_same_site(tmp_path / f"{step}-incremental", tmp_path / f"{step}-clean")
    return pages


@pytest.fixture
def project(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    first = build(project, tmp_path / "first")
    assert first.page_hits == 0 and first.page_misses > 20  # a cold cache: every page made
    return project


def test_a_second_build_reuses_every_page_and_writes_the_same_site(project, tmp_path):
    again = build(project, tmp_path / "again")
    assert again.page_misses == 0 and again.content_misses == 0
    assert again.page_hits == again.content_hits > 20
    assert_same_site(tmp_path / "again", tmp_path / "first")
    assert list((project / ".cache" / "pages").rglob("*"))  # remembered beside the project, in .cache/


def test_editing_a_record_rebuilds_its_page_and_matches_a_clean_build(project, tmp_path):
    record = project / "catalog" / "practices" / "wangge-bihuan.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("title: ", "title: 改过的", 1), encoding="utf-8")
    pages = check_against_clean(project, tmp_path, "edit")
    assert "改过的" in (tmp_path / "edit-incremental" / RECORD_PAGE).read_text(encoding="utf-8")
    # the title shows in listings too, but pages it does not reach are reused
    assert pages.content_misses < pages.content_hits
    assert pages.content_misses >= 1


def test_adding_deleting_and_renaming_records_matches_a_clean_build(project, tmp_path):
    catalog = project / "catalog"
    (catalog / "practices" / "tiaojie-zhongxin.yml").write_text(NEW_RECORD, encoding="utf-8")
    added = check_against_clean(project, tmp_path, "add")
    assert (tmp_path / "add-incremental" / "practices" / "tiaojie-zhongxin" / "index.html").is_file()
    assert added.content_hits > 0

    (catalog / "practices" / "tiaojie-zhongxin.yml").unlink()
    check_against_clean(project, tmp_path, "delete")
    assert not (tmp_path / "delete-incremental" / "practices" / "tiaojie-zhongxin").exists()

    # a rename changes the id, the file and every reference to it
    policy = catalog / "policies" / "shifang-fangan.yml"
    policy.with_name("shifang-fangan-xin.yml").write_text(
        policy.read_text(encoding="utf-8").replace("id: shifang-fangan", "id: shifang-fangan-xin"), encoding="utf-8")
    policy.unlink()
    practice = catalog / "practices" / "wangge-bihuan.yml"
    practice.write_text(practice.read_text(encoding="utf-8").replace("[shifang-fangan]", "[shifang-fangan-xin]"),
                        encoding="utf-8")
    check_against_clean(project, tmp_path, "rename")
    assert (tmp_path / "rename-incremental" / "policies" / "shifang-fangan-xin" / "index.html").is_file()
    assert not (tmp_path / "rename-incremental" / "policies" / "shifang-fangan").exists()


def test_a_changed_theme_override_rebuilds_every_page(project, tmp_path):
    footer = project / "theme_overrides" / "partials" / "copyright.html"
    footer.write_text(footer.read_text(encoding="utf-8") + "\n<!-- 改过的页脚 -->\n", encoding="utf-8")
    pages = check_against_clean(project, tmp_path, "theme")
    assert pages.page_hits == 0
    assert "改过的页脚" in (tmp_path / "theme-incremental" / RECORD_PAGE).read_text(encoding="utf-8")


def test_a_changed_page_template_rebuilds_the_pages_made_from_it(project, tmp_path, monkeypatch):
    """A generated-page template changed (as a new generator version would ship it): the pages
    made from it are new, the others are reused, and the site is the clean build's."""
    import generator.render as render
    from jinja2 import FileSystemLoader

    templates = tmp_path / "templates"
    shutil.copytree(Path(render.__file__).parent / "templates", templates)
    glossary = templates / "glossary.md.j2"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n改过的模板。\n", encoding="utf-8")
    monkeypatch.setattr(render, "PackageLoader", lambda *args: FileSystemLoader(templates))
    pages = check_against_clean(project, tmp_path, "template")
    assert "改过的模板" in (tmp_path / "template-incremental" / "glossary" / "index.html").read_text(encoding="utf-8")
    assert pages.content_misses == 1 and pages.content_hits > 20


def test_record_pages_come_from_the_cache_until_something_they_show_changes(valid_catalog, tmp_path):
    """A record page is remembered under everything it shows, including the titles of related
    records: renaming one re-renders the pages that list it, and they match an uncached render."""
    from generator.cache import Cache
    from generator.pipeline import check_catalog
    from generator.render import Renderer

    def render(cached: bool):
        catalog = check_catalog(valid_catalog).catalog
        store = Cache(tmp_path / "cache" if cached else None, "record-pages")
        pages = {p.path: p.markdown for p in Renderer(catalog, cache=store).pages()}
        return pages, store

    first, store = render(True)
    assert store.misses == 3 and store.hits == 0
    again, store = render(True)
    assert again == first and store.hits == 3 and store.misses == 0

    policy = valid_catalog / "policies" / "shifang-fangan.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("title: 示例街道", "title: 改名的示例街道", 1),
                      encoding="utf-8")
    renamed, store = render(True)
    assert renamed == render(False)[0]
    assert "改名的示例街道" in renamed["practices/wangge-bihuan.md"]  # it implements the policy
    assert store.misses == 2 and store.hits == 1  # the policy's page and the practice's; not the project's
