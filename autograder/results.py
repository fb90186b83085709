"""The one result model: what a case and an exercise scored, and why, as data.

An exercise's points are shared equally among its cases, visible and hidden, as otter scores per
test; an exercise built with `all_or_nothing=True` scores its points only when every case passes.
A failed case records the kind of failure and the id of the hint that fired, so that a class
report can count them; its message is words for the student. A hidden case's message says only
which property failed, never its inputs or its expected values.

Kinds of failure:
- `shape`: the output's shape or structure (a list of the wrong length, a missing key, not a tensor);
- `dtype`: the output's dtype;
- `values`: the values differ (the output, or what the call changed: arguments, state);
- `gradient`: the output is right, a gradient is not;
- `forbidden`: the target calls what the exercise asks the student to write;
- `error`: the target raised, or its outputs could not be collected;
- `timeout`: a cell or the target ran past its time;
- `limit`: the notebook broke a sandbox limit (memory, processes, file size, CPU time);
- `missing`: the notebook was not submitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from autograder.spec import Case, Exercise

Kind = Literal[
    "shape", "dtype", "values", "gradient", "forbidden", "error", "timeout", "limit", "missing"
]
KINDS: tuple[Kind, ...] = Kind.__args__

WORDS: dict[str, str] = {
    "shape": "the output's shape or structure is wrong",
    "dtype": "the output's dtype is wrong",
    "values": "the output's values are wrong",
    "gradient": "a gradient is wrong",
    "forbidden": "it calls an API this exercise asks you to write yourself",
    "error": "it raised an error",
    "timeout": "it ran out of time",
    "limit": "it broke a resource limit",
    "missing": "no result",
}
"""A failed property in words: all a student reads about a hidden case."""


class Problem(str):
    """A message that knows its kind of failure: `Problem("expected shape (4,)...", "shape")`.

    It is a `str`, so that checkers and hints that pass a comparison's message along, or test it
    with `in`, keep working; one built from scratch by a custom checker is plain `str`, and counts
    as `values`."""

    kind: Kind

    def __new__(cls, text: str, kind: Kind) -> Problem:
        problem = super().__new__(cls, text)
        problem.kind = kind
        return problem


def kind_of(problem: str, default: Kind = "values") -> Kind:
    return getattr(problem, "kind", default)


def hint_id(exercise: Exercise, hint: str) -> str:
    """A hint's id: its exercise and its first line with the numbers taken out, so that one
    mistake met with different inputs counts once (`ch03.softmax: exp overflows for x > N`)."""
    first = hint.strip().splitlines()[0] if hint.strip() else ""
    template = re.sub(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", "N", first)
    return f"{exercise.id}: {template}"


@dataclass(frozen=True)
class Failure:
    """Why one case failed: the kind, the message, and the hint that fired (its id and words)."""

    kind: Kind
    message: str
    hint: str | None = None
    hint_id: str | None = None

    @property
    def text(self) -> str:
        return f"{self.message}\nhint: {self.hint}" if self.hint else self.message


@dataclass(frozen=True)
class CaseResult:
    case: Case
    failure: Failure | None

    @property
    def passed(self) -> bool:
        return self.failure is None

    @property
    def problem(self) -> str | None:
        """The failure in words (with its hint), or None."""
        return None if self.failure is None else self.failure.text

    def record(self) -> dict:
        """The case as data for the results file. A failed visible case adds its `message` (with
        its hint), which its student reads anyway, for the class report's examples; a hidden case
        carries no message: no inputs, no expected values."""
        failure = self.failure
        record = {
            "case": self.case.name,
            "visible": self.case.visible,
            "passed": failure is None,
            "kind": None if failure is None else failure.kind,
            "hint_id": None if failure is None else failure.hint_id,
        }
        if failure is not None and self.case.visible:
            record["message"] = failure.text
        return record


def points(value: float) -> int | float:
    """A score as people write it: 2, not 2.0; 1.33, not 1.3333333."""
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


@dataclass(frozen=True)
class ExerciseResult:
    """An exercise's cases judged, or the `reason` none could be (then `reason_kind` says why)."""

    exercise: Exercise
    cases: tuple[CaseResult, ...]
    reason: str | None = None

    @property
    def reason_kind(self) -> Kind | None:
        return None if self.reason is None else kind_of(self.reason, "error")

    @property
    def passed(self) -> bool:
        return self.reason is None and all(c.passed for c in self.cases)

    def score_of(self, cases: tuple[CaseResult, ...]) -> int | float:
        """The points `cases` (some of this exercise's) earn: their share of the exercise's."""
        if self.reason is not None or not self.cases:
            return 0
        if self.exercise.all_or_nothing:
            return self.exercise.points if self.passed and cases else 0
        passed = sum(c.passed for c in cases)
        return points(self.exercise.points * passed / len(self.cases))

    @property
    def score(self) -> int | float:
        return self.score_of(self.cases)

    def max_of(self, cases: tuple[CaseResult, ...]) -> int | float:
        """The most `cases` can earn (all of an all-or-nothing exercise's points)."""
        if self.exercise.all_or_nothing or not self.cases:
            return self.exercise.points
        return points(self.exercise.points * len(cases) / len(self.cases))

    def message(self, *, staff: bool = False) -> str:
        """What a student can act on: the first failing visible case in full, the property each
        failed hidden case got wrong, and a count. `staff=True` shows hidden cases in full too."""
        exercise = self.exercise
        if self.reason is not None:
            return f"{exercise.id}: {self.reason}"
        failed = [c for c in self.cases if not c.passed]
        if not failed:
            return f"{exercise.id}: all {len(self.cases)} cases passed"
        shown = [c for c in failed if staff or c.case.visible]
        hidden = [c for c in failed if c not in shown]
        lines = []
        if shown:
            first = shown[0]
            lines += [
                f"{exercise.id}: case '{first.case.name}' failed ({first.case.describe()})",
                *("  " + line for line in (first.problem or "").splitlines()),
            ]
            if len(shown) > 1:
                lines.append(f"  ({len(shown) - 1} more of {len(self.cases)} cases failed)")
        if hidden:
            kinds = sorted({c.failure.kind for c in hidden if c.failure is not None})
            words = "; ".join(WORDS[k] for k in kinds)
            prefix = "  " if shown else f"{exercise.id}: "
            lines.append(f"{prefix}{len(hidden)} hidden case(s) failed: {words}")
        return "\n".join(lines)
