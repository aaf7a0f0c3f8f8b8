"""The strict loader: YAML's risky features are refused, positions are kept, nothing is guessed."""

import os

import pytest

from generator.load import MAX_BYTES, load_yaml, parse_yaml


def test_scalars_stay_text_so_yaml_11_guesses_never_happen():
    loaded, problems = parse_yaml("a: no\nb: 010\nc: 1:20\nd: 2022-01-01\ne:\nf: ~\ng: 'null'\n", "x.yml")
    assert problems == []
    assert loaded.data == {"a": "no", "b": "010", "c": "1:20", "d": "2022-01-01", "e": None, "f": None,
                           "g": "null"}


def test_every_value_and_key_keeps_its_line_and_column():
    loaded, _ = parse_yaml("id: x\nmeasures:\n  - title: 一\n  - title: 二\n    text: 三\n", "x.yml")
    assert loaded.values[("measures", 1, "text")] == (loaded.values[("measures", 1, "text")].__class__(5, 11))
    assert (loaded.keys[("measures", 1, "text")].line, loaded.keys[("measures", 1, "text")].col) == (5, 5)
    # a missing field points at the nearest ancestor that exists
    assert loaded.mark(("measures", 1, "nothing")).line == 4


@pytest.mark.parametrize("text, code", [
    ("a: &x 1\n", "yaml-anchor"),
    ("a: 1\nb: *x\n", "yaml-alias"),
    ("a: !!str 1\n", "yaml-tag"),
    ("a: !custom 1\n", "yaml-tag"),
    ("<<: {a: 1}\n", "yaml-merge"),
    ("a: 1\n---\na: 2\n", "yaml-multi-document"),
    ("a: 1\na: 2\n", "yaml-duplicate-key"),
    ("? [a, b]\n: 1\n", "yaml-key"),
])
def test_risky_yaml_is_refused(text, code):
    loaded, problems = parse_yaml(text, "x.yml")
    assert loaded is None
    assert code in [p.code for p in problems]


def test_duplicate_key_names_both_lines():
    _, problems = parse_yaml("title: a\nyear: 1\ntitle: b\n", "x.yml")
    assert [(p.line, p.message) for p in problems] == [(3, "键“title”重复:第 1 行和第 3 行")]


def test_symlinks_are_refused(tmp_path):
    real = tmp_path / "real.yml"
    real.write_text("a: 1\n", encoding="utf-8")
    link = tmp_path / "link.yml"
    os.symlink(real, link)
    loaded, problems = load_yaml(link, "link.yml")
    assert loaded is None
    assert [p.as_text() for p in problems] == ["link.yml:1:1: 不接受符号链接 (请把链接换成普通文件) [symlink]"]


def test_oversized_files_are_refused(tmp_path):
    big = tmp_path / "big.yml"
    big.write_text("a: " + "字" * MAX_BYTES + "\n", encoding="utf-8")
    loaded, problems = load_yaml(big, "big.yml")
    assert loaded is None and problems[0].code == "too-large"


def test_gbk_file_asks_for_utf8_instead_of_mojibake(tmp_path):
    path = tmp_path / "gbk.yml"
    path.write_bytes("a: 1\ntitle: 鹤壁市一评四会\n".encode("gbk"))
    loaded, problems = load_yaml(path, "gbk.yml")
    assert loaded is None
    assert problems[0].code == "encoding" and problems[0].line == 2
    assert "另存为 UTF-8" in problems[0].hint


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yml"
    path.write_bytes("\ufeffa: 一\n".encode("utf-8"))
    loaded, problems = load_yaml(path, "bom.yml")
    assert problems == [] and loaded.data == {"a": "一"}


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\u2066", "\x07", "\u2028", "\ue000"])
def test_invisible_and_control_characters_are_located(tmp_path, char):
    path = tmp_path / "x.yml"
    path.write_text(f"a: 1\nb: 前{char}后\n", encoding="utf-8")
    loaded, problems = load_yaml(path, "x.yml")
    assert loaded is None
    assert [(p.code, p.line, p.col) for p in problems] == [("invisible-char", 2, 5)]


def test_the_hidden_character_pattern_is_exactly_the_refused_unicode_categories():
    """One compiled class replaces asking unicodedata about each character: the same code points."""
    import unicodedata

    from generator.load import HIDDEN, HIDDEN_CATEGORIES

    for code in range(0x110000):
        ch = chr(code)
        refused = ch not in "\n\t\r" and unicodedata.category(ch) in HIDDEN_CATEGORIES
        assert (HIDDEN.match(ch) is not None) == refused, hex(code)


def test_windows_line_endings_are_fine(tmp_path):
    path = tmp_path / "crlf.yml"
    path.write_bytes(b"a: 1\r\nb: 2\r\n")
    loaded, problems = load_yaml(path, "crlf.yml")
    assert problems == [] and loaded.data == {"a": "1", "b": "2"}


def test_emoji_joined_by_zwj_are_accepted_and_spoofing_characters_are_not(tmp_path):
    from generator.load import read_text

    ok = tmp_path / "ok.yml"
    ok.write_text("title: 一家人👨\u200d👩\u200d👧 🏳\ufe0f\u200d🌈\n", encoding="utf-8")
    assert read_text(ok, "ok.yml")[1] == []
    for bad in ("网\u200d格", "网格\u200d", "👨\u200b👩", "a\u202eb"):
        path = tmp_path / "bad.yml"
        path.write_text(f"title: {bad}\n", encoding="utf-8")
        assert [p.code for p in read_text(path, "bad.yml")[1]] == ["invisible-char"], bad


def test_nesting_is_refused_while_reading_in_time_linear_in_the_file():
    import time

    from generator.load import iter_strings, parse_yaml

    start = time.perf_counter()
    loaded, problems = parse_yaml("a: " + "[" * 100_000 + "]" * 100_000, "deep.yml")
    assert loaded is None and [p.code for p in problems] == ["yaml-too-deep"]
    assert time.perf_counter() - start < 5
    deep: list = []
    for _ in range(5000):  # the walker itself never recurses
        deep = [deep, "x"]
    assert len(list(iter_strings(deep))) == 5000


def test_a_wrongly_indented_list_item_is_one_problem_that_says_so():
    text = "regions:\n  - id: x\n    name: X\n    children:\n    - id: y\n    name: Y\n    level: 县\n"
    loaded, problems = parse_yaml(text, "regions.yml")
    assert loaded is None and len(problems) == 1
    assert (problems[0].line, problems[0].code) == (6, "yaml-duplicate-key") and "缩进" in problems[0].hint


def test_an_unquoted_percent_sign_says_to_quote_it():
    _, problems = parse_yaml("outcomes:\n  - statement: 满意率98%\n    unit: %\n", "x.yml")
    assert [(p.line, p.col, p.message, p.hint) for p in problems] == [
        (3, 11, "YAML 语法错误:值不能以“%”开头", '请给值加英文引号,如 unit: "%"')]


# --- reading without positions (kb check's record files) -----------------------------------------

QUICK_CASES = [
    "a: no\nb: 010\nc: 1:20\nd: 2022-01-01\ne:\nf: ~\ng: 'null'\nh: \"\"\nnull: x\n~: y\n",
    "id: x\nmeasures:\n  - title: 一\n  - title: 二\n    text: 三\n    source: k\n  - {title: 四, figures: [1, '2', {value: 3}]}\n",
    "- a\n- [b, [c, {d: e}]]\n- ~\n- ''\n",
    "just a scalar\n", "", "---\n", "# only a comment\n", "---\na: 1\n...\n", "{}\n", "[]\n",
    "text: |\n  多行\n  文本\nfolded: >-\n  折叠\n  文本\n",
    "source: top\nsources:\n  - key: s\n    source: 不是引用\n",
    "a: &x 1\n", "a: 1\nb: *x\n", "a: !!str 1\n", "a: !custom 1\n", "<<: {a: 1}\n", "'<<': quoted\n",
    "a: 1\n---\na: 2\n", "a: 1\na: 2\n", "? [a, b]\n: 1\n", "? {a: 1}\n: 2\n", "a: [1, 2\n", "a: 'unclosed\n",
    "regions:\n  - id: x\n    name: X\n    children:\n    - id: y\n    name: Y\n    level: 县\n",
    "outcomes:\n  - statement: 满意率98%\n    unit: %\n",
    "a: " + "[" * 40 + "]" * 40 + "\n", "a: " + "{b: " * 31 + "c" + "}" * 31 + "\n",
]


def _quick_cases():
    from conftest import FIXTURES, ROOT

    files = sorted(FIXTURES.rglob("*.yml")) + sorted((ROOT / "catalog").rglob("*.yml"))  # and the seeds
    return QUICK_CASES + [path.read_bytes().decode("utf-8", "replace") for path in files]


def test_reading_without_positions_gives_the_same_data_problems_and_positions():
    """kb check reads record files without a position per value and places a problem by reading
    the file again: every answer is the one the position-keeping reader gives."""
    from generator.load import iter_strings

    cases = _quick_cases()
    assert len(cases) > 100
    quick_reads = 0
    for text in cases:
        full, full_problems = parse_yaml(text, "x.yml")
        quick, quick_problems = parse_yaml(text, "x.yml", positions=False)
        assert quick_problems == full_problems, text
        if full is None:
            assert quick is None, text
            continue
        assert quick.data == full.data and quick.text == full.text, text
        if quick.positions_pending:
            quick_reads += 1
            strings = list(iter_strings(full.data))
            assert quick.joined() == "\n".join(s for _, s in strings)
            assert quick.cites_source == any(p[-1:] == ("source",) for p, _ in strings), text
        for path in [*full.values, ("nothing",), ("measures", 9, "text")]:
            assert quick.mark(path) == full.mark(path), (text, path)
        for path in full.keys:
            assert quick.mark(path, key=True) == full.mark(path, key=True), (text, path)
        assert quick.problem(("id",), "c", "m") == full.problem(("id",), "c", "m")
    assert quick_reads > 100  # the fixtures' files take the quick way


def test_every_refused_character_is_one_isprintable_refuses():
    """read_text lets a file through without the class search when str.isprintable accepts it
    (line breaks and tabs aside): sound only if no refused character is printable."""
    import sys

    from generator.load import HIDDEN

    every = "".join(chr(c) for c in range(sys.maxunicode + 1))
    refused = HIDDEN.findall(every)
    assert len(refused) > 100_000 and not any(ch.isprintable() for ch in refused)
