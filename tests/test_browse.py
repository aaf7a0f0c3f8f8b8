"""The browse page: facet data from the catalogue, and filtering in a real browser."""

from urllib.parse import unquote

import pytest

from generator.browse import FACETS, browse_data, browse_script
from generator.check import check_catalog
from generator.catalog import Catalog

from conftest import FIXTURES


@pytest.fixture(scope="module")
def fixture_catalog():
    return check_catalog(FIXTURES / "valid" / "catalog").catalog


def test_facet_values_come_from_the_catalogue(fixture_catalog):
    data = browse_data(fixture_catalog, url_of=Catalog.url_of)
    assert [f["key"] for f in data["facets"]] == [f.key for f in FACETS]
    record = next(r for r in data["records"] if r["id"] == "wangge-bihuan")
    assert record["facets"] == {
        "main-model": ["wanggehua"], "model": ["wanggehua", "dangjian-yinling"], "kind": ["practice"],
        "region": ["shengfen", "shiyi", "quyi"], "level": ["县级"], "year": ["2021"], "tag": ["网格", "闭环"],
    }
    assert data["labels"]["model"]["wanggehua"] == "网格化" and data["labels"]["region"]["quyi"] == "示例区"
    assert data["labels"]["kind"] == {"practice": "实践案例", "policy": "政策文件", "project": "创新项目"}
    assert record["url"] == "practices/wangge-bihuan/"


def test_browse_script_cannot_close_a_script_element(fixture_catalog):
    data = browse_data(fixture_catalog, url_of=Catalog.url_of)
    data["records"][0]["title"] = "</script><script>alert(1)</script>"
    script = browse_script(data)
    assert "</script>" not in script and script.startswith("window.KB_BROWSE = ")


@pytest.fixture(scope="module")
def catalog(kb_project):
    return check_catalog(kb_project.parent / "catalog").catalog


def shown_ids(page):
    return page.eval_on_selector_all(".kb-browse__item", "items => items.map(i => i.dataset.id)")


def test_filters_combine_count_and_survive_a_reload(served_site, recorded_page, catalog):
    page, recorder = recorded_page
    page.goto(served_site + "browse/")
    page.wait_for_selector(".kb-browse__item")
    assert sorted(shown_ids(page)) == sorted(r.id for r in catalog.records)

    model = catalog.models[0]
    expected = sorted(r.id for r in catalog.records_of_model(model.id))
    box = page.locator(f'[data-facet="model"] input[value="{model.id}"]')
    label = page.locator('[data-facet="model"] label', has=page.locator(f'input[value="{model.id}"]'))
    assert f"（{len(expected)}）" in label.inner_text() and model.name in label.inner_text()
    box.check()
    assert sorted(shown_ids(page)) == expected
    assert page.locator(".kb-browse__count").inner_text() == f"共 {len(expected)} 条记录"
    assert f"model={model.id}" in unquote(page.url)

    kind = "practice"
    page.locator(f'[data-facet="kind"] input[value="{kind}"]').check()
    both = sorted(r.id for r in catalog.records_of_model(model.id) if r.kind == "practice")
    assert sorted(shown_ids(page)) == both

    page.reload()
    page.wait_for_selector(".kb-browse__count")
    assert sorted(shown_ids(page)) == both
    assert page.locator(f'[data-facet="model"] input[value="{model.id}"]').is_checked()

    page.locator(".kb-browse__reset").click()
    target = catalog.records[0]
    page.locator(".kb-browse__q").fill(target.title)
    assert target.id in shown_ids(page)
    page.locator(".kb-browse__q").fill("不可能出现的文字组合")
    assert shown_ids(page) == [] and page.locator(".kb-browse__count").inner_text() == "共 0 条记录"

    page.locator(".kb-browse__q").fill("")
    page.locator(".kb-browse__item a").first.click()
    page.wait_for_selector("article h1")
    assert page.url.startswith(served_site) and "/browse/" not in page.url
    recorder.assert_clean()
