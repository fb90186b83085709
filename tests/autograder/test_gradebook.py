"""Nothing lost, beyond one machine: results written as judged, --resume after kill -9, shards
merged into the gradebook an unsharded run writes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import gradebook
from autograder.cli import main
from d2lkit.errors import D2lkitError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "samples" / "class" / "full" / "ch03" / "3.2-linear-regression-scratch.ipynb"
STUB = ROOT / "samples" / "class" / "empty" / "ch03" / "3.2-linear-regression-scratch.ipynb"
STUDENTS = ["ada", "bob", "cy", "dee", "eve"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    """Five students handing in chapter 3's first notebook, solved or not."""
    root = tmp_path_factory.mktemp("school")
    for i, student in enumerate(STUDENTS):
        folder = root / student / "ch03"
        folder.mkdir(parents=True)
        source = NOTEBOOK if i % 2 == 0 else STUB
        nbformat.write(nbformat.read(source, as_version=4), folder / NOTEBOOK.name)
    return root


def grade_cli(*args: str) -> None:
    assert main(["grade", *map(str, args), "--quiet", "--timeout", "20"]) == 0


@pytest.fixture(scope="module")
def unsharded(school, tmp_path_factory):
    out = tmp_path_factory.mktemp("whole")
    grade_cli(school, "--out", out)
    return out


def test_every_submission_has_its_results_file(unsharded):
    assert sorted(gradebook.load(unsharded)) == [f"{s}/ch03" for s in STUDENTS]
    rows = (unsharded / "gradebook.csv").read_text().splitlines()
    assert rows[0].startswith("submission,ch03.") and len(rows) == 1 + len(STUDENTS)
    assert not list((unsharded / "results").glob(".*.tmp"))


def test_shards_merge_into_the_unsharded_gradebook(school, unsharded, tmp_path):
    shards = [tmp_path / f"shard{k}" for k in range(3)]
    names = []
    for k, out in enumerate(shards):
        grade_cli(school, "--out", out, "--shard", f"{k}/3")
        names += gradebook.load(out)
    assert sorted(names) == sorted(gradebook.load(unsharded))  # each submission in one shard
    assert main(["merge", *map(str, shards), "--out", str(tmp_path / "merged")]) == 0
    merged = (tmp_path / "merged" / "gradebook.csv").read_text()
    assert merged == (unsharded / "gradebook.csv").read_text()


def test_resume_after_kill_9_ends_with_the_same_gradebook(school, unsharded, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "autograder.cli", "grade", str(school), "--out", str(out)]
    grader = subprocess.Popen(
        [*command, "--quiet", "--jobs", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while len(gradebook.load(out)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
    kept = gradebook.load(out)
    assert 2 <= len(kept) < len(STUDENTS)
    before = {name: gradebook.result_path(out, name).stat().st_mtime_ns for name in kept}
    grade_cli(school, "--out", out, "--resume")
    after = {name: gradebook.result_path(out, name).stat().st_mtime_ns for name in kept}
    assert before == after  # what was judged before the kill was not judged again
    assert (out / "gradebook.csv").read_text() == (unsharded / "gradebook.csv").read_text()


def test_shard_spec_errors_are_one_line():
    for bad in ("3", "3/3", "-1/2", "a/b"):
        with pytest.raises(D2lkitError):
            gradebook.parse_shard(bad)
    assert gradebook.parse_shard("2/4") == (2, 4)
