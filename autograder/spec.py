"""The check model: an exercise is data — a target name, cases, what to compare, what is forbidden.

Nothing here runs student code. `autograder.harvest` runs a target on a case's inputs (in the student's
kernel, or in-process for the self-check); `autograder.compare` judges the outputs in the grader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["function", "module"]
Origin = Literal["book", "kit"]


@dataclass(frozen=True)
class T:
    """A tensor argument with autograd state: `requires_grad`, and a `.grad` already set (for `sgd`)."""

    value: Any
    requires_grad: bool = False
    grad: Any = None


@dataclass(frozen=True)
class Fixture:
    """Arguments built in the kernel by a named constructor of `autograder.fixtures` from plain params.

    Used where an argument is an object (a net, a data iterator, an updater) rather than data.
    """

    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One call of the target.

    `args`/`kwargs` hold tensors, numbers, strings, `T`s, and containers of them. For a module exercise,
    `init` are the constructor arguments and `args` the forward inputs; the reference's parameters are
    copied into the student's module. `grad` lists the positions of args to differentiate the output
    w.r.t. (with a seeded random upstream gradient). `fixture`, when set, builds the whole call instead.
    """

    name: str
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    visible: bool = True
    grad: tuple[int, ...] = ()
    seed: int = 0
    init: tuple = ()
    fixture: Fixture | None = None

    def describe(self) -> str:
        """A short description of the inputs for messages: `X: (4, 10) float32`."""
        parts = [_describe(a) for a in self.args]
        parts += [f"{k}={_describe(v)}" for k, v in self.kwargs.items()]
        if self.fixture is not None:
            parts.append(f"{self.fixture.name}({', '.join(self.fixture.params)})")
        return ", ".join(parts)


def _describe(value: Any) -> str:
    if isinstance(value, T):
        return _describe(value.value)
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype"):
        return f"{tuple(shape)} {str(value.dtype).replace('torch.', '')}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_describe(v) for v in value[:3])
        return f"[{inner}{', …' if len(value) > 3 else ''}]"
    text = repr(value)
    return text if len(text) <= 30 else text[:27] + "..."


Checker = Callable[[Case, Any, Any], "str | None"]
"""A custom judge `(case, expected_outputs, student_outputs) -> problem or None`, for statistical checks."""

Hint = Callable[[Case, Any, Any], "str | None"]
"""Recognises a common mistake from `(case, expected_outputs, student_outputs)` and says what to fix."""


@dataclass(frozen=True)
class Compare:
    """What is compared. Tolerances of None mean the dtype-aware defaults of `autograder.compare`."""

    rtol: float | None = None
    atol: float | None = None
    dtype: bool = True
    grads: bool = True
    checker: Checker | None = None


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One graded item: `check("ch03.softmax", softmax)` in the notebook, a column in the gradebook.

    Keyword arguments only. `description`, when the id alone does not say what is checked, is
    shown beside the id in the grader's report and in the Gradescope test's name. `origin` says whose
    answer it is: `"book"` when the book prints the code, `"kit"` for the kit's own questions (the book
    has no code for them), whose reference never ships to students. The points are shared equally
    among the cases, unless `all_or_nothing` (`autograder.results`).
    """

    id: str
    target: str
    points: int
    reference: Any
    cases: Callable[[], Sequence[Case]]
    notebook: str
    kind: Kind = "function"
    compare: Compare = Compare()
    forbidden: tuple[str, ...] = ()
    hint: Hint | None = None
    description: str = ""
    origin: Origin = "book"
    all_or_nothing: bool = False

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def title(self) -> str:
        """The id, with the description when there is one: `ch03.synthetic_data: y = Xw + b ...`."""
        return f"{self.id}: {self.description}" if self.description else self.id

    @property
    def grade_id(self) -> str:
        """The nbgrader grade id of the check cell (stable: derived from the exercise id)."""
        return self.id.replace(".", "-")


@dataclass(frozen=True)
class Stored:
    """What the student kit keeps of an exercise's visible cases: the payloads the harvest runs the
    student's target on, and the reference's outputs for them (nothing of the hidden cases)."""

    payloads: tuple[dict, ...]
    expected: tuple[dict, ...]


@dataclass(frozen=True)
class VisibleCases:
    """An exercise as the student kit's data holds it (`autograder/visible/chNN.pkl`): its visible
    cases, their payloads and expected outputs (`stored`; None for a book network too heavy to
    store, whose book reference the kit runs), and the reference's `module:qualname` path."""

    cases: tuple[Case, ...]
    stored: Stored | None
    reference: str


class ReferenceName:
    """Stands in for a reference the student kit does not run or ship: its qualified name alone,
    which is all the judge needs of it (the reference is always a forbidden call)."""

    def __init__(self, module: str, qualname: str) -> None:
        self.__module__ = module
        self.__qualname__ = qualname

    def __repr__(self) -> str:
        return f"<reference {self.__module__}.{self.__qualname__}>"
