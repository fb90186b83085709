"""A real nbgrader course round trip: generate, collect, autograde, feedback, export."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

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


def submit(course: Path, student: str, notebooks: Path, drop_grade_cell: str | None = None) -> None:
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
        nbformat.write(nb, folder / path.name)


def test_round_trip_with_four_students(tmp_path):
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
    for student in ("full", "partial", "stub", "deleter"):
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
    full, maximum = scores["full"]
    assert full == maximum > 0
    assert scores["stub"][0] == 0
    assert scores["partial"][0] == expected_partial(CHAPTER)
    assert scores["deleter"][0] == maximum, "a deleted grade cell is restored and graded"
