"""All exercises, gathered from `autograder.checks.chNN` modules (each defines `EXERCISES`).

The student kit replaces this module with `autograder/kit_registry.py`, which reads the exercises
and their visible cases from the data `autograder release` stored.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from autograder import checks
from autograder.spec import Exercise, Stored


@functools.cache
def exercises() -> dict[str, Exercise]:
    """Every exercise by id, in chapter order."""
    found: dict[str, Exercise] = {}
    for info in sorted(pkgutil.iter_modules(checks.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{checks.__name__}.{info.name}")
        for exercise in getattr(module, "EXERCISES", ()):
            if exercise.id in found:
                raise ValueError(f"duplicate exercise id {exercise.id}")
            found[exercise.id] = exercise
    return found


def stored(exercise_id: str) -> Stored | None:
    """The visible cases' payloads and expected outputs stored at release time: only in the
    student kit (`autograder/kit_registry.py`); here the references compute them."""
    return None


def get(exercise_id: str) -> Exercise:
    try:
        return exercises()[exercise_id]
    except KeyError:
        raise KeyError(f"unknown exercise {exercise_id!r}") from None


def for_notebook(notebook: str) -> list[Exercise]:
    """The exercises graded in a notebook, by its file stem (`3.6-softmax-regression-scratch`)."""
    return [e for e in exercises().values() if e.notebook == notebook]


def notebooks() -> dict[str, list[str]]:
    """Chapter → the stems of its graded notebooks."""
    found: dict[str, list[str]] = {}
    for exercise in exercises().values():
        stems = found.setdefault(exercise.chapter, [])
        if exercise.notebook not in stems:
            stems.append(exercise.notebook)
    return found
