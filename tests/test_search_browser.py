"""Site search in a real browser: Chromium types into Material's search box on the built seed site,
served by nginx under /kb/ (tests/harness.py), and reads the result list."""

from urllib.parse import urlsplit

import pytest

from generator.check import check_catalog
from generator.search import normalise, record_fields

from harness import ROOT, browser, built_site, kb_project, recorded_page, served_site  # noqa: F401


@pytest.fixture(scope="module")
def seed(kb_project):  # noqa: F811
    if kb_project != ROOT / "mkdocs.yml":
        pytest.skip("the e2e harness builds the fixture catalogue: catalog/ does not pass kb check --strict")
    return check_catalog(ROOT / "catalog", base=ROOT).catalog


def search(page, base_url: str, query: str, root: str | None = None) -> list[str]:
    """Type `query` into the search box on the page at `base_url` (the home page unless it is
    below `root`); the result links as site paths."""
    type_query(page, base_url, query)
    page.locator(".md-search-result__item a").first.wait_for(state="visible")
    prefix = urlsplit(root or base_url).path
    hrefs = page.locator(".md-search-result__item > a").evaluate_all("as => as.map(a => a.href)")
    return [urlsplit(h).path[len(prefix):] + (f"#{urlsplit(h).fragment}" if urlsplit(h).fragment else "")
            for h in hrefs]


def record_ids(paths: list[str]) -> list[str]:
    return [p.split("/")[1] for p in paths if p.split("/")[0] in ("practices", "policies", "projects")]


def test_yiping_sihui_finds_hebi_first(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    paths = search(page, served_site, "一评四会")
    assert paths[0] == "practices/hebi-yiping-sihui/"
    assert "<mark>一评四会</mark>" in page.locator(".md-search-result__item").first.inner_html()
    requested = [urlsplit(u).path for u in rec.requests]
    assert any(p.endswith("/search/kb/worker.js") for p in requested)
    assert not any("/workers/search." in p for p in requested)  # Material's lunr worker is not used
    rec.assert_clean()


def test_sanzhi_ronghe_finds_the_term_not_its_characters_apart(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    found = record_ids(search(page, served_site, "三治融合"))  # the first screenful (Material renders 10)
    text = {r.id: normalise(" ".join(record_fields(seed, r).values())) for r in seed.records}
    assert found and all("三治融合" in text[i] for i in found)
    about = [r.id for r in seed.records if "sanzhi-ronghe" in r.models]
    count = int(page.locator(".md-search-result__meta").inner_text().split()[0])
    assert len(about) <= count <= len([i for i, t in text.items() if "三治融合" in t]) + len(seed.glossary) + 3
    apart = [i for i, t in text.items() if "三" in t and "治" in t and "三治融合" not in t]
    assert apart, "the seed catalogue should hold records with 三 and 治 apart"
    assert not set(apart) & set(found)
    rec.assert_clean()


def test_wangge_finds_the_hebi_and_yuhu_grid_records(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    found = record_ids(search(page, served_site, "网格"))
    assert {"hebi-zongzhi-wangge", "yuhu-da-wangge"} <= set(found[:5])
    rec.assert_clean()


def test_jifen_huan_xiangmu_finds_dongkou(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    paths = search(page, served_site, "积分换项目")
    assert paths[0] == "projects/dongkou-jifen-huan-xiangmu/"
    assert all(seed.by_id[i].region in seed.region_and_descendants("dongkou") for i in record_ids(paths))
    rec.assert_clean()


def test_traditional_characters_find_simplified_records(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    simplified = search(page, served_site, "综治中心")
    assert search(page, served_site, "綜治中心") == simplified
    assert "practices/hebi-zongzhi-wangge/" in simplified
    rec.assert_clean()


def test_no_match_says_so(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    page.goto(served_site, wait_until="networkidle")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("航天飞机")
    box.press("End")
    page.locator(".md-search-result__meta", has_text="没有找到符合条件的结果").wait_for()
    assert page.locator(".md-search-result__item").count() == 0
    rec.assert_clean()


def type_query(page, url: str, query: str) -> None:
    page.goto(url, wait_until="networkidle")
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.locator("label[for=__search]").first.click()
    box.click()
    box.fill(query)
    box.press("End")  # Material reads the query on keyup


def test_a_near_synonym_finds_the_record_and_says_what_else_was_searched(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    found = record_ids(search(page, served_site, "群防群控"))  # the records say 群防群治
    assert found[0] == "guangdonglu-hengyang-qunzhong"
    assert page.locator(".kb-search-note").inner_text() == "同时搜索了：群防群治"
    rec.assert_clean()


def test_a_whole_question_finds_what_it_asks_about(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    assert record_ids(search(page, served_site, "鹤壁市是怎么做网格化的"))[0] == "hebi-zongzhi-wangge"
    assert record_ids(search(page, served_site, "村里的重大事项怎么决策"))[0] == "dongkou-siyi-liang-gongkai"
    rec.assert_clean()


def test_a_name_written_apart_in_the_record_backs_off_to_its_parts(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    assert record_ids(search(page, served_site, "一门式服务"))[0] == "dongkou-yimenshi-fuwu"
    assert record_ids(search(page, served_site, "说议筹做评"))[0] == "yuhu-wubu-gongzuofa"
    rec.assert_clean()


def test_a_one_character_slip_still_finds_the_record(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    assert record_ids(search(page, served_site, "一评四汇"))[0] == "hebi-yiping-sihui"
    rec.assert_clean()


def test_an_unrelated_topic_finds_nothing_and_suggests_terms_and_models(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    type_query(page, served_site, "外卖骑手权益保障")  # 权益 and 保障 occur in the records: not enough
    page.locator(".md-search-result__meta", has_text="没有找到符合条件的结果").wait_for()
    assert page.locator(".md-search-result__item").count() == 0
    type_query(page, served_site, "枫桥式派出所")  # 枫桥 alone covers too little of it
    page.locator(".md-search-result__meta", has_text="没有找到符合条件的结果").wait_for()
    note = page.locator(".kb-search-note")
    note.wait_for()
    assert note.inner_text().startswith("可以试试：枫桥经验")
    assert note.locator("a").first.get_attribute("href").endswith("glossary/#fengqiao-jingyan")
    rec.assert_clean()


def test_each_hit_says_what_kind_of_page_it_is(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    paths = search(page, served_site, "调解")
    kinds = page.locator(".md-search-result__item > a .kb-kind").all_inner_texts()
    assert kinds and set(kinds) <= {"实践案例", "政策文件", "创新项目", "术语"}
    first = record_ids(paths)[0]
    assert kinds[0] == {"practice": "实践案例", "policy": "政策文件", "project": "创新项目"}[seed.by_id[first].kind]
    rec.assert_clean()


def test_the_404_page_searches_like_every_other_page(seed, served_site, recorded_page):  # noqa: F811
    page, rec = recorded_page
    home = search(page, served_site, "矛盾纠纷")
    home_count = page.locator(".md-search-result__meta").inner_text()
    missing = search(page, served_site + "no-such-page/", "矛盾纠纷", root=served_site)
    assert page.title().startswith("页面不存在")
    assert missing == home and page.locator(".md-search-result__meta").inner_text() == home_count
    requested = [urlsplit(u).path for u in rec.requests]
    assert not any("/workers/search." in p for p in requested)
    assert [p for p in rec.problems() if "no-such-page" not in p] == []  # only the missing page itself is a 404
