"""Chinese punctuation: the `halfwidth-punct` warning and `kb fmt`, which fixes it in place."""

import shutil

from click.testing import CliRunner

from generator.cli import main
from generator.load import load_yaml
from generator.problems import report_text
from generator.typography import full_width, punctuation_problems

from conftest import FIXTURES

PUNCT = FIXTURES / "punctuation"


def test_full_width_only_between_chinese():
    assert full_width("网格,专人负责:一岗(多责)") == "网格，专人负责：一岗（多责）"
    assert full_width("比例 3:1,1,000 人;English, a (b)") == "比例 3:1,1,000 人;English, a (b)"
    assert full_width("见[原文](https://example.org/a,b)后") == "见[原文](https://example.org/a,b)后"


def test_warning_names_each_value_and_its_marks():
    loaded, problems = load_yaml(PUNCT / "glossary.yml", "glossary.yml")
    assert problems == []
    expected = (PUNCT / "expected.txt").read_text(encoding="utf-8")
    assert report_text(punctuation_problems(loaded)) == expected
    assert all(p.severity == "warning" for p in punctuation_problems(loaded))


def test_kb_fmt_fixes_in_place_keeping_comments_and_layout(tmp_path):
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    shutil.copy(PUNCT / "glossary.yml", catalog / "glossary.yml")
    runner = CliRunner()
    result = runner.invoke(main, ["fmt", "--catalog", str(catalog)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "已改正" in result.stdout
    assert (catalog / "glossary.yml").read_text(encoding="utf-8") == (PUNCT / "formatted.yml").read_text(encoding="utf-8")
    # nothing left to fix, and a second run changes nothing
    loaded, _ = load_yaml(catalog / "glossary.yml")
    assert punctuation_problems(loaded) == []
    again = runner.invoke(main, ["fmt", "--catalog", str(catalog)], catch_exceptions=False)
    assert "共改正 0 个文件" in again.stderr


def test_kb_check_reports_the_warning_and_strict_fails_on_it(tmp_path):
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "valid" / "catalog", catalog)
    practice = catalog / "practices" / "wangge-bihuan.yml"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(text.replace("summary: ", "summary: 说明,", 1), encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(main, ["check", "--catalog", str(catalog)], catch_exceptions=False)
    assert plain.exit_code == 0 and "[halfwidth-punct]" in plain.stdout
    strict = runner.invoke(main, ["check", "--strict", "--catalog", str(catalog)], catch_exceptions=False)
    assert strict.exit_code == 1
    runner.invoke(main, ["fmt", "--catalog", str(catalog)], catch_exceptions=False)
    assert runner.invoke(main, ["check", "--strict", "--catalog", str(catalog)]).exit_code == 0
