"""Search relevance on the project's own test set (tests/relevance/queries.yml).

Runs every query through each engine and prints, per engine and per query type, nDCG@5,
recall@10, MRR, the zero-result rate (queries that should find something and found nothing) and
false hits (queries that should find nothing and found something). Only record pages are scored:
the judgments are about records.

Engines:
- `cli`: `kb search --format json --limit 10` on the catalogue (a subprocess per query, as an
  official would run it);
- `site`: the built site in headless Chromium (Debian's /usr/bin/chromium), typing into the search
  box as a reader does, served from a loopback HTTP server.
- `material`: Material's stock search (its lunr worker, `lang: zh` with jieba) on the same pages:
  `kb materialise` writes the site source, plain `mkdocs build` builds it, and Chromium searches it
  the same way.

    .venv/bin/python bench/relevance.py                 # both engines on catalog/
    .venv/bin/python bench/relevance.py --engines cli,site,material  # the README's table
    .venv/bin/python bench/relevance.py --engines cli   # the command line only
    .venv/bin/python bench/relevance.py --json out.json # also write every ranking
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import math
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "tests" / "relevance" / "queries.yml"
KB = str(Path(sys.executable).with_name("kb"))
RECORD_FOLDERS = ("practices", "policies", "projects")
sys.path.insert(0, str(ROOT / "tests"))


@dataclass(frozen=True)
class Query:
    text: str
    type: str
    relevant: dict[str, int]  # record id -> grade 1..3


def load_queries(path: Path = QUERIES) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Query(str(q["q"]), str(q["type"]), {str(k): int(v) for k, v in (q["relevant"] or {}).items()})
            for q in data["queries"]]


# --- metrics ----------------------------------------------------------------------------------

def ndcg_at(ranking: list[str], relevant: dict[str, int], k: int = 5) -> float:
    def dcg(grades: list[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(r, 0) for r in ranking]) / ideal if ideal else 0.0


def recall_at(ranking: list[str], relevant: dict[str, int], k: int = 10) -> float:
    return len(set(ranking[:k]) & set(relevant)) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranking: list[str], relevant: dict[str, int]) -> float:
    return next((1 / (i + 1) for i, r in enumerate(ranking) if r in relevant), 0.0)


def score(queries: list[Query], rankings: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Metrics per query type and overall ("全部")."""
    groups: dict[str, list[Query]] = defaultdict(list)
    for q in queries:
        groups[q.type].append(q)
        groups["全部"].append(q)
    out = {}
    for name, qs in groups.items():
        answerable = [q for q in qs if q.relevant]
        empty = [q for q in qs if not q.relevant]
        row = {"queries": len(qs)}
        if answerable:
            row["ndcg@5"] = sum(ndcg_at(rankings[q.text], q.relevant) for q in answerable) / len(answerable)
            row["recall@10"] = sum(recall_at(rankings[q.text], q.relevant) for q in answerable) / len(answerable)
            row["mrr"] = sum(reciprocal_rank(rankings[q.text], q.relevant) for q in answerable) / len(answerable)
            row["zero"] = sum(not rankings[q.text] for q in answerable) / len(answerable)
        if empty:
            row["false_hits"] = sum(bool(rankings[q.text]) for q in empty)
        out[name] = row
    return out


# --- engines ----------------------------------------------------------------------------------

def cli_rankings(queries: list[Query], catalog: Path) -> dict[str, list[str]]:
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        for q in queries:
            done = subprocess.run([KB, "search", "--catalog", str(catalog), "--cache", cache, "--format", "json",
                                   "--limit", "10", "--", q.text], cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"kb search {q.text!r} failed:\n{done.stderr[-2000:]}")
            out[q.text] = [hit["id"] for hit in json.loads(done.stdout)["results"]]
    return out


def build_site(target: Path) -> Path:
    done = subprocess.run([KB, "build", "--site-dir", str(target)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"kb build failed:\n{done.stderr[-3000:]}")
    return target


def build_material(target: Path) -> Path:
    """The same pages built by plain MkDocs with Material's own search (no catalog plugin)."""
    source = target.parent / "material-source"
    done = subprocess.run([KB, "materialise", str(source)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"kb materialise failed:\n{done.stderr[-3000:]}")
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    done = subprocess.run([mkdocs, "build", "--quiet", "--site-dir", str(target)], cwd=source, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{done.stderr[-3000:]}")
    return target


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def record_ids(hrefs: list[str], base_path: str) -> list[str]:
    ids = []
    for href in hrefs:
        parts = urlsplit(href).path[len(base_path):].split("/")
        if len(parts) >= 2 and parts[0] in RECORD_FOLDERS and parts[1] and not urlsplit(href).fragment:
            ids.append(parts[1].removesuffix(".html"))
    return list(dict.fromkeys(ids))


def site_rankings(queries: list[Query], site: Path) -> dict[str, list[str]]:
    from playwright.sync_api import sync_playwright

    from harness import launch_browser

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    out = {}
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = browser.new_page()
            for q in queries:
                page.goto(base)
                page.evaluate("document.getElementById('__search').checked = true")
                page.fill("input.md-search__input", q.text)
                page.press("input.md-search__input", "End")
                meta = page.locator(".md-search-result__meta")
                # the worker answers asynchronously: wait until the meta line reports a count or none
                page.wait_for_function(
                    "el => /\\d|没有/.test(el.textContent)", arg=meta.element_handle(), timeout=30000)
                hrefs = page.locator(".md-search-result__item > a").evaluate_all("as => as.map(a => a.href)")
                out[q.text] = record_ids(hrefs, "/")[:10]
            browser.close()
    finally:
        server.shutdown()
    return out


# --- report -----------------------------------------------------------------------------------

COLUMNS = (("ndcg@5", "nDCG@5", "{:.3f}"), ("recall@10", "recall@10", "{:.3f}"), ("mrr", "MRR", "{:.3f}"),
           ("zero", "无结果率", "{:.0%}"), ("false_hits", "误报", "{}"))


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = ["| 引擎 | 类型 | 检索词数 | " + " | ".join(label for _, label, _ in COLUMNS) + " |",
             "| --- | --- | --- | " + " | ".join("---" for _ in COLUMNS) + " |"]
    for engine, by_type in results.items():
        for kind in ["全部", *sorted(k for k in by_type if k != "全部")]:
            row = by_type[kind]
            cells = [fmt.format(row[key]) if key in row else "—" for key, _, fmt in COLUMNS]
            lines.append(f"| {engine} | {kind} | {row['queries']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="cli,site", help="comma-separated: cli, site, material")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog")
    parser.add_argument("--site", type=Path, default=None, help="an already built site (else built here)")
    parser.add_argument("--json", type=Path, default=None, help="write every ranking and metric here")
    args = parser.parse_args(argv)
    queries = load_queries()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    rankings: dict[str, dict[str, list[str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine in engines:
            if engine == "cli":
                rankings["cli"] = cli_rankings(queries, args.catalog)
            elif engine == "site":
                site = args.site or build_site(Path(tmp) / "site")
                rankings["site"] = site_rankings(queries, site)
            elif engine == "material":
                rankings["material"] = site_rankings(queries, build_material(Path(tmp) / "material"))
            else:
                parser.error(f"unknown engine {engine!r}")
    results = {engine: score(queries, r) for engine, r in rankings.items()}
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"metrics": results, "rankings": rankings}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
