"""The in-notebook runner: `check(id, target)` in a grade cell.

- In Jupyter (the student's self-check): runs the visible cases, prints one line on success, raises
  AssertionError with the message on failure.
- Under nbgrader (`NBGRADER_EXECUTION` is set by `validate` and `autograde`): runs every case, visible
  and hidden, since nbgrader scores the grade cell by whether it raises.
- Under `autograder grade` (`AUTOGRADER_MODE=grade`): does nothing; the grader collects the outputs
  after the notebook has run and judges them in its own process.

It writes nothing to stderr on success: nbgrader scores a grade cell that does as failed.
"""

from __future__ import annotations

import os
from typing import Any

GRADE_MODE_VARIABLE = "AUTOGRADER_MODE"


def check(exercise_id: str, target: Any) -> None:
    if os.environ.get(GRADE_MODE_VARIABLE) == "grade":
        print(f"{exercise_id}: collected by the grader")
        return
    from autograder import engine, registry

    exercise = registry.get(exercise_id)
    include_hidden = bool(os.environ.get("NBGRADER_EXECUTION"))
    result = engine.check_in_process(exercise, target, include_hidden=include_hidden)
    if not result.passed:
        raise AssertionError(result.message())
    print(f"✓ {exercise.id}: {len(result.cases)} cases passed")
