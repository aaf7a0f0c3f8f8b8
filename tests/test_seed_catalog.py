"""The seed catalogue: the records written from the five source documents, in clean simplified Chinese.

The five source documents are read from shared/seeds/ beside the clone (CI has them there);
their text is never copied into the project. These tests select the seed records by the seed file
their source archives, so an editor's new record (with or without an archive of its own) is never
judged here: the rules every record must meet are `kb check` rules (tests/test_check.py,
tests/test_archive.py).
"""

import os
import re
from pathlib import Path

import pytest

from generator.check import BOILERPLATE, check_catalog, traditional_chars
from generator.load import iter_strings, load_yaml
from generator.schema import KINDS

from conftest import ROOT, SEEDS

SEED_DIR = Path(os.environ.get("KB_SEEDS", SEEDS))
# the seed documents' names: NNN_<16 hex digits>.txt, as shared/seeds/ holds them
SEED_NAME = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")


def seed_copy(path: Path) -> str | None:
    """The seed document a record was written from, or None for any other record."""
    loaded, _ = load_yaml(path)
    data = loaded.data if loaded is not None and isinstance(loaded.data, dict) else {}
    sources = data.get("sources") if isinstance(data.get("sources"), list) else []
    names = [s.get("archived_copy") for s in sources if isinstance(s, dict)]
    return next((n for n in names if isinstance(n, str) and SEED_NAME.match(n)), None)


RECORD_FILES = [p for p in sorted((ROOT / "catalog").glob("*/*.yml")) if seed_copy(p)]
PINYIN = re.compile(r"[(（]\s*[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+(?:\s+[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)*\s*[)）]")
VERBATIM_LIMIT = 40


def seed_text(name: str) -> str:
    if not SEED_DIR.is_dir():
        if os.environ.get("CI"):  # CI has shared/ beside the clone: a missing folder is a failure there
            pytest.fail(f"source documents not found at {SEED_DIR}")
        pytest.skip(f"source documents not found at {SEED_DIR} (set KB_SEEDS)")
    return (SEED_DIR / name).read_text(encoding="utf-8")


def facts(path: Path):
    """Every text value of a record that states a fact, with its field path."""
    loaded, problems = load_yaml(path)
    assert not problems
    for field, text in iter_strings(loaded.data):
        if field[0] in ("review", "id") or (field[0] == "sources" and field[-1] == "archived_copy"):
            continue
        yield field, text


@pytest.fixture(scope="module")
def catalog():
    result = check_catalog(ROOT / "catalog")
    assert result.catalog is not None, [p.as_text() for p in result.problems if p.is_error]
    return result.catalog


def test_every_seed_number_is_traced_by_kb_check(catalog):
    """Traceability is the `kb check` rule `untraced-number` (tests/test_archive.py); here: the seed
    records are checked against the seed documents, and pass."""
    seed_text(next(iter({seed_copy(p) for p in RECORD_FILES})))  # skip (or fail in CI) without seeds
    result = check_catalog(ROOT / "catalog", archive=SEED_DIR)
    assert [p.as_text() for p in result.problems if p.code in ("untraced-number", "missing-archive")] == []
    with_numbers = [p for p in RECORD_FILES if any(re.search(r"\d", text) for _, text in facts(p))]
    assert result.archive_checked == len(with_numbers) >= 25


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.stem)
def test_text_is_clean_simplified_chinese(path):
    for field, text in facts(path):
        assert traditional_chars(text) == [], field
        assert not BOILERPLATE.search(text), field
        assert not PINYIN.search(text), field


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.stem)
def test_records_summarise_rather_than_copy(path):
    loaded, _ = load_yaml(path)
    seed = re.sub(r"\s+", "", seed_text(seed_copy(path)))
    for field, text in facts(path):
        if field == ("title",) or (field[0] == "sources" and field[-1] == "title"):
            continue
        flat = re.sub(r"\s+", "", text)
        for start in range(0, max(0, len(flat) - VERBATIM_LIMIT) + 1, 5):
            window = flat[start:start + VERBATIM_LIMIT]
            assert len(window) < VERBATIM_LIMIT or window not in seed, f"{field}: {window}"


def test_all_five_documents_kinds_and_models_are_covered(catalog):
    seeds = [catalog.by_id[p.stem] for p in RECORD_FILES]
    assert len(seeds) >= 25
    assert {r.kind for r in seeds} == set(KINDS)
    assert {m for r in seeds for m in r.models} == {m.id for m in catalog.models}
    cited = {seed_copy(p) for p in RECORD_FILES}
    if SEED_DIR.is_dir():
        # the archive folder may also hold editors' archived copies of later records
        assert cited <= {p.name for p in SEED_DIR.glob("*.txt")}
    assert len(cited) == 5


@pytest.mark.parametrize("name, level", [
    ("湖南省", "省"), ("河南省", "省"), ("张家界市", "地级市"), ("鹤壁市", "地级市"), ("湘潭市", "地级市"),
    ("衡阳市", "地级市"), ("邵阳市", "地级市"), ("武陵源区", "市辖区"), ("慈利县", "县"), ("雨湖区", "市辖区"),
    ("珠晖区", "市辖区"), ("洞口县", "县"), ("广东路街道", "街道"),
])
def test_every_jurisdiction_is_in_the_region_tree(catalog, name, level):
    assert any(n.name == name and n.level == level for n in catalog.regions.values())


@pytest.mark.parametrize("term", ["四议两公开", "三调联动", "一评四会", "五老人员", "枫桥经验", "三社联动",
                                  "积分换项目", "说议筹做评", "衡阳群众", "六强六化"])
def test_glossary_explains_local_terms(catalog, term):
    assert any(term in (t.term, *t.aliases) or term in t.term for t in catalog.glossary)


def test_policy_keeps_every_task_with_lead_and_departments(catalog):
    policy = catalog.by_id["guangdonglu-shishi-fangan"]
    assert len(policy.tasks) == 8 and all(t.lead and t.departments for t in policy.tasks)
    assert len(policy.phases) == 3 and len(policy.safeguards) == 4
    implementers = {l.target for l in catalog.links(policy.id) if l.relation == "implements"}
    assert implementers, "practices named in the plan link to it"
