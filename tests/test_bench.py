"""The benchmark's synthetic catalogue: deterministic, every kind, valid under `kb check --strict`."""

import sys
from pathlib import Path

from generator.check import check_catalog
from generator.problems import promote_warnings

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import scale  # noqa: E402
import synth  # noqa: E402


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.yml"))}


def test_synthetic_catalogue_is_valid_deterministic_and_has_every_kind(tmp_path):
    first = synth.generate(tmp_path / "a", 30)
    again = synth.generate(tmp_path / "b", 30)
    assert files(first) == files(again)
    assert files(synth.generate(tmp_path / "c", 30, seed=1)) != files(first)
    result = check_catalog(first)
    assert not promote_warnings(result.problems), result.problems[:3]
    kinds = {r.kind for r in result.catalog.records}
    assert kinds == {"practice", "policy", "project"} and len(result.catalog.records) == 30


def test_bench_project_has_a_search_off_config(tmp_path):
    folder = scale.project(tmp_path / "p", 10)
    off = (folder / "mkdocs-nosearch.yml").read_text(encoding="utf-8")
    assert "- search:\n      enabled: false\n" in off
    assert (folder / "mkdocs.yml").read_text(encoding="utf-8") == (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_report_table():
    row = {"records": 1000, "index_raw": 2_000_000, "index_gzip": 500_000, "index_files": 40,
           "fetched_gzip_max": 120_000, "first_result_median_s": 0.5, "first_result_max_s": 0.6,
           "build_search_off_s": 20, "build_search_on_s": 22, "build_ratio": 1.1,
           "check_s": 2.5, "plain_mkdocs_s": 10, "vs_plain_ratio": 2.0}
    table = scale.report([row])
    assert table.splitlines()[2] == ("| 1000 | 2.00 MB / 0.50 MB(40 个文件) | 0.12 MB | 0.50 s / 0.60 s "
                                     "| 20 s / 22 s(1.10×) | 2.5 s | 10 s / 20 s(2.00×) |")
