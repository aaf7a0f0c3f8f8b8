"""`kb materialise`: the generated site source as a plain folder, built by plain MkDocs (no plugin)
into the same pages as the plugin build: both run one stage (generator/stage.py)."""

import subprocess
import sys
from pathlib import Path

from generator.material import use_worker

from conftest import FIXTURES, make_project

MKDOCS = [sys.executable, "-m", "mkdocs"]
KB = [sys.executable, "-m", "generator"]


def html_pages(site: Path) -> dict[str, str]:
    """Every HTML page, blank lines dropped: Material leaves a few more of them where a page is kept
    out of its search (the plugin keeps record pages out, the materialised folder leaves them in for
    the engine's own search)."""
    return {p.relative_to(site).as_posix(): "\n".join(line for line in p.read_text(encoding="utf-8").splitlines()
                                                       if line.strip())
            for p in sorted(site.rglob("*.html"))}


def test_materialised_folder_builds_into_the_plugin_build_s_pages(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    out = tmp_path / "out"
    run = subprocess.run(KB + ["materialise", str(out)], cwd=project, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert not (out / "mkdocs.yml").read_text(encoding="utf-8").count("catalog:")
    for path in ("practices/wangge-bihuan.md", "regions/index.md", "browse/index.md",
                 "browse/data/0.js", "compare/data/head.js", "downloads/catalog.csv"):
        assert (out / "docs" / path).is_file(), path

    plugin = subprocess.run(MKDOCS + ["build", "--strict", "-d", str(tmp_path / "a")], cwd=project,
                            capture_output=True, text=True)
    plain = subprocess.run(MKDOCS + ["build", "--strict", "-d", str(tmp_path / "b")], cwd=out,
                           capture_output=True, text=True)
    assert plugin.returncode == 0, plugin.stderr
    assert plain.returncode == 0, plain.stderr
    a, b = html_pages(tmp_path / "a"), html_pages(tmp_path / "b")
    assert sorted(a) == sorted(b)
    # The one difference: the plugin points Material's search at our worker (material.use_worker),
    # on every page and on the 404 page.
    different = [path for path in a if a[path] != use_worker(b[path])]
    assert "search/kb/worker.js" in a["404.html"]
    assert not different, different[:5]
    assert (tmp_path / "b" / "downloads" / "catalog.json").read_bytes() == \
        (tmp_path / "a" / "downloads" / "catalog.json").read_bytes()


def test_materialise_stops_on_check_errors(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    practice = project / "catalog" / "practices" / "wangge-bihuan.yml"
    practice.write_text(practice.read_text(encoding="utf-8").replace("summary:", "summery:"), encoding="utf-8")
    run = subprocess.run(KB + ["materialise", str(tmp_path / "out")], cwd=project, capture_output=True, text=True)
    assert run.returncode == 1 and "wangge-bihuan" in run.stdout and "未生成" in run.stderr
    assert not (tmp_path / "out").exists()


def test_materialise_never_overwrites_a_folder_it_did_not_write(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "valid" / "catalog")
    for target in (project, project.parent, project / "content"):
        run = subprocess.run(KB + ["materialise", str(target)], cwd=project, capture_output=True, text=True)
        assert run.returncode == 2, (target, run.stderr)
    assert (project / "mkdocs.yml").is_file() and (project / "content" / "index.md").is_file()
    out = tmp_path / "out"
    for _ in range(2):  # its own output is replaced
        run = subprocess.run(KB + ["materialise", str(out)], cwd=project, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
