"""`kb serve` with a broken record: the browser gets a page listing every problem, and the
preview recovers by itself once the record is fixed and saved."""

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
