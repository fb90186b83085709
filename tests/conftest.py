"""Shared test setup: the offline copy of the datasets (``../shared/data``) is the data root;
`graded_class`, the generated class graded once per run (the report's tests and its browser check)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import torch
from filelock import FileLock

if TYPE_CHECKING:
    from tests.autograder.generated_class import Manifest

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


@dataclass(frozen=True)
class GradedClass:
    """The generated class (`tests/autograder/generated_class.py`): its notebooks' folder, the
    graded output folder (`autograder grade FOLDER --out OUT`), what was planted, and how long
    grading took."""

    folder: Path
    out: Path
    manifest: Manifest
    seconds: float


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory) -> GradedClass:
    """60 chapter-3 submissions (seed 0), graded in the sandbox (without one where bubblewrap is
    missing) into `out`: results, feedback, code files and gradebook.csv. Graded once per test
    run: pytest-xdist's workers share it through a folder beside their own, under a lock."""
    from autograder import cli, sandbox
    from tests.autograder.generated_class import Manifest, generate

    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "generated-class"
    folder, out, done = root / "class", root / "out", root / "graded.json"
    with FileLock(f"{root}.lock"):
        if not done.is_file():
            manifest = generate(folder, seed=0)
            start = time.perf_counter()
            argv = ["grade", str(folder), "--out", str(out), "--quiet"]
            if sandbox.bwrap() is None:
                argv.append("--no-sandbox")
            assert cli.main(argv) == 0
            seconds = time.perf_counter() - start
            done.write_text(json.dumps({"seconds": seconds, "manifest": manifest.to_json()}))
        graded = json.loads(done.read_text())
    return GradedClass(folder, out, Manifest.from_json(graded["manifest"]), graded["seconds"])
