"""The grader end to end: real kernels executing real notebooks, judged in the grader process."""

import json
import time
from pathlib import Path

import nbformat
import pytest

from autograder import gradebook, report
from autograder.grade import grade
from tests.helpers import expected_partial

ROOT = Path(__file__).resolve().parents[2]
SOFTMAX_NB = ROOT / "solutions" / "ch03" / "3.6-softmax-regression-scratch.ipynb"
pytestmark = pytest.mark.slow


def variant(
    tmp: Path, student: str, replace: dict[str, str] | None = None, append: str | None = None
) -> Path:
    """The 3.6 solution notebook with some solution cells replaced, saved as `tmp/student/`."""
    nb = nbformat.read(SOFTMAX_NB, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if replace and grade_id in replace:
            cell.source = replace[grade_id]
    if append:
        nb.cells.append(nbformat.v4.new_code_cell(append))
    path = tmp / student / SOFTMAX_NB.name
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


SNEAKY = """
class AlwaysEqual:
    def __eq__(self, other):
        return True

def softmax(X):
    return AlwaysEqual()
"""
NOISY = """
import sys, warnings
def softmax(X):
    warnings.warn("torch.foo is deprecated", UserWarning)
    print("some noise on stderr", file=sys.stderr)
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    return X_exp / X_exp.sum(dim=1, keepdim=True)
"""
# code that blinds the kernel's record of calls to pass a built-in or the reference off as its own:
# the kernel alone would see nothing, the grader reads the line
BLINDS_THE_RECORD = """
import contextlib
import autograder.harvest as harvest
harvest._recording = lambda: contextlib.nullcontext((set(), set()))

def softmax(X):
    return torch.softmax(X, dim=1)
"""
PROFILER_OFF = """
import sys
from d2lkit.linear import softmax as book_softmax

def softmax(X):
    sys.setprofile(None)
    return book_softmax(X)
"""
NAME_AT_RUN_TIME = """
def softmax(X):
    return getattr(torch, "soft" + "max")(X, 1)
"""
HANGS = """
def softmax(X):
    while True:
        pass
"""


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    variant(tmp, "honest")
    variant(tmp, "imports-reference", {"ch03-softmax-solution": "from d2lkit import softmax"})
    variant(tmp, "always-equal", {"ch03-softmax-solution": SNEAKY})
    variant(tmp, "noisy", {"ch03-softmax-solution": NOISY})
    variant(tmp, "hangs", {"ch03-softmax-solution": HANGS})
    variant(tmp, "blinds-the-record", {"ch03-softmax-solution": BLINDS_THE_RECORD})
    variant(tmp, "profiler-off", {"ch03-softmax-solution": PROFILER_OFF})
    variant(tmp, "name-at-run-time", {"ch03-softmax-solution": NAME_AT_RUN_TIME})
    variant(tmp, "crashes", append="import os\nos._exit(1)")
    broken = tmp / "broken" / SOFTMAX_NB.name
    broken.parent.mkdir()
    broken.write_text('{"cells": [')
    start = time.monotonic()
    graded = grade([tmp], jobs=2, timeout=10, show_progress=False)
    return {g.submission.name: g for g in graded}, time.monotonic() - start


def nb_results(graded):
    return {i: r for i, r in graded.results.items() if r.exercise.notebook == SOFTMAX_NB.stem}


def test_honest_and_noisy_solutions_score_full_marks(adversarial):
    results, _ = adversarial
    for name in ("honest", "noisy"):
        assert all(r.passed for r in nb_results(results[name]).values()), report.details(
            results[name]
        )


def test_the_reference_itself_scores_zero(adversarial):
    r = nb_results(adversarial[0]["imports-reference"])
    message = r["ch03.softmax"].message()
    assert not r["ch03.softmax"].passed and "d2lkit.softmax, the exercise's reference" in message
    assert r["ch03.cross_entropy"].passed


@pytest.mark.parametrize(
    ("student", "line"),
    [
        ("blinds-the-record", "import autograder.harvest as harvest"),
        ("profiler-off", "from d2lkit.linear import softmax as book_softmax"),
        ("name-at-run-time", 'getattr(torch, "soft" + "max")'),
    ],
)
def test_blinding_the_kernel_s_record_scores_zero_with_the_line_named(adversarial, student, line):
    r = nb_results(adversarial[0][student])
    softmax = r["ch03.softmax"]
    assert not softmax.passed and softmax.reason_kind == "forbidden", softmax.message()
    assert line in softmax.message() and "code cell" in softmax.message()


def test_an_always_equal_object_scores_zero(adversarial):
    r = nb_results(adversarial[0]["always-equal"])
    assert not r["ch03.softmax"].passed and "AlwaysEqual" in r["ch03.softmax"].message()


def test_a_hanging_function_loses_only_its_exercise(adversarial):
    r = nb_results(adversarial[0]["hangs"])
    assert not r["ch03.softmax"].passed and "did not finish" in r["ch03.softmax"].message()
    assert r["ch03.cross_entropy"].passed


def test_a_crashing_kernel_and_a_broken_file_score_zero_with_the_reason(adversarial):
    results, _ = adversarial
    crashed = nb_results(results["crashes"])
    assert all(not r.passed and "kernel died" in r.message() for r in crashed.values())
    broken = nb_results(results["broken"])
    assert all("could not be read" in r.message() for r in broken.values())
    assert len(results) == 10, "every submission is graded"


def test_missing_notebooks_of_the_chapter_score_zero(adversarial):
    honest = adversarial[0]["honest"]
    linreg = honest.results["ch03.linreg"]
    assert not linreg.passed and "was not submitted" in linreg.message()
    assert linreg.reason_kind == "missing"


def test_sample_class_totals(tmp_path):
    """Full, partial and empty students of chapter 3 (`autograder validate` covers every chapter)."""
    folders = [ROOT / "samples" / "class" / s / "ch03" for s in ("full", "partial", "empty")]
    graded = grade(folders, jobs=2, show_progress=False)
    by_name = {g.submission.name: g for g in graded}
    full, partial, empty = (by_name[f"{s}/ch03"] for s in ("full", "partial", "empty"))
    assert full.score == full.max_score > 0, report.details(full)
    assert empty.score == 0, report.details(empty)
    assert 0 < partial.score == expected_partial("ch03") < full.score, report.details(partial)
    for g in graded:
        gradebook.save(tmp_path, g)
    gradebook.write_gradebook(tmp_path, gradebook.load(tmp_path))
    rows = (tmp_path / "gradebook.csv").read_text().splitlines()
    assert rows[0].startswith("submission,ch03.") and rows[0].endswith(",total,max,late,graded_by")
    assert len(rows) == 4
    result = json.loads((tmp_path / "results" / "full__ch03.json").read_text())
    assert result["score"] == full.score
    assert {"name", "score", "max_score", "output", "visibility"} <= set(result["tests"][0])


def test_payloads_are_built_before_the_reference_thread_starts(tmp_path, monkeypatch):
    """Building a module exercise's payload seeds torch's global generator, and so does running
    the reference: on two threads at once they would hand the student other parameters than the
    reference was judged with."""
    import threading

    from autograder import engine

    builders = []
    build = engine._payload

    def recording(exercise, case):
        builders.append(threading.current_thread() is threading.main_thread())
        return build(exercise, case)

    monkeypatch.setattr(engine, "_payload", recording)
    engine.cases.cache_clear()
    engine.expected.cache_clear()
    broken = tmp_path / "student" / "7.6-resnet.ipynb"
    broken.parent.mkdir()
    broken.write_text("not a notebook")
    try:
        grade([tmp_path], jobs=1, show_progress=False)
    finally:
        engine.cases.cache_clear()
        engine.expected.cache_clear()
    assert builders and all(builders)
