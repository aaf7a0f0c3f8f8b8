"""An editor's new record — a real case outside the seed documents, without an archived copy —
passes `kb check --strict`, never trips the seed tests, and renders with all its sources."""

import os
import shutil
import subprocess
import sys

import pytest

from generator.check import check_catalog
from generator.problems import promote_warnings
from generator.render import Renderer

from conftest import FIXTURES, ROOT, SEEDS

NEW = FIXTURES / "new-record"
RECORD = "zhuji-fengqiao-jingyan"


def add_new_record(project):
    """What the editor's pull request changes: the record and catalog/regions.yml, nothing else.
    (A clone where the editor already added them — the acceptance run — is left as it is.)"""
    catalog = project / "catalog"
    if not (catalog / "practices" / f"{RECORD}.yml").exists():
        shutil.copy(NEW / "practices" / f"{RECORD}.yml", catalog / "practices")
    regions = catalog / "regions.yml"
    if "id: fengqiao-zhen" not in regions.read_text(encoding="utf-8"):
        with open(regions, "a", encoding="utf-8") as out:
            out.write((NEW / "regions-addition.yml").read_text(encoding="utf-8"))
    return catalog


@pytest.fixture
def project(tmp_path):
    shutil.copytree(ROOT / "catalog", tmp_path / "catalog")
    add_new_record(tmp_path)
    return tmp_path


@pytest.mark.parametrize("archive", ["absent", "seeds"])
def test_new_record_passes_strict_check_with_or_without_an_archive(project, archive):
    folder = project / "archive" if archive == "absent" else SEEDS
    if archive == "seeds" and not SEEDS.is_dir():
        pytest.skip("shared/seeds not beside the clone")
    result = check_catalog(project / "catalog", base=project, archive=folder)
    assert [p.as_text() for p in promote_warnings(result.problems)] == []
    assert RECORD in result.catalog.by_id


def test_new_record_with_its_own_archived_copy_is_traced_and_passes(project):
    """The editor archives the news report beside the seed documents; its numbers are then traced."""
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds not beside the clone")
    archive = project / "archive"
    archive.mkdir()
    for seed in SEEDS.glob("*.txt"):  # linked, never copied
        (archive / seed.name).symlink_to(seed)
    (archive / "xinhua-2023.txt").write_text(
        "1963年11月,毛泽东同志批示“要各地仿效,经过试点,推广去做”。2023年是批示60周年。", encoding="utf-8")
    record = project / "catalog" / "practices" / f"{RECORD}.yml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "    date: 2023-11\n", "    date: 2023-11\n    archived_copy: xinhua-2023.txt\n"), encoding="utf-8")
    result = check_catalog(project / "catalog", base=project)  # default: archive/ beside catalog/
    assert [p.as_text() for p in result.problems] == [] and result.archive_checked > 25
    (archive / "xinhua-2023.txt").write_text("1963年11月,毛泽东同志作出批示。", encoding="utf-8")
    traced = check_catalog(project / "catalog", base=project).problems
    assert {(p.code, p.field) for p in traced} == {("untraced-number", "outcomes[1].statement"),
                                                    ("untraced-number", "outcomes[1].value"),
                                                    ("untraced-number", "outcomes[1].year")}


def test_new_record_does_not_trip_the_seed_tests(project):
    """The seed tests run against a catalogue holding the new record: they judge the seeds only."""
    shutil.copytree(ROOT / "tests", project / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ, KB_SEEDS=str(SEEDS))
    if not SEEDS.is_dir():
        env.pop("CI", None)  # without the seeds the seed tests skip; they must still not fail
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests/test_seed_catalog.py"], cwd=project, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout and "error" not in run.stdout.lower().split("passed")[-1]


def test_new_record_page_shows_every_source_and_its_further_region(project):
    catalog = check_catalog(project / "catalog", base=project, archive=project / "archive").catalog
    pages = {p.path: p.markdown for p in Renderer(catalog).pages()}
    page = pages[f"practices/{RECORD}.md"].replace("\\", "")  # Markdown escapes aside
    assert "新华社关于毛泽东同志批示学习推广“枫桥经验”60周年的公开报道，新华社，2023年11月" in page
    assert "本库术语表“枫桥经验”条目，市域社会治理经验库" in page
    cite = page.split("## 引用本条", 1)[1]
    assert "[1] 新华社关于" in cite and "[2] 本库术语表" in cite
    assert "**发源地**：[枫桥镇](../regions/fengqiao-zhen.md)" in page
    assert "**主要治理模式**：[多元调解]" in page and "**其他治理模式**：[党建引领]" in page
    assert "〔新华社关于" in page  # an outcome cites its source by key
    assert RECORD in pages["regions/fengqiao-zhen.md"] and RECORD in pages["regions/zhejiang.md"]
