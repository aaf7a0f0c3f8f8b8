"""Chromium over a site built from the hostile record and hostile reference names, forced past
the check: served by nginx and as the offline zip from file://, no dialog and no outside request."""

import zipfile
from pathlib import Path

import pytest

import generator.pipeline
from generator.build import build_site
from generator.bundle import build_bundle
from generator.check import CheckResult

from conftest import FIXTURES, make_project
from harness import scan_outside_references, serve_site
from test_render import hostile_catalog

PAGES = ["practices/hostile", "models/wanggehua", "regions/quyi", "tags/网格", "glossary", ""]


@pytest.fixture(scope="module")
def hostile_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-browser")
    project = make_project(root / "p", FIXTURES / "valid" / "catalog")
    patch = pytest.MonkeyPatch()
    patch.setattr(generator.pipeline, "check_catalog", lambda *a, **k: CheckResult(hostile_catalog(), []))
    try:
        assert build_site(project / "mkdocs.yml", base_url="/kb/").ok
        bundle = build_bundle(project / "mkdocs.yml", dist_dir=root / "dist")
        assert bundle.ok, bundle.message
    finally:
        patch.undo()
    with zipfile.ZipFile(bundle.path) as zf:
        zf.extractall(root / "unzipped")
    offline = next((root / "unzipped").iterdir())
    return project / "site", offline, root


def visit(browser, urls: list[str]) -> tuple[list[str], list[str]]:
    from harness import Recorder

    context = browser.new_context(service_workers="block")
    recorder = Recorder().attach(context)
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
        page.keyboard.press("Tab")  # focus handlers would fire here
        page.mouse.move(300, 300)
        page.wait_for_timeout(150)
    context.close()
    return dialogs, [f"request to another host: {u}" for u in recorder.outside]


def test_hostile_site_has_no_outside_references(hostile_builds):
    site, offline, _ = hostile_builds
    assert scan_outside_references(site) == []
    assert scan_outside_references(offline) == []


def test_chromium_sees_no_dialog_and_no_outside_request_over_nginx(hostile_builds, browser):
    site, _, root = hostile_builds
    with serve_site(site, root / "nginx") as base:
        dialogs, outside = visit(browser, [base + (p + "/" if p else "") for p in PAGES])
    assert dialogs == [] and outside == []


def test_chromium_sees_no_dialog_and_no_outside_request_from_the_offline_zip(hostile_builds, browser):
    _, offline, _ = hostile_builds
    urls = []
    for p in PAGES:
        target = offline / (p + ".html") if p else offline / "index.html"
        if not target.exists():
            target = offline / p / "index.html"
        assert target.exists(), target
        urls.append(target.as_uri())
    dialogs, outside = visit(browser, urls)
    assert dialogs == [] and outside == []
