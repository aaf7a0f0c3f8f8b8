import shutil
from pathlib import Path

import pytest

# End-to-end fixtures (nginx, Chromium, the site built once per session): see tests/harness.py.
# Imported here, not in test modules, so each session fixture exists once.
from harness import browser, built_site, kb_project, recorded_page, served_site  # noqa: F401
from harness import project_copy

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def valid_catalog(tmp_path):
    """A writable copy of the tiny valid fixture catalogue."""
    target = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "valid" / "catalog", target)
    return target


def make_project(target: Path, catalog: Path) -> Path:
    """A buildable project folder with this repo's site config, content and theme, and `catalog`."""
    return project_copy(target, catalog).parent
