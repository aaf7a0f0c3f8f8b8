"""Reading quality in a real browser, at a desktop (1366×768) and a phone (390×844) viewport:
no sideways scrolling, case-study section order, WCAG AA via the vendored axe-core, glossary
tooltips on focus, the browse drawer on a phone. Screenshots go to test-artifacts/reading-*."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.catalog import Catalog
from generator.check import check_catalog
from generator.completeness import OPTIONAL_SECTIONS
from harness import ARTIFACTS

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8")
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# the case-study shape, in reading order, by kind
SECTION_ORDER = {
    "practice": ["摘要", "背景", "主要做法", "成效", "可复制推广", "引用本条", "相关记录"],
    "policy": ["摘要", "制定依据", "总体目标", "重点任务", "实施步骤", "保障措施", "引用本条", "相关记录"],
    "project": ["摘要", "项目概况", "主要功能", "覆盖范围", "成效", "引用本条", "相关记录"],
}


@pytest.fixture(scope="module")
def catalog(kb_project):
    return check_catalog(kb_project.parent / "catalog", base=kb_project.parent).catalog


@pytest.fixture(scope="module")
def page_types(catalog, built_site) -> dict[str, str]:
    """One address of every page type, relative to the site root."""
    first = {k: next(r for r in catalog.records if r.kind == k) for k in SECTION_ORDER}
    region = next(rid for rid in catalog.regions if (built_site / "regions" / rid / "index.html").exists())
    tag = next(iter(catalog.tags))
    return {
        "home": "", "models": "models/", "model": f"models/{catalog.models[0].id}/",
        "regions": "regions/", "region": f"regions/{region}/", "kinds": "kinds/",
        "kind": "practices/", "tags": "tags/", "tag": f"tags/{tag}/", "glossary": "glossary/",
        "browse": "browse/", "status": "status/", "about": "about/",
        **{k: f"{Catalog.url_of(r)}" for k, r in first.items()},
    }


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport_page(request, browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN", service_workers="block",
                                  has_touch=request.param == "phone", is_mobile=request.param == "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield request.param, page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reading-{name}.png"), full_page=False)


def test_every_page_type_fits_the_width_and_passes_axe(viewport_page, served_site, page_types):
    """No sideways scroll on a phone, and zero serious or critical axe violations, on every page type."""
    name, page = viewport_page
    failures = {}
    for kind, path in page_types.items():
        page.goto(served_site + path)
        page.wait_for_load_state("networkidle")
        shot(page, f"{name}-{kind}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            failures[f"{kind}: horizontal scroll"] = overflow
        page.evaluate(AXE_SOURCE + ";0")  # evaluated by the test, not a page script: the site's CSP stays on
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }""")
        if result:
            failures[f"{kind}: axe"] = result
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("kind", sorted(SECTION_ORDER))
def test_case_pages_keep_the_section_order_and_say_what_is_missing(kind, viewport_page, served_site, catalog):
    name, page = viewport_page
    records = [r for r in catalog.records if r.kind == kind]
    # the least complete record of its kind: its empty sections must still be there
    record = max(records, key=lambda r: sum(not getattr(r, f) for f, _ in OPTIONAL_SECTIONS[kind]))
    page.goto(served_site + Catalog.url_of(record))
    headings = page.eval_on_selector_all("article h2", "els => els.map(e => e.textContent.trim())")
    assert headings == SECTION_ORDER[kind]
    for field, heading in OPTIONAL_SECTIONS[kind]:
        if not getattr(record, field):
            following = page.locator(f"article h2:text-is('{heading}') + p")
            assert "原文未提供" in following.inner_text()
    summary_size = page.eval_on_selector(".kb-summary", "e => parseFloat(getComputedStyle(e).fontSize)")
    body_size = page.eval_on_selector("article", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert summary_size >= body_size
    h1 = page.eval_on_selector("article h1", "e => getComputedStyle(e).fontWeight")
    assert int(h1) >= 700
    # the record's kind is marked as the current section in the menu
    active = page.eval_on_selector_all(".md-nav__item--active > a.md-nav__link",
                                       "els => els.map(e => e.textContent.trim())")
    assert active == [{"practice": "实践案例", "policy": "政策文件", "project": "创新项目"}[kind]]
    shot(page, f"{name}-order-{kind}")


def test_glossary_term_shows_its_definition_on_focus(viewport_page, served_site, catalog):
    name, page = viewport_page
    record = next(r for r in catalog.records if r.kind == "practice" and "四议两公开" in r.model_dump_json())
    page.goto(served_site + Catalog.url_of(record))
    term = page.locator("a.kb-term").first
    term.focus()
    tooltip = page.locator(".md-tooltip, .md-tooltip2").filter(has_text=re.compile(".+"))
    tooltip.first.wait_for(state="visible", timeout=5000)
    assert len(tooltip.first.inner_text().strip()) > 5
    page.wait_for_timeout(400)  # the tooltip fades in
    shot(page, f"{name}-tooltip")


def test_glossary_term_on_a_phone_first_tap_explains_second_tap_opens(browser, served_site, catalog):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN", has_touch=True, is_mobile=True)
    page = context.new_page()
    record = next(r for r in catalog.records if r.kind == "practice" and "四议两公开" in r.model_dump_json())
    page.goto(served_site + Catalog.url_of(record))
    term = page.locator("a.kb-term").first
    term.scroll_into_view_if_needed()
    term.tap()
    tooltip = page.locator(".md-tooltip, .md-tooltip2").filter(has_text=re.compile(".+")).first
    tooltip.wait_for(state="visible", timeout=5000)
    assert "/glossary/" not in page.url
    page.wait_for_timeout(400)  # the tooltip fades in
    shot(page, "phone-tooltip-tap")
    term.tap()
    page.wait_for_url(re.compile("/glossary/"))
    context.close()


def test_browse_on_a_phone_shows_results_first_and_filters_in_a_drawer(browser, served_site):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN", has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(served_site + "browse/")
    first = page.locator(".kb-browse__item").first
    assert first.bounding_box()["y"] < VIEWPORTS["phone"]["height"], "the first result is on the first screen"
    assert not page.locator(".kb-browse__facets").is_visible()
    page.locator(".kb-browse__open").click()
    facets = page.locator(".kb-browse__facets")
    assert facets.is_visible()
    # region filter is a tree: a province holds its cities
    nested = page.locator("[data-facet=region] > ul > li > ul label").count()
    assert nested > 0
    page.locator("[data-facet=kind] label").first.click()
    shot(page, "phone-browse-drawer")
    page.locator(".kb-browse__close").click()
    chip = page.locator(".kb-browse__chip")
    assert chip.count() == 1
    shown = page.locator(".kb-browse__item").count()
    shot(page, "phone-browse-chips")
    chip.click()
    assert page.locator(".kb-browse__chip").count() == 0
    assert page.locator(".kb-browse__item").count() > shown
    context.close()


def test_browse_on_a_desktop_uses_its_width(browser, served_site):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    page = context.new_page()
    page.goto(served_site + "browse/")
    width = page.locator(".kb-browse__results").bounding_box()["width"]
    assert width > 600
    assert page.locator(".kb-browse__facets").is_visible()
    assert not page.locator(".kb-browse__open").is_visible() and not page.locator(".kb-browse__close").is_visible()
    shot(page, "desktop-browse")
    context.close()
