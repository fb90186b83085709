"""The kit's grading as nbgrader's execution step: `nbgrader autograde` never runs a submission
in an unsandboxed kernel.

`GradeInSandbox` takes the place of nbgrader's `Execute` in `Autograde.autograde_preprocessors`
(`nbgrader_config.py`). It grades the sanitized notebook (nbgrader has already put back the locked
cells) with `autograder grade`'s engine, in the sandbox, and writes each grade cell's verdict as
the cell's outputs, which is all nbgrader scores (`nbgrader.utils.determine_grade`):

- every case passed: a line on stdout, full points;
- some cases passed: the message on stdout and the score as the cell's single result (nbgrader's
  partial credit);
- none passed, or the exercise could not be judged: an error with the message, zero.

Whatever the student's code did to `check`, torch or the given cells, the verdicts come from the
grader's process, so a grade cell scores what `autograder grade` gives the same notebook. A grade
cell that is none of the kit's exercises gets an error saying so: the kit cannot vouch for it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Integer

from autograder import grade, registry, sandbox
from autograder.isolate import CELL_TIMEOUT, Limits
from autograder.results import ExerciseResult


class GradeInSandbox(NbGraderPreprocessor):
    """Grade the notebook in the kit's sandbox and write the grade cells' verdicts."""

    timeout = Float(
        CELL_TIMEOUT, help="seconds per cell (the same default as `autograder grade`)"
    ).tag(config=True)
    memory = Integer(None, allow_none=True, help="bytes of memory per notebook").tag(config=True)
    sandbox = Bool(
        True, help="run under bubblewrap; turn off only for trusted notebooks (your own)"
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        stem = resources.get("unique_key") or resources["nbgrader"]["notebook"]
        folder = resources.get("metadata", {}).get("path") or "."
        if self.sandbox and sandbox.bwrap() is None:
            raise sandbox.SandboxMissing()
        results = self._grade(nb, stem, Path(folder))
        by_grade_id = {r.exercise.grade_id: r for r in results.values()}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            # a written answer (markdown, solution and grade) is left to nbgrader: answered, it
            # waits for manual grading in formgrader; untouched, it scores zero
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            result = by_grade_id.get(meta.get("grade_id"))
            cell.outputs = verdict(result, meta.get("grade_id", "?"))
            cell.execution_count = None
        return nb, resources

    def _grade(self, nb: NotebookNode, stem: str, folder: Path) -> dict[str, ExerciseResult]:
        """`autograder grade` on a copy of the submission's folder with the sanitized notebook."""
        with tempfile.TemporaryDirectory(prefix="autograde-") as tmp:
            work = Path(tmp) / "submission"
            ignore = shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints")
            shutil.copytree(folder, work, symlinks=True, ignore=ignore)
            path = work / f"{stem}.ipynb"
            path.write_text(nbformat.writes(nb), encoding="utf-8")
            limits = Limits() if self.memory is None else Limits(memory=self.memory)
            graded = grade.grade(
                [path],
                jobs=1,
                timeout=self.timeout,
                show_progress=False,
                use_sandbox=self.sandbox,
                limits=limits,
            )
        if not graded:
            return {}
        return {i: r for i, r in graded[0].results.items() if r.exercise.notebook == stem}


def verdict(result: ExerciseResult | None, grade_id: str) -> list[NotebookNode]:
    """A grade cell's outputs that nbgrader scores as the result's score."""
    if result is None:
        known = registry.exercises()
        words = (
            "this grade cell is not one of the kit's exercises"
            if not any(e.grade_id == grade_id for e in known.values())
            else "this exercise was not graded"
        )
        return [_error(f"{grade_id}: {words}; grade it by hand")]
    message = result.message()
    if result.passed:
        return [_stream(f"✓ {message}\n")]
    if result.score == 0:
        return [_error(message)]
    return [_stream(message + "\n"), _score(result.score)]


def _stream(text: str) -> NotebookNode:
    return from_dict({"output_type": "stream", "name": "stdout", "text": text})


def _score(score: float) -> NotebookNode:
    return from_dict(
        {
            "output_type": "execute_result",
            "execution_count": None,
            "metadata": {},
            "data": {"text/plain": str(score)},
        }
    )


def _error(message: str) -> NotebookNode:
    return from_dict(
        {
            "output_type": "error",
            "ename": "AssertionError",
            "evalue": message,
            "traceback": [f"AssertionError: {message}"],
        }
    )
