"""5.1 layers and blocks: the MLP, MySequential, FixedHiddenMLP and NestMLP."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from autograder.hints import TIGHT, close
from autograder.spec import Case, Exercise, T
from autograder.strategies import rand, randn
from d2lkit import computation

NB_BLOCKS = "5.1-model-construction"


def _mlp_cases() -> list[Case]:
    return [
        Case("the book's X (2, 20)", (T(rand(2, 20, seed=301), True),), grad=(0,), seed=301),
        Case("X (16, 20)", (T(randn(16, 20, seed=302), True),), grad=(0,), seed=302, visible=False),
    ]


class SequentialMLP(computation.MySequential):
    """`MySequential(Linear, ReLU, Linear, ..., Linear)` built from layer sizes, so that a case can
    construct a MySequential from plain numbers (the notebook gives the same class)."""

    def __init__(self, *sizes: int) -> None:
        layers: list[nn.Module] = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        super().__init__(*layers[:-1])


def _sequential_cases() -> list[Case]:
    return [
        Case(
            "the book's MySequential(Linear(20, 256), ReLU, Linear(256, 10))",
            (T(rand(2, 20, seed=311), True),),
            init=(20, 256, 10),
            grad=(0,),
            seed=311,
        ),
        Case(
            "one block: Linear(5, 3)",
            (T(randn(4, 5, seed=312), True),),
            init=(5, 3),
            grad=(0,),
            seed=312,
        ),
        Case(
            "five blocks: 8-16-16-4",
            (T(randn(6, 8, seed=313), True),),
            init=(8, 16, 16, 4),
            grad=(0,),
            seed=313,
            visible=False,
        ),
    ]


def _fixed_hidden_cases() -> list[Case]:
    return [
        Case("the book's X (2, 20)", (T(rand(2, 20, seed=321), True),), grad=(0,), seed=321),
        Case(
            "large X (8, 20) ~ 10: many halvings",
            (T(randn(8, 20, seed=322, scale=10.0), True),),
            grad=(0,),
            seed=322,
        ),
        Case(
            "small X (3, 20) ~ 1e-3",
            (T(randn(3, 20, seed=323, scale=1e-3), True),),
            grad=(0,),
            seed=323,
            visible=False,
        ),
    ]


def _fixed_hidden_forward(linear: nn.Module, rand_weight: torch.Tensor, X: torch.Tensor):
    X = linear(X)
    X = F.relu(X @ rand_weight + 1)
    X = linear(X)
    while X.abs().sum() > 1:
        X /= 2
    return X.sum()


def _fixed_hidden_hint(case: Case, expected: dict, student: dict) -> str | None:
    torch.manual_seed(case.seed)
    reference = computation.FixedHiddenMLP()
    torch.manual_seed(case.seed)
    nn.Linear(20, 20)
    late_weight = torch.rand(20, 20)
    with torch.no_grad():
        late = _fixed_hidden_forward(reference.linear, late_weight, case.args[0].value.clone())
    if close(student.get("output"), late, TIGHT):
        return (
            "draw rand_weight with torch.rand(20, 20) BEFORE creating the Linear layer, as the book "
            "does: the check reproduces the reference's random draws in that order"
        )
    return None


def _nest_cases() -> list[Case]:
    return [
        Case("X (2, 20)", (T(rand(2, 20, seed=331), True),), grad=(0,), seed=331),
        Case("X (9, 20)", (T(randn(9, 20, seed=332), True),), grad=(0,), seed=332, visible=False),
    ]


EXERCISES = [
    Exercise(
        id="ch05.mlp",
        target="MLP",
        points=1,
        reference=computation.MLP,
        cases=_mlp_cases,
        notebook=NB_BLOCKS,
        kind="module",
    ),
    Exercise(
        id="ch05.my_sequential",
        target="SequentialMLP",
        points=2,
        reference=SequentialMLP,
        cases=_sequential_cases,
        notebook=NB_BLOCKS,
        kind="module",
        # "Sequential": nn.Sequential itself, subclassed or called (read from the code)
        forbidden=("Sequential", "d2lkit.computation.MySequential"),
        description="your MySequential, built from layer sizes by the notebook's SequentialMLP",
    ),
    Exercise(
        id="ch05.fixed_hidden_mlp",
        target="FixedHiddenMLP",
        points=2,
        reference=computation.FixedHiddenMLP,
        cases=_fixed_hidden_cases,
        notebook=NB_BLOCKS,
        kind="module",
        hint=_fixed_hidden_hint,
    ),
    Exercise(
        id="ch05.nest_mlp",
        target="NestMLP",
        points=1,
        reference=computation.NestMLP,
        cases=_nest_cases,
        notebook=NB_BLOCKS,
        kind="module",
    ),
]
