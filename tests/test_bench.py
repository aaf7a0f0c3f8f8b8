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


def test_search_off_config_and_edited_record(tmp_path):
    assert scale.search_off("plugins:\n  - search:\n      lang: zh\n") == \
        "plugins:\n  - search:\n      enabled: false\n      lang: zh\n"
    folder = scale.project(tmp_path / "p", 10)
    edited = scale.edit_one_record(folder / "catalog")
    assert "获得感" in edited.read_text(encoding="utf-8")
    assert not promote_warnings(check_catalog(folder / "catalog").problems)  # still a valid record


def test_measure_reports_cpu_and_memory_of_the_command(tmp_path):
    run = scale.measure([sys.executable, "-c", "x = bytearray(60_000_000); sum(range(3_000_000))"], tmp_path)
    assert run.cpu > 0 and run.peak_mb >= 60


def result(**over):
    r = {"records": 1000, "check_cold": {"cpu": 0.4, "peak_mb": 120}, "check_cold_rate": 2500,
         "check_warm": {"cpu": 0.2, "peak_mb": 90}, "check_warm_rate": 5000,
         "kb_off": {"cpu": 22, "peak_mb": 300}, "plain_off": {"cpu": 20, "peak_mb": 250}, "ratio_off_cpu": 1.1,
         "ratio_off_mem": 1.2, "kb_on": {"cpu": 30, "peak_mb": 320}, "plain_on": {"cpu": 25, "peak_mb": 260},
         "ratio_on_cpu": 1.2, "ratio_on_mem": 1.23, "unchanged": {"cpu": 5}, "edited": {"cpu": 2.5},
         "edited_share": 0.083, "serve_first": {"cpu": 28}, "serve_edited": {"cpu": 2.1, "wall": 2.4},
         "serve_edited_share": 0.07, "site_bytes": 90_000_000, "plain_site_bytes": 80_000_000,
         "first_result_median_s": 0.5, "first_result_max_s": 0.6, "search_fetched_gzip_max": 120_000,
         "search_raw": 2_000_000, "search_gzip": 500_000, "search_files": 40,
         "browse": {"fetched_gzip": 300_000, "first_results_s": 0.4, "all_fetched_gzip": 900_000, "filter_ms": 12},
         "kb_search_cold": {"wall": 8.0}, "kb_search_warm": {"wall": 0.6}}
    r.update(over)
    return r


def test_report_table_marks_each_goal():
    lines = scale.report([result(), result(records=10000, ratio_off_cpu=1.9)]).splitlines()
    assert lines[0] == "| 项目 | 目标 | 1,000 条 | 10,000 条 |"
    assert len(lines) == 2 + len(scale.ROWS)
    build = next(line for line in lines if line.startswith("| `kb build` / 纯 MkDocs，无检索"))
    assert build.endswith("| 22 / 20 CPU 秒（1.10×） ✓ | 22 / 20 CPU 秒（1.90×） ✗ |")
    serve = next(line for line in lines if line.startswith("| `kb serve` 改一条记录"))
    assert serve.endswith("| 2.1 CPU 秒（7%），2.4 s；首次生成 28 CPU 秒 ✓ | 2.1 CPU 秒（7%），2.4 s；首次生成 28 CPU 秒 ✓ |")
    assert "| 5.0 CPU 秒；2.5 CPU 秒（8%） |" in next(line for line in lines if line.startswith("| `kb build` 再构建"))


def test_serve_rebuild_measures_the_preview_server_itself(tmp_path):
    folder = scale.project(tmp_path / "p", 12)
    first, rebuild = scale.serve_rebuild(folder)
    assert 0 < rebuild.cpu < first.cpu and rebuild.peak_mb >= first.peak_mb > 50
    log = (folder / "serve.log").read_text(encoding="utf-8")
    assert log.count("Documentation built in") == 2 and "预览：重新生成" in log  # the edit was rebuilt, once
