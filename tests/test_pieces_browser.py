"""A catalogue big enough that the search data come in several pieces, in real Chromium under /kb/:
results appear, each result is the record it names, and the browser fetches only the pieces of
the records it lists, not the whole document table."""

import json
import re
import sys
from urllib.parse import urlsplit

import pytest

from generator.check import check_catalog
from generator.search.site import DOCS_PER_PIECE

from test_search_browser import type_query
from harness import ARTIFACTS, ROOT, PREFIX, browser, build, project_copy, recorded_page, serve_site  # noqa: F401

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

RECORDS = 3 * DOCS_PER_PIECE - 40  # three pieces of the document table, the last one partial


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    work = tmp_path_factory.mktemp("pieces")
    catalog = synth.generate(work / "catalog-src", RECORDS)
    config = project_copy(work / "project", catalog)
    site = build(config, work / "site", base_url=PREFIX)
    with serve_site(site, work / "nginx") as base_url:
        yield site, base_url, check_catalog(config.parent / "catalog").catalog


def piece_files(site):
    return sorted(p.name for p in (site / "search" / "kb" / "docs").glob("*.js"))


def test_the_document_table_is_in_pieces_and_the_index_file_holds_none(big):
    site, _, catalog = big
    assert len(piece_files(site)) >= 3
    assert json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"] == []


def search(page, base_url, query):
    type_query(page, base_url, query)
    page.locator(".md-search-result__item a").first.wait_for(state="visible")
    links = page.locator(".md-search-result__item > a").evaluate_all(
        "as => as.map(a => [a.href, (a.querySelector('h1, h2') || {}).textContent || ''])")
    return [(urlsplit(h).path.split("/")[-2], t.strip()) for h, t in links
            if re.search(r"/(practices|policies|projects)/", h)]


def fetched_pieces(rec):
    return {urlsplit(u).path.rsplit("/", 1)[1] for u in rec.requests if "/search/kb/docs/" in u}


def test_results_from_every_piece_name_the_record_they_link(big, recorded_page):  # noqa: F811
    site, base_url, catalog = big
    page, rec = recorded_page
    listed = search(page, base_url, "工作法")  # practices: the middle of the id order, across pieces
    titles = {r.id: r.title for r in catalog.records}
    order = [r.id for r in catalog.records]
    assert len(listed) >= 5 and all(catalog.by_id[i].kind == "practice" for i, _ in listed)
    for record_id, shown in listed:  # the row read from a piece is the record the link goes to
        assert shown.endswith(titles[record_id]), (record_id, shown)  # after the kind badge
    needed = {f"{order.index(i) // DOCS_PER_PIECE}.js" for i, _ in listed}
    assert len(needed) >= 2 and needed <= fetched_pieces(rec)
    rec.assert_clean()


def test_a_query_fetches_only_the_pieces_of_the_records_it_lists(big, recorded_page):  # noqa: F811
    site, base_url, catalog = big
    page, rec = recorded_page
    listed = search(page, base_url, "实施方案")  # policies: the first records in id order, piece 0
    assert listed and all(catalog.by_id[i].kind == "policy" for i, _ in listed)
    order = [r.id for r in catalog.records]
    assert all(order.index(i) < DOCS_PER_PIECE for i, _ in listed)
    assert fetched_pieces(rec) == {"0.js"} and len(piece_files(site)) >= 3
    rec.assert_clean()


def test_a_listing_past_its_limit_leads_to_all_its_records_in_the_browse_page(big, recorded_page):  # noqa: F811
    from generator.render import LIST_LIMIT

    site, base_url, catalog = big
    practices = [r for r in catalog.records if r.kind == "practice"]
    assert len(practices) > LIST_LIMIT, "the synthetic catalogue must have a listing past the limit"
    page, rec = recorded_page
    page.goto(base_url + "practices/")
    assert page.locator("li .kb-record").count() == LIST_LIMIT
    more = page.locator(".kb-list-more")
    assert f"共 {len(practices)} 条" in more.inner_text()
    more.locator("a").click()
    page.wait_for_url("**/browse/?kind=practice")
    count = page.locator(".kb-browse__count")
    count.filter(has_text=f"共 {len(practices)} 条记录").wait_for()
    assert "正在载入" not in count.inner_text()
    assert page.locator("#kb-browse-facets input[type=checkbox]:checked").count() == 1
    page.screenshot(path=str(ARTIFACTS / "listing-more-browse.png"))
    page.get_by_role("button", name="清除筛选").click()  # the state moves to the fragment; the query goes
    count.filter(has_text=f"共 {len(catalog.records)} 条记录").wait_for()
    assert page.url.endswith("/browse/")
    rec.assert_clean()
