"""The harness itself: it must catch what the delivery tests promise to catch — a theme that loads
something from another host, a console error, a failed request — or those tests prove nothing."""

from __future__ import annotations

import re

import pytest

from harness import (DEPLOY_CONF, FIXTURE_CATALOG, build, is_outside, nginx_test_config, project_copy,
                     scan_outside_references, serve_site, tour_stops)

OUTSIDE_THEME = """{% extends "base.html" %}
{% block extrahead %}
  <script src="https://cdn.example.com/x.js"></script>
  <link rel="stylesheet" href="https://cdn.example.com/x.css">
{% endblock %}
"""


@pytest.fixture(scope="module")
def outside_site(tmp_path_factory):
    """The fixture catalogue built with a theme override that adds outside references."""
    tmp = tmp_path_factory.mktemp("outside")
    config = project_copy(tmp / "project", FIXTURE_CATALOG)
    (config.parent / "theme_overrides" / "main.html").write_text(OUTSIDE_THEME, encoding="utf-8")
    return build(config, tmp / "site", base_url="/kb/")


def test_is_outside():
    for url in ("https://cdn.example.com/x.js", "//cdn.example.com/x.css", "http://localhost/x", "HTTP://a.b",
                "file://fileserver/share/x.js"):
        assert is_outside(url), url
    for url in ("assets/x.js", "/kb/x", "../x", "#top", "http://127.0.0.1:8080/kb/", "file:///tmp/x",
                "data:image/svg+xml;charset=utf-8,<svg xmlns='http://www.w3.org/2000/svg'/>", "mailto:x@y"):
        assert not is_outside(url), url


def test_scan_reports_outside_references_but_allows_source_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="https://cdn.example.com/a.css">'
        '<style>body{background:url("https://img.example.com/bg.png")}</style></head><body>'
        '<img srcset="x.png 1x, https://img.example.com/y.png 2x"><a href="https://example.org/nav">nav</a>'
        '<article><a href="https://example.org/source">出处</a><img src="https://img.example.com/z.png"></article>'
        '</body></html>', encoding="utf-8")
    (tmp_path / "s.css").write_text('@import "https://cdn.example.com/b.css"; i{mask:url(data:image/svg+xml,x)}',
                                    encoding="utf-8")
    found = "\n".join(scan_outside_references(tmp_path))
    for bad in ("cdn.example.com/a.css", "img.example.com/bg.png", "img.example.com/y.png",
                "example.org/nav", "img.example.com/z.png", "cdn.example.com/b.css"):
        assert bad in found, bad
    assert "example.org/source" not in found and "data:" not in found


def test_scan_catches_the_outside_theme(outside_site):
    found = "\n".join(scan_outside_references(outside_site))
    assert "https://cdn.example.com/x.js" in found and "https://cdn.example.com/x.css" in found


def test_nginx_test_config_changes_only_listen_and_alias(tmp_path):
    shipped = DEPLOY_CONF.read_text(encoding="utf-8")
    copy = nginx_test_config(shipped, 12345, tmp_path)
    assert "listen 127.0.0.1:12345;" in copy and f"alias {tmp_path}/;" in copy
    assert re.findall(r"^[ \t]*listen\b.*$", copy, flags=re.M) == ["    listen 127.0.0.1:12345;"]
    strip = lambda text: [l for l in text.splitlines() if not re.match(r"\s*(listen|alias)\b", l)]  # noqa: E731
    assert strip(copy) == strip(shipped)


def test_recorder_fails_on_outside_theme_over_nginx(outside_site, tmp_path, recorded_page):
    page, rec = recorded_page
    with serve_site(outside_site, tmp_path / "nginx") as base_url:
        page.goto(base_url, wait_until="load")
    problems = "\n".join(rec.problems())
    # nginx's CSP blocks both before any request leaves; the recorder reports the violations
    assert "cdn.example.com/x.js" in problems and "cdn.example.com/x.css" in problems, problems
    with pytest.raises(AssertionError, match="cdn.example.com"):
        rec.assert_clean()


def test_recorder_fails_on_outside_theme_from_disk(outside_site, recorded_page):
    page, rec = recorded_page
    page.goto(outside_site.as_uri() + "/index.html", wait_until="load")
    # no CSP from file://: the browser tries, the recorder records and aborts (nothing is sent)
    assert {"https://cdn.example.com/x.js", "https://cdn.example.com/x.css"} <= set(rec.outside), rec.outside
    assert any("request to another host: https://cdn.example.com/x.js" == p for p in rec.problems())


def test_recorder_fails_on_console_error_and_failed_request(tmp_path, recorded_page):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<!doctype html><title>t</title><script src="boom.js"></script>'
                                     '<img src="missing.png">', encoding="utf-8")
    (site / "boom.js").write_text('console.error("boom"); undefinedFunction();', encoding="utf-8")
    (site / "404.html").write_text("404", encoding="utf-8")
    page, rec = recorded_page
    with serve_site(site, tmp_path / "nginx") as base_url:
        page.goto(base_url, wait_until="load")
        page.wait_for_timeout(200)
    problems = "\n".join(rec.problems())
    assert "boom" in problems and "undefinedFunction" in problems and "missing.png answered HTTP 404" in problems


def test_tour_stops_follow_the_url_style(outside_site):
    stops = {s.name: s.path for s in tour_stops(outside_site)}
    assert stops["home"] == "" and stops["record"].startswith("practices/") and stops["record"].endswith("/")
