"""4.2 the MLP from scratch."""

from __future__ import annotations

from autograder.spec import Case, Exercise, T
from autograder.strategies import rand, randn
from d2lkit import mlp

NB_SCRATCH = "4.2-mlp-scratch"


def _mlp_scratch_cases() -> list[Case]:
    return [
        Case(
            "images (4, 1, 4, 5), 20 inputs, 3 outputs, 8 hidden",
            (T(rand(4, 1, 4, 5, seed=121), True),),
            init=(20, 3, 8),
            grad=(0,),
            seed=121,
        ),
        Case(
            "flat (6, 12), 2 outputs, 5 hidden",
            (T(randn(6, 12, seed=122), True),),
            init=(12, 2, 5),
            grad=(0,),
            seed=122,
        ),
        Case(
            "Fashion-MNIST sizes (3, 1, 28, 28), 784-256-10",
            (T(rand(3, 1, 28, 28, seed=123), True),),
            init=(784, 10, 256),
            grad=(0,),
            seed=123,
            visible=False,
        ),
    ]


EXERCISES = [
    Exercise(
        id="ch04.mlp_scratch",
        target="MLPScratch",
        points=2,
        reference=mlp.MLPScratch,
        cases=_mlp_scratch_cases,
        notebook=NB_SCRATCH,
        kind="module",
        forbidden=("linear", "relu", "relu_", "clamp", "clamp_min", "_threshold", "hardtanh"),
    ),
]
