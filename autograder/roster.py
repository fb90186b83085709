"""`autograder grade --roster roster.csv`: the gradebook by student, every student of the class.

The roster is nbgrader's student-import CSV (`nbgrader db student import`): a header with `id`
(and usually `first_name`, `last_name`, `email`), one row per student. A submission belongs to
the student its name starts with (`alice/ch03` and `alice/ch04` are alice's; an LMS download
is named after its student already). The gradebook then has one row per student, in roster order:
their exercises added over their submissions, 0 for every exercise they did not hand in, and a
`status` saying "not submitted" for a student with nothing, or "not on the roster" for a
submission whose student the roster lacks (listed after the roster's students).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder import gradebook
from autograder.results import points
from d2lkit.errors import D2lkitError


def read(path: Path) -> list[str]:
    """The student ids of an nbgrader roster, in its order."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise D2lkitError(f"--roster {path}: {exc.strerror or exc}") from None
    if not rows or "id" not in rows[0]:
        raise D2lkitError(f"--roster {path}: expected nbgrader's CSV, with an `id` column")
    ids = [row["id"].strip() for row in rows]
    if "" in ids:
        raise D2lkitError(f"--roster {path}: row {ids.index('') + 2} has no id")
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise D2lkitError(f"--roster {path}: {', '.join(twice)} listed twice")
    return ids


def student_of(submission: str) -> str:
    return submission.split("/", 1)[0]


def gradebook_text(records: dict[str, dict], roster: list[str]) -> str:
    """gradebook.csv by student (see the module's docstring)."""
    columns = gradebook.columns(records.values())
    mine: dict[str, list[dict]] = {}
    for name in sorted(records):
        mine.setdefault(student_of(name), []).append(records[name])
    full: dict[str, float] = {}
    for record in records.values():
        for exercise, (_, maximum) in gradebook.exercise_scores(record).items():
            full[exercise] = maximum
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", *columns, "total", "max", "late", "graded_by", "status"])
    extra = sorted(s for s in mine if s not in roster)
    for student in [*roster, *extra]:
        handed_in = mine.get(student, [])
        scores: dict[str, float] = {}
        for record in handed_in:
            for exercise, (score, _) in gradebook.exercise_scores(record).items():
                scores[exercise] = points(scores.get(exercise, 0) + score)
        cells = [scores.get(i, 0) for i in columns]
        total = points(sum(cells))
        maximum = points(sum(full.get(i, 0) for i in columns))
        late = int(any(gradebook.is_late(r) for r in handed_in))
        version = next((gradebook.version_of(r) for r in handed_in), "")
        status = "not on the roster" if student in extra else "" if handed_in else "not submitted"
        writer.writerow([student, *cells, total, maximum, late, version, status])
    return buffer.getvalue()


def write_gradebook(out: Path, records: dict[str, dict], roster: list[str]) -> Path:
    path = out / gradebook.GRADEBOOK
    gradebook.write_atomic(path, gradebook_text(records, roster))
    return path
