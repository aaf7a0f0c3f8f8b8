"""`kb` commands: exit codes, output formats and the scaffold."""

import json
import shutil

import pytest
from click.testing import CliRunner

from generator.check import check_catalog
from generator.cli import main

from conftest import FIXTURES


def run(*args, cwd=None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_exit_codes():
    assert run("check", "--catalog", str(FIXTURES / "valid" / "catalog")).exit_code == 0
    assert run("check", "--catalog", str(FIXTURES / "broken" / "catalog")).exit_code == 1
    assert run("check", "--format", "xml").exit_code == 2
    assert run("check", "--catalog", "/no/such/dir").exit_code == 2


def test_check_json_and_github_formats():
    result = run("check", "--catalog", str(FIXTURES / "broken" / "catalog"), "--format", "json")
    data = json.loads(result.stdout)
    assert data["valid"] is False and data["errors"] > 20
    first = data["problems"][0]
    assert set(first) == {"file", "line", "col", "field", "code", "message", "hint", "severity"}
    github = run("check", "--catalog", str(FIXTURES / "broken" / "catalog"), "--format", "github").stdout
    assert any(line.startswith("::error file=") and ",line=" in line for line in github.splitlines())
    assert "::warning file=" in github


def test_github_annotation_names_file_line_col_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "valid" / "catalog", catalog)
    practice = catalog / "practices" / "wangge-bihuan.yml"
    practice.write_text(practice.read_text(encoding="utf-8").replace("region: quyi", "region: 示例区"),
                        encoding="utf-8")
    out = run("check", "--format", "github", "--strict").stdout
    assert out.splitlines()[0] == (
        "::error file=catalog/practices/wangge-bihuan.yml,line=5,col=9,title=name-not-id::"
        "region: 这里要写地区的编号(id),不是名称“示例区” (请写 quyi)")


def test_gitlab_code_quality_report(tmp_path):
    result = run("check", "--catalog", str(FIXTURES / "broken" / "catalog"), "--format", "gitlab",
                 "--archive", str(FIXTURES / "broken" / "archive"))
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    as_json = run("check", "--catalog", str(FIXTURES / "broken" / "catalog"), "--format", "json",
                  "--archive", str(FIXTURES / "broken" / "archive")).stdout
    assert len(issues) == len(json.loads(as_json)["problems"]) > 60  # every problem, one issue each
    by_code = {i["check_name"]: i for i in issues}
    placeholder = by_code["placeholder"]
    assert placeholder["location"]["path"].endswith("broken/catalog/practices/placeholder.yml")
    assert placeholder["location"]["lines"] == {"begin": 4}
    assert placeholder["severity"] == "major" and "待填写" in placeholder["description"]
    assert by_code["unchecked"]["severity"] == "minor"
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_strict_turns_warnings_into_errors(tmp_path):
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "valid" / "catalog", catalog)
    practice = catalog / "practices" / "wangge-bihuan.yml"
    practice.write_text(practice.read_text(encoding="utf-8").replace("title: 示例区网格闭环服务", "title: 示例區網格"),
                        encoding="utf-8")
    assert run("check", "--catalog", str(catalog)).exit_code == 0
    result = run("check", "--catalog", str(catalog), "--strict")
    assert result.exit_code == 1 and "[traditional-chars]" in result.stdout


@pytest.mark.parametrize("kind", ["practice", "policy", "project"])
def test_new_scaffold_parses_and_only_needs_filling(tmp_path, kind):
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "valid" / "catalog", catalog)
    result = run("new", kind, "xin-jilu", "--catalog", str(catalog))
    assert result.exit_code == 0
    problems = check_catalog(catalog).problems
    mine = [p for p in problems if "xin-jilu" in p.file]
    # the skeleton is valid YAML with every required field present; only placeholders are wrong
    assert mine and not any(p.code.startswith("yaml") or p.code in ("missing", "unknown-field") for p in mine)
    assert run("new", kind, "xin-jilu", "--catalog", str(catalog)).exit_code == 2  # never overwrites
    assert run("new", kind, "Bad_Id", "--catalog", str(catalog)).exit_code == 2


def test_a_crash_is_exit_code_3_with_a_chinese_apology_naming_the_file(monkeypatch):
    import generator.check

    def boom(loaded):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(generator.check, "text_problems", boom)
    result = CliRunner().invoke(main, ["check", "--catalog", str(FIXTURES / "valid" / "catalog")])
    assert result.exit_code == 3
    assert "抱歉，kb 内部出错（处理 " in result.stderr and "RuntimeError" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_export_without_a_catalog_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["export", "--catalog", "/no/such", "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "找不到记录目录" in result.stderr


def test_check_agrees_with_the_build_on_warnings(tmp_path):
    """mkdocs.yml sets the catalog plugin's strict: true, so a warning fails `kb build`: plain
    `kb check` of that project fails on it too, instead of passing what the build then rejects."""
    from conftest import make_project

    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    practice = project / "catalog" / "practices" / "wangge-bihuan.yml"
    practice.write_text(practice.read_text(encoding="utf-8").replace("background: ", "background: 见 {{ x }} "),
                        encoding="utf-8")
    result = run("check", "--catalog", str(project / "catalog"))
    assert result.exit_code == 1 and "[template-syntax]" in result.stdout and "与 kb build 一致" in result.stderr
    from generator.build import build_site

    assert not build_site(project / "mkdocs.yml").ok


def test_ci_workflows_run_the_strict_check_in_their_annotation_format():
    import yaml

    from conftest import ROOT

    github = yaml.safe_load((ROOT / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8"))
    steps = [s.get("run", "") for s in github["jobs"]["check-and-build"]["steps"]]
    assert any("kb check --strict --format github" in s for s in steps)
    assert any("kb build --strict" in s for s in steps)
    upload = next(s for s in github["jobs"]["check-and-build"]["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "site/"
    gitlab = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert any("kb check --strict --format gitlab > gl-code-quality-report.json" in s for s in gitlab["check"]["script"])
    assert gitlab["check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert gitlab["build"]["artifacts"]["paths"] == ["site/"]
    for template in (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md",
                     ROOT / ".gitlab" / "merge_request_templates" / "Default.md"):
        text = template.read_text(encoding="utf-8")
        assert text.count("- [ ]") >= 5 and "checked" in text and "待填写" in text


def test_new_refuses_an_id_any_kind_already_uses(tmp_path):
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "valid" / "catalog", catalog)
    result = run("new", "project", "wangge-bihuan", "--catalog", str(catalog))
    assert result.exit_code == 2 and "已被" in result.output
    assert not (catalog / "projects" / "wangge-bihuan.yml").exists()


def test_new_leaves_review_checked_for_the_editor(tmp_path):
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "valid" / "catalog", catalog)
    run("new", "practice", "xin-jilu", "--catalog", str(catalog))
    text = (catalog / "practices" / "xin-jilu.yml").read_text(encoding="utf-8")
    assert "  # checked: 待填写" in text and "\n  checked:" not in text
    codes = {p.code for p in check_catalog(catalog).problems if "xin-jilu" in p.file}
    assert "placeholder" in codes
