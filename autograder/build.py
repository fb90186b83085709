"""Solution notebooks: plain-text sources (jupytext percent `.py`) to nbgrader source `.ipynb`.

The `.py` beside each notebook is what staff edit and review. `autograder build` writes the `.ipynb`,
adding nbgrader's cell metadata so that no one types it by hand:
- a cell tagged `solution` becomes a solution cell, graded id `<chapter>-<first def>-solution`;
- a cell that is exactly `check("chNN.name", target)` becomes a locked grade cell worth the points
  its exercise declares, with the exercise's stable grade id;
- a cell tagged `demo` (a plot, a timing, a training run: output no grade depends on) is marked
  `{"autograder": {"demo": true}}`, and `autograder grade` skips the cell with its id;
- a markdown cell tagged `written` is a written question (one of the section's 练习, in the kit's
  own words) and becomes a locked cell; the markdown cell after it, tagged `answer`, is its model
  answer and becomes a manually graded answer cell worth `WRITTEN_POINTS`, grade id
  `<chapter>-<section>-written-<n>` (`ch03-3-6-written-1`: formgrader finds a cell by its grade id
  as a CSS selector, so no dots). nbgrader's release replaces the answer with `YOUR ANSWER HERE`;
  the kit's grader never reads markdown, so only formgrader grades these.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import jupytext
import nbformat

import d2lkit
from autograder import registry
from autograder.spec import Exercise

CHECK_CELL = re.compile(r'^check\("(?P<id>[\w.]+)",\s*(?P<target>\w+)\)$')
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
WRITTEN_POINTS = 1


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, points: int | None = None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def _defined_name(source: str) -> str:
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            return node.name
    raise ValueError(f"a solution cell must define a function or class:\n{source[:200]}")


def _cell_id(source: Path, index: int | str) -> str:
    # nbformat gives every new cell a random id; a stable one keeps a rebuild byte-identical,
    # so CI can tell a stale `.ipynb` from a fresh one
    return hashlib.sha1(f"{source.parent.name}/{source.stem}/{index}".encode()).hexdigest()[:8]


HOW_GRADED = """\
**How this notebook is graded.** Each exercise ends in a check cell: run it to test your code on
the exercise's visible cases. `✓` means they pass; `✗` shows the first case that fails, what
differs and, for a common mistake, a hint. When you hand the notebook in, the grader runs it in a
sandbox and checks every exercise on its visible cases and on hidden ones you do not see; an
exercise's points are shared among its cases, so a partly right answer earns part of them (unless
the exercise says "all or nothing"). Write your code in the cells marked `YOUR CODE HERE`, keep
the other code cells as they are, don't call what an exercise asks you to write yourself (the
grader reads your code for it), and hand in this file the way your course asks. The written
questions at the end are graded by hand by the course staff, not by `check()`, and are not part
of the autograder's score."""


WRITTEN_NOTE = f"""\
## Written questions

Answer each question in a few sentences, in the cell below it (replace `YOUR ANSWER HERE`). The
course staff grade these answers by hand, {WRITTEN_POINTS} point each; they are not part of
`check()` or of the autograder's score."""


def is_written_answer(cell: dict) -> bool:
    """A manually graded answer cell: markdown, an nbgrader solution (the kit's grader skips it)."""
    return cell["cell_type"] == "markdown" and cell["metadata"].get("nbgrader", {}).get("solution")


def written_grade_id(source: Path, n: int) -> str:
    section = source.stem.split("-")[0].replace(".", "-")
    return f"{source.parent.name}-{section}-written-{n}"


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def _written_cells(source: Path, cells: list) -> None:
    """Give each `written` question and its `answer` their nbgrader metadata, in place."""
    pairs = [
        (question, answer)
        for question, answer in zip(cells, cells[1:])
        if "written" in _tags(question)
        and "answer" in _tags(answer)
        and question.cell_type == answer.cell_type == "markdown"
    ]
    tagged = sum("written" in _tags(c) for c in cells) + sum("answer" in _tags(c) for c in cells)
    if tagged != 2 * len(pairs):
        raise ValueError(
            f"{source}: a markdown cell tagged `written` (the question) must be followed by a "
            "markdown cell tagged `answer` (its model answer)"
        )
    for n, (question, answer) in enumerate(pairs, 1):
        grade_id = written_grade_id(source, n)
        question.source = f"**Written question {n}** ({_count(WRITTEN_POINTS, 'point')}). " + (
            question.source
        )
        question.metadata["nbgrader"] = _nbgrader(
            f"{grade_id}-question", solution=False, grade=False
        )
        answer.metadata["nbgrader"] = _nbgrader(
            grade_id, solution=True, grade=True, points=WRITTEN_POINTS
        )


def grading_line(exercise: Exercise) -> str:
    """The line above an exercise's check cell: its points and its cases, from its spec."""
    cases = exercise.cases()
    visible = sum(c.visible for c in cases)
    hidden = len(cases) - visible
    words = [
        f"**`{exercise.id}`**: {_count(exercise.points, 'point')}",
        f"{_count(visible, 'visible case')} checked below",
    ]
    if hidden:
        words.append(f"{_count(hidden, 'more hidden case')} when graded")
    words.append("all or nothing" if exercise.all_or_nothing else "points shared among the cases")
    return " · ".join(words)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _with_grading_lines(source: Path, cells: list) -> list:
    """The cells with the grading note after the title and a line above each check cell."""
    out = []
    for index, cell in enumerate(cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        exercise = next(
            (e for e in registry.for_notebook(source.stem) if e.grade_id == grade_id), None
        )
        if exercise is not None and cell.metadata["nbgrader"].get("grade"):
            line = nbformat.v4.new_markdown_cell(grading_line(exercise))
            line.id = _cell_id(source, f"{index}-points")
            out.append(line)
        if grade_id == written_grade_id(source, 1) + "-question":
            note = nbformat.v4.new_markdown_cell(WRITTEN_NOTE)
            note.id = _cell_id(source, "written")
            out.append(note)
        out.append(cell)
        if index == 0 and registry.for_notebook(source.stem):
            note = nbformat.v4.new_markdown_cell(HOW_GRADED)
            note.id = _cell_id(source, "how-graded")
            out.append(note)
    return out


def convert(source: Path) -> nbformat.NotebookNode:
    """The nbgrader source notebook for one plain-text notebook."""
    chapter = source.parent.name
    nb = jupytext.read(source, fmt="py:percent")
    seen: set[str] = set()
    _written_cells(source, nb.cells)
    for index, cell in enumerate(nb.cells):
        cell.id = _cell_id(source, index)
        tags = cell.metadata.pop("tags", [])
        cell.metadata.pop("lines_to_next_cell", None)
        if cell.cell_type != "code":
            continue
        if "demo" in tags:
            cell.metadata["autograder"] = {"demo": True}
        cell.outputs, cell.execution_count = [], None
        match = CHECK_CELL.match(cell.source.strip())
        if "solution" in tags:
            grade_id = f"{chapter}-{_defined_name(cell.source)}-solution"
            cell.metadata["nbgrader"] = _nbgrader(grade_id, solution=True, grade=False)
        elif match:
            exercise = registry.get(match["id"])
            if exercise.notebook != source.stem or exercise.target != match["target"]:
                raise ValueError(
                    f"{source}: {match['id']} belongs to {exercise.notebook}/{exercise.target}"
                )
            grade_id = exercise.grade_id
            cell.metadata["nbgrader"] = _nbgrader(
                grade_id, solution=False, grade=True, points=exercise.points
            )
        else:
            continue
        if grade_id in seen:
            raise ValueError(f"{source}: duplicate grade id {grade_id}")
        seen.add(grade_id)
    missing = [e.id for e in registry.for_notebook(source.stem) if e.grade_id not in seen]
    if missing:
        # a check cell with anything else in it is no grade cell, and nbgrader would not grade it
        raise ValueError(
            f"{source}: no grade cell for {', '.join(missing)}; each needs a cell that is exactly "
            '`check("<id>", <target>)`'
        )
    nb.cells = _with_grading_lines(source, nb.cells)
    nb.metadata = {
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
        # the kit version that released it (the gradebook records the one that graded it)
        "d2lkit": {"version": d2lkit.__version__},
    }
    return nb


def build_all(solutions: Path, check: bool = False) -> list[Path]:
    """Write every `solutions/*/*.ipynb` from its `.py`; return those that changed (or would)."""
    changed = []
    for source in sorted(solutions.glob("ch*/*.py")):
        target = source.with_suffix(".ipynb")
        text = nbformat.writes(convert(source)) + "\n"
        if not target.exists() or target.read_text() != text:
            changed.append(target)
            if not check:
                target.write_text(text)
    return changed
