"""A record page with figures on a phone (390 px wide) in Chromium, served by nginx under /kb/:
the figures read as a list, numbers marked in their statement, and nothing scrolls sideways."""

from harness import ARTIFACTS, browser, built_site, kb_project, recorded_page, served_site  # noqa: F401


def test_figures_fit_a_phone_without_sideways_scrolling(built_site, served_site, browser):  # noqa: F811
    project = sorted(p.parent.name for p in (built_site / "projects").glob("*/index.html"))[0]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{served_site}projects/{project}/", wait_until="networkidle")
        figures = page.locator(".kb-figures li")
        assert figures.count() > 0
        assert page.locator(".kb-figures li strong").count() > 0
        assert not page.locator(".kb-figures table").count()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".kb-figures").first.screenshot(path=str(ARTIFACTS / "figures-390.png"))
    finally:
        context.close()
