"""Scale: the figures of issue 14 at N records, each against its goal.

    make bench                                   # N = 1000 and 5000
    make bench BENCH="--records 10000"           # 10,000 (about 30 minutes on 2 cores)
    python bench/scale.py --records 1000 [--repeat 2] [--json out.json] [--keep DIR]

For each N, in a temporary copy of this project's site config with a synthetic catalogue
(bench/synth.py, deterministic, valid under `kb check --strict`):

- `kb check`, cold (no .cache) and warm: CPU seconds, records per CPU second, peak memory;
- the baselines: `kb materialise` writes the same pages, nav, theme and files as plain Markdown
  (untimed), and plain MkDocs builds that folder, with Material's search off and on;
- `kb build` from a cold cache, search off and on, alternating with the matching baseline
  (`--repeat` times each) so that load on the machine hits both alike; the ratio uses the
  fastest of each;
- `kb build` again with nothing changed, and after editing one record (with the cache warm);
- `kb serve`: its first build, then its rebuild after one record's edit (the preview rebuilds only
  what the edit touched), from the server process's own CPU accounting;
- output size, search data, and in headless Chromium (Debian's /usr/bin/chromium, loopback
  server): time to the first search result and bytes fetched before it, the browse page's bytes
  before its first results, time to them, and one filter click;
- `kb search`: first call (builds its index) and a warm call.

CPU seconds and peak memory come from the kernel's accounting of each command (wait4), so they
hold even when other jobs share the machine; wall times are given where that is what a user waits.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]
import synth  # noqa: E402
from harness import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402  (the browser and flags this machine needs)

BIN = Path(sys.executable).parent
KB = str(BIN / "kb")
MKDOCS = [sys.executable, "-m", "mkdocs", "build", "-q"]
QUERIES = ["网格", "三治融合", "矛盾纠纷化解", "综治中心"]
BROWSE_ITEM = ".kb-browse__list > li"
FILTER_BOX = "#kb-browse-facets input[type=checkbox]"


@dataclass
class Run:
    wall: float  # s
    cpu: float  # user + system CPU s of the command (and its waited-for children)
    peak_mb: float  # the command's peak resident memory
    load: float  # 1-minute load average when it ended


def measure(command: list[str], cwd: Path) -> Run:
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            out.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{out.read().decode('utf-8', 'replace')[-3000:]}")
    return Run(round(wall, 2), round(usage.ru_utime + usage.ru_stime, 2), round(usage.ru_maxrss / 1024, 1),
               os.getloadavg()[0])


def search_off(text: str) -> str:
    lines, out = text.splitlines(), []
    for line in lines:
        out.append(line)
        if line.strip() == "- search:":
            out.append(" " * (len(line) - len(line.lstrip()) + 4) + "enabled: false")
    if len(out) == len(lines):
        raise SystemExit("mkdocs.yml has no `- search:` entry")
    return "\n".join(out) + "\n"


def project(target: Path, records: int) -> Path:
    for folder in ("content", "theme_overrides"):
        shutil.copytree(ROOT / folder, target / folder)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    (target / "mkdocs-nosearch.yml").write_text(search_off(config), encoding="utf-8")
    synth.generate(target / "catalog", records)
    return target


def plain_project(folder: Path) -> Path:
    """The baseline: `kb materialise` writes the same pages, nav, theme and files for plain MkDocs."""
    plain = folder / "plain"
    measure([KB, "materialise", str(plain)], folder)
    config = (plain / "mkdocs.yml").read_text(encoding="utf-8")
    (plain / "mkdocs-nosearch.yml").write_text(search_off(config), encoding="utf-8")
    return plain


def kb_build(folder: Path, config: str, site: Path, *, cold: bool) -> Run:
    if cold:
        shutil.rmtree(folder / ".cache", ignore_errors=True)
    return measure([KB, "build", "-f", config, "--site-dir", str(site)], folder)


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def search_bytes(site: Path) -> tuple[int, int, int]:
    files = [site / "search" / "search_index.json", *sorted((site / "search" / "kb").rglob("*.js"))]
    raw = sum(f.stat().st_size for f in files)
    gz = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    return raw, gz, len(files)


def edit_one_record(catalog: Path) -> Path:
    """Change a sentence of one record's text (still valid): what an editor's typical fix is."""
    for path in sorted((catalog / "practices").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        if "满意度" in text:
            path.write_text(text.replace("满意度", "获得感", 1), encoding="utf-8")
            return path
    raise SystemExit("no record to edit")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds a running process has used so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_peak_mb(pid: int) -> float:
    return int(re.search(r"VmHWM:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024


def wait_for_log(log: Path, text: str, count: int, child: subprocess.Popen) -> None:
    while log.read_text(encoding="utf-8", errors="replace").count(text) < count:
        if child.poll() is not None:
            raise SystemExit(f"kb serve stopped:\n{log.read_text(encoding='utf-8', errors='replace')[-3000:]}")
        time.sleep(0.2)


def serve_rebuild(folder: Path) -> tuple[Run, Run]:
    """`kb serve`: the first build, then the rebuild after one record's edit. The rebuild is over
    when the server logs its end; its CPU is what the server process used in between."""
    log = folder / "serve.log"
    with open(log, "wb") as out:
        child = subprocess.Popen([KB, "serve", "--dev-addr", f"127.0.0.1:{free_port()}"], cwd=folder,
                                 stdout=out, stderr=subprocess.STDOUT)
    try:
        start = time.perf_counter()
        wait_for_log(log, "Serving on", 1, child)
        first = Run(round(time.perf_counter() - start, 2), round(process_cpu(child.pid), 2),
                    round(process_peak_mb(child.pid), 1), os.getloadavg()[0])
        built = log.read_text(encoding="utf-8", errors="replace").count("Documentation built in")
        cpu, start = process_cpu(child.pid), time.perf_counter()
        edit_one_record(folder / "catalog")
        wait_for_log(log, "Documentation built in", built + 1, child)
        rebuild = Run(round(time.perf_counter() - start, 2), round(process_cpu(child.pid) - cpu, 2),
                      round(process_peak_mb(child.pid), 1), os.getloadavg()[0])
    finally:
        child.terminate()
        child.wait(timeout=60)
    return first, rebuild


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Served:
    """The built site on a loopback port; `gz(paths)` is what those files weigh gzipped."""

    def __init__(self, site: Path):
        self.site = site
        handler = functools.partial(_Quiet, directory=str(site))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}/"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()

    def gz(self, paths) -> int:
        return sum(len(gzip.compress((self.site / p.lstrip("/")).read_bytes(), 6)) for p in paths
                   if (self.site / p.lstrip("/")).is_file())


def browser_timings(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    searches, browse = [], {}
    with Served(site) as served, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for query in QUERIES:
            context = browser.new_context()
            page = context.new_page()
            fetched: list[str] = []
            context.on("requestfinished", lambda r, into=fetched: into.append(urlsplit(r.url).path))
            start = time.perf_counter()
            page.goto(served.base)
            page.evaluate("document.getElementById('__search').checked = true")
            page.fill("input.md-search__input", query)
            page.press("input.md-search__input", "End")
            page.wait_for_selector(".md-search-result__item", state="attached", timeout=120000)
            elapsed = time.perf_counter() - start
            paths = sorted({f for f in fetched if f.startswith("/search/")})
            searches.append({"query": query, "seconds": round(elapsed, 3), "fetched_files": len(paths),
                             "fetched_gzip": served.gz(paths)})
            context.close()
        context = browser.new_context()
        page = context.new_page()
        fetched = []
        context.on("requestfinished", lambda r: fetched.append(urlsplit(r.url).path))
        start = time.perf_counter()
        page.goto(served.base + "browse/")
        page.wait_for_selector(BROWSE_ITEM, state="attached", timeout=120000)
        browse["first_results_s"] = round(time.perf_counter() - start, 3)
        browse["fetched_gzip"] = served.gz(sorted(set(fetched)))
        page.wait_for_load_state("networkidle")
        # one click on a facet: the handler filters and redraws synchronously
        browse["filter_ms"] = round(page.evaluate(
            "(sel) => { const box = document.querySelector(sel); const t = performance.now(); box.click();"
            " return performance.now() - t; }", FILTER_BOX), 1)
        browse["all_fetched_gzip"] = served.gz(sorted(set(fetched)))
        context.close()
        browser.close()
    return {"search": searches,
            "first_result_median_s": round(statistics.median(s["seconds"] for s in searches), 3),
            "first_result_max_s": max(s["seconds"] for s in searches),
            "search_fetched_gzip_max": max(s["fetched_gzip"] for s in searches),
            "browse": browse}


def alternate(repeat: int, first, second) -> tuple[Run, Run]:
    """Run the two alternately `repeat` times; the fastest (least disturbed) CPU of each."""
    a, b = [], []
    for _ in range(repeat):
        a.append(first())
        b.append(second())
    return min(a, key=lambda r: r.cpu), min(b, key=lambda r: r.cpu)


def run(records: int, workdir: Path, repeat: int) -> dict:
    folder = project(workdir / f"n{records}", records)
    shutil.rmtree(folder / ".cache", ignore_errors=True)
    check_cold = measure([KB, "check", "--strict"], folder)
    check_warm = measure([KB, "check", "--strict"], folder)
    plain = plain_project(folder)
    off = folder / "site-off"
    plain_off, kb_off = alternate(repeat, lambda: measure([*MKDOCS, "-f", "mkdocs-nosearch.yml", "-d", str(plain / "site-off")], plain),
                                  lambda: kb_build(folder, "mkdocs-nosearch.yml", off, cold=True))
    plain_on, kb_on = alternate(repeat, lambda: measure([*MKDOCS, "-f", "mkdocs.yml", "-d", str(plain / "site-on")], plain),
                                lambda: kb_build(folder, "mkdocs.yml", folder / "site", cold=True))
    # the cache now holds the search-on build: rebuild unchanged, then after one record's edit
    unchanged = kb_build(folder, "mkdocs.yml", folder / "site", cold=False)
    edit_one_record(folder / "catalog")
    edited = kb_build(folder, "mkdocs.yml", folder / "site", cold=False)
    serve_first, serve_edited = serve_rebuild(folder)
    shutil.rmtree(folder / ".cache" / "whoosh", ignore_errors=True)
    search_cold = measure([KB, "search", "网格", "--limit", "5"], folder)
    search_warm = measure([KB, "search", "综治中心", "--limit", "5"], folder)
    raw, gz, files = search_bytes(folder / "site")
    result = {
        "records": records, "cpus": os.cpu_count(),
        "check_cold": asdict(check_cold), "check_warm": asdict(check_warm),
        "check_cold_rate": round(records / check_cold.cpu), "check_warm_rate": round(records / check_warm.cpu),
        "plain_off": asdict(plain_off), "kb_off": asdict(kb_off),
        "plain_on": asdict(plain_on), "kb_on": asdict(kb_on),
        "ratio_off_cpu": round(kb_off.cpu / plain_off.cpu, 2), "ratio_on_cpu": round(kb_on.cpu / plain_on.cpu, 2),
        "ratio_off_mem": round(kb_off.peak_mb / plain_off.peak_mb, 2),
        "ratio_on_mem": round(kb_on.peak_mb / plain_on.peak_mb, 2),
        "unchanged": asdict(unchanged), "edited": asdict(edited),
        "edited_share": round(edited.cpu / kb_on.cpu, 3),
        "serve_first": asdict(serve_first), "serve_edited": asdict(serve_edited),
        "serve_edited_share": round(serve_edited.cpu / kb_on.cpu, 3),
        "site_bytes": tree_bytes(folder / "site"), "plain_site_bytes": tree_bytes(plain / "site-on"),
        "search_raw": raw, "search_gzip": gz, "search_files": files,
        "kb_search_cold": asdict(search_cold), "kb_search_warm": asdict(search_warm),
    }
    result.update(browser_timings(folder / "site"))
    return result


def mb(n: float) -> str:
    return f"{n / 1_000_000:.2f} MB"


# (label, goal, how to show one result, does it meet the goal)
ROWS = [
    ("`kb check`，冷（无缓存）", "≥ 2,000 条/CPU 秒；≤ 500 MB",
     lambda r: f"{r['check_cold']['cpu']:.1f} CPU 秒，{r['check_cold_rate']:,} 条/秒，{r['check_cold']['peak_mb']:.0f} MB",
     lambda r: r["check_cold_rate"] >= 2000 and r["check_cold"]["peak_mb"] <= 500),
    ("`kb check`，热（缓存有效）", "≥ 2,000 条/CPU 秒；≤ 500 MB",
     lambda r: f"{r['check_warm']['cpu']:.1f} CPU 秒，{r['check_warm_rate']:,} 条/秒，{r['check_warm']['peak_mb']:.0f} MB",
     lambda r: r["check_warm_rate"] >= 2000 and r["check_warm"]["peak_mb"] <= 500),
    ("`kb build` / 纯 MkDocs，无检索，CPU", "≤ 1.2×",
     lambda r: f"{r['kb_off']['cpu']:.0f} / {r['plain_off']['cpu']:.0f} CPU 秒（{r['ratio_off_cpu']:.2f}×）",
     lambda r: r["ratio_off_cpu"] <= 1.2),
    ("`kb build` / 纯 MkDocs，有检索，CPU", "—",
     lambda r: f"{r['kb_on']['cpu']:.0f} / {r['plain_on']['cpu']:.0f} CPU 秒（{r['ratio_on_cpu']:.2f}×）",
     lambda r: None),
    ("峰值内存 `kb build` / 纯 MkDocs（无检索；有检索）", "≤ 1.5×",
     lambda r: f"{r['kb_off']['peak_mb']:.0f} / {r['plain_off']['peak_mb']:.0f} MB（{r['ratio_off_mem']:.2f}×）；"
               f"{r['kb_on']['peak_mb']:.0f} / {r['plain_on']['peak_mb']:.0f} MB（{r['ratio_on_mem']:.2f}×）",
     lambda r: r["ratio_off_mem"] <= 1.5),
    ("`kb serve` 改一条记录后重新生成（占完整构建）", "≤ 10 %",
     lambda r: f"{r['serve_edited']['cpu']:.1f} CPU 秒（{r['serve_edited_share']:.0%}），"
               f"{r['serve_edited']['wall']:.1f} s；首次生成 {r['serve_first']['cpu']:.0f} CPU 秒",
     lambda r: r["serve_edited_share"] <= 0.10),
    ("`kb build` 再构建：无改动；改一条记录后（占完整构建）", "—",
     lambda r: f"{r['unchanged']['cpu']:.1f} CPU 秒；{r['edited']['cpu']:.1f} CPU 秒（{r['edited_share']:.0%}）",
     lambda r: None),
    ("输出大小（站点 / 纯 MkDocs）", "—",
     lambda r: f"{mb(r['site_bytes'])} / {mb(r['plain_site_bytes'])}", lambda r: None),
    ("首个检索结果（Chromium，中位 / 最大）", "≤ 1.5 s",
     lambda r: f"{r['first_result_median_s']:.2f} s / {r['first_result_max_s']:.2f} s",
     lambda r: r["first_result_median_s"] <= 1.5),
    ("首个检索结果前传输（gzip，最大）；检索数据全部", "≤ 3 MB",
     lambda r: f"{mb(r['search_fetched_gzip_max'])}；{mb(r['search_raw'])} 原始 / {mb(r['search_gzip'])} gzip，"
               f"{r['search_files']} 个文件",
     lambda r: r["search_fetched_gzip_max"] <= 3_000_000),
    ("筛选浏览：首批结果前传输（gzip）；首批结果", "≤ 1 MB",
     lambda r: f"{mb(r['browse']['fetched_gzip'])}；{r['browse']['first_results_s']:.2f} s"
               f"（全部载入后共 {mb(r['browse']['all_fetched_gzip'])}）",
     lambda r: r["browse"]["fetched_gzip"] <= 1_000_000),
    ("筛选浏览：点一个筛选条件", "≤ 50 ms",
     lambda r: f"{r['browse']['filter_ms']:.0f} ms", lambda r: r["browse"]["filter_ms"] <= 50),
    ("`kb search`：首次（建索引）；热", "≤ 30 s；≤ 1 s",
     lambda r: f"{r['kb_search_cold']['wall']:.1f} s；{r['kb_search_warm']['wall']:.2f} s",
     lambda r: r["kb_search_cold"]["wall"] <= 30 and r["kb_search_warm"]["wall"] <= 1),
]


def report(results: list[dict]) -> str:
    head = "| 项目 | 目标 | " + " | ".join(f"{r['records']:,} 条" for r in results) + " |"
    rows = [head, "|" + " --- |" * (2 + len(results))]
    for label, goal, show, ok in ROWS:
        cells = []
        for r in results:
            verdict = ok(r)
            cells.append(show(r) + ("" if verdict is None else (" ✓" if verdict else " ✗")))
        rows.append(f"| {label} | {goal} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    return f"{os.cpu_count()} 核 {cpu}，{memory} GB 内存，Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="issue 14's figures at scale")
    parser.add_argument("--records", type=int, action="append", help="catalogue sizes (default 1000 and 5000)")
    parser.add_argument("--repeat", type=int, default=1, help="alternating runs of each build and its baseline")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    sizes = args.records or [1000, 5000]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    loads = [os.getloadavg()[0]]
    try:
        for n in sizes:
            print(f"N = {n} …", file=sys.stderr, flush=True)
            results.append(run(n, workdir, args.repeat))
            loads.append(os.getloadavg()[0])
            print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(report(results))
    print(f"\n机器：{machine()}；1 分钟平均负载 {min(loads):.1f}–{max(loads):.1f}。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
