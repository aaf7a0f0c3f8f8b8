"""Safe output: record text is shown literally or refused, never executed, wherever it lands."""

import json
import re
import shutil
from dataclasses import replace

import pytest

from bs4 import BeautifulSoup

import generator.pipeline
import generator.render
from generator.build import build_site
from generator.search.site import read_docs
from generator.catalog import Catalog
from generator.check import CheckResult, check_catalog
from generator.load import load_yaml
from generator.problems import report_text
from generator.render import Renderer, md_text
from generator.schema import Practice

from conftest import FIXTURES, make_project

HOSTILE_FILE = FIXTURES / "hostile" / "hostile.yml"


def hostile_record() -> Practice:
    """The hostile fixture as the schema alone reads it: the schema lets it through, check does not."""
    loaded, problems = load_yaml(HOSTILE_FILE)
    assert problems == []
    return Practice.model_validate(loaded.data)


HOSTILE = hostile_record()


# Reference data reaches every page (nav, <title>, headers): an unclosed tag passes a check that
# only matches closed ones, and Material prints nav titles as HTML.
HOSTILE_NAME = "名称<img src=x onerror=alert(20)//\"'&amp;"


def hostile_catalog() -> Catalog:
    catalog = check_catalog(FIXTURES / "valid" / "catalog").catalog
    files = dict(catalog.files, hostile="catalog/practices/hostile.yml")
    models = tuple(m.model_copy(update={"name": HOSTILE_NAME + m.id}) for m in catalog.models)
    regions = {k: replace(r, name=HOSTILE_NAME + k) for k, r in catalog.regions.items()}
    glossary = tuple(t.model_copy(update={"term": t.term + HOSTILE_NAME}) for t in catalog.glossary)
    return replace(catalog, records=(*catalog.records, HOSTILE), files=files, models=models, regions=regions,
                   glossary=glossary)


def test_check_refuses_the_hostile_fixture(tmp_path):
    shutil.copytree(FIXTURES / "valid" / "catalog", tmp_path / "catalog")
    shutil.copy(HOSTILE_FILE, tmp_path / "catalog" / "practices")
    result = check_catalog(tmp_path / "catalog")
    assert result.catalog is None
    expected = (FIXTURES / "hostile" / "expected.txt").read_text(encoding="utf-8")
    assert report_text(result.problems) == expected


def test_plain_text_is_escaped_for_html_and_markdown():
    assert md_text("<b>*x*</b> [a](javascript:1) {{ 7*7 }}") == (
        r"&lt;b&gt;\*x\*&lt;/b&gt; \[a\]\(javascript:1\) \{\{ 7\*7 \}\}")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, request):
    project = make_project(tmp_path_factory.mktemp("hostile"), FIXTURES / "valid" / "catalog")
    patch = pytest.MonkeyPatch()
    patch.setattr(generator.pipeline, "check_catalog", lambda *a, **k: CheckResult(hostile_catalog(), []))
    request.addfinalizer(patch.undo)
    result = build_site(project / "mkdocs.yml")
    assert result.ok, result.message
    return project / "site"


def unsafe_bits(html: str) -> list[str]:
    found = []
    page = BeautifulSoup(html, "html.parser")
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.startswith("on"):
                found.append(f"event attribute {name} on <{element.name}>")
            if re.match(r"\s*(javascript|vbscript|data):", value, re.I):
                found.append(f"{name}={value!r}")
        if element.name == "img" and element.get("src") == "x":
            found.append("hostile <img>")
        if element.name == "script" and "alert(" in element.get_text():
            found.append("hostile <script>")
    return found


def test_no_generated_file_holds_an_executable_bit_of_record_text(hostile_site):
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        assert unsafe_bits(path.read_text(encoding="utf-8")) == [], path
    for doc in read_docs(hostile_site):  # Material's search inserts these as HTML
        assert unsafe_bits(doc["title"]) == [] and unsafe_bits(doc["text"]) == [], doc["location"]


def test_hostile_text_is_shown_literally_and_never_evaluated(hostile_site):
    page = BeautifulSoup((hostile_site / "practices" / "hostile" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    article = page.select_one("article")
    assert article.h1.get_text() == HOSTILE.title
    assert page.title.get_text().startswith(HOSTILE.title)
    text = article.get_text()
    assert "{{ 7*7 }}" in text and "{% raw %}" in text
    assert "<script>alert(6)</script>" in text  # visible as text
    texts = [BeautifulSoup(d["title"] + " " + d["text"], "html.parser").get_text() for d in read_docs(hostile_site)]
    texts += [BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text() for p in hostile_site.rglob("*.html")]
    for text in texts:
        assert not re.search(r"(?<![\d.])49(?![\d])", text)


def test_listing_and_link_text_is_escaped_too(hostile_site):
    tag_page = (hostile_site / "tags" / "网格" / "index.html").read_text(encoding="utf-8")
    assert unsafe_bits(tag_page) == []
    assert "&lt;img src=x onerror=alert(1)&gt;" in tag_page


def test_renderer_output_is_deterministic():
    catalog = check_catalog(FIXTURES / "valid" / "catalog").catalog
    assert Renderer(catalog).pages() == Renderer(catalog).pages()


def outside_or_styled(html: str) -> list[str]:
    """Anything that would fetch from another host, restyle the page or grab focus."""
    found = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        for name in ("style", "autofocus", "tabindex", "onfocus", "onerror"):
            if element.has_attr(name) and not (name == "tabindex" and "md-" in " ".join(element.get("class", []))):
                found.append(f"{name} on <{element.name}>")
        for name in ("src", "srcset", "poster", "data"):
            value = element.get(name)
            if value and re.match(r"\s*([a-z][\w+.-]*:|//|/\\)", str(value), re.I):
                found.append(f"{name}={value!r}")
    return found


def test_attribute_lists_and_outside_images_in_record_text_do_nothing(hostile_site):
    page = (hostile_site / "practices" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert outside_or_styled(page) == []
    article = BeautifulSoup(page, "html.parser").select_one("article")
    hrefs = [str(a.get("href", "")) for a in article.find_all("a")]
    assert not [h for h in hrefs if h.startswith(("//", "/\\"))]  # https links stay links: clicked, never fetched
    assert '{: autofocus onfocus="alert(10)"' in article.get_text()  # shown as text
    assert "👨‍👩‍👧" in article.get_text()
    for path in hostile_site.rglob("*.html"):
        assert outside_or_styled(path.read_text(encoding="utf-8")) == [], path


def test_reference_names_are_escaped_exactly_once_in_nav_titles_and_headers(hostile_site):
    pages = list(hostile_site.rglob("*.html"))
    model_page = BeautifulSoup((hostile_site / "models" / "wanggehua" / "index.html").read_text(encoding="utf-8"),
                               "html.parser")
    nav_titles = [a.get_text(strip=True) for a in model_page.select("nav.md-nav a")]
    assert HOSTILE_NAME + "wanggehua" in nav_titles  # the browser shows the literal name
    assert model_page.title.get_text() == f"{HOSTILE_NAME}wanggehua - 市域社会治理经验库"
    region_page = BeautifulSoup((hostile_site / "regions" / "quyi" / "index.html").read_text(encoding="utf-8"),
                                "html.parser")
    assert region_page.title.get_text().startswith(HOSTILE_NAME + "quyi")
    record = BeautifulSoup((hostile_site / "practices" / "hostile" / "index.html").read_text(encoding="utf-8"),
                           "html.parser")
    assert record.title.get_text().startswith(HOSTILE.title)
    assert record.select_one(".md-header__topic + .md-header__topic .md-ellipsis").get_text(strip=True) == HOSTILE.title
    for path in pages:
        assert unsafe_bits(path.read_text(encoding="utf-8")) == [], path


def test_backstop_fails_the_build_naming_the_record(tmp_path):
    """If a check and the renderer were both bypassed, nh3 still refuses to publish."""
    project = make_project(tmp_path, FIXTURES / "valid" / "catalog")
    patch = pytest.MonkeyPatch()
    patch.setattr(generator.pipeline, "check_catalog", lambda *a, **k: CheckResult(hostile_catalog(), []))
    patch.setattr(generator.render, "neutralise", lambda text: text)  # the renderer's guard switched off
    import logging

    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        result = build_site(project / "mkdocs.yml")
    finally:
        patch.undo()
        logging.getLogger("mkdocs").removeHandler(handler)
    assert not result.ok
    assert not (project / "site").exists()
    assert "页面 practices/hostile.md(来自 catalog/practices/hostile.yml)的 background、measures[0].text 字段 含不安全的 HTML" \
        in "\n".join(messages)


def test_backstop_names_what_it_would_remove():
    from generator.safety import unsafe_html

    assert unsafe_html('<p class="x">a &amp; "b"<a href="../x/">y</a></p>') == []
    assert unsafe_html('<p onfocus="alert(1)" tabindex="0">a</p><img src="//h/p.png">') == [
        "<p onfocus='alert(1)' tabindex='0'>", "<img src='//h/p.png'>"]


def test_backstop_reads_nh3s_rewrites_as_no_change_and_still_sees_removals_beside_them():
    """What nh3 rewrites without removing anything (bare `hidden`, `<br />`) passes; a boolean-looking
    word inside an attribute value, or a removal in the same tag, is still reported."""
    from generator.safety import unsafe_html

    assert unsafe_html('<button type="button" class="kb-copy" hidden>复制</button><br /><p>开放 open</p>'
                       '<img src="a.png" alt="" /><details open><summary>x</summary></details>') == []
    assert unsafe_html('<p title="a hidden b" onclick="x()">t</p>') == ["<p onclick='x()'>"]
    assert unsafe_html('<button hidden onclick="x()">t</button><br/>') == ["<button onclick='x()'>"]


def test_markdown_too_big_to_render_quickly_is_shown_as_plain_text():
    """The render-time bound behind the markdown-too-big check: 32 KB of `[a](` took the build
    from 9 s to 45 s; over the bound the field is a code block, which renders in linear time."""
    from generator.safety import MAX_MARKDOWN_BRACKETS, MAX_MARKDOWN_CHARS

    renderer = Renderer(check_catalog(FIXTURES / "valid" / "catalog").catalog)
    for value in ("[a](" * 8000, "x" * (MAX_MARKDOWN_CHARS + 1), "[" * (MAX_MARKDOWN_BRACKETS + 1)):
        out = renderer._markdown_field(value, "practices/x.md", set())
        assert out.startswith("    ") and "\\" not in out  # an indented code block, nothing to parse
    assert renderer._markdown_field("[原文](https://example.org/a)", "practices/x.md", set()) == (
        "[原文](https://example.org/a)")


@pytest.mark.parametrize("fields, text", [
    ({"value": 1800, "qualifier": "余", "unit": "人"}, "1800余人"),
    ({"value": 30, "qualifier": "约", "unit": "%"}, "约30%"),
    ({"value": 5, "qualifier": "超过", "unit": "万元"}, "超过5万元"),
    ({"low": 10, "high": 20, "unit": "个"}, "10–20个"),
    ({"value": 73.7, "qualifier": "余", "unit": "万人"}, "73.7万余人"),
    ({"value": 20, "qualifier": "余", "unit": "万人次"}, "20余万人次"),
])
def test_qualified_figures_read_as_chinese_prose(fields, text):
    from generator.render import amount_text
    from generator.schema import Amount

    assert amount_text(Amount(**fields)) == text


def test_a_figure_is_marked_inside_its_statement_not_repeated():
    from generator.render import figure_markdown
    from generator.schema import Figure

    inside = Figure(statement="化解矛盾纠纷1800余件", value=1800, qualifier="余", unit="件", year=2021)
    assert figure_markdown(inside) == "化解矛盾纠纷**1800**余件(2021年)"
    ranged = Figure(statement="每村配10至20名调解员", low=10, high=20, unit="名", year=2019, year_end=2021)
    assert figure_markdown(ranged) == "每村配**10**至**20**名调解员(2019—2021年)"
    several = Figure(statement="群众满意率98.5%,知晓率96%", figures=[
        {"label": "满意率", "value": 98.5, "unit": "%"}, {"label": "知晓率", "value": 96, "unit": "%"}])
    assert figure_markdown(several) == r"群众满意率**98\.5**%,知晓率**96**%"
    unspoken = Figure(statement="调解周期明显缩短", value=2, unit="小时", qualifier="不足")
    assert figure_markdown(unspoken) == "调解周期明显缩短(不足2小时)"


def test_a_figure_s_number_is_found_only_where_it_stands_alone():
    """The same places as the regex (?<![\\d.])n(?![\\d]|\\.\\d): not inside a longer number, a
    decimal or a version, full-width and other decimal digits included."""
    import itertools

    from generator.render import _standalone

    pieces = ["", "1", "12", "0.", ".5", "1.5", "１", "٣", "人", "约", " ", "."]
    for parts in itertools.product(pieces, repeat=3):
        statement = "".join(parts)
        for number in ("1", "12", "1.5", "5"):
            match = re.search(rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d)", statement)
            assert _standalone(statement, number) == (match.span() if match else None), (statement, number)
