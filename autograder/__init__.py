"""Checks that compare a student's implementation with d2lkit's reference, and their runners.

`from autograder import check` is all a notebook needs; it stays cheap to import.
"""

from __future__ import annotations

from typing import Any

__all__ = ["check"]


def check(exercise_id: str, target: Any) -> None:
    """The one-line grade cell: `check("ch03.softmax", softmax)`."""
    from autograder.grade_cell import check as _check

    _check(exercise_id, target)
