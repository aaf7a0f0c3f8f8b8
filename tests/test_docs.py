"""The README documents every command and option of `kb`, every Make target, and every dependency."""

import re
import tomllib

import click
import pytest

from generator.cli import main

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(command: str) -> str:
    """The README's reference section of one command, up to the next heading."""
    match = re.search(rf"^### kb {command}\n(.*?)(?=^#)", README, re.S | re.M)
    assert match, f"README has no section ### kb {command}"
    return match.group(1)


def options():
    for name, command in sorted(main.commands.items()):
        for param in command.params:
            if isinstance(param, click.Option):
                yield name, max(param.opts, key=len)


@pytest.mark.parametrize("command, option", list(options()))
def test_every_option_is_documented_in_its_command_section(command, option):
    assert f"`{option}" in section(command), f"kb {command} {option}"


def test_every_make_target_is_documented():
    targets = re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    for target in targets:
        assert f"`make {target}`" in README, target


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert re.findall(r"^make (\w+)", first_block, re.M) == ["site", "test"]


def test_every_dependency_says_why_it_is_there():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["test"]
    for requirement in deps:
        name = re.split(r"[<>=!\[ ]", requirement)[0]
        assert re.search(rf"\b{re.escape(name)}\b", README, re.I), name


EDITING = (ROOT / "content" / "editing.md").read_text(encoding="utf-8")
PROBLEM_CALL = re.compile(r'(?:\.problem|Problem|_flag|fail)\((?:[^()]|\([^()]*\))*?"([a-z]+(?:-[a-z]+)*)"')


def emitted_codes() -> set[str]:
    """Every problem code the checker can emit: literal codes in the generator's problem calls, the
    codes it composes (old-<field>, <part>-fields, pydantic's custom errors), and every code the
    fixtures produce."""
    from generator.check import LEGACY_FIELDS

    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "generator").rglob("*.py"))
    codes = set(PROBLEM_CALL.findall(source)) - {"msg"}
    codes |= {f"old-{field}" for field in LEGACY_FIELDS}
    codes |= {f"{name.split('_')[0]}-fields" for name in re.findall(r'PydanticCustomError\(\s*"(\w+)"', source)
              if name.startswith(("source_", "figure_"))}
    codes |= {name.replace("_", "-") for name in re.findall(r'PydanticCustomError\(\s*"(\w+)"', source)
              if not name.startswith(("source_", "figure_"))}
    for expected in (ROOT / "tests" / "fixtures").glob("*/expected.txt"):
        codes |= set(re.findall(r"\[([a-z-]+)\]$", expected.read_text(encoding="utf-8"), re.M))
    return codes


def test_editing_guide_explains_every_problem_code():
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", EDITING, re.M))
    assert len(emitted_codes()) > 50
    assert sorted(emitted_codes() - documented) == []
    assert sorted(documented - emitted_codes()) == []  # no stale rows either


def test_editing_guide_covers_the_editor_workflow():
    for heading in ("准备环境（一条命令）", "新增一条记录", "地区", "治理模式", "出处", "成效与数字", "问题代码一览"):
        assert f"## {heading}" in EDITING, heading
    assert "make serve" in EDITING and "KB_ARCHIVE" in EDITING and "archive_dir" in EDITING
