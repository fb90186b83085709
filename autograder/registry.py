"""All exercises, gathered from `autograder.checks.chNN` modules (each defines `EXERCISES`).

In the student kit (`autograder.kit`) the checks hold no cases and no references: their hints and
checkers stay, and each exercise's visible cases, their stored payloads and expected outputs, and
the name of its reference come from `autograder/visible/chNN.pkl`, which only the kit has.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import pickle
import pkgutil
from pathlib import Path

from autograder import checks, harvest
from autograder.spec import Exercise, ReferenceName, Stored, VisibleCases

VISIBLE = Path(__file__).resolve().parent / "visible"


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
    kit = _visible()
    if kit:
        found = {i: _from_kit(e, kit[i]) for i, e in found.items() if i in kit}
    return found


@functools.cache
def _visible() -> dict[str, VisibleCases]:
    data: dict[str, VisibleCases] = {}
    for path in sorted(VISIBLE.glob("ch*.pkl")):
        # the kit's own data, written by the course staff's `autograder release`
        data.update(pickle.loads(path.read_bytes()))
    return data


def _from_kit(exercise: Exercise, visible: VisibleCases) -> Exercise:
    if visible.stored is None:
        # a book network too heavy to store: the kit ships its reference and runs it
        reference = harvest.resolve(visible.reference)
    else:
        reference = ReferenceName(*visible.reference.split(":"))
    cases = functools.partial(tuple, visible.cases)
    return dataclasses.replace(exercise, reference=reference, cases=cases)


def stored(exercise_id: str) -> Stored | None:
    """The visible cases' payloads and expected outputs stored at release time (the student kit
    only; elsewhere the references compute them)."""
    visible = _visible().get(exercise_id)
    return None if visible is None else visible.stored


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
