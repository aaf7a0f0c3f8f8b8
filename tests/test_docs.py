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
