"""`kb serve` with a broken record: the browser gets a page listing every problem, and the
preview recovers by itself once the record is fixed and saved."""

import re
import subprocess
import sys
import time
import urllib.request

import pytest

from harness import ARTIFACTS, free_port, project_copy


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"kb serve did not answer at {url}")


@pytest.fixture
def broken_preview(tmp_path):
    config = project_copy(tmp_path / "project")
    record = tmp_path / "project" / "catalog" / "practices" / "wangge-bihuan.yml"
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("title: 示例区网格闭环服务", "title: 待填写标题"), encoding="utf-8")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--config", str(config),
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=config.parent,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(url)
        yield url, record, good
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_shows_problems_in_the_browser_and_recovers(broken_preview, browser):
    url, record, good = broken_preview
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(url)
        article = page.locator("article")
        assert article.locator("h1").inner_text() == "记录检查未通过"
        text = article.inner_text()
        assert "catalog/practices/wangge-bihuan.yml:4:8" in text and "placeholder" in text and "待填写" in text
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "serve-problems-390.png"), full_page=True)
        record.write_text(good, encoding="utf-8")  # the editor fixes the record and saves
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            time.sleep(1)
            page.goto(url)
            if page.locator("article h1").inner_text() != "记录检查未通过":
                break
        assert page.locator("article h1").inner_text() != "记录检查未通过"
        page.goto(url + "practices/wangge-bihuan/")
        assert page.locator("article h1").inner_text() == "示例区网格闭环服务"
    finally:
        context.close()


def test_serve_rebuilds_only_the_page_an_edit_touches(tmp_path):
    """After an edit that shows on one page only, the reload makes that page again and leaves every
    other page and download as it is (tests/test_dirty.py shows the result is a complete build's)."""
    config = project_copy(tmp_path / "project")
    record = tmp_path / "project" / "catalog" / "practices" / "wangge-bihuan.yml"
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--config", str(config),
                                   "--dev-addr", f"127.0.0.1:{port}"], cwd=config.parent, stdout=out, stderr=out)
    try:
        page = f"http://127.0.0.1:{port}/practices/wangge-bihuan/"
        wait_for(page)
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace("background: ", "background: 改过的背景说明。", 1), encoding="utf-8")
        deadline = time.monotonic() + 120
        while "改过的背景说明" not in urllib.request.urlopen(page, timeout=5).read().decode("utf-8"):
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=20)
    reports = [line for line in log.read_text(encoding="utf-8").splitlines() if "预览：" in line]
    assert len(reports) >= 2, reports
    made, downloads, kept = (int(n) for n in re.findall(r"(\d+) 个", reports[-1]))
    assert made == 1 and kept > 20, reports[-1]  # downloads: the exports and the record's Word document
    assert "A 'dirty' build" not in log.read_text(encoding="utf-8")  # exact, so MkDocs' caution does not apply
