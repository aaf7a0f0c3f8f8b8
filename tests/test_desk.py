"""The officials' desk (issue 12): compare records, print a briefing, Word documents, the
downloads page and citations with a copy button — over nginx under /kb/ and from the offline zip."""

import io
import re
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from generator.briefing import documents, model_docx, record_docx, word_path
from generator.check import check_catalog
from generator.routes import Routes
from generator.stage import SiteStage

from conftest import FIXTURES
from harness import ARTIFACTS
from test_delivery import offline_site  # noqa: F401 - the session fixture: the offline zip, unzipped


@pytest.fixture(scope="module")
def fixture_catalog():
    return check_catalog(FIXTURES / "valid" / "catalog").catalog


@pytest.fixture(scope="module")
def catalog(kb_project):
    return check_catalog(kb_project.parent / "catalog").catalog


# --- Word ------------------------------------------------------------------------------------

def east_asia_font(run) -> str:
    fonts = run._element.rPr.rFonts
    return fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")



NAV_LABELS = ("筛选浏览", "术语表", "下载")


def assert_briefing_paper(pdf: bytes, address: str) -> None:
    """The printed paper itself (its text, read back out of the PDF): site name, the page's address
    and the print date on it, and none of the site's navigation."""
    from pypdf import PdfReader

    # Chromium embeds some glyphs as Kangxi radicals (⼝ for 口): NFKC folds them back
    text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    head = text.splitlines()[0]
    assert "市域社会治理经验库" in head and address in head, head
    assert re.search(r"打印于 \d{4}年\d{1,2}月\d{1,2}日", head), head
    lines = {line.strip() for line in text.splitlines()}
    assert not lines & set(NAV_LABELS), "navigation printed"

def test_record_word_document_has_the_government_layout(fixture_catalog):
    record = next(r for r in fixture_catalog.records if r.kind == "practice")
    doc = Document(io.BytesIO(record_docx(fixture_catalog, record)))
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    assert paragraphs[0].text == record.title and paragraphs[0].style.name == "Title"
    assert east_asia_font(paragraphs[0].runs[0]) == "方正小标宋简体"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["一、基本情况", "二、背景", "三、主要做法"]
    body = [p for p in paragraphs if p.style.name == "Normal"]
    assert body and all(east_asia_font(r) == "仿宋_GB2312" and r.font.name == "宋体" for p in body for r in p.runs)
    assert record.summary in "\n".join(p.text for p in body)
    assert paragraphs[-1].text.startswith("来源：" + ("《" + record.sources[0].title if record.sources[0].title
                                                     else record.sources[0].description))
    assert "市域社会治理经验库" in paragraphs[-1].text
    # black text and no rule under the title, as in a 公文 (the default template has blue and a border)
    assert all(str(r.font.color.rgb) == "000000" for p in paragraphs for r in p.runs)
    assert doc.styles["Title"].element.pPr.find(qn("w:pBdr")) is None
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_model_word_document_collects_its_records(fixture_catalog):
    model = fixture_catalog.models[0]
    doc = Document(io.BytesIO(model_docx(fixture_catalog, model.id)))
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert titles[0] == f"{model.name}经验汇编"
    assert titles[1:] == [r.title for r in fixture_catalog.records_of_model(model.id)]


def test_word_documents_are_the_same_bytes_every_build_and_from_the_cache(fixture_catalog, tmp_path):
    """Fixed zip times and dates, nothing random: a clean build, a cold cache and a warm one give
    the same files, and a model's compilation is its records' paragraphs one after another."""
    clean = documents(fixture_catalog)
    assert documents(fixture_catalog, tmp_path) == clean == documents(fixture_catalog, tmp_path)
    assert any((tmp_path / "word").rglob("*")), "nothing was cached"
    for r in fixture_catalog.records:
        assert clean[word_path("record", r.id)] == record_docx(fixture_catalog, r)
    for m in fixture_catalog.models:
        assert clean[word_path("model", m.id)] == model_docx(fixture_catalog, m.id)
    with zipfile.ZipFile(io.BytesIO(clean[word_path("record", fixture_catalog.records[0].id)])) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        # only what the paragraphs use: no thumbnail, no unused style sets, a few KB a document
        assert {"word/document.xml", "word/styles.xml", "docProps/core.xml"} <= set(z.namelist())
        assert not any("thumbnail" in n or "stylesWithEffects" in n for n in z.namelist())
        updated = max(d for r in fixture_catalog.records for d in (r.review.added, r.review.checked) if d)
        assert updated in z.read("docProps/core.xml").decode()  # the catalogue's last update, not today
    last = Document(io.BytesIO(clean[word_path("model", fixture_catalog.models[0].id)])).paragraphs[-1].text
    year, month, day = (int(x) for x in updated.split("-"))
    assert last == f"本汇编由市域社会治理经验库整理，内容截至{year}年{month}月{day}日。"


def test_an_edited_record_remakes_its_own_documents(fixture_catalog, tmp_path):
    def cached():
        return {path for path in (tmp_path / "word").rglob("*") if path.is_file()}

    documents(fixture_catalog, tmp_path)
    before = cached()
    record = next(r for r in fixture_catalog.records if r.kind == "practice")
    edited = record.model_copy(update={"summary": "改过的摘要。"})
    changed = replace(fixture_catalog, records=tuple(edited if r.id == record.id else r for r in fixture_catalog.records))
    out = documents(changed, tmp_path)
    assert out == documents(changed)  # the same as a clean build
    body = [p.text for p in Document(io.BytesIO(out[word_path("record", record.id)])).paragraphs]
    assert "改过的摘要。" in body
    # its own document and its models' compilations, nothing else
    assert len(cached() - before) == 1 + len(set(record.models))



def test_documents_from_the_cache_follow_a_renamed_model_and_region(fixture_catalog, tmp_path):
    """A record's document shows its models' names and its place: renaming either remakes it."""
    from generator.catalog import RegionNode

    documents(fixture_catalog, tmp_path)
    model = fixture_catalog.models[0]
    renamed = replace(fixture_catalog, models=(model.model_copy(update={"name": "改名模式"}), *fixture_catalog.models[1:]))
    assert documents(renamed, tmp_path) == documents(renamed)
    region_id = fixture_catalog.records[0].region
    regions = dict(fixture_catalog.regions)
    regions[region_id] = RegionNode(**{**regions[region_id].__dict__, "name": "改名区"})
    moved = replace(renamed, regions=regions)
    out = documents(moved, tmp_path)
    assert out == documents(moved)
    assert any("改名区" in p.text for p in Document(io.BytesIO(out[word_path("record", fixture_catalog.records[0].id)])).paragraphs)

def test_record_text_reaches_word_as_text(fixture_catalog):
    """Markup characters are escaped, characters XML cannot hold are dropped, a tab stays a tab."""
    record = next(r for r in fixture_catalog.records if r.kind == "practice")
    hostile = record.model_copy(update={"title": "<w:p>&amp; \"标题\"</w:p>\x07", "summary": "甲\t乙 <b>丙</b>"})
    doc = Document(io.BytesIO(record_docx(fixture_catalog, hostile)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "<w:p>&amp; \"标题\"</w:p>" and doc.paragraphs[0].style.name == "Title"
    assert "甲\t乙 <b>丙</b>" in texts


def test_stage_ships_the_downloads_page_compare_and_word_files(fixture_catalog):
    stage = SiteStage.build(fixture_catalog, Routes())
    paths = {p.path for p in stage.pages}
    assert {"downloads/index.md", "compare/index.md"} <= paths
    assert {"下载": "downloads/index.md"} in stage.nav and {"对比": "compare/index.md"} in stage.nav
    for r in fixture_catalog.records:
        assert f"downloads/word/{r.id}.docx" in stage.files
    page = next(p.markdown for p in stage.pages if p.path == "downloads/index.md")
    assert "(catalog.xlsx)" in page and f"{len(fixture_catalog.records)} 条" in page and " KB |" in page
    assert f"(word/model-{fixture_catalog.models[0].id}.docx)" in page



def test_with_a_cache_the_stage_holds_paths_to_the_same_downloads(fixture_catalog, tmp_path):
    """A build with a cache hands the engine files to copy instead of holding every document's
    bytes; they are the bytes a build without a cache holds, and the downloads page is the same."""
    clean = SiteStage.build(fixture_catalog, Routes())
    cached = SiteStage.build(fixture_catalog, Routes(), cache=tmp_path)
    generated = {uri for uri, data in clean.files.items() if isinstance(data, bytes)}
    assert {f"downloads/word/{r.id}.docx" for r in fixture_catalog.records} <= generated
    assert all(isinstance(cached.files[uri], Path) for uri in generated)
    assert {uri: Path(d).read_bytes() if isinstance(d, Path) else d for uri, d in cached.files.items()} == \
        {uri: Path(d).read_bytes() if isinstance(d, Path) else d for uri, d in clean.files.items()}
    assert cached.pages == clean.pages

# --- in the browser ----------------------------------------------------------------------------

def visit(page, url: str) -> None:
    """Open a page and let the search worker fetch its files: leaving earlier aborts those requests,
    which the recorder (rightly) counts as failures."""
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_compare_select_navigate_share_and_print(served_site, built_site, recorded_page, catalog, browser):
    page, recorder = recorded_page
    model = max(catalog.models, key=lambda m: len(catalog.records_of_model(m.id)))
    picks = [r.id for r in catalog.records_of_model(model.id)][:2]
    visit(page, served_site + f"models/{model.id}/")
    for rid in picks:
        page.locator(f'input.kb-compare-box[value="{rid}"]').check()
    assert page.locator(".kb-compare-bar").is_visible()
    # the selection survives navigation: another listing shows the same ticks
    visit(page, served_site + "practices/")
    page.wait_for_selector("input.kb-compare-box")
    for rid in picks:
        if page.locator(f'input.kb-compare-box[value="{rid}"]').count():
            assert page.locator(f'input.kb-compare-box[value="{rid}"]').is_checked()
    # 加入对比 on a record page adds a third
    third = next(r for r in catalog.records if r.id not in picks)
    visit(page, served_site + Routes().record_url(third))
    page.locator("button.kb-compare-add").click()
    assert page.locator("button.kb-compare-add").inner_text() == "移出对比"
    page.locator(".kb-compare-bar__go").click()
    page.wait_for_selector(".kb-compare__table")
    page.wait_for_load_state("networkidle")
    ids = picks + [third.id]
    assert re.search(r"ids=" + ",".join(ids), page.url)
    heads = page.eval_on_selector_all(".kb-compare__table thead th[data-id]", "t => t.map(x => x.dataset.id)")
    assert heads == ids
    rows = page.eval_on_selector_all(".kb-compare__table tbody th", "t => t.map(x => x.textContent)")
    assert rows[:6] == ["地区", "层级", "类型", "年份", "治理模式", "摘要"] and "成效" in rows and "出处" in rows
    region = " › ".join(n.name for n in catalog.region_path(third.region))
    assert region in page.locator(".kb-compare__table").inner_text()
    first = page.locator(".kb-compare__table details").first
    first.locator("summary").click()
    assert first.evaluate("d => d.open")
    page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=True)

    # printing: landscape A4, the briefing header, no navigation
    pdf = page.pdf(prefer_css_page_size=True)
    (ARTIFACTS / "compare.pdf").write_bytes(pdf)
    box = [float(x) for x in re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", pdf).groups()]
    assert box[2] > box[3], "A4 landscape"
    assert_briefing_paper(pdf, served_site + "compare/")
    page.emulate_media(media="print")
    head = page.locator(".kb-print-head")
    assert head.is_visible() and "市域社会治理经验库" in head.inner_text() and page.url.split("?")[0] in head.inner_text()
    assert re.search(r"打印于 \d{4}年\d{1,2}月\d{1,2}日", head.inner_text())
    assert not page.locator(".md-header").is_visible() and not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".kb-compare-bar").is_visible()
    recorder.assert_clean()

    # the shared address opens the same comparison in a fresh browser (no stored selection)
    context = browser.new_context(service_workers="block")
    other = context.new_page()
    other.goto(served_site + "compare/?ids=" + ",".join(ids))
    other.wait_for_selector(".kb-compare__table")
    assert other.eval_on_selector_all(".kb-compare__table thead th[data-id]", "t => t.map(x => x.dataset.id)") == ids
    context.close()


def test_record_page_prints_a_briefing_and_copies_its_citation(served_site, recorded_page, catalog):
    page, recorder = recorded_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    record = next(r for r in catalog.records if r.kind == "practice")
    url = served_site + Routes().record_url(record)
    visit(page, url)
    cite = page.locator("#kb-cite-site")
    assert url in cite.inner_text() and "[EB/OL]" in cite.inner_text()
    assert re.search(r"\[\d{4}-\d{2}-\d{2}\]", cite.inner_text()), "the access date"
    page.locator('button.kb-copy[aria-controls="kb-cite-site"]').click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("市域社会治理经验库. " + record.title) and url in copied
    assert page.locator('button.kb-copy[aria-controls="kb-cite-site"]').inner_text() == "已复制"
    page.locator('button.kb-copy[aria-controls="kb-cite-source-1"]').click()
    assert record.sources[0].label in page.evaluate("navigator.clipboard.readText()")
    # the Word document link answers
    href = page.locator("a.kb-word").get_attribute("href")
    response = page.request.get(page.url.split("#")[0] + href) if not href.startswith("http") else None
    assert response is not None and response.ok and response.body()[:2] == b"PK"

    page.emulate_media(media="print")
    assert page.locator(".kb-print-head").is_visible() and url in page.locator(".kb-print-head").inner_text()
    assert not page.locator(".md-header").is_visible() and not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator("h2#相关记录").is_visible()
    assert page.locator(".kb-card").is_visible()  # the source is on the paper
    pdf = page.pdf()
    (ARTIFACTS / "record-print.pdf").write_bytes(pdf)
    assert_briefing_paper(pdf, url)
    recorder.assert_clean()


def test_downloads_page_is_served_and_in_the_menu(served_site, recorded_page):
    page, recorder = recorded_page
    visit(page, served_site)
    page.locator(".md-nav--primary a.md-nav__link[href$=\"downloads/\"]").first.click()
    page.wait_for_selector("article h1")
    page.wait_for_load_state("networkidle")
    assert page.url == served_site + "downloads/"
    for link in page.locator("article a[href$='.xlsx'], article a[href$='.docx']").all()[:3]:
        response = page.request.get(link.evaluate("a => a.href"))
        assert response.ok and response.body()[:2] == b"PK"
    recorder.assert_clean()


def test_compare_works_from_the_offline_zip(offline_site, recorded_page, catalog):  # noqa: F811
    page, recorder = recorded_page
    model = catalog.models[0]
    visit(page, (offline_site / "models" / f"{model.id}.html").as_uri())
    boxes = page.locator("input.kb-compare-box")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator(".kb-compare-bar__go").click()
    page.wait_for_selector(".kb-compare__table")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith("file://") and "compare/index.html?ids=" in page.url
    assert page.locator(".kb-compare__table thead th[data-id]").count() == 2
    link = page.locator(".kb-compare__table thead th[data-id] a").first
    link.click()
    page.wait_for_selector("article h1")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith("file://") and page.url.endswith(".html")
    recorder.assert_clean()


def test_coverage_charts_link_to_their_lists(served_site, recorded_page, catalog):
    page, recorder = recorded_page
    visit(page, served_site)
    page.wait_for_load_state("networkidle")  # the search worker's files, before we navigate on
    charts = page.locator(".kb-chart")
    assert charts.count() == 3
    for i in range(charts.count()):  # each chart has a title and its numbers in a table
        chart = charts.nth(i)
        assert chart.locator("svg[role=group] title").count() >= 1 and chart.locator("table").count() >= 1
    models = page.locator("#kb-chart-models")
    rows = models.locator("table tbody tr td:first-child").all_text_contents()
    assert rows == [m.name for m in catalog.models]
    page.locator("#kb-chart-map").screenshot(path=str(ARTIFACTS / "chart-map.png"))
    page.locator(".kb-charts").screenshot(path=str(ARTIFACTS / "charts-home.png"))
    # a province tile opens its region page; a bar opens the model's page
    province = next(p for p in catalog.top_regions if catalog.records_in_region(p))
    page.locator("#kb-chart-map svg a.kb-chart__link").first.click()
    page.wait_for_selector("article h1")
    page.wait_for_load_state("networkidle")
    assert "/regions/" in page.url
    page.wait_for_load_state("networkidle")
    page.go_back()
    page.wait_for_load_state("networkidle")
    model = catalog.models[0]
    page.locator("#kb-chart-models svg a.kb-chart__link").first.click()
    page.wait_for_selector("article h1")
    page.wait_for_load_state("networkidle")
    assert page.url == served_site + f"models/{model.id}/"
    assert page.locator("#kb-chart-kinds").count() == 1
    page.wait_for_load_state("networkidle")
    page.locator(".kb-charts").screenshot(path=str(ARTIFACTS / "charts-model.png"))
    page.locator("#kb-chart-kinds svg a.kb-chart__link").first.click()
    assert page.url.endswith("#kind-practice") and page.locator("h2#kind-practice").is_visible()
    page.locator("#kb-chart-map")  # (home) and the year bars on the home page open the filtered browse list
    visit(page, served_site)
    page.locator("#kb-chart-years svg a.kb-chart__link").first.click()
    page.wait_for_selector(".kb-browse__item")
    assert "year=" in page.url
    page.wait_for_load_state("networkidle")
    assert province
    recorder.assert_clean()
