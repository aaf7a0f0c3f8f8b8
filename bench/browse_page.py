"""The browse page in headless Chromium, over nginx (deploy/nginx.conf, gzip on): what it fetches
before its first results, when they show, when every piece is in, and how long a filter takes.

    python bench/browse_page.py SITE_DIR [--runs 3]

SITE_DIR is a built site (any size; `kb build`). Prints one line per figure, medians of the runs.
Filter time: from a click on a facet value (or a typed word) to the end of its handler (filtering,
counting and redrawing, all synchronous), and to the next frame painted; medians over three rounds
of a click on and off in each facet and a typed word, after one round to warm up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from harness import launch_browser, serve_site  # noqa: E402

FIRST = """() => new Promise(done => {
  const seen = () => document.querySelector('.kb-browse__item');
  const finish = () => {
    const t = performance.now();
    const bytes = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
      .filter(e => e.responseEnd <= t).reduce((n, e) => n + (e.encodedBodySize || 0), 0);
    done({first: t, bytes});
  };
  if (seen()) return finish();
  new MutationObserver((m, o) => { if (seen()) { o.disconnect(); finish(); } })
    .observe(document.documentElement, {childList: true, subtree: true});
})"""

ALL = """() => new Promise(done => {
  const busy = () => (document.getElementById('kb-browse').getAttribute('aria-busy') || 'false') === 'true';
  const finish = () => done({all: performance.now(),
    bytes: [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
      .reduce((n, e) => n + (e.encodedBodySize || 0), 0)});
  if (!busy()) return finish();
  new MutationObserver((m, o) => { if (!busy()) { o.disconnect(); finish(); } })
    .observe(document.getElementById('kb-browse'), {attributes: true});
})"""

PAINTED = "t => new Promise(done => requestAnimationFrame(() => setTimeout(() => done(performance.now() - t))))"
CLICK = """selector => { const box = document.querySelector(selector); const t = performance.now(); box.click();
  const handler = performance.now() - t; return (""" + PAINTED + """)(t).then(paint => [handler, paint]); }"""
TYPE = """word => { const q = document.querySelector('.kb-browse__q'); q.value = word; const t = performance.now();
  q.dispatchEvent(new Event('input')); const handler = performance.now() - t;
  return (""" + PAINTED + """)(t).then(paint => [handler, paint]); }"""


def measure(page, url: str) -> dict:
    page.goto(url, wait_until="commit")
    first = page.evaluate(FIRST)
    done = page.evaluate(ALL)
    times = []
    for _ in range(4):
        for facet in ("main-model", "kind", "level", "year", "tag", "region"):
            selector = f'[data-facet="{facet}"] input'
            times.append(page.evaluate(CLICK, selector))   # on
            times.append(page.evaluate(CLICK, selector))   # and off again
        times.append(page.evaluate(TYPE, "网格"))
        times.append(page.evaluate(TYPE, ""))
    times = times[len(times) // 4:]  # the first round warms up
    return {"first": first["first"], "bytes_first": first["bytes"], "all": done["all"], "bytes_all": done["bytes"],
            "filter": statistics.median(t[0] for t in times), "filter_max": max(t[0] for t in times),
            "paint": statistics.median(t[1] for t in times)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work, serve_site(args.site, Path(work)) as base, sync_playwright() as p:
        browser = launch_browser(p)
        runs = []
        for _ in range(args.runs):
            context = browser.new_context(service_workers="block")  # a cold cache each run
            runs.append(measure(context.new_page(), base + "browse/"))
            context.close()
        browser.close()
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"gz bytes before first results: {med['bytes_first'] / 1024:.0f} KB")
    print(f"first results: {med['first']:.0f} ms")
    print(f"every piece in: {med['all']:.0f} ms, {med['bytes_all'] / 1024:.0f} KB gz in all")
    print(f"filter (median of clicks and a typed word): {med['filter']:.1f} ms, slowest {med['filter_max']:.1f} ms; "
          f"to the next frame {med['paint']:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
