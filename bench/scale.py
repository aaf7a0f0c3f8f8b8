"""Scale: check time, build time against plain MkDocs on the same pages, search index size,
build time with search on and off, time to the first result.

    make bench                      # N = 1000 and 5000
    python bench/scale.py --records 1000 --records 5000 [--json bench/results.json]

For each N: a synthetic catalogue (bench/synth.py) in a temporary copy of this project's site
config; `kb build` with Material's search plugin disabled and then enabled (each from a cold
cache, wall-clock time of the whole command); the bytes of the search data (raw and gzipped);
and in headless Chromium (Debian's /usr/bin/chromium) against a loopback server, for a few
queries each in a fresh browser context, the time from starting to open the home page to the
first item of the result list, and the search data the browser fetched before it.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]
import synth  # noqa: E402
from harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the browser and flags this machine needs)

KB = str(Path(sys.executable).with_name("kb"))
QUERIES = ["网格", "三治融合", "矛盾纠纷化解", "综治中心"]


def project(target: Path, records: int) -> Path:
    for folder in ("content", "theme_overrides"):
        shutil.copytree(ROOT / folder, target / folder)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    lines, off = config.splitlines(), []
    for line in lines:
        off.append(line)
        if line.strip() == "- search:":
            off.append(" " * (len(line) - len(line.lstrip()) + 4) + "enabled: false")
    if len(off) == len(lines):
        raise SystemExit("mkdocs.yml has no `- search:` entry")
    (target / "mkdocs-nosearch.yml").write_text("\n".join(off) + "\n", encoding="utf-8")
    synth.generate(target / "catalog", records)
    return target


def plain_config(folder: Path) -> str:
    """The same pages and nav as plain Markdown files under plain MkDocs: the baseline the generator
    is measured against (no catalog plugin, no search; the pages are rendered once, untimed)."""
    from generator.check import check_catalog
    from generator.materialise import plain_config as plain_mkdocs_yml
    from generator.stage import nav as site_nav
    from generator.render import Renderer

    catalog = check_catalog(folder / "catalog").catalog
    docs = folder / "plain-docs"
    shutil.copytree(folder / "content", docs)
    renderer = Renderer(catalog)
    for page in renderer.pages():
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    home = docs / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\n\n" + renderer.home(), encoding="utf-8")
    text = (folder / "mkdocs-nosearch.yml").read_text(encoding="utf-8")
    (folder / "mkdocs-plain.yml").write_text(plain_mkdocs_yml(text, site_nav(catalog), docs_dir="plain-docs"),
                                             encoding="utf-8")
    return "mkdocs-plain.yml"


def timed(folder: Path, command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return elapsed


def timed_build(folder: Path, config: str, site: Path) -> float:
    shutil.rmtree(folder / ".cache", ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run([KB, "build", "-f", config, "--site-dir", str(site)], cwd=folder,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    return elapsed


def search_bytes(site: Path) -> tuple[int, int, int]:
    files = [site / "search" / "search_index.json", *sorted((site / "search" / "kb").rglob("*.js"))]
    raw = sum(f.stat().st_size for f in files)
    gz = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    return raw, gz, len(files)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def first_result(site: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    out = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for query in QUERIES:
                context = browser.new_context()
                page = context.new_page()
                fetched: list[str] = []
                context.on("requestfinished", lambda r, into=fetched: into.append(urlsplit(r.url).path))
                start = time.perf_counter()
                page.goto(base)
                page.evaluate("document.getElementById('__search').checked = true")
                page.fill("input.md-search__input", query)
                page.press("input.md-search__input", "End")
                page.wait_for_selector(".md-search-result__item", state="attached", timeout=60000)
                elapsed = time.perf_counter() - start
                count = page.locator(".md-search-result__meta").inner_text()
                paths = sorted({f for f in fetched if f.startswith("/search/")})
                raw = sum((site / f.lstrip("/")).stat().st_size for f in paths)
                gz = sum(len(gzip.compress((site / f.lstrip("/")).read_bytes(), 6)) for f in paths)
                out.append({"query": query, "seconds": round(elapsed, 3), "results": count,
                            "fetched_files": len(paths), "fetched_raw": raw, "fetched_gzip": gz})
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def run(records: int, workdir: Path) -> dict:
    folder = project(workdir / f"n{records}", records)
    check = timed(folder, [KB, "check"])
    plain = timed(folder, [sys.executable, "-m", "mkdocs", "build", "-q", "-f", plain_config(folder),
                           "-d", str(folder / "site-plain")])
    off = timed_build(folder, "mkdocs-nosearch.yml", folder / "site-off")
    on = timed_build(folder, "mkdocs.yml", folder / "site")
    raw, gz, files = search_bytes(folder / "site")
    browser = first_result(folder / "site")
    return {"records": records, "check_s": round(check, 1), "plain_mkdocs_s": round(plain, 1),
            "vs_plain_ratio": round(off / plain, 2),
            "build_search_off_s": round(off, 1), "build_search_on_s": round(on, 1),
            "build_ratio": round(on / off, 2), "index_files": files, "index_raw": raw, "index_gzip": gz,
            "first_result": browser,
            "first_result_median_s": round(statistics.median(b["seconds"] for b in browser), 3),
            "first_result_max_s": max(b["seconds"] for b in browser),
            "fetched_gzip_max": max(b["fetched_gzip"] for b in browser)}


def mb(n: int) -> str:
    return f"{n / 1_000_000:.2f} MB"


def report(results: list[dict]) -> str:
    rows = ["| 记录数 | 检索数据(全部,原始/gzip) | 首个结果前传输的检索数据(gzip,最大) | 首个结果(中位/最大) "
            "| 构建:无检索 / 有检索(倍数) | kb check | 纯 MkDocs 同样页面 / kb build 无检索(倍数) |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        rows.append(f"| {r['records']} | {mb(r['index_raw'])} / {mb(r['index_gzip'])}({r['index_files']} 个文件) "
                    f"| {mb(r['fetched_gzip_max'])} | {r['first_result_median_s']:.2f} s / {r['first_result_max_s']:.2f} s "
                    f"| {r['build_search_off_s']:.0f} s / {r['build_search_on_s']:.0f} s({r['build_ratio']:.2f}×) "
                    f"| {r['check_s']:.1f} s | {r['plain_mkdocs_s']:.0f} s / {r['build_search_off_s']:.0f} s"
                    f"({r['vs_plain_ratio']:.2f}×) |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="search at scale")
    parser.add_argument("--records", type=int, action="append", help="catalogue sizes (default 1000 and 5000)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    sizes = args.records or [1000, 5000]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for n in sizes:
            print(f"N = {n} …", file=sys.stderr, flush=True)
            results.append(run(n, workdir))
            print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
