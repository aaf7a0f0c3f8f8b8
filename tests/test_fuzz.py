"""Random input: `kb check` never crashes, and record text never becomes executable HTML.

A few seconds of examples by default; `KB_FUZZ=long` runs many more (e.g. in a nightly job):
    KB_FUZZ=long .venv/bin/python -m pytest tests/test_fuzz.py
"""

import os
import re
from dataclasses import replace
from pathlib import Path

import markdown
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import check_catalog, check_record_file
from generator.load import load_yaml
from generator.render import Renderer, md_path
from generator.safety import unsafe_html
from generator.schema import Practice

from conftest import FIXTURES

LONG = os.environ.get("KB_FUZZ") == "long"
FUZZ = settings(max_examples=2000 if LONG else 40, deadline=None, derandomize=not LONG,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
RECORD = FIXTURES / "valid" / "catalog" / "practices" / "wangge-bihuan.yml"
RECORD_TEXT = RECORD.read_text(encoding="utf-8")

# Pieces attacks are made of, mixed with arbitrary text.
FRAGMENTS = ["{:", "{", "}", " .cls", "#id", " onclick=", "onerror=", "style=", "autofocus", "tabindex=0",
             "![", "[", "]", "(", ")", "//evil.example/x.png", "/\\evil.example", "https://evil.example/p.png",
             "javascript:", "data:text/html,", "<", ">", "<img src=x onerror=alert(1)//", "&", "&#60;", "\"", "'",
             "`", "\n", "\n\n", "    ", "- ", "| a | b |\n| - | - |\n", "*", "_", "\\", ":", "[r]: ", "\u200d",
             "👨", "网格", "{{ 7*7 }}", "markdown=\"1\"", "!!! note", "<div markdown>"]
record_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=30).map("".join)

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
yaml_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=20)


def check_file(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "practices"
    folder.mkdir(exist_ok=True)
    path = folder / "fuzz.yml"
    path.write_bytes(content)
    check_record_file(path, "catalog/practices/fuzz.yml")  # any exception fails the test


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_check(tmp_path, content):
    check_file(tmp_path, content)


@FUZZ
@given(st.binary(max_size=60), st.integers(min_value=0, max_value=len(RECORD_TEXT)))
def test_bytes_spliced_into_a_valid_record_never_crash_check(tmp_path, content, at):
    raw = RECORD_TEXT.encode("utf-8")
    check_file(tmp_path, raw[:at] + content + raw[at:])


@FUZZ
@given(yaml_values)
def test_arbitrary_yaml_never_crashes_check(tmp_path, value):
    check_file(tmp_path, yaml.safe_dump(value, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(st.sampled_from(["kind", "year", "tags", "model", "secondary_models", "measures", "sources", "outcomes",
                        "further_regions", "related", "id", "review"]),
       yaml_values)
def test_any_value_in_any_field_never_crashes_check(tmp_path, field, value):
    data = yaml.safe_load(RECORD_TEXT)
    data[field] = value
    check_file(tmp_path, yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


CATALOG = check_catalog(FIXTURES / "valid" / "catalog").catalog
BASE = Practice.model_validate(load_yaml(RECORD)[0].data)
MARKDOWN = markdown.Markdown(extensions=["tables", "attr_list", "md_in_html", "admonition", "toc"])


def executable_bits(html: str) -> list[str]:
    found = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        if element.name in ("script", "style", "iframe", "object", "embed", "form", "base", "meta", "link"):
            found.append(f"<{element.name}>")
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.startswith("on") or name in ("style", "autofocus", "srcdoc", "formaction"):
                found.append(f"{name} on <{element.name}>")
            if name in ("src", "srcset", "poster", "data") and re.match(r"\s*([a-z][\w+.-]*:|//|/\\)", value, re.I):
                found.append(f"outside {name}={value!r}")
            if name == "href" and re.match(r"\s*(javascript|vbscript|data):|\s*(//|/\\)", value, re.I):
                found.append(f"href={value!r}")
    return found


@FUZZ
@given(record_text, record_text, record_text)
def test_arbitrary_record_text_never_yields_executable_html(title, background, text):
    record = BASE.model_copy(update={
        "title": title or "t", "background": background or "b",
        "measures": [BASE.measures[0].model_copy(update={"title": title or "t", "text": text or "x"})],
    })
    catalog = replace(CATALOG, records=tuple(record if r.id == BASE.id else r for r in CATALOG.records))
    page = Renderer(catalog)._record_page(record)
    assert page.path == md_path(record)
    html = MARKDOWN.reset().convert(page.markdown)
    assert executable_bits(html) == []
    assert unsafe_html(html) == []  # and the build's backstop would not have to step in
