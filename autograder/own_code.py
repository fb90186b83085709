"""Each submission's own code per exercise, kept staff-side for the similarity check.

Grading writes `OUT/code/<submission, / as __>.json` beside the results file (`gradebook.save`,
atomically): `{"submission": name, "code": {exercise id: source}}`. An exercise's code is the source
of the notebook's solution cell for it, the cell the release marks with the nbgrader grade id
`<grade id>-solution` (`ch03-softmax-solution`); a notebook whose cell lost that mark (copied into
a new cell) gives the first of the student's own cells (those the release lacks,
`scratch.student_cells`) that defines the target at the top level. Helpers in other cells are not
included: the check compares like with like, one exercise's answer with another's. An exercise
whose notebook is missing or unreadable has no entry; code beyond `CODE_CAP` characters is cut
(no answer is that long, and the check reads every character). The file never reaches the student: it is
not in the Gradescope results or the feedback page.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from autograder import registry, sandbox, scratch
from autograder.grade import released_cells
from autograder.spec import Exercise
from autograder.submissions import NOTEBOOK_FILE_CAP, Submission, read_cells

CODE = "code"
CODE_CAP = 100_000


def code_path(out: Path, name: str) -> Path:
    return out / CODE / f"{name.replace('/', '__')}.json"


def _grade_id(cell: dict) -> str | None:
    metadata = cell.get("metadata")
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def _defines(source: str, target: str) -> bool:
    return re.search(rf"^(?:def|class)\s+{re.escape(target)}\b", source, re.MULTILINE) is not None


@functools.cache
def _cells(folder: str, stem: str, chapter: str) -> tuple[dict, ...]:
    try:
        return tuple(read_cells(sandbox.PACKAGE_ROOT / folder / chapter / f"{stem}.ipynb"))
    except (OSError, ValueError):
        return ()


def _solution_cell(exercise: Exercise, folder: str = "assignments") -> dict | None:
    """The solution cell that defines the exercise's target, in the release (or `solutions`)."""
    for cell in _cells(folder, exercise.notebook, exercise.chapter):
        grade_id = _grade_id(cell) or ""
        if grade_id.endswith("-solution") and _defines(cell["source"], exercise.target):
            return cell
    return None


def stub(exercise: Exercise) -> str:
    """The released solution cell of `exercise` (its signature, docstring and placeholder)."""
    cell = _solution_cell(exercise)
    return cell["source"] if cell is not None else ""


def answer(exercise: Exercise) -> str:
    """The kit's answer to `exercise` in its solutions notebook, without nbgrader's markers."""
    cell = _solution_cell(exercise, "solutions")
    if cell is None:
        return ""
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return "\n".join(line for line in cell["source"].splitlines() if line.strip() not in markers)


def notebook_code(path: Path, exercises: list[Exercise]) -> dict[str, str]:
    """Exercise id → the student's code for it, in the notebook at `path` (an unreadable notebook
    gives nothing)."""
    try:
        if path.stat().st_size > NOTEBOOK_FILE_CAP:
            return {}
        cells = [c for c in read_cells(path) if c.get("cell_type") == "code"]
    except (OSError, ValueError):
        return {}
    by_grade_id = {_grade_id(c): c["source"] for c in cells if _grade_id(c)}
    found = {}
    for exercise in exercises:
        released = _solution_cell(exercise)
        source = by_grade_id.get(_grade_id(released)) if released is not None else None
        if source is None:
            given = list(released_cells(exercise.notebook))
            mine = scratch.student_cells([c["source"] for c in cells], given)
            source = next((s for _, s in mine if _defines(s, exercise.target)), None)
        if source is not None:
            found[exercise.id] = source[:CODE_CAP]
    return found


def own_code(submission: Submission) -> dict[str, str]:
    """Exercise id → the submission's code for it, over all its notebooks."""
    found: dict[str, str] = {}
    for stem, path in submission.notebooks.items():
        found.update(notebook_code(path, registry.for_notebook(stem)))
    return found


def record(submission: Submission) -> str:
    """The text of the submission's code file."""
    return (
        json.dumps({"submission": submission.name, "code": own_code(submission)}, indent=1) + "\n"
    )


def load(out: Path) -> dict[str, dict[str, str]]:
    """Submission name → exercise id → code, from every complete code file under `out/code`."""
    found = {}
    for path in sorted((out / CODE).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            code = data["code"]
            if isinstance(code, dict):
                found[data["submission"]] = {k: v for k, v in code.items() if isinstance(v, str)}
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found
