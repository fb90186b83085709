"""A real nbgrader course round trip: generate, collect, autograde, feedback, export."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import build
from autograder.grade import grade
from tests.helpers import expected_partial

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
CHAPTER = "ch03"


def nbgrader(course: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


# a softmax that overflows (3 of its 6 cases fail: 1 of 2 points), in a cell that also silences
# `check`: under nbgrader's own execution this scored full marks
FORGED_SOFTMAX = """\
check = lambda *args, **kwargs: None


def softmax(X):
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(dim=1, keepdim=True)
"""


def submit(
    course: Path,
    student: str,
    notebooks: Path,
    drop_grade_cell: str | None = None,
    replace: dict[str, str] | None = None,
) -> None:
    folder = course / "submitted" / student / CHAPTER
    folder.mkdir(parents=True)
    for path in notebooks.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        if drop_grade_cell:
            nb.cells = [
                c
                for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") != drop_grade_cell
            ]
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in (replace or {}):
                cell.source = replace[grade_id]
        nbformat.write(nb, folder / path.name)


def written_answers(released: Path) -> list[tuple[str, str]]:
    """(notebook, grade id) of every written answer cell of the released chapter."""
    return [
        (path.stem, cell.metadata.nbgrader.grade_id)
        for path in sorted(released.glob("*.ipynb"))
        for cell in nbformat.read(path, as_version=4).cells
        if build.is_written_answer(cell)
    ]


def test_round_trip_scores_what_autograder_grade_scores(tmp_path):
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / CHAPTER, course / "solutions" / CHAPTER)
    nbgrader(course, "generate_assignment", CHAPTER)
    released = course / "assignments" / CHAPTER
    assert sorted(p.name for p in released.iterdir()) == sorted(
        p.name for p in (ROOT / "assignments" / CHAPTER).iterdir()
    )

    samples = ROOT / "samples" / "class"
    submit(course, "full", samples / "full" / CHAPTER)
    submit(course, "partial", samples / "partial" / CHAPTER)
    submit(course, "stub", released)
    submit(course, "deleter", samples / "full" / CHAPTER, drop_grade_cell="ch03-softmax")
    forged = {"ch03-softmax-solution": FORGED_SOFTMAX}
    submit(course, "forger", samples / "full" / CHAPTER, replace=forged)
    students = ("full", "partial", "stub", "deleter", "forger")
    for student in students:
        nbgrader(course, "db", "student", "add", student)
    nbgrader(course, "autograde", CHAPTER)
    nbgrader(course, "generate_feedback", CHAPTER)
    assert list((course / "feedback" / "full" / CHAPTER).glob("*.html"))
    nbgrader(course, "export", "--to", str(tmp_path / "grades.csv"))

    with open(tmp_path / "grades.csv") as f:
        scores = {
            row["student_id"]: (float(row["score"]), float(row["max_score"]))
            for row in csv.DictReader(f)
        }
    # nbgrader's maximum counts the written answers, which wait for a person: none scores them yet
    written = written_answers(released)
    full, maximum = scores["full"]
    maximum -= len(written) * build.WRITTEN_POINTS
    assert full == maximum > 0
    assert scores["stub"][0] == 0
    assert scores["partial"][0] == expected_partial(CHAPTER)
    assert scores["deleter"][0] == maximum, "a deleted grade cell is restored and graded"
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for notebook, grade_id in written:
            answered = gb.find_grade(grade_id, notebook, CHAPTER, "full")
            assert answered.needs_manual_grade and answered.auto_score is None, grade_id
            assert answered.max_score == build.WRITTEN_POINTS
            blank = gb.find_grade(grade_id, notebook, CHAPTER, "stub")
            assert not blank.needs_manual_grade and blank.score == 0, "no answer, no manual grade"
        submission = gb.find_submission_notebook(
            "3.6-softmax-regression-scratch", CHAPTER, "partial"
        )
        assert not submission.needs_manual_grade, "the partial student wrote no answers"
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        forged_softmax = gb.find_grade(
            "ch03-softmax", "3.6-softmax-regression-scratch", CHAPTER, "forger"
        )
        assert forged_softmax.score == 1, "silencing check does not help; half the cases pass"
    assert scores["forger"][0] == maximum - 1

    # the kit's own grader gives every student the same total, grade cell by grade cell
    graded = grade(
        [course / "submitted" / s / CHAPTER for s in students], jobs=2, show_progress=False
    )
    assert {g.submission.name.split("/")[0]: g.score for g in graded} == {
        s: scores[s][0] for s in students if s != "deleter"
    } | {"deleter": maximum}
