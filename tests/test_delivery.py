"""Intranet delivery: nginx under /kb/, the offline zip over file://, atomic publishing, and no
request to any other host — checked on the built files and in a real browser (Chromium)."""

from __future__ import annotations

import re
import subprocess
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.bundle import SHIM
from generator.cli import main
from harness import PUBLISH, scan_outside_references, tour  # fixtures come from conftest.py


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@pytest.fixture(scope="session")
def offline_site(kb_project, tmp_path_factory) -> Path:
    """`kb build --offline`, unzipped: the folder whose index.html a reader double-clicks."""
    dist = tmp_path_factory.mktemp("dist")
    result = CliRunner().invoke(main, ["build", "--offline", "-f", str(kb_project), "--dist-dir", str(dist)])
    assert result.exit_code == 0, result.output
    zips = list(dist.iterdir())
    assert len(zips) == 1 and re.fullmatch(r"shiyu-zhili-kb-\d{8}\.zip", zips[0].name), zips
    with zipfile.ZipFile(zips[0]) as zf:
        tops = {name.split("/")[0] for name in zf.namelist()}
        assert tops == {zips[0].stem}, "everything sits in one top folder"
        zf.extractall(dist / "unzipped")
    return dist / "unzipped" / zips[0].stem


# --- the built files --------------------------------------------------------------------------

def test_site_references_no_other_host(built_site):
    assert scan_outside_references(built_site) == []
    html = "".join(p.read_text(encoding="utf-8") for p in built_site.rglob("*.html"))
    assert "fonts.googleapis.com" not in html and "unpkg.com" not in html
    assert "<script>" not in html, "inline scripts would need CSP hashes; see theme_overrides/partials"


def test_sub_path_build_keeps_404_and_canonical_inside_prefix(built_site):
    page_404 = (built_site / "404.html").read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)="([^"]+)"', page_404)
    assert refs and all(r.startswith("/kb/") for r in refs), refs
    assert "页面不存在" in page_404
    record = next((built_site / "practices").glob("*/index.html"))
    assert f'<link rel="canonical" href="/kb/practices/{record.parent.name}/">' in record.read_text(encoding="utf-8")
    # ordinary pages link relatively: they work under any prefix
    assert 'href="../../assets/kb.css"' in record.read_text(encoding="utf-8")


def test_offline_bundle_is_self_contained(offline_site):
    assert (offline_site / "index.html").is_file() and (offline_site / "search" / "search_index.js").is_file()
    assert (offline_site / SHIM).is_file() and (offline_site / SHIM).with_name("LICENSE").is_file()
    assert scan_outside_references(offline_site) == []
    home = (offline_site / "index.html").read_text(encoding="utf-8")
    assert f'src="{SHIM}"' in home and "unpkg.com" not in home
    assert re.search(r'href="practices/[a-z0-9-]+\.html"', home) or (offline_site / "practices" / "index.html").is_file()
    assert not list(offline_site.glob("practices/*/index.html")), "no directory URLs from file://"


def test_offline_flag_refuses_server_options(kb_project):
    # --offline never touches site/, and refuses options that only make sense for a server build
    result = CliRunner().invoke(main, ["build", "--offline", "-f", str(kb_project), "--base-url", "/kb/"])
    assert result.exit_code == 2


# --- nginx ------------------------------------------------------------------------------------

def test_nginx_serves_under_prefix_with_headers(served_site):
    status, headers, body = fetch(served_site)
    assert status == 200 and "市域社会治理经验库".encode() in body
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "http" not in csp and "*" not in csp and "unsafe" not in csp, csp
    assert headers["cache-control"] == "no-cache"
    assert fetch(served_site, **{"Accept-Encoding": "gzip"})[1].get("content-encoding") == "gzip"

    home = body.decode()
    bundle = re.search(r'src="(assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js)"', home).group(1)
    css = re.search(r'href="(assets/stylesheets/main\.[0-9a-f]{8}\.min\.css)"', home).group(1)
    for asset in (bundle, css):
        status, headers, _ = fetch(served_site + asset, **{"Accept-Encoding": "gzip"})
        assert status == 200 and "immutable" in headers["cache-control"] and headers["content-encoding"] == "gzip"
    assert fetch(served_site + "assets/kb.css")[1]["cache-control"] == "public, max-age=3600"

    status, headers, body = fetch(served_site + "practices/no-such-record/")
    assert status == 404 and "页面不存在".encode() in body and "content-security-policy" in headers
    status, headers, _ = fetch(served_site.rstrip("/"))  # /kb → /kb/
    assert status == 200  # urllib followed the relative redirect
    request = urllib.request.Request(served_site, data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code in (403, 405)


# --- the browser ------------------------------------------------------------------------------

def test_browser_tour_over_nginx(served_site, built_site, recorded_page):
    page, rec = recorded_page
    visited = tour(page, served_site, built_site, shots="nginx", recorder=rec)
    rec.assert_clean()
    assert all(url.startswith(served_site) for url in visited), visited
    assert all(url.startswith(served_site) for url in rec.requests), "every request stays inside /kb/"
    assert any("search_index.json" in url for url in rec.requests)


def test_browser_tour_offline_from_disk(offline_site, recorded_page):
    page, rec = recorded_page
    visited = tour(page, offline_site.as_uri() + "/", offline_site, shots="offline", recorder=rec)
    rec.assert_clean()
    assert all(url.startswith("file://") for url in rec.requests + visited)
    assert any(url.endswith("search/search_index.js") for url in rec.requests)


# --- publishing -------------------------------------------------------------------------------

def _fake_site(path: Path, marker: str) -> Path:
    path.mkdir(parents=True)
    (path / "index.html").write_text(marker * 20000, encoding="utf-8")
    (path / "404.html").write_text("404", encoding="utf-8")
    (path / "sub").mkdir()
    (path / "sub" / "index.html").write_text(marker, encoding="utf-8")
    return path


def publish(*args) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(PUBLISH), *map(str, args)], capture_output=True, text=True)


def test_publish_switches_atomically_keeps_and_rolls_back(tmp_path):
    a, b = _fake_site(tmp_path / "a", "A"), _fake_site(tmp_path / "b", "B")
    root = tmp_path / "srv"
    assert publish(a, root).returncode == 0
    current = root / "current"
    assert current.is_symlink() and (current / "index.html").read_text()[:1] == "A"

    seen: set[str] = set()
    errors: list[Exception] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                text = (current / "index.html").read_text()
                seen.add(text[:1] if text in ("A" * 20000, "B" * 20000) else "torn")
            except Exception as exc:  # a missing file or dangling link is what atomicity rules out
                errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for site in (b, a, b, a, b, a, b):
            result = publish(site, root, 3)
            assert result.returncode == 0, result.stderr
    finally:
        stop.set()
        thread.join()
    assert not errors and seen <= {"A", "B"}, (errors[:3], seen)
    releases = sorted(p.name for p in (root / "releases").iterdir())
    assert len(releases) == 3 and not any(n.startswith(".") for n in releases)
    assert (current / "index.html").read_text()[:1] == "B"

    assert publish("--rollback", root).returncode == 0
    assert (current / "index.html").read_text()[:1] == "A"

    before = current.resolve()
    broken = tmp_path / "broken"
    broken.mkdir()
    result = publish(broken, root)
    assert result.returncode == 1 and "index.html" in result.stderr and current.resolve() == before
    assert publish().returncode == 2
