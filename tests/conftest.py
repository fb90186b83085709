"""Shared test setup: the offline copy of the datasets (``../shared/data``) is the data root."""

import os
from pathlib import Path

import pytest
import torch

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


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """``tmp_path`` as an empty data root where every download fails as it does offline; returns
    the list of URLs a download was attempted for."""
    from d2lkit.data import registry

    calls = []

    def unreachable(url, *args, **kwargs):
        calls.append(url)
        raise OSError("Network is unreachable")

    monkeypatch.setenv("D2LKIT_DATA", str(tmp_path))
    monkeypatch.setattr(registry, "download_url", unreachable)
    return calls


@pytest.fixture
def seeded():
    """torch's global generator seeded with 0 (modules that draw test data from it use it)."""
    torch.manual_seed(0)
