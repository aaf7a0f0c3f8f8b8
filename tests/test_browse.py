"""The browse page: facet data from the catalogue, and filtering in a real browser; the browse and
compare data in pieces (issue 14), over nginx under /kb/ and from the offline zip."""

import json
import re
from urllib.parse import unquote

import pytest

from generator.browse import FACETS, browse_data, browse_files
from generator.check import check_catalog
from generator.catalog import Catalog
from generator.compare import compare_data, compare_files, piece_of

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


def piece_payload(text: bytes, call: str) -> tuple[int, dict]:
    m = re.fullmatch(call + r"\((\d+),(.*)\);\n", text.decode("utf-8"), flags=re.S)
    return int(m.group(1)), json.loads(m.group(2))


def test_browse_pieces_hold_every_row_once_in_order_with_facet_codes(fixture_catalog):
    data = browse_data(fixture_catalog, url_of=Catalog.url_of)
    added = [(r["added"], r["id"]) for r in data["records"]]
    assert added == sorted(added, reverse=True), "newest first: the page's default order"
    files = browse_files(data, "d", per_piece=2)
    assert list(files) == [f"d/{n}.js" for n in range(len(files))] and len(files) == -(-len(data["records"]) // 2)
    pieces = [piece_payload(files[f"d/{n}.js"], "kbBrowse") for n in range(len(files))]
    head = pieces[0][1]
    assert head["total"] == len(data["records"]) and head["pieces"] == len(files)
    assert all("facets" not in p for _, p in pieces[1:]), "only the first piece carries the facets"
    rows = [row for _, p in pieces for row in p["rows"]]
    assert [row[0] for row in rows] == [r["id"] for r in data["records"]]
    for row, record in zip(rows, data["records"]):  # codes decode to the record's facet values
        decoded = {f["key"]: [f["values"][i] for i in codes] for f, codes in zip(head["facets"], row[4])}
        assert decoded == record["facets"] and row[1:4] == [record["title"], record["summary"], record["url"]]
    model = next(f for f in head["facets"] if f["key"] == "model")
    assert model["names"][model["values"].index("wanggehua")] == "网格化"
    assert model["counts"][model["values"].index("wanggehua")] == sum("wanggehua" in r["facets"]["model"] for r in data["records"])


def test_compare_pieces_split_records_by_the_hash_of_their_id(fixture_catalog):
    data = compare_data(fixture_catalog, url_of=Catalog.url_of)
    files = compare_files(data, "c", per_piece=2)
    head = json.loads(files["c.js"].decode("utf-8").removeprefix("window.KB_COMPARE = ").rstrip(";\n"))
    assert head == {"max": 4, "pieces": -(-len(data["records"]) // 2)}
    seen = {}
    for n in range(head["pieces"]):
        k, piece = piece_payload(files[f"c/{n}.js"], "kbCompare")
        assert k == n and all(piece_of(rid, head["pieces"]) == n for rid in piece)
        seen.update(piece)
    assert seen == data["records"]


def test_data_pieces_cannot_close_a_script_element(fixture_catalog):
    data = browse_data(fixture_catalog, url_of=Catalog.url_of)
    data["records"][0]["title"] = "</script><script>alert(1)</script>"
    compare = compare_data(fixture_catalog, url_of=Catalog.url_of)
    next(iter(compare["records"].values()))["summary"] = "</script><script>alert(1)</script>"
    for text in [*browse_files(data, "d").values(), *compare_files(compare, "c").values()]:
        assert b"</script>" not in text


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
