"""`kb check` rules: each broken fixture file is paired with the exact lines it must produce."""


import pytest

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
        ("catalog/practices/wangge-bihuan.yml", "models[0]", "unknown-model")]


def test_duplicate_region_ids_are_errors(valid_catalog):
    regions = valid_catalog / "regions.yml"
    regions.write_text(regions.read_text(encoding="utf-8").replace("id: shier", "id: shiyi"), encoding="utf-8")
    problems = check_catalog(valid_catalog).problems
    assert any(p.code == "duplicate-id" and p.file == "catalog/regions.yml" for p in problems)
