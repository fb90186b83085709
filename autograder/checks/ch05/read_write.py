"""5.5 file I/O: tensors and a model's parameters saved and loaded back."""

from __future__ import annotations

import torch

from autograder.compare import compare_values
from autograder.spec import Case, Compare, Exercise, Fixture
from autograder.strategies import randn
from d2lkit import computation

NB_IO = "5.5-read-write"


def _roundtrip_cases() -> list[Case]:
    x, y = torch.arange(4), torch.zeros(4)
    state = {
        "hidden.weight": randn(8, 4, seed=381),
        "hidden.bias": randn(8, seed=382),
        "output.weight": randn(2, 8, seed=383),
        "output.bias": randn(2, seed=384),
    }
    return [
        Case("a tensor: arange(4)", fixture=Fixture("ch05.roundtrip", {"obj": x})),
        Case("a list [x, y]", fixture=Fixture("ch05.roundtrip", {"obj": [x, y]})),
        Case(
            "a dict {'x': x, 'y': y}", fixture=Fixture("ch05.roundtrip", {"obj": {"x": x, "y": y}})
        ),
        Case(
            "the parameters of an MLP (name -> tensor)",
            fixture=Fixture("ch05.roundtrip", {"obj": state}),
            visible=False,
        ),
        Case(
            "a float64 matrix",
            fixture=Fixture("ch05.roundtrip", {"obj": randn(3, 3, seed=385, dtype=torch.float64)}),
            visible=False,
        ),
    ]


def _check_saved(case: Case, expected: dict, student: dict) -> str | None:
    """The returned object, then what the file holds (the fixture reports an unreadable or missing
    file as a sentence)."""
    after = student.get("after")
    if isinstance(after, str) and not isinstance(expected["after"], str):
        return after
    return compare_values(expected["output"], student.get("output"), Compare()) or compare_values(
        expected["after"], after, Compare(), "the file's content"
    )


def _save_params_cases() -> list[Case]:
    return [
        Case("the book's MLP", fixture=Fixture("ch05.net_and_path", {"seed": 391})),
        Case("another MLP", fixture=Fixture("ch05.net_and_path", {"seed": 392}), visible=False),
    ]


EXERCISES = [
    Exercise(
        id="ch05.save_load_roundtrip",
        target="save_load_roundtrip",
        points=1,
        reference=computation.save_load_roundtrip,
        cases=_roundtrip_cases,
        notebook=NB_IO,
        compare=Compare(checker=_check_saved),
    ),
    Exercise(
        id="ch05.save_params",
        origin="kit",
        target="save_params",
        points=1,
        reference=computation.save_params,
        cases=_save_params_cases,
        notebook=NB_IO,
        compare=Compare(checker=_check_saved),
    ),
]
