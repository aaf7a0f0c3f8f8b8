"""How long one Markdown field takes to render, with and without the bound (generator/safety.py).

    .venv/bin/python bench/markdown_bound.py

Python-Markdown's link parsing costs about (brackets × length): unbounded, 4,000 `[a](` take
seconds and doubling them quadruples it. Over the bound the renderer emits escaped plain text.
"""

import time

import markdown

from generator.check import check_catalog
from generator.render import Renderer
from generator.safety import MAX_MARKDOWN_BRACKETS, MAX_MARKDOWN_CHARS

MD = markdown.Markdown(extensions=["tables", "attr_list", "md_in_html", "admonition", "toc"])
RENDERER = Renderer(check_catalog("tests/fixtures/valid/catalog").catalog)


def seconds(text: str, bounded: bool) -> float:
    start = time.perf_counter()
    source = RENDERER._markdown_field(text, "practices/x.md", set()) if bounded else text
    MD.reset().convert(source)
    return time.perf_counter() - start


print(f"bound: {MAX_MARKDOWN_CHARS} characters, {MAX_MARKDOWN_BRACKETS} brackets per field")
for n in (1000, 2000, 4000, 8000):
    text = "[a](" * n
    print(f"{len(text):>6} chars of [a](: unbounded {seconds(text, False):6.2f} s, bounded {seconds(text, True):5.3f} s")
worst = "[" * MAX_MARKDOWN_BRACKETS + "x" * (MAX_MARKDOWN_CHARS - MAX_MARKDOWN_BRACKETS)
print(f"worst case inside the bound: {seconds(worst, True):.2f} s")
