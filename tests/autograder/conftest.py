"""Fixtures of the autograder's tests: `graded_class`, the generated class graded once per session."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

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
    missing) into `out`: results, feedback, code files and gradebook.csv."""
    root = tmp_path_factory.mktemp("generated-class")
    folder, out = root / "class", root / "out"
    manifest = generate(folder, seed=0)
    start = time.perf_counter()
    argv = ["grade", str(folder), "--out", str(out), "--quiet"]
    if sandbox.bwrap() is None:
        argv.append("--no-sandbox")
    assert cli.main(argv) == 0
    return GradedClass(folder, out, manifest, time.perf_counter() - start)
