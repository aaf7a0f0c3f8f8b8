"""The MkDocs plugin: plain `mkdocs build`/`serve` run the whole pipeline; nothing generated is written to content/."""

import subprocess
import sys
from pathlib import Path

from mkdocs.config import load_config

from generator.plugin import CatalogPlugin

from conftest import FIXTURES, make_project

MKDOCS = [sys.executable, "-m", "mkdocs"]


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_plain_mkdocs_build_renders_the_catalogue_in_memory(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    content_before = tree(project / "content")
    run = subprocess.run(MKDOCS + ["build", "--strict"], cwd=project, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (project / "site" / "practices" / "wangge-bihuan" / "index.html").is_file()
    assert tree(project / "content") == content_before


def test_plain_mkdocs_build_stops_with_the_same_messages_as_kb_check(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    practice = project / "catalog" / "practices" / "wangge-bihuan.yml"
    practice.write_text(practice.read_text(encoding="utf-8").replace("summary:", "summery:"), encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=project, capture_output=True, text=True)
    build = subprocess.run(MKDOCS + ["build"], cwd=project, capture_output=True, text=True)
    assert check.returncode == 1 and build.returncode != 0
    # kb check also reports typography (halfwidth-punct, missing-section), which builds do not check yet
    lines = [line for line in check.stdout.splitlines() if line and "[halfwidth-punct]" not in line
             and "[missing-section]" not in line]
    assert lines and all(line in build.stderr for line in lines)
    assert not (project / "site").exists()


def test_a_hand_written_page_may_not_shadow_a_generated_one(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    (project / "content" / "glossary.md").write_text("# 手写\n", encoding="utf-8")
    build = subprocess.run(MKDOCS + ["build"], cwd=project, capture_output=True, text=True)
    assert build.returncode != 0 and "glossary.md" in build.stderr and "重名" in build.stderr


def test_serve_watches_the_catalogue(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["catalog"]
    assert isinstance(plugin, CatalogPlugin)
    plugin.on_config(config)

    class Server:
        watched: list[str] = []

        def watch(self, path, *args, **kwargs):
            self.watched.append(path)

    server = plugin.on_serve(Server(), config=config, builder=None)
    assert str((project / "catalog").resolve()) in server.watched


def test_a_generated_pages_markdown_is_let_go_once_converted_and_titles_stay(tmp_path):
    """At 10,000 records the generated Markdown is ~150 MB MkDocs would hold to the end of the
    build: the plugin releases each generated page's source once it is converted, while every
    page keeps its title for the nav, and hand-written pages are left as MkDocs read them."""
    from mkdocs.commands.build import build

    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    seen = {}
    plugin = config.plugins["catalog"]
    original = plugin.on_post_build

    def inspect(config):
        for file in plugin._files.documentation_pages():
            seen[file.src_uri] = (file.page.markdown, file.page.title)
        return original(config)

    plugin.on_post_build = inspect
    config.plugins.events["post_build"] = [inspect if e == original else e for e in config.plugins.events["post_build"]]
    build(config)
    record = "practices/wangge-bihuan.md"
    assert seen[record][0] == "" and seen[record][1]  # released, titled from its render
    assert seen["glossary.md"] == ("", "术语表")
    assert seen["index.md"][0]  # hand-written: as MkDocs read it
    assert (tmp_path / "site" / "practices" / "wangge-bihuan" / "index.html").is_file()
