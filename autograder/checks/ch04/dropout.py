"""4.6 dropout: the layer, and the two-hidden-layer network that uses it."""

from __future__ import annotations

import math

import torch

from autograder.compare import compare_outputs
from autograder.harvest import upstream_like
from autograder.hints import TIGHT, close
from autograder.spec import Case, Compare, Exercise, T
from autograder.strategies import rand, randn
from d2lkit import mlp

NB_DROPOUT = "4.6-dropout"


def _dropout_cases() -> list[Case]:
    book = torch.arange(16, dtype=torch.float32).reshape(2, 8)
    return [
        Case("dropout 0 returns X", (randn(4, 8, seed=171), 0.0)),
        Case("dropout 1 returns zeros", (randn(4, 8, seed=172), 1.0)),
        Case("the book's arange(16).reshape(2, 8), dropout 0.5", (book, 0.5)),
        Case(
            "(200, 300), dropout 0.5, with gradients",
            (T(randn(200, 300, seed=173), True), 0.5),
            grad=(0,),
            seed=173,
        ),
        Case("ones (500, 200), dropout 0.2", (torch.ones(500, 200), 0.2), seed=174),
        Case(
            "float64 (300, 300), dropout 0.8",
            (T(randn(300, 300, seed=175, dtype=torch.float64), True), 0.8),
            grad=(0,),
            seed=175,
            visible=False,
        ),
        Case(
            "3-D (20, 30, 40), dropout 0.3",
            (rand(20, 30, 40, seed=176, low=0.5, high=1.5), 0.3),
            seed=176,
            visible=False,
        ),
    ]


def _dropped_fraction_problem(X: torch.Tensor, kept: torch.Tensor, p: float) -> str | None:
    n = kept.numel()
    dropped = 1 - float(kept.double().mean())
    slack = 5 * math.sqrt(p * (1 - p) / n) + 2e-3
    if abs(dropped - p) > slack:
        return (
            f"each element should be dropped with probability {p:g}; you dropped a fraction "
            f"{dropped:.3f} of {n} (keep an element where rand > p)"
        )
    if n >= 10_000:
        flat = kept.reshape(-1).double()
        halves = {
            "the first half": flat[: n // 2],
            "the second half": flat[n // 2 :],
            "the even positions": flat[0::2],
            "the odd positions": flat[1::2],
        }
        for where, part in halves.items():
            part_dropped = 1 - float(part.mean())
            if abs(part_dropped - p) > 5 * math.sqrt(p * (1 - p) / part.numel()) + 2e-3:
                return (
                    f"the dropped elements should be spread at random, each independently; in "
                    f"{where} you dropped a fraction {part_dropped:.3f}, not about {p:g}"
                )
    return None


def _check_dropout(case: Case, expected: dict, student: dict) -> str | None:
    arg, p = case.args
    X = arg.value if isinstance(arg, T) else arg
    out = student["output"]
    if not isinstance(out, torch.Tensor) or out.shape != X.shape:
        return f"return a tensor of X's shape {tuple(X.shape)}"
    if out.dtype != X.dtype:
        return f"keep X's dtype {X.dtype}, got {out.dtype}"
    if not bool(out.isfinite().all()):
        return "the output has inf or nan" + (
            ": with dropout 1 return zeros, without dividing by 1 - p = 0" if p == 1 else ""
        )
    if p == 0:
        return None if torch.equal(out, X) else "with dropout 0 nothing is dropped: return X"
    if p == 1:
        return None if not bool(out.any()) else "with dropout 1 everything is dropped: zeros"
    nonzero = X != 0
    x, o = X[nonzero].double(), out[nonzero].double()
    kept = o != 0
    if bool(kept.any()) and not torch.allclose(o[kept], x[kept] / (1 - p), rtol=1e-5, atol=1e-6):
        factor = float((o[kept] / x[kept]).median())
        return (
            f"the kept elements should be X / (1 - p) = X × {1 / (1 - p):.4g}, so that the "
            f"expectation stays X; yours are X × {factor:.4g}"
        )
    problem = _dropped_fraction_problem(X, kept, p)
    if problem:
        return problem
    if bool((X == 1).all()):
        mean = float(out.double().mean())
        if abs(mean - 1) > 5 * math.sqrt(p / (1 - p) / X.numel()) + 1e-3:
            return f"the expectation must be preserved: ones in, mean {mean:.4f} out"
    if case.grad:
        grad = (student.get("grads") or [None])[0]
        if grad is None:
            return "the output must stay differentiable in X (no torch.no_grad, no .detach())"
        upstream = upstream_like(out, case.seed)
        want = (upstream * out / torch.where(nonzero, X, torch.ones_like(X)))[nonzero]
        if not torch.allclose(grad[nonzero].double(), want.double(), rtol=1e-4, atol=1e-6):
            return (
                "the gradient should be the upstream gradient times mask / (1 - p), the same "
                "mask as the output's: build the output as mask * X / (1 - p)"
            )
    return None


class DropoutMLPScratch(mlp.DropoutMLPScratch):
    """d2lkit's 4.6 network with the book's `is_training` switch (the book's `Net` takes it),
    so that a case can build it in evaluation mode: `is_training=False` means `.eval()`."""

    def __init__(
        self,
        num_inputs: int,
        num_outputs: int,
        num_hiddens1: int,
        num_hiddens2: int,
        dropout1: float = 0.2,
        dropout2: float = 0.5,
        is_training: bool = True,
    ) -> None:
        super().__init__(num_inputs, num_outputs, num_hiddens1, num_hiddens2, dropout1, dropout2)
        self.train(is_training)


def _dropout_mlp_cases() -> list[Case]:
    one_input = rand(1, 12, seed=181, low=0.0, high=2.0).repeat(4000, 1)
    return [
        Case(
            "eval mode (is_training=False), dropout 0.2 / 0.5: no unit is dropped",
            (T(rand(5, 1, 3, 4, seed=182), True),),
            init=(12, 3, 16, 8, 0.2, 0.5, False),
            grad=(0,),
            seed=182,
        ),
        Case(
            "training, dropout 0 / 0",
            (T(randn(6, 12, seed=183), True),),
            init=(12, 3, 16, 8, 0.0, 0.0, True),
            grad=(0,),
            seed=183,
        ),
        Case(
            "training, dropout1 = 1: the first hidden layer is all dropped",
            (randn(6, 12, seed=184),),
            init=(12, 3, 16, 8, 1.0, 0.0, True),
            seed=184,
        ),
        Case(
            "training, dropout 0.2 / 0.5 on 4000 copies of one input",
            (one_input,),
            init=(12, 4, 32, 32, 0.2, 0.5, True),
            seed=185,
        ),
        Case(
            "training, dropout2 = 1: the second hidden layer is all dropped",
            (randn(6, 12, seed=186),),
            init=(12, 3, 16, 8, 0.0, 1.0, True),
            seed=186,
            visible=False,
        ),
        Case(
            "eval mode, Fashion-MNIST sizes 784-256-256-10",
            (rand(4, 1, 28, 28, seed=187),),
            init=(784, 10, 256, 256, 0.2, 0.5, False),
            seed=187,
            visible=False,
        ),
    ]


def _check_dropout_mlp(case: Case, expected: dict, student: dict) -> str | None:
    dropout1, dropout2, is_training = case.init[4:]
    if not is_training or {dropout1, dropout2} <= {0.0, 1.0}:
        return compare_outputs(expected, student)
    out, want = student["output"], expected["output"]
    if not isinstance(out, torch.Tensor) or out.shape != want.shape:
        return f"output: expected shape {tuple(want.shape)}"
    if not bool(out.isfinite().all()):
        return "the output has inf or nan"
    spread = out.double().std(dim=0)
    if bool((spread < 1e-6).all()):
        return (
            "in training mode dropout must be applied: 4000 copies of one input all gave the same "
            "output"
        )
    n = out.shape[0]
    tolerance = 6 * want.double().std(dim=0) * math.sqrt(2 / n) + 1e-6
    gap = (out.double().mean(dim=0) - want.double().mean(dim=0)).abs()
    if bool((gap > tolerance).any()):
        return (
            "averaged over 4000 copies of one input, your outputs differ from the reference's "
            f"by up to {float(gap.max()):.4g} (allowed {float(tolerance.min()):.2g}): check where "
            "dropout is applied, dropout1 after the first hidden layer and dropout2 after the "
            "second, and the 1 / (1 - p) scaling"
        )
    ratio = spread / want.double().std(dim=0)
    if bool(((ratio < 0.8) | (ratio > 1.25)).any()):
        return (
            "the spread of your outputs over copies of one input differs from the reference's: "
            "check that dropout1 and dropout2 are not swapped"
        )
    return None


def _dropout_mlp_hint(case: Case, expected: dict, student: dict) -> str | None:
    if case.init[-1]:
        torch.manual_seed(case.seed)
        net = DropoutMLPScratch(*case.init).eval()
        X = case.args[0].value if isinstance(case.args[0], T) else case.args[0]
        with torch.no_grad():
            undropped = net(X)
        if close(student.get("output"), undropped, TIGHT):
            return (
                "your output is the net without dropout: while training (self.training is True) "
                "apply dropout_layer(H1, self.dropout1) and dropout_layer(H2, self.dropout2)"
            )
        return None
    if student.get("ok"):
        return (
            "in evaluation mode (is_training=False, self.training is False) no unit is dropped: "
            "the output must be the deterministic net without dropout"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch04.dropout_layer",
        target="dropout_layer",
        points=2,
        reference=mlp.dropout_layer,
        cases=_dropout_cases,
        notebook=NB_DROPOUT,
        compare=Compare(checker=_check_dropout),
        forbidden=(
            "dropout",
            "dropout_",
            "native_dropout",
            "feature_dropout",
            "alpha_dropout",
            "feature_alpha_dropout",
            "dropout1d",
            "dropout2d",
            "dropout3d",
        ),
    ),  # fmt: skip
    Exercise(
        id="ch04.dropout_mlp",
        target="DropoutMLPScratch",
        points=2,
        reference=DropoutMLPScratch,
        cases=_dropout_mlp_cases,
        notebook=NB_DROPOUT,
        kind="module",
        compare=Compare(checker=_check_dropout_mlp),
        forbidden=(
            "dropout",
            "native_dropout",
            "feature_dropout",
            "alpha_dropout",
            "d2lkit.mlp.DropoutMLPScratch",
            "d2lkit.mlp.dropout_layer",
        ),
        hint=_dropout_mlp_hint,
    ),  # fmt: skip
]
