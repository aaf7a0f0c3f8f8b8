"""The materialised folder (`kb materialise`) builds with the other engines that read mkdocs.yml:
ProperDocs (the maintained MkDocs 1.x fork) and Zensical (Material's successor), strict link and
anchor checks on, every record page present, page content as MkDocs renders it.

Zensical differs in exactly one documented way (README, "Engines"): search is Zensical's own
(its search.json and worker; Chinese split by Intl.Segmenter, no domain dictionary, no
traditional→simplified folding), not our prebuilt index. Anything beyond that fails here."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from generator.check import check_catalog
from generator.routes import Routes

from conftest import FIXTURES, make_project

BIN = Path(sys.executable).parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


@pytest.fixture(scope="module")
def materialised(tmp_path_factory):
    root = tmp_path_factory.mktemp("engines")
    project = make_project(root / "p", FIXTURES / "valid" / "catalog")
    out = root / "out"
    run = subprocess.run([sys.executable, "-m", "generator", "materialise", str(out)], cwd=project,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    mkdocs = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(root / "mkdocs")],
                            cwd=out, capture_output=True, text=True)
    assert mkdocs.returncode == 0, mkdocs.stderr
    catalog = check_catalog(project / "catalog").catalog
    return out, root / "mkdocs", catalog


def html_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def article(path: Path) -> tuple[str, list[str]]:
    """A page's content as a reader gets it: its text and where its links go."""
    found = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("article")
    assert found is not None, path
    return " ".join(found.get_text(" ").split()), [unquote(a["href"]) for a in found.find_all("a", href=True)]


def assert_same_pages(site: Path, reference: Path, catalog) -> None:
    assert html_files(site) == html_files(reference)
    for record in catalog.records:
        assert (site / Routes().record_url(record) / "index.html").is_file(), record.id
    different = [rel for rel in html_files(reference) if rel != "404.html"
                 and article(site / rel) != article(reference / rel)]
    assert not different, different[:5]


def test_properdocs_builds_the_materialised_folder(materialised, tmp_path):
    out, reference, catalog = materialised
    run = subprocess.run([str(BIN / "properdocs"), "build", "--strict", "-d", str(tmp_path / "site")], cwd=out,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert_same_pages(tmp_path / "site", reference, catalog)


def copy_with_broken_link(out: Path, tmp_path: Path, target: str) -> Path:
    """The materialised folder with one link on the about page pointing at `target`."""
    copy = tmp_path / "out"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("site"))
    with (copy / "docs" / "about.md").open("a", encoding="utf-8") as f:
        f.write(f"\n[x]({target})\n")
    return copy


def test_properdocs_strict_fails_on_a_broken_anchor(materialised, tmp_path):
    copy = copy_with_broken_link(materialised[0], tmp_path, "editing.md#no-such-anchor")
    run = subprocess.run([str(BIN / "properdocs"), "build", "--strict", "-d", str(tmp_path / "site")], cwd=copy,
                         capture_output=True, text=True)
    assert run.returncode != 0 and "no-such-anchor" in run.stderr


def zensical(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "zensical"), "build", "--strict", "--clean"], cwd=folder,
                          capture_output=True, text=True)


def test_zensical_builds_the_materialised_folder(materialised, tmp_path):
    out, reference, catalog = materialised
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    run = zensical(copy)
    assert run.returncode == 0, run.stdout + run.stderr
    site = copy / "site"
    assert_same_pages(site, reference, catalog)
    for rel in html_files(site):
        assert not INLINE_SCRIPT.search((site / rel).read_text(encoding="utf-8")), f"inline script in {rel}"
    # The documented difference: Zensical's own search, which finds every record page.
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))
    located = {item["location"].split("#")[0] for item in index["items"]}
    assert {Routes().record_url(r) for r in catalog.records} <= located
    assert not (site / "search" / "kb").exists()


def test_zensical_strict_fails_on_a_broken_link(materialised, tmp_path):
    copy = copy_with_broken_link(materialised[0], tmp_path, "no-such-page.md")
    run = zensical(copy)
    assert run.returncode != 0
