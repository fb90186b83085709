"""One definition, every runner: encode an exercise's cases, run the reference, judge the outputs.

The self-check (`check()` in a notebook), `autograder check`, `autograder grade` and `autograder
validate` all go through `payloads`, `expected` and `judge`; they differ only in how they obtain the
student's outputs (in-process, or harvested from a kernel).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import io
import sys
from typing import Any

import torch

from autograder import harvest, registry
from autograder.compare import judge_case
from autograder.results import CaseResult, ExerciseResult, Problem
from autograder.spec import Case, Exercise, Fixture, T


def encode(value: Any) -> Any:
    """A case argument as plain data for transport (`T` becomes a marked dict)."""
    if isinstance(value, T):
        return {"__T__": value.value, "requires_grad": value.requires_grad, "grad": value.grad}
    if isinstance(value, (list, tuple)):
        return type(value)(encode(v) for v in value)
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def _payload(exercise: Exercise, case: Case) -> dict:
    payload: dict[str, Any] = {
        "kind": exercise.kind,
        "args": encode(list(case.args)),
        "kwargs": encode(dict(case.kwargs)),
        "grad": list(case.grad),
        "seed": case.seed,
        "init": encode(list(case.init)),
        "fixture": _fixture(case.fixture),
    }
    if exercise.kind == "module":
        torch.manual_seed(case.seed)
        reference = exercise.reference(*case.init)
        payload["state"] = {k: v.detach().clone() for k, v in reference.state_dict().items()}
    return payload


def _fixture(fixture: Fixture | None) -> dict | None:
    return None if fixture is None else {"name": fixture.name, "params": encode(fixture.params)}


@functools.cache
def cases(exercise: Exercise, include_hidden: bool = True) -> tuple[tuple[Case, dict], ...]:
    """The exercise's cases with their payloads; visible ones only for the student's self-check."""
    chosen = [c for c in exercise.cases() if include_hidden or c.visible]
    stored = registry.stored(exercise.id)
    if stored is not None:
        return tuple(zip(chosen, stored.payloads))
    return tuple((c, _payload(exercise, c)) for c in chosen)


@functools.cache
def expected(exercise: Exercise, include_hidden: bool = True) -> tuple[dict, ...]:
    """The reference's outputs, computed once per process by the same harvest code as the student's.

    The book's training routines print their epochs; the reference's would land on the grader's
    terminal, so its stdout is dropped. The student kit runs no reference: its outputs were stored
    at release time (`autograder.kit`)."""
    stored = registry.stored(exercise.id)
    if stored is not None:
        return stored.expected
    with contextlib.redirect_stdout(io.StringIO()):
        return tuple(
            harvest.run_case(exercise.reference, p) for _, p in cases(exercise, include_hidden)
        )


def judge(
    exercise: Exercise,
    student: list[dict] | None,
    include_hidden: bool = True,
    reason: str | None = None,
) -> ExerciseResult:
    """Compare the student's per-case outputs with the reference's."""
    chosen = cases(exercise, include_hidden)
    if student is None or reason is not None:
        return ExerciseResult(exercise, (), reason or "no outputs were collected")
    if len(student) != len(chosen):
        problem = Problem(f"expected {len(chosen)} results, got {len(student)}", "error")
        return ExerciseResult(exercise, (), problem)
    reference = expected(exercise, include_hidden)
    results = tuple(
        CaseResult(case, judge_case(exercise, case, ref, got))
        for (case, _), ref, got in zip(chosen, reference, student)
    )
    return ExerciseResult(exercise, results)


def check_in_process(
    exercise: Exercise, target: Any, include_hidden: bool = False
) -> ExerciseResult:
    """Run `target` here on the cases and judge it: the self-check and the mutant tests. The
    exercise's notebook siblings that the target's namespace defines are their references
    meanwhile, as under `autograder grade`."""
    if target is exercise.reference:
        problem = Problem("this is d2lkit's reference itself; write your own", "forbidden")
        return ExerciseResult(exercise, (), problem)
    # the student kit names the references it does not ship: those siblings stay the student's
    siblings = {
        e.target: e.reference
        for e in registry.for_notebook(exercise.notebook)
        if e.target != exercise.target and callable(e.reference)
    }
    with harvest.substituted(_namespace(target), siblings):
        outputs = [harvest.run_case(target, p) for _, p in cases(exercise, include_hidden)]
    return judge(exercise, outputs, include_hidden)


def _namespace(target: Any) -> dict:
    """Where the target's code looks up the notebook's other targets: a function's globals, a
    class's module (a notebook's `__main__` is its namespace)."""
    if inspect.isclass(target):
        module = sys.modules.get(target.__module__)
        return vars(module) if module is not None else {}
    return getattr(target, "__globals__", {})
