"""The browse page: facet data from the catalogue, and filtering in a real browser; the browse and
compare data in pieces (issue 14), over nginx under /kb/ and from the offline zip."""

import json
import re
import sys
from urllib.parse import unquote

import pytest

from generator.browse import FACETS, browse_data, browse_files
from generator.check import check_catalog
from generator.catalog import Catalog
from generator.compare import compare_data, compare_files, piece_of

from conftest import FIXTURES, ROOT


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
    head = json.loads(re.fullmatch(r"kbCompareHead\((.*)\);\n", files["c/head.js"].decode("utf-8")).group(1))
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
    page.wait_for_load_state("networkidle")  # leaving earlier aborts the favicon, which the recorder counts
    page.locator(".kb-browse__item a").first.click()
    page.wait_for_selector("article h1")
    assert page.url.startswith(served_site) and "/browse/" not in page.url
    recorder.assert_clean()


# --- data in pieces, in the browser (issue 14) --------------------------------------------------

BROWSE_PIECE, COMPARE_PIECE = 16, 4  # small pieces, so a small catalogue needs several
PIECED_RECORDS = 90  # more than the page shows at once (50)


@pytest.fixture(scope="module")
def pieced_catalog(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    return synth.generate(tmp_path_factory.mktemp("pieced-catalog") / "catalog", PIECED_RECORDS)


@pytest.fixture(scope="module")
def pieced(pieced_catalog, tmp_path_factory):
    """A synthetic catalogue built with small pieces: served by nginx under /kb/, and as the offline
    zip (unzipped). Yields (base URL, offline folder, catalogue)."""
    import zipfile

    from click.testing import CliRunner

    from generator.cli import main
    from harness import PREFIX, build, project_copy, serve_site

    root = tmp_path_factory.mktemp("pieced")
    config = project_copy(root / "project", pieced_catalog)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.browse.BROWSE_PER_PIECE", BROWSE_PIECE)
        patch.setattr("generator.compare.COMPARE_PER_PIECE", COMPARE_PIECE)
        site = build(config, root / "site", base_url=PREFIX)
        result = CliRunner().invoke(main, ["build", "--offline", "-f", str(config), "--dist-dir", str(root / "dist")])
        assert result.exit_code == 0, result.output
    [bundle] = (root / "dist").glob("*.zip")
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "unzipped")
    with serve_site(site, root / "nginx") as base_url:
        yield base_url, root / "unzipped" / bundle.stem, check_catalog(pieced_catalog).catalog


def expected_ids(catalog, selected: dict[str, list[str]], q: str = "") -> list[str]:
    """The browse filter on the Python side: any value within a facet, every facet, every word."""
    out = []
    for r in browse_data(catalog, url_of=Catalog.url_of)["records"]:
        if any(values and not set(values) & set(r["facets"][key]) for key, values in selected.items()):
            continue
        hay = " ".join([r["title"], r["summary"], r["region"], *r["facets"]["tag"]]).lower()
        if all(w in hay for w in q.lower().split()):
            out.append(r["id"])
    return out


def all_shown(page) -> list[str]:
    for _ in range(100):
        if not page.locator(".kb-browse__more").is_visible():
            return shown_ids(page)
        page.locator(".kb-browse__more").click()
    raise AssertionError("显示更多 never ends")


def loaded(page) -> None:
    page.wait_for_selector('#kb-browse[aria-busy="false"]')


def test_browse_shows_first_results_before_the_rest_arrives_then_filters_like_python(pieced, recorded_page):
    base_url, _, catalog = pieced
    page, recorder = recorded_page
    held, released = [], []  # pieces after the first wait until the test releases them
    page.route(re.compile(r".*/browse/data/[1-9]\d*\.js$"),
               lambda route: route.fallback() if released else held.append(route))
    page.goto(base_url + "browse/", wait_until="domcontentloaded")  # "load" waits for every piece
    page.wait_for_selector(".kb-browse__item")
    total = len(catalog.records)
    newest = expected_ids(catalog, {})
    assert shown_ids(page) == newest[:BROWSE_PIECE], "the first piece: the newest records, shown at once"
    assert f"正在载入 {BROWSE_PIECE}/{total}" in page.locator(".kb-browse__count").inner_text()
    assert page.locator("#kb-browse").get_attribute("aria-busy") == "true"
    # the facets already count the whole catalogue
    model = catalog.models[0]
    label = page.locator('[data-facet="model"] label', has=page.locator(f'input[value="{model.id}"]'))
    assert f"（{len(catalog.records_of_model(model.id))}）" in label.inner_text()
    released.append(True)
    for route in held:
        route.fallback()
    loaded(page)
    assert len(shown_ids(page)) == 50, "50 at a time"
    assert page.locator(".kb-browse__more").inner_text() == f"显示更多（还有 {total - 50} 条）"
    assert all_shown(page) == newest and page.locator(".kb-browse__count").inner_text() == f"共 {total} 条记录"
    pieces = {u for u in recorder.requests if "/browse/data/" in u}
    assert len(pieces) == -(-total // BROWSE_PIECE) > 2

    kind = "practice"
    page.locator(f'[data-facet="model"] input[value="{model.id}"]').check()
    page.locator(f'[data-facet="kind"] input[value="{kind}"]').check()
    want = {"model": [model.id], "kind": [kind]}
    assert sorted(all_shown(page)) == sorted(expected_ids(catalog, want))
    by_id = {r.id: r for r in catalog.records}
    years = sorted({str(by_id[i].year or "未注明") for i in expected_ids(catalog, want)})
    assert page.eval_on_selector_all('[data-facet="year"] label', "ls => ls.filter(l => l.offsetParent).map(l => l.firstChild.value)") \
        == sorted(years, reverse=True), "only the years that the other choices leave, newest first"
    year = years[0]
    page.locator(f'[data-facet="year"] input[value="{year}"]').check()
    want["year"] = [year]
    assert sorted(all_shown(page)) == sorted(expected_ids(catalog, want))
    page.locator(".kb-browse__reset").click()
    word = catalog.records[-1].title[:4]
    page.locator(".kb-browse__q").fill(word)
    assert all_shown(page) == expected_ids(catalog, {}, word)
    # a reload with the filters in the address filters what arrives
    page.locator(".kb-browse__q").fill("")
    page.locator(f'[data-facet="kind"] input[value="{kind}"]').check()
    page.reload()
    loaded(page)
    assert all_shown(page) == expected_ids(catalog, {"kind": [kind]})
    assert not [u for u in recorder.requests if "/compare/data/" in u]
    recorder.assert_clean()


def test_compare_loads_only_the_pieces_of_the_selected_records(pieced, recorded_page):
    base_url, _, catalog = pieced
    page, recorder = recorded_page
    model = catalog.models[0]
    page.goto(base_url + f"models/{model.id}/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in recorder.requests if "/data/" in u], "list pages load no browse or compare data"
    ids = [catalog.records[0].id, catalog.records[-1].id, catalog.records[len(catalog.records) // 2].id]
    page.goto(base_url + "compare/?ids=" + ",".join(ids + ["no-such-record"]))
    page.wait_for_selector(".kb-compare__table")
    page.wait_for_load_state("networkidle")
    heads = page.eval_on_selector_all(".kb-compare__table thead th[data-id]", "t => t.map(x => x.dataset.id)")
    assert heads == ids
    assert catalog.records[-1].summary in page.locator(".kb-compare__table").inner_text()
    pieces = -(-len(catalog.records) // COMPARE_PIECE)
    asked = {u.rsplit("/", 1)[1] for u in recorder.requests if "/compare/data/" in u}
    assert asked == {"head.js"} | {f"{piece_of(i, pieces)}.js" for i in ids + ["no-such-record"]}
    assert len(asked) < pieces
    recorder.assert_clean()


def test_browse_and_compare_in_pieces_from_the_offline_zip(pieced, recorded_page):
    _, offline, catalog = pieced
    page, recorder = recorded_page
    page.goto((offline / "browse" / "index.html").as_uri())
    loaded(page)
    assert all_shown(page) == expected_ids(catalog, {})
    page.locator('[data-facet="kind"] input[value="policy"]').check()
    assert all_shown(page) == expected_ids(catalog, {"kind": ["policy"]})
    ids = [r.id for r in catalog.records[:2]]
    page.goto((offline / "compare" / "index.html").as_uri() + "?ids=" + ",".join(ids))
    page.wait_for_selector(".kb-compare__table")
    assert page.eval_on_selector_all(".kb-compare__table thead th[data-id]", "t => t.map(x => x.dataset.id)") == ids
    recorder.assert_clean()
