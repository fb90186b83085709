"""Shared test setup: the offline copy of the datasets (``../shared/data``) is the data root."""

import os
from pathlib import Path

import pytest

_SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# Set at import, before any test module reads the data root; an explicit D2LKIT_DATA wins.
if not os.environ.get("D2LKIT_DATA") and _SHARED_DATA.is_dir():
    os.environ["D2LKIT_DATA"] = str(_SHARED_DATA)


@pytest.fixture
def data_root() -> Path:
    """The data root the tests read (``$D2LKIT_DATA``); skips the test when there is none."""
    root = os.environ.get("D2LKIT_DATA")
    if not root or not Path(root).is_dir():
        pytest.skip("no offline data: set D2LKIT_DATA to a copy of the shared data folder")
    return Path(root)
