"""`--roster`: the gradebook by student, non-submitters included; and each student's feedback page."""

import csv
from pathlib import Path

import pytest

from autograder import gradebook, roster
from autograder.cli import main
from d2lkit.errors import D2lkitError

ROOT = Path(__file__).resolve().parents[2]


def record(name, scores, late=False):
    tests = [
        {"name": i, "score": s, "max_score": m, "extra_data": {"exercise": i}}
        for i, (s, m) in scores.items()
    ]
    extra = {"submission": name, "late": late, "graded_by": "d2lkit 0.1.0"}
    return {"score": sum(s for s, _ in scores.values()), "tests": tests, "extra_data": extra}


def test_every_student_of_the_roster_has_a_row_in_its_order():
    records = {
        "bob/ch03": record("bob/ch03", {"ch03.softmax": (1, 2), "ch03.accuracy": (1, 1)}),
        "alice/ch03": record("alice/ch03", {"ch03.softmax": (2, 2), "ch03.accuracy": (0, 1)}),
        "alice/ch04": record("alice/ch04", {"ch04.relu": (1.5, 2)}, late=True),
        "mallory/ch03": record("mallory/ch03", {"ch03.softmax": (2, 2)}),
    }
    text = roster.gradebook_text(records, ["alice", "bob", "carol"])
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == [
        "student", "ch03.softmax", "ch03.accuracy", "ch04.relu",
        "total", "max", "late", "graded_by", "status",
    ]  # fmt: skip
    assert rows[1] == ["alice", "2", "0", "1.5", "3.5", "5", "1", "d2lkit 0.1.0", ""]
    assert rows[2] == ["bob", "1", "1", "0", "2", "5", "0", "d2lkit 0.1.0", ""]
    assert rows[3] == ["carol", "0", "0", "0", "0", "5", "0", "", "not submitted"]
    assert rows[4][0] == "mallory" and rows[4][-1] == "not on the roster"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name,email\nalice,a@x\n", "with an `id` column"),
        ("id,first_name\nalice,A\n,B\n", "row 3 has no id"),
        ("id\nalice\nalice\n", "alice listed twice"),
    ],
)
def test_a_bad_roster_is_one_line(tmp_path, text, words):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(D2lkitError, match=words):
        roster.read(path)


@pytest.mark.slow
def test_grade_with_a_roster_lists_non_submitters_and_writes_feedback_pages(tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text("id,first_name,last_name,email\nfull,F,S,f@x\nghost,G,H,g@x\n")
    out = tmp_path / "out"
    folder = ROOT / "samples" / "class" / "full" / "ch02"
    argv = ["grade", str(folder), "--out", str(out), "--roster", str(path), "--quiet"]
    assert main(argv) == 0
    rows = {r["student"]: r for r in csv.DictReader((out / gradebook.GRADEBOOK).open())}
    assert rows["full"]["total"] == rows["full"]["max"] == rows["ghost"]["max"]
    assert rows["ghost"]["total"] == "0" and rows["ghost"]["status"] == "not submitted"
    page = (out / gradebook.FEEDBACK / "full__ch02.md").read_text()
    assert page.startswith(f"# full/ch02: {rows['full']['total']} / ")
    assert "| ch02." in page
    assert main(["grade", str(folder), "--roster", str(path), "--quiet"]) == 2
    assert "--roster needs --out" in capsys.readouterr().err
