"""The in-notebook runner: `check(id, target)` in a grade cell.

- In Jupyter (the student's self-check): runs the visible cases, prints one line on success, raises
  AssertionError with the message on failure.
- Under `autograder grade` and `nbgrader autograde` (whose execution step is the kit's grader,
  `autograder.autograde`; `AUTOGRADER_MODE=grade`): does nothing; the grader collects the outputs
  after the notebook has run and judges them in its own process.

It never runs hidden cases, whatever the environment says: a variable the student can set
(`NBGRADER_EXECUTION`) must not reveal them.

It writes nothing to stderr on success: nbgrader scores a grade cell that does as failed.
"""

from __future__ import annotations

import os
from typing import Any

GRADE_MODE_VARIABLE = "AUTOGRADER_MODE"


class CheckFailed(AssertionError):
    """A failed self-check. In Jupyter it shows its message alone, without the kit's stack frames
    (IPython lets an exception render itself); it is still an error, which nbgrader scores zero."""

    def _render_traceback_(self) -> list[str]:
        return [f"✗ {line}" if i == 0 else line for i, line in enumerate(str(self).splitlines())]


def check(exercise_id: str, target: Any) -> None:
    if os.environ.get(GRADE_MODE_VARIABLE) == "grade":
        print(f"{exercise_id}: collected by the grader")
        return
    from autograder import engine, registry

    exercise = registry.get(exercise_id)
    result = engine.check_in_process(exercise, target, include_hidden=False)
    if not result.passed:
        raise CheckFailed(result.message())
    print(f"✓ {exercise.id}: {len(result.cases)} cases passed")
