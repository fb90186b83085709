"""Fixtures of the autograder's tests: `graded_class`, the generated class graded once per run."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from autograder import cli, sandbox
from tests.autograder.generated_class import Manifest, generate


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
