import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def valid_catalog(tmp_path):
    """A writable copy of the tiny valid fixture catalogue."""
    target = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "valid" / "catalog", target)
    return target
