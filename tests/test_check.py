"""`kb check` rules: each broken fixture file is paired with the exact lines it must produce."""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check import check_catalog
from generator.problems import report_text

from conftest import FIXTURES

BROKEN = FIXTURES / "broken"
EXPECTED = (BROKEN / "expected.txt").read_text(encoding="utf-8").splitlines()
BROKEN_FILES = sorted({line.split(":", 1)[0] for line in EXPECTED})


@pytest.fixture(scope="module")
def broken_lines():
    result = check_catalog(BROKEN / "catalog", base=BROKEN)
    assert result.catalog is None
    return report_text(result.problems).splitlines()


def test_no_other_file_has_problems(broken_lines):
    assert sorted({line.split(":", 1)[0] for line in broken_lines}) == BROKEN_FILES


@pytest.mark.parametrize("path", BROKEN_FILES)
def test_each_broken_file_produces_exactly_its_expected_lines(broken_lines, path):
    got = [line for line in broken_lines if line.startswith(path + ":")]
    want = [line for line in EXPECTED if line.startswith(path + ":")]
    assert got == want


def test_every_error_class_has_a_broken_fixture():
    codes = {line.rsplit("[", 1)[1].rstrip("]") for line in EXPECTED}
    assert codes >= {
        "yaml-syntax", "yaml-duplicate-key", "yaml-anchor", "yaml-alias", "yaml-tag", "yaml-merge",
        "yaml-multi-document", "encoding", "invisible-char", "unknown-field", "missing", "format",
        "id-mismatch", "duplicate-id", "unknown-region", "unknown-model", "unknown-ref", "wrong-ref-kind",
        "bad-date", "bad-url", "empty", "type", "raw-html", "bad-link", "kind-mismatch", "unexpected-file",
        "traditional-chars", "boilerplate", "untraceable-source",
        "yaml-too-deep", "range", "choice", "attr-list", "outside-image", "markdown-too-big", "reserved-name",
        "tag-variant",
        "placeholder", "cjk-space", "unchecked", "old-source", "old-models", "name-not-id", "source-key",
        "unknown-source", "source-fields", "figure-fields", "full-width-digits", "region-code", "missing-archive",
        "untraced-number",
    }


def test_a_broken_record_is_reported_once_not_by_every_record_linking_to_it(broken_lines):
    assert not [line for line in broken_lines if "links-to-broken" in line or "[unknown-ref]" in line
                and ("bad-values" in line or "kind-list" in line)]


def test_valid_catalog_is_clean_and_assembled():
    result = check_catalog(FIXTURES / "valid" / "catalog")
    assert result.problems == [] and result.ok
    catalog = result.catalog
    assert [r.id for r in catalog.records] == ["jifen-pingtai", "shifang-fangan", "wangge-bihuan"]
    policy_links = {(l.label, l.target) for l in catalog.links("shifang-fangan")}
    assert ("落实本文件的记录", "wangge-bihuan") in policy_links
    assert [n.name for n in catalog.region_path("jiedao")] == ["示例省", "示例市", "示例区", "示例街道"]
    assert {r.id for r in catalog.records_in_region("shiyi")} == {"wangge-bihuan", "shifang-fangan"}


def test_one_bad_record_never_hides_the_others(valid_catalog):
    for name in ("wangge-bihuan", "jifen-pingtai"):
        path = next(valid_catalog.glob(f"*/{name}.yml"))
        path.write_text(path.read_text(encoding="utf-8").replace("summary:", "summery:"), encoding="utf-8")
    problems = check_catalog(valid_catalog).problems
    files = {p.file for p in problems if p.code == "unknown-field"}
    assert files == {"catalog/practices/wangge-bihuan.yml", "catalog/projects/jifen-pingtai.yml"}


def test_cross_references_are_checked_against_reference_data(valid_catalog):
    (valid_catalog / "models.yml").write_text(
        (valid_catalog / "models.yml").read_text(encoding="utf-8").replace("id: wanggehua", "id: wangge"),
        encoding="utf-8")
    problems = check_catalog(valid_catalog).problems
    assert [(p.file, p.field, p.code) for p in problems] == [
        ("catalog/practices/wangge-bihuan.yml", "model", "unknown-model")]


def test_duplicate_region_ids_are_errors(valid_catalog):
    regions = valid_catalog / "regions.yml"
    regions.write_text(regions.read_text(encoding="utf-8").replace("id: shier", "id: shiyi"), encoding="utf-8")
    problems = check_catalog(valid_catalog).problems
    assert any(p.code == "duplicate-id" and p.file == "catalog/regions.yml" for p in problems)


def test_a_record_in_the_wrong_folder_gets_the_one_message_that_helps(valid_catalog):
    (valid_catalog / "practices" / "wangge-bihuan.yml").rename(valid_catalog / "policies" / "wangge-bihuan.yml")
    problems = check_catalog(valid_catalog).problems
    assert [(p.file, p.line, p.code) for p in problems] == [("catalog/policies/wangge-bihuan.yml", 3, "kind-mismatch")]


def test_an_archived_copy_is_traced_number_by_number(valid_catalog, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "baodao.txt").write_text("示例区在2021年划分473个网格。", encoding="utf-8")
    practice = valid_catalog / "practices" / "wangge-bihuan.yml"
    text = practice.read_text(encoding="utf-8").replace("    url: https://example.org/a\n",
                                                        "    url: https://example.org/a\n    archived_copy: baodao.txt\n", 1)
    practice.write_text(text, encoding="utf-8")
    assert check_catalog(valid_catalog, archive=archive).problems == []
    practice.write_text(text.replace("划分网格 473 个", "划分网格 474 个"), encoding="utf-8")
    problems = check_catalog(valid_catalog, archive=archive).problems
    assert [(p.line, p.col, p.field, p.code, p.severity) for p in problems] == [
        (27, 21, "outcomes[0].statement", "untraced-number", "warning")]
    # without the archive folder the rule is skipped, with a note, and the catalogue still builds
    result = check_catalog(valid_catalog, archive=tmp_path / "no-such-folder")
    assert result.problems == [] and result.catalog is not None and "存档目录" in result.notes[0]


def test_no_message_shows_a_regular_expression():
    for line in EXPECTED:
        assert not any(bit in line for bit in ("\\d", "^[", "[\\w", "$")), line


# --- the check cache ------------------------------------------------------------------------------

def _same(cold, warm):
    """Everything the pipeline hands on, equal whether each file was checked or read from the cache."""
    assert warm.problems == cold.problems
    assert (warm.notes, warm.archive_checked, warm.punctuation) == (cold.notes, cold.archive_checked, cold.punctuation)
    assert warm.catalog == cold.catalog  # records, files, models, regions, links: all equal


@pytest.mark.parametrize("fixture", ["broken", "valid", "near-duplicate"])
def test_a_warm_cache_gives_the_same_result_without_checking_any_file_again(tmp_path, monkeypatch, fixture):
    import shutil

    import generator.check as check
    from generator.cache import Cache

    project = tmp_path / "p"
    shutil.copytree(FIXTURES / fixture, project)
    cold = check_catalog(project / "catalog", base=project)
    cache = Cache(tmp_path / ".cache", "check")
    first = check_catalog(project / "catalog", base=project, cache=cache)
    _same(cold, first)
    assert cache.misses > 0 and cache.hits == 0

    def recheck(*args, **kwargs):
        raise AssertionError("a file was checked again although it did not change")

    monkeypatch.setattr(check, "check_record_file", recheck)
    monkeypatch.setattr(check, "archive_problems", recheck)
    monkeypatch.setattr(check, "near_duplicates", recheck)
    again = Cache(tmp_path / ".cache", "check")
    warm = check_catalog(project / "catalog", base=project, cache=again)
    _same(cold, warm)
    assert again.misses == 0 and again.hits == cache.misses


def test_the_cache_notices_a_changed_deleted_or_added_file_and_a_changed_archive(tmp_path):
    import shutil

    from generator.cache import Cache

    project = tmp_path / "p"
    shutil.copytree(BROKEN, project)
    catalog = project / "catalog"

    def both():
        cold = check_catalog(catalog, base=project)
        warm = check_catalog(catalog, base=project, cache=Cache(tmp_path / ".cache", "check"))
        _same(cold, warm)
        return report_text(warm.problems)

    before = both()
    edited = next(p for p in sorted((catalog / "practices").glob("*.yml")) if "summary:" in p.read_text(encoding="utf-8"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("summary:", "summary: 繁體 ", 1), encoding="utf-8")
    after = both()
    assert any(line.startswith(f"catalog/practices/{edited.name}:") and "[traditional-chars]" in line
               for line in after.splitlines()) and after != before
    removed = sorted((catalog / "policies").glob("*.yml"))[0]
    removed.unlink()
    assert f"catalog/policies/{removed.name}:" not in both()
    shutil.copy(FIXTURES / "valid" / "catalog" / "practices" / "wangge-bihuan.yml", catalog / "practices" / "xin.yml")
    added = both()
    assert "practices/xin.yml" in added
    for entry in (tmp_path / ".cache").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"{broken")  # an unreadable entry is made again, never trusted or fatal
    assert both() == added
    archived = next((project / "archive").iterdir())
    archived.write_text("", encoding="utf-8")  # every number of the records citing it is now untraced
    assert both().count("[untraced-number]") > before.count("[untraced-number]")


def test_kb_check_caches_in_the_project_and_prints_the_same_with_or_without_it(tmp_path):
    from click.testing import CliRunner

    from conftest import make_project
    from generator.cli import main

    project = make_project(tmp_path / "p", BROKEN / "catalog")
    run = lambda *extra: CliRunner().invoke(main, ["check", "--catalog", str(project / "catalog"), *extra])  # noqa: E731
    uncached = run("--no-cache")
    assert not (project / ".cache").exists()
    cold, warm = run(), run()
    assert any((project / ".cache" / "check").rglob("*"))
    assert uncached.stdout == cold.stdout == warm.stdout and uncached.exit_code == cold.exit_code == warm.exit_code == 1


def test_the_pipeline_uses_the_projects_cache_and_hands_on_the_same_catalogue(tmp_path):
    from conftest import make_project
    from generator.pipeline import require_catalog

    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    cold = require_catalog(project / "catalog", base=project)
    assert any((project / ".cache" / "check").rglob("*"))
    warm = require_catalog(project / "catalog", base=project)
    assert (warm.catalog, warm.warnings, warm.notes) == (cold.catalog, cold.warnings, cold.notes)
    assert not (FIXTURES / "valid" / ".cache").exists()  # outside a project nothing is written


# --- the quick looks before the text rules ---------------------------------------------------------

TEXT_PIECES = st.text(alphabet="网格中文，。；：！？、（）《》“”,;:!?() \t\nab1", max_size=30)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(TEXT_PIECES)
def test_each_quick_look_finds_something_wherever_its_rule_would(text):
    """text_problems and _punctuation skip a rule when its quick look finds nothing: sound only
    if every match of the rule contains what the quick look looks for."""
    from generator.check import CJK_SPACE, SPACE_BEFORE_CJK
    from generator.typography import BETWEEN, BRACKETS, LINE_END, MAYBE_HALFWIDTH

    if CJK_SPACE.search(text):
        assert SPACE_BEFORE_CJK.search(text)
    if BETWEEN.search(text) or LINE_END.search(text):
        assert MAYBE_HALFWIDTH.search(text)
    if BRACKETS.search(text):
        assert "(" in text


def test_the_quick_look_for_traditional_characters_sees_every_one():
    import sys

    from generator.check import _convertible, has_convertible

    convertible = _convertible()
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert has_convertible(ch) == (ch in convertible), hex(code)
    assert has_convertible("简体中文𠀀網") and not has_convertible("简体中文𠀀")


def test_a_serving_process_reuses_its_last_results_and_forgets_an_edited_files(tmp_path):
    """`kb serve` checks on every save: files whose bytes are unchanged are not even read back
    from the cache, an edited file is checked again, and the report is the same as a fresh check's."""
    from conftest import make_project
    from generator.cache import Cache
    from generator.check import check_files

    project = make_project(tmp_path / "p", BROKEN / "catalog")
    catalog = project / "catalog"
    memo: dict = {}
    run = lambda cache: check_files(catalog, project, cache=cache, memo=memo)  # noqa: E731
    first = run(Cache(project / ".cache", "check"))
    assert memo and all(key for key in memo)
    kept = dict(memo)
    again_cache = Cache(project / ".cache", "check")
    again = run(again_cache)
    assert report_text(again.problems) == report_text(first.problems)
    assert again_cache.misses == 0 and all(memo[k] is kept[k] for k in kept)  # the very same results
    edited = sorted((catalog / "practices").glob("*.yml"))[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("summary:", "summary: 繁體 ", 1), encoding="utf-8")
    after = run(Cache(project / ".cache", "check"))
    fresh = check_files(catalog, project)
    assert report_text(after.problems) == report_text(fresh.problems) != report_text(first.problems)
    assert len(memo) == len(kept) and len(set(memo) - set(kept)) == 1  # the edited file's old result is gone


def test_cycle_collector_paused_keeps_collecting_afterwards_without_walking_what_it_kept():
    """What the pause made is promoted out of the youngest generation (else the first collection
    afterwards walks all of it at once), and a cycle made during the pause is still collected."""
    import gc
    import weakref

    from generator.pipeline import cycle_collector_paused

    class Node:
        pass

    assert gc.isenabled()
    with cycle_collector_paused():
        assert not gc.isenabled()
        kept = [[index] for index in range(20_000)]
        looped = Node()
        looped.itself = looped
        gone = weakref.ref(looped)
    assert gc.isenabled()
    assert any(found is kept for found in gc.get_objects(generation=2))
    del looped
    gc.collect()
    assert gone() is None


# what a loaded file's data can hold (strings, None, lists, mappings), and the ints of a problem row
_LOADED = st.recursive(st.none() | st.text() | st.integers(min_value=-2**70, max_value=2**70),
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                       max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(_LOADED)
def test_cache_entries_read_back_what_the_json_module_would(value):
    """The check cache writes and reads with pydantic_core's JSON: any text (quotes, backslashes,
    control characters, U+2028, emoji) comes back as the json module would give it back."""
    import json

    from pydantic_core import from_json, to_json

    text = json.dumps(value, ensure_ascii=False)
    assert from_json(to_json(value)) == json.loads(text) == from_json(text.encode("utf-8"))


def test_a_cache_entry_that_is_not_json_is_made_again(tmp_path):
    from generator.cache import Cache, content_key
    from generator.check import _stored

    cache = Cache(tmp_path, "check")
    for index, data in enumerate([b'{"problems": [', b'{"a": "\xff"}', b"", b"[1]]"]):
        cache.put(content_key(str(index)), data)
        assert _stored(cache, content_key(str(index))) is None
    cache.put(content_key("sound"), b'{"problems": [], "sketch": [1, 2]}')
    assert _stored(cache, content_key("sound")) == {"problems": [], "sketch": [1, 2]}
