"""The built site: real MkDocs builds of the fixture and the seed catalogue, checked as HTML."""

import hashlib
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from generator.build import build_site
from generator.catalog import Catalog
from generator.check import check_catalog
from generator.schema import KIND_FOLDERS

from conftest import FIXTURES, ROOT, make_project

CATALOGS = {"fixture": FIXTURES / "valid" / "catalog", "seed": ROOT / "catalog"}


@pytest.fixture(scope="module", params=sorted(CATALOGS))
def built(request, tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp(request.param), CATALOGS[request.param])
    result = build_site(project / "mkdocs.yml", strict=True)
    assert result.ok, result.message
    catalog = check_catalog(project / "catalog").catalog
    return project / "site", catalog


def soup(site: Path, url_path: str) -> BeautifulSoup:
    return BeautifulSoup((site / url_path / "index.html").read_text(encoding="utf-8"), "html.parser")


def listed_ids(page: BeautifulSoup) -> list[str]:
    return [a["data-id"] for a in page.select("article a.kb-record")]


def test_every_record_has_its_page_with_title_region_and_models(built):
    site, catalog = built
    for record in catalog.records:
        page = soup(site, Catalog.url_of(record))
        assert page.select_one("article h1").get_text(strip=True) == record.title
        assert page.title.get_text().startswith(record.title)
        card = page.select_one(".kb-card").get_text()
        assert catalog.regions[record.region].name in card
        for model in record.models:
            assert catalog.model_by_id[model].name in card


def test_model_pages_list_exactly_their_records(built):
    site, catalog = built
    for model in catalog.models:
        expected = sorted(r.id for r in catalog.records if model.id in r.models)
        assert sorted(listed_ids(soup(site, f"models/{model.id}"))) == expected


def test_region_pages_list_exactly_the_records_of_their_subtree(built):
    """A record counts for its own region, for the further regions it names (发源地, 推广地), and
    for every region above them."""
    site, catalog = built
    for region_id in catalog.regions:
        expected = {r.id for r in catalog.records
                    if any(region_id in [n.id for n in catalog.region_path(own)] for own in r.region_ids)}
        if not expected:  # a region without records keeps its data but gets no page to land on
            assert not (site / "regions" / region_id).exists()
            continue
        assert set(listed_ids(soup(site, f"regions/{region_id}"))) == expected


def test_kind_and_tag_pages_list_exactly_their_records(built):
    site, catalog = built
    for kind, folder in KIND_FOLDERS.items():
        assert sorted(listed_ids(soup(site, folder))) == sorted(r.id for r in catalog.records if r.kind == kind)
    for tag, records in catalog.tags.items():
        assert sorted(listed_ids(soup(site, f"tags/{tag}"))) == sorted(r.id for r in records)


def test_cross_links_work_both_ways(built):
    site, catalog = built
    pairs = [(r, target) for r in catalog.records for targets in r.links().values() for target in targets]
    assert pairs, "the catalogue should link records"
    for record, target_id in pairs:
        target = catalog.by_id[target_id]
        forward = soup(site, Catalog.url_of(record)).select("article a.kb-link")
        backward = soup(site, Catalog.url_of(target)).select("article a.kb-link")
        assert any(a["href"].rstrip("/").endswith(target.id) for a in forward)
        assert any(a["href"].rstrip("/").endswith(record.id) for a in backward)


def test_no_nav_lists_record_pages(built):
    site, catalog = built
    record_urls = {f"{KIND_FOLDERS[r.kind]}/{r.id}" for r in catalog.records}
    for html in site.rglob("*.html"):
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for a in page.select("nav.md-nav a[href]"):
            target = (html.parent / unquote(a["href"])).resolve()
            rel = target.relative_to(site.resolve()).as_posix().rstrip("/") if target.is_relative_to(site.resolve()) else ""
            assert rel not in record_urls, f"{html} lists {rel} in its nav"


def test_internal_links_resolve(built):
    site, _ = built
    for html in site.rglob("*.html"):
        if html.name == "404.html":  # served at any depth, so its links are absolute by design
            continue
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for a in page.select("article a[href]"):
            href = a["href"].split("#")[0]
            if not href or re.match(r"^[a-z]+:", href):
                continue
            target = (html.parent / unquote(href)).resolve()
            assert target.exists() and (target.is_file() or (target / "index.html").exists()), f"{html}: {href}"


def test_glossary_terms_in_record_text_link_to_their_entry(built):
    site, catalog = built
    term_links = [a for r in catalog.records for a in soup(site, Catalog.url_of(r)).select("article a[href*='glossary/#']")]
    assert term_links
    glossary = soup(site, "glossary")
    for a in term_links:
        assert glossary.find(id=a["href"].split("#")[1]) is not None


def test_home_counts_every_model_kind_and_province(built):
    site, catalog = built
    text = soup(site, "").select_one("article").get_text(" ")
    for model in catalog.models:
        assert re.search(rf"{model.name}\s*{len(catalog.records_of_model(model.id))}", text)
    assert f"共收录 {len(catalog.records)} 条记录" in " ".join(text.split()).replace("共收录 ", "共收录 ")


def test_pages_are_chinese_and_record_urls_are_stable(built):
    site, catalog = built
    home = soup(site, "")
    assert home.html["lang"].startswith("zh")
    for record in catalog.records:
        assert (site / KIND_FOLDERS[record.kind] / record.id / "index.html").is_file()


# --- failure leaves the previous site untouched ---------------------------------------------


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_exits_non_zero_names_the_record_and_keeps_the_old_site(tmp_path):
    project = make_project(tmp_path / "p", CATALOGS["fixture"])
    kb = [sys.executable, "-m", "generator"]
    assert subprocess.run(kb + ["build", "--strict"], cwd=project, capture_output=True).returncode == 0
    before = tree_digest(project / "site")
    practice = project / "catalog" / "practices" / "wangge-bihuan.yml"
    practice.write_text(practice.read_text(encoding="utf-8").replace("region: quyi", "region: nowhere"),
                        encoding="utf-8")
    failed = subprocess.run(kb + ["build", "--strict"], cwd=project, capture_output=True, text=True)
    assert failed.returncode != 0
    assert "catalog/practices/wangge-bihuan.yml:5:9: region: 地区“nowhere”不存在" in failed.stderr
    assert tree_digest(project / "site") == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site-")], "staging folders left behind"


def test_no_markdown_syntax_leaks_into_pages(built):
    site, _ = built
    for html in site.rglob("*.html"):
        article = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one("article")
        if article is None:
            continue
        text = article.get_text()
        assert "{ ." not in text and "{: " not in text, html  # attribute lists that did not apply
        assert "\\" not in text, html  # Markdown escapes shown as backslashes


def test_section_anchors_are_readable_and_stable(built):
    site, catalog = built
    practice = next(r for r in catalog.records if r.kind == "practice")
    ids = [h["id"] for h in soup(site, Catalog.url_of(practice)).select("article h2[id]")]
    assert ids[:3] == ["摘要", "背景", "主要做法"] and "引用本条" in ids


def test_strict_build_fails_on_a_broken_link_or_anchor(tmp_path):
    project = make_project(tmp_path / "p", CATALOGS["fixture"])
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[断链](nowhere.md) [缺锚点](glossary.md#no-such-term)\n",
                     encoding="utf-8")
    failed = build_site(project / "mkdocs.yml", strict=True)
    assert not failed.ok and failed.message == "严格模式下有 2 个警告,见上方 WARNING 行。"
    assert not (project / "site").exists()
    assert build_site(project / "mkdocs.yml").ok  # without --strict these are only warnings


def test_site_is_readable_by_others_and_replaced_in_one_step(tmp_path, monkeypatch):
    import os
    import stat

    import generator.build

    project = make_project(tmp_path / "p", CATALOGS["fixture"])
    old_umask = os.umask(0o077)  # an operator's strict umask must not make the site private
    try:
        assert build_site(project / "mkdocs.yml").ok
        exchanged = []
        real = generator.build._exchange
        monkeypatch.setattr(generator.build, "_exchange", lambda a, b: exchanged.append(real(a, b)) or exchanged[-1])
        assert build_site(project / "mkdocs.yml").ok
    finally:
        os.umask(old_umask)
    assert exchanged == [True]  # renameat2(RENAME_EXCHANGE): no moment without site/
    site = project / "site"
    for path in [site, *site.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
    assert not [p for p in project.iterdir() if p.name.startswith(".site-")]


def test_figures_are_marked_inside_their_statement_on_record_pages(built):
    site, catalog = built
    for record in catalog.records:
        figures = [*getattr(record, "coverage", ()), *getattr(record, "outcomes", ())]
        if not figures:
            continue
        page = soup(site, Catalog.url_of(record))
        items = [li for block in page.select(".kb-figures") for li in block.select("li")]
        assert len(items) == len(figures), record.id
        assert not page.select(".kb-figures table")  # a list: nothing to scroll sideways on a phone
        for item, figure in zip(items, figures):
            assert item.get_text().startswith(" ".join(figure.statement.split())), record.id
            if figure.value is not None and f"{figure.value:g}" in figure.statement:
                assert f"{figure.value:g}" in [s.get_text() for s in item.select("strong")], record.id
