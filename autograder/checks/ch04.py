"""Chapter 4 — multilayer perceptrons: the exercises of 4.1, 4.2, 4.4–4.8 and 4.10."""

from __future__ import annotations

import math

import torch

from autograder.compare import GRAD_LOOSENING, compare_values
from autograder.harvest import upstream_like
from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import rand, randint, randn
from d2lkit import kaggle_house, linear, mlp

NB_MLP = "4.1-mlp"
NB_SCRATCH = "4.2-mlp-scratch"
NB_SELECTION = "4.4-underfit-overfit"
NB_WEIGHT_DECAY = "4.5-weight-decay"
NB_DROPOUT = "4.6-dropout"
NB_BACKPROP = "4.7-backprop"
NB_INIT = "4.8-numerical-stability-and-init"
NB_KAGGLE = "4.10-kaggle-house-price"

AUTOGRAD = ("backward", "grad")
"""Recorded names of `loss.backward()`, `torch.autograd.grad` and `torch.func.grad`/`vjp`."""


def _nonfinite(value) -> bool:
    return (
        isinstance(value, torch.Tensor)
        and value.is_floating_point()
        and not bool(value.isfinite().all())
    )


def _close(got, want, rtol: float = 1e-4, atol: float = 1e-6) -> bool:
    return (
        isinstance(got, torch.Tensor)
        and isinstance(want, torch.Tensor)
        and got.shape == want.shape
        and bool(torch.allclose(got.double(), want.double(), rtol=rtol, atol=atol))
    )


def _safe(hint):
    """A hint that never breaks grading: any error while guessing the mistake means no hint."""

    def guarded(case: Case, expected: dict, student: dict) -> str | None:
        try:
            return hint(case, expected, student)
        except Exception:  # noqa: BLE001 - a hint is a guess; a student's odd output must not crash it
            return None

    guarded.__name__ = hint.__name__
    return guarded


def _values_and_grads(expected: dict, student: dict, spec: Compare | None = None) -> str | None:
    """The default comparison (outputs, state, input and parameter gradients), for checkers that
    judge some cases by value and others by statistics."""
    spec = spec or Compare()
    problem = compare_values(expected["output"], student.get("output"), spec)
    if problem:
        return problem
    for key, label in (("grads", "gradient of argument"), ("param_grads", "gradient of")):
        want, got = expected.get(key) or {}, student.get(key) or {}
        want = want if isinstance(want, dict) else dict(enumerate(want))
        got = got if isinstance(got, dict) else dict(enumerate(got))
        for name, grad in want.items():
            problem = compare_values(grad, got.get(name), spec, f"{label} {name}", GRAD_LOOSENING)
            if problem:
                return problem
    return None


# 4.1 activation functions and their derivatives ------------------------------------------------


def _book_range() -> torch.Tensor:
    return torch.arange(-8.0, 8.0, 0.1)


def _activation_cases() -> list[Case]:
    return [
        Case("the book's arange(-8, 8, 0.1)", (T(_book_range(), True),), grad=(0,)),
        Case("random (5, 7)", (T(randn(5, 7, seed=101, scale=3.0), True),), grad=(0,)),
        Case(
            "large magnitudes ~ ±100 (4, 6)",
            (T(randn(4, 6, seed=102, scale=100.0), True),),
            grad=(0,),
        ),
        Case(
            "float64 (3, 4, 5)",
            (T(randn(3, 4, 5, seed=103, scale=2.0, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
        Case(
            "very large magnitudes ~ ±1000, float64",
            (T(randn(64, seed=104, scale=1000.0, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _relu_cases() -> list[Case]:
    zeros_inside = torch.tensor([[-2.0, 0.0, 3.0], [0.0, -0.5, 1e-3]])
    return [
        *_activation_cases()[:2],
        Case("exact zeros (values only)", (zeros_inside,)),
        *_activation_cases()[3:4],
        Case(
            "large magnitudes (64, 64) ~ 1e4",
            (T(randn(64, 64, seed=105, scale=1e4), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _activation_hint(case: Case, expected: dict, student: dict) -> str | None:
    if _nonfinite(student.get("output")):
        return (
            "exp overflows for large |x| (exp(89) is inf in float32, exp(710) in float64): "
            "only ever take exp of a non-positive number, e.g. e = exp(-|x|), and build the "
            "result from e with the sign of x"
        )
    if any(_nonfinite(g) for g in student.get("grads") or ()):
        return (
            "the values are fine but the gradient is inf/nan: some exp overflowed on the way. "
            "Note that torch.where(c, a, b) sends a zero gradient into the branch it did not "
            "pick, and 0 × inf = nan: every branch must stay finite, so compute exp(-|x|) once"
        )
    return None


def _relu_grad_cases() -> list[Case]:
    return [
        Case("the book's arange(-8, 8, 0.1)", (_book_range(),)),
        Case("random (5, 7)", (randn(5, 7, seed=111, scale=3.0),)),
        Case("exact zeros", (torch.tensor([[-1.0, 0.0, 2.0], [0.0, 0.0, -3.0]]),)),
        Case("float64 (3, 4, 5)", (randn(3, 4, 5, seed=112, dtype=torch.float64),), visible=False),
    ]


def _relu_grad_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, X = student.get("output"), case.args[0]
    if isinstance(out, torch.Tensor) and out.shape == X.shape and bool((out[X == 0] == 1).any()):
        return "at exactly 0 take the left derivative, 0, as the book does: 1 where X > 0, else 0"
    return None


def _smooth_grad_cases(seed: int) -> list[Case]:
    return [
        Case("the book's arange(-8, 8, 0.1)", (_book_range(),)),
        Case("random (5, 7)", (randn(5, 7, seed=seed, scale=3.0),)),
        Case(
            "float64 (3, 4, 5)",
            (randn(3, 4, 5, seed=seed + 1, dtype=torch.float64),),
            visible=False,
        ),
        Case("large magnitudes ~ ±100", (randn(32, seed=seed + 2, scale=100.0),), visible=False),
    ]


def _derivative_hint(case: Case, expected: dict, student: dict) -> str | None:
    if _nonfinite(student.get("output")):
        return (
            "the derivative overflows for large |x|: write it with the (stable) function itself, "
            "sigmoid(x) (1 - sigmoid(x)) or 1 - tanh(x)^2"
        )
    return None


# 4.2 the MLP from scratch ----------------------------------------------------------------------


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


# 4.4 model selection ---------------------------------------------------------------------------


def _polynomial_cases() -> list[Case]:
    return [
        Case("x (5,), max_degree 4", (T(randn(5, seed=131), True), 4), grad=(0,)),
        Case("the book's x (100, 1), max_degree 20", (randn(100, 1, seed=132), 20)),
        Case(
            "float64 x (7, 1), max_degree 6",
            (T(randn(7, 1, seed=133, dtype=torch.float64), True), 6),
            grad=(0,),
            visible=False,
        ),
        Case("max_degree 1 (the constant only)", (randn(3, seed=134), 1), visible=False),
    ]


def _polynomial_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    x = case.args[0].value if isinstance(case.args[0], T) else case.args[0]
    d = case.args[1]
    powers = torch.arange(d, dtype=torch.float64)
    column = x.reshape(-1, 1).double()
    if _close(out, column**powers):
        return "divide the i-th power by i! (math.gamma(i + 1)) so that high powers stay small"
    shifted = column ** (powers + 1) / torch.tensor([math.gamma(i + 2) for i in range(d)])
    if _close(out, shifted.double()):
        return "the features start at x^0 / 0! = 1 (the constant term): i runs from 0 to max_degree - 1"
    return None


def _batches_params(seed: int, n: int, d: int, batch_size: int, row_labels: bool) -> dict:
    y = randn(n, seed=seed + 3) if row_labels else randn(n, 1, seed=seed + 3)
    return {
        "W": randn(d, 1, seed=seed, scale=0.5),
        "b": randn(1, seed=seed + 1),
        "X": randn(n, d, seed=seed + 2),
        "y": y,
        "batch_size": batch_size,
    }


def _evaluate_loss_cases() -> list[Case]:
    return [
        Case(
            "nn.Linear, MSELoss, labels (30, 1), 3 batches of 10",
            fixture=Fixture(
                "ch04.regression_batches",
                {**_batches_params(141, 30, 4, 10, False), "net": "module", "loss": "mse"},
            ),
        ),
        Case(
            "labels (25,) as a row, uneven batches of 10",
            fixture=Fixture(
                "ch04.regression_batches",
                {**_batches_params(145, 25, 3, 10, True), "net": "module", "loss": "mse"},
            ),
        ),
        Case(
            "a plain function net, scratch squared loss, labels (23,), batches of 5",
            fixture=Fixture(
                "ch04.regression_batches",
                {**_batches_params(149, 23, 5, 5, True), "net": "function", "loss": "squared"},
            ),
            visible=False,
        ),
    ]


def _evaluate_loss_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if not isinstance(got, (int, float)):
        return None
    p = case.fixture.params
    X, y = p["X"], p["y"]
    out = X @ p["W"] + p["b"]
    losses = (out - y.reshape(out.shape)) ** 2 / (2 if p["loss"] == "squared" else 1)
    size = p["batch_size"]
    means = [float(losses[i : i + size].mean()) for i in range(0, len(X), size)]
    if len(X) % size and math.isclose(got, sum(means) / len(means), rel_tol=1e-4):
        return "average over all examples, not over batches: add up the losses and count them"
    if y.dim() == 1:
        total, count = 0.0, 0
        for i in range(0, len(X), size):
            broadcast = (out[i : i + size] - y[i : i + size]) ** 2
            total, count = total + float(broadcast.sum()), count + broadcast.numel()
        if math.isclose(got, total / count / (2 if p["loss"] == "squared" else 1), rel_tol=1e-4):
            return "the labels (n,) broadcast against the (n, 1) output: reshape y to out.shape"
    return None


# 4.5 weight decay ------------------------------------------------------------------------------


def _penalty_cases() -> list[Case]:
    return [
        Case("w (5, 1)", (T(randn(5, 1, seed=151), True),), grad=(0,)),
        Case("the book's w (200, 1)", (T(randn(200, 1, seed=152), True),), grad=(0,)),
        Case(
            "a matrix (8, 3), float64",
            (T(randn(8, 3, seed=153, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _l2_hint(case: Case, expected: dict, student: dict) -> str | None:
    got, want = student.get("output"), expected["output"]
    if isinstance(got, torch.Tensor) and got.numel() == 1 and float(want) > 0:
        ratio = float(got) / float(want)
        if math.isclose(ratio, 2, rel_tol=1e-3):
            return "divide by 2: with the 1/2 the penalty's gradient is exactly w"
        norm = float(case.args[0].value.double().norm())
        if math.isclose(float(got), norm, rel_tol=1e-4):
            return "that is the norm ||w||; the penalty is half its square, sum(w ** 2) / 2"
    if isinstance(got, torch.Tensor) and got.numel() > 1:
        return "return one number (a 0-d tensor): sum over every entry of w"
    return None


def train_epoch_wd(
    w: torch.Tensor,
    b: torch.Tensor,
    train_iter: list[tuple[torch.Tensor, torch.Tensor]],
    lambd: float,
    lr: float,
) -> None:
    """The reference epoch of 4.5's scratch training (the loop body of d2lkit's
    `train_weight_decay`): squared loss plus `lambd * l2_penalty(w)` per example, backward of the
    sum, `sgd([w, b], lr, batch_size)`. w: (num_inputs, 1), b: (1,), updated in place."""
    for X, y in train_iter:
        l = linear.squared_loss(linear.linreg(X, w, b), y) + lambd * mlp.l2_penalty(w)
        l.sum().backward()
        linear.sgd([w, b], lr, X.shape[0])


def _wd_args(seed: int, n: int, d: int, batch_size: int, lambd: float, lr: float) -> tuple:
    X, y = randn(n, d, seed=seed), randn(n, 1, seed=seed + 1, scale=0.1)
    batches = [(X[i : i + batch_size], y[i : i + batch_size]) for i in range(0, n, batch_size)]
    w = T(randn(d, 1, seed=seed + 2), True)
    b = T(randn(1, seed=seed + 3), True)
    return (w, b, batches, lambd, lr)


def _train_epoch_wd_cases() -> list[Case]:
    return [
        Case("20 examples, 200 inputs, batch 5, lambd 3", _wd_args(161, 20, 200, 5, 3.0, 0.003)),
        Case("12 examples, 4 inputs, batch 4, lambd 0.5", _wd_args(165, 12, 4, 4, 0.5, 0.05)),
        Case("lambd 0: plain SGD", _wd_args(169, 10, 3, 5, 0.0, 0.1), visible=False),
        Case("32 examples, batch 8, lambd 1", _wd_args(173, 32, 10, 8, 1.0, 0.02), visible=False),
    ]


def _simulate_wd(case: Case, lambd_scale: float, penalise_bias: bool) -> torch.Tensor:
    w0, b0, batches, lambd, lr = case.args
    w = w0.value.clone().requires_grad_(True)
    b = b0.value.clone().requires_grad_(True)
    for X, y in batches:
        penalty = mlp.l2_penalty(w) + (mlp.l2_penalty(b) if penalise_bias else 0)
        l = linear.squared_loss(linear.linreg(X, w, b), y) + lambd * lambd_scale * penalty
        l.sum().backward()
        linear.sgd([w, b], lr, X.shape[0])
    return w.detach()


def _train_epoch_wd_hint(case: Case, expected: dict, student: dict) -> str | None:
    after = student.get("args_after") or []
    if not (after and isinstance(after[0], dict)):
        return None
    got = after[0].get("value")
    lambd, batch_size = case.args[3], len(case.args[2][0][0])
    if lambd and _close(got, _simulate_wd(case, 1 / batch_size, False), 1e-4, 1e-7):
        return (
            "the penalty counts once per example: add lambd * l2_penalty(w) to the (n, 1) vector "
            "of losses before summing (sgd then divides the sum by the batch size)"
        )
    if lambd and _close(got, _simulate_wd(case, 0.0, False), 1e-4, 1e-7):
        return "w moved as without the penalty: add lambd * l2_penalty(w) to the loss"
    if lambd and _close(got, _simulate_wd(case, 1.0, True), 1e-4, 1e-7):
        return "only the weights are penalised, not the bias b"
    if torch.equal(got, case.args[0].value):
        return (
            "w did not change: backpropagate the summed loss and call sgd([w, b], lr, batch_size)"
        )
    return None


# 4.6 dropout -----------------------------------------------------------------------------------


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
        return _values_and_grads(expected, student)
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
        if _close(student.get("output"), undropped, 1e-5, 1e-6):
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


# 4.7 backpropagation by hand -------------------------------------------------------------------


def _backprop_args(seed: int, n: int, d: int, h: int, q: int, lambd: float, **kw) -> tuple:
    dtype = kw.get("dtype", torch.float32)
    return (
        randn(n, d, seed=seed, dtype=dtype),
        randint(q, n, seed=seed + 1),
        randn(d, h, seed=seed + 2, scale=kw.get("scale1", 0.5), dtype=dtype),
        randn(h, q, seed=seed + 3, scale=kw.get("scale2", 0.5), dtype=dtype),
        lambd,
    )


def _backprop_cases() -> list[Case]:
    return [
        Case("n 4, d 3, h 5, q 2, lambd 0.1", _backprop_args(191, 4, 3, 5, 2, 0.1)),
        Case("n 16, d 10, h 8, q 4, no penalty", _backprop_args(195, 16, 10, 8, 4, 0.0)),
        Case(
            "float64, n 32, d 20, h 16, q 10, lambd 0.01",
            _backprop_args(199, 32, 20, 16, 10, 0.01, dtype=torch.float64),
            visible=False,
        ),
        Case(
            "large logits (o ~ 1e3), lambd 1e-3",
            _backprop_args(203, 8, 6, 12, 5, 1e-3, scale1=3.0, scale2=100.0),
            visible=False,
        ),
    ]


def _backprop_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    if not isinstance(out, dict):
        return "return a dict with the keys z, h, o, loss, dW1, dW2" if student.get("ok") else None
    if any(_nonfinite(v) for v in out.values()):
        return (
            "exp(o) overflows for large logits: subtract each row's maximum from o before exp "
            "(softmax and log-softmax do not change when a row is shifted)"
        )
    X, _, W1, W2, lambd = case.args
    want = expected["output"]
    data_dW2 = want["dW2"] - lambd * W2
    got = out.get("dW2")
    if lambd and _close(got, data_dW2):
        return "add the gradient of the penalty s = lambd/2 (||W1||² + ||W2||²): lambd * W"
    if _close(got, data_dW2 * X.shape[0] + lambd * W2):
        return (
            "L is the MEAN cross-entropy over the n examples: dL/do = (softmax(o) - onehot(y)) / n"
        )
    if _close(got, data_dW2.T + lambd * W2) or _close(got, data_dW2.T):
        return "dJ/dW2 has W2's shape (h, q): h.T @ dJ/do"
    loss = out.get("loss")
    s = lambd / 2 * ((W1.double() ** 2).sum() + (W2.double() ** 2).sum())
    if (
        lambd
        and isinstance(loss, (torch.Tensor, float))
        and _close(torch.as_tensor(loss).double(), want["loss"].double() - s)
    ):
        return "the objective is J = L + s: add the penalty to the loss"
    return None


# 4.8 Xavier initialisation ---------------------------------------------------------------------


def _xavier_cases() -> list[Case]:
    return [
        Case("Linear(784, 256) weight (256, 784)", (torch.zeros(256, 784),), seed=211),
        Case("Linear(256, 10) weight (10, 256)", (torch.zeros(10, 256),), seed=212),
        Case("Conv2d(32, 64, 3) weight (64, 32, 3, 3)", (torch.zeros(64, 32, 3, 3),), seed=213),
        Case(
            "float64 (300, 100), gain 2",
            (torch.zeros(300, 100, dtype=torch.float64), 2.0),
            seed=214,
            visible=False,
        ),
        Case(
            "Conv1d-like (16, 100, 5), gain 0.5",
            (torch.zeros(16, 100, 5),),
            kwargs={"gain": 0.5},
            seed=215,
            visible=False,
        ),
    ]


def _xavier_target(case: Case) -> tuple[torch.Tensor, float, float]:
    tensor = case.args[0]
    gain = case.args[1] if len(case.args) > 1 else case.kwargs.get("gain", 1.0)
    fan_in, fan_out = mlp.fan_in_and_fan_out(tensor)
    return tensor, gain, gain**2 * 2 / (fan_in + fan_out)


def _xavier_common(case: Case, student: dict) -> tuple[torch.Tensor | None, str | None]:
    tensor = case.args[0]
    out = student["output"]
    if not isinstance(out, torch.Tensor) or out.shape != tensor.shape:
        return None, f"return the filled tensor, of shape {tuple(tensor.shape)}"
    if out.dtype != tensor.dtype:
        return None, f"keep the tensor's dtype {tensor.dtype}, got {out.dtype}"
    filled = student["args_after"][0]["value"]
    if not torch.equal(filled, out):
        return None, "fill the given tensor in place (and return it), as nn.init does"
    if not bool(out.isfinite().all()):
        return None, "the tensor has inf or nan"
    return out.double().reshape(-1), None


def _variance_problem(w: torch.Tensor, var: float, kurtosis: float, case: Case) -> str | None:
    n = w.numel()
    std = math.sqrt(var)
    mean = float(w.mean())
    if abs(mean) > 5 * std / math.sqrt(n):
        return f"the mean should be 0; yours is {mean:.3g} (std {std:.3g})"
    got = float((w**2).mean())
    slack = 5 * math.sqrt((kurtosis - 1) / n) + 0.01
    if abs(got / var - 1) > slack:
        tensor = case.args[0]
        fan_in, fan_out = mlp.fan_in_and_fan_out(tensor)
        ratio = got / var
        hints = []
        if tensor.dim() > 2 and abs(ratio - math.prod(tensor.shape[2:])) < 0.1 * ratio:
            hints.append(
                "fan_in and fan_out include the receptive field: multiply by the product of "
                "the kernel dimensions (shape[2:])"
            )
        if abs(ratio - 0.5) < 0.05:
            hints.append("the variance is half what it should be")
        gain = case.args[1] if len(case.args) > 1 else case.kwargs.get("gain", 1.0)
        if gain != 1 and abs(ratio * gain**2 - 1) < 0.1:
            hints.append("multiply the scale by gain (the variance by gain²)")
        hint = f" ({'; '.join(hints)})" if hints else ""
        return (
            f"the variance should be gain² · 2 / (fan_in + fan_out) = {var:.4g} with fan_in "
            f"{fan_in}, fan_out {fan_out}; yours is {got:.4g}{hint}"
        )
    return None


def _check_xavier_uniform(case: Case, expected: dict, student: dict) -> str | None:
    w, problem = _xavier_common(case, student)
    if problem:
        return problem
    _, gain, var = _xavier_target(case)
    problem = _variance_problem(w, var, 1.8, case)
    if problem:
        return problem
    bound = math.sqrt(3 * var)
    top = float(w.abs().max())
    if top > bound * (1 + 1e-5):
        return (
            f"every value should lie in [-a, a] with a = gain · sqrt(6 / (fan_in + fan_out)) = "
            f"{bound:.4g}; yours reach {top:.4g} (a uniform distribution, not a normal one)"
        )
    if top < bound * 0.97:
        return f"the values should fill [-a, a] with a = {bound:.4g}; yours stop at {top:.4g}"
    return None


def _check_xavier_normal(case: Case, expected: dict, student: dict) -> str | None:
    w, problem = _xavier_common(case, student)
    if problem:
        return problem
    _, gain, var = _xavier_target(case)
    problem = _variance_problem(w, var, 3.0, case)
    if problem:
        return problem
    std = math.sqrt(var)
    tail = float((w.abs() > 2 * std).double().mean())
    want = math.erfc(2 / math.sqrt(2))
    if abs(tail - want) > 5 * math.sqrt(want * (1 - want) / w.numel()) + 1e-3:
        return (
            f"a normal distribution has {want:.2%} of its values beyond 2 std; yours has "
            f"{tail:.2%}: draw from N(0, std²)"
        )
    return None


# 4.10 Kaggle house prices ----------------------------------------------------------------------


def _house_frames_small() -> dict:
    train = {
        "Id": [1, 2, 3, 4, 5, 6, 7],
        "LotArea": [8450, 9600, 11250, None, 14260, 14115, 10084],
        "YearBuilt": [2003, 1976, 2001, 1915, 2000, 1993, 2004],
        "MSZoning": ["RL", "RL", "RM", None, "RL", "C (all)", "RL"],
        "Street": ["Pave", "Pave", "Pave", "Pave", "Pave", "Pave", "Grvl"],
        "SalePrice": [208500, 181500, 223500, 140000, 250000, 143000, 307000],
    }
    test = {
        "Id": [8, 9, 10, 11],
        "LotArea": [11200, None, 9000, 8000],
        "YearBuilt": [1961, 1958, 1997, None],
        "MSZoning": ["RH", "RL", None, "FV"],
        "Street": ["Pave", "Pave", "Grvl", "Pave"],
    }
    return {"train": train, "test": test}


def _house_frames_wide() -> dict:
    g = torch.Generator().manual_seed(221)
    n_train, n_test = 12, 5

    def ints(n: int, low: int, high: int) -> list:
        return torch.randint(low, high, (n,), generator=g).tolist()

    def floats(n: int, scale: float) -> list:
        return [round(v, 2) for v in (torch.rand(n, generator=g) * scale).tolist()]

    def choice(n: int, values: list) -> list:
        return [values[i] for i in torch.randint(0, len(values), (n,), generator=g).tolist()]

    train = {
        "Id": list(range(1, n_train + 1)),
        "MSSubClass": ints(n_train, 20, 190),
        "LotFrontage": [None if i % 5 == 0 else v for i, v in enumerate(floats(n_train, 100))],
        "Alley": choice(n_train, ["Grvl", "Pave", None, None]),
        "OverallQual": ints(n_train, 1, 11),
        "MasVnrType": choice(n_train, ["None", "BrkFace", "Stone"]),
        "GarageArea": floats(n_train, 900),
        "SaleCondition": choice(n_train, ["Normal", "Abnorml", "Partial"]),
        "SalePrice": ints(n_train, 50_000, 500_000),
    }
    test = {
        "Id": list(range(n_train + 1, n_train + n_test + 1)),
        "MSSubClass": ints(n_test, 20, 190),
        "LotFrontage": floats(n_test, 100),
        "Alley": choice(n_test, ["Grvl", None]),
        "OverallQual": ints(n_test, 1, 11),
        "MasVnrType": ["BrkCmn", "None", None, "Stone", "BrkFace"],
        "GarageArea": [None, *floats(n_test - 1, 900)],
        "SaleCondition": choice(n_test, ["Normal", "Family"]),
    }
    return {"train": train, "test": test}


def _preprocess_cases() -> list[Case]:
    return [
        Case(
            "7 training and 4 test houses, 2 numeric and 2 text columns",
            fixture=Fixture("ch04.house_frames", _house_frames_small()),
        ),
        Case(
            "12 + 5 houses, 4 numeric and 4 text columns, values seen only in the test set",
            fixture=Fixture("ch04.house_frames", _house_frames_wide()),
            visible=False,
        ),
    ]


def _preprocess_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    if not (isinstance(out, (list, tuple)) and len(out) == 3):
        return "return (train_features, test_features, train_labels), three float32 tensors"
    want = expected["output"]
    got_cols = getattr(out[0], "shape", (0, 0))[-1]
    want_cols = want[0].shape[1]
    if isinstance(out[0], torch.Tensor) and out[0].dim() == 2 and got_cols != want_cols:
        return (
            f"{want_cols} feature columns are expected, you have {got_cols}: process train and "
            "test together (pd.concat) and add an indicator for missing text values "
            "(pd.get_dummies(..., dummy_na=True))"
        )
    if isinstance(out[2], torch.Tensor) and out[2].dim() == 1:
        return "train_labels is a column, shape (n_train, 1)"
    return None


def _price_params(seed: int, n: int, d: int, bias: float, scale: float) -> dict:
    return {
        "W": randn(d, 1, seed=seed, scale=scale),
        "b": torch.tensor([bias]),
        "X": randn(n, d, seed=seed + 1),
        "y": torch.exp(randn(n, 1, seed=seed + 2, scale=0.4) + 12.0),
    }


def _log_rmse_cases() -> list[Case]:
    return [
        Case(
            "20 houses, predictions around 160,000",
            fixture=Fixture("ch04.price_model", _price_params(231, 20, 4, 160_000.0, 20_000.0)),
        ),
        Case(
            "some predictions below 1 (negative prices)",
            fixture=Fixture("ch04.price_model", _price_params(235, 30, 3, 1_000.0, 5_000.0)),
        ),
        Case(
            "64 houses, 10 features",
            fixture=Fixture("ch04.price_model", _price_params(239, 64, 10, 150_000.0, 10_000.0)),
            visible=False,
        ),
    ]


def _log_rmse_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if isinstance(got, float) and math.isnan(got):
        return "log of a prediction <= 0 is nan: clamp the predictions to at least 1 first"
    return None


def _k_fold_data_cases() -> list[Case]:
    return [
        Case("k 5, fold 0, 20 rows", (5, 0, randn(20, 3, seed=241), randn(20, 1, seed=242))),
        Case(
            "k 5, last fold, 23 rows (3 left over)",
            (5, 4, randn(23, 2, seed=243), randn(23, 1, seed=244)),
        ),
        Case(
            "k 3, middle fold, 10 rows",
            (3, 1, randn(10, 4, seed=245), randn(10, 1, seed=246)),
            visible=False,
        ),
        Case(
            "k 4, fold 2, float64, 17 rows",
            (
                4,
                2,
                randn(17, 5, seed=247, dtype=torch.float64),
                randn(17, 1, seed=248, dtype=torch.float64),
            ),
            visible=False,
        ),
    ]


def _k_fold_data_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    k, _, X, _ = case.args
    if isinstance(out, (list, tuple)) and len(out) == 4 and isinstance(out[0], torch.Tensor):
        fold = X.shape[0] // k
        if out[0].shape[0] != (k - 1) * fold and X.shape[0] % k:
            return (
                f"each fold has n // k = {fold} rows; the last n % k rows belong to no fold, "
                f"so the training part has (k - 1) * {fold} rows"
            )
    return None


def _k_fold_args(seed: int, n: int, d: int, k: int, epochs: int, wd: float, batch: int) -> tuple:
    X = randn(n, d, seed=seed)
    w = randn(d, 1, seed=seed + 1, scale=0.3)
    y = torch.exp(X @ w + 5.0)
    return (k, X, y, epochs, 1.0, wd, batch)


def _k_fold_cases() -> list[Case]:
    return [
        Case("k 4, 40 houses, 3 epochs, batch 8", _k_fold_args(251, 40, 5, 4, 3, 0.0, 8)),
        Case(
            "k 3, 37 houses, 4 epochs, weight decay 0.1, batch 10",
            _k_fold_args(255, 37, 4, 3, 4, 0.1, 10),
            visible=False,
        ),
    ]


def _check_k_fold(case: Case, expected: dict, student: dict) -> str | None:
    out = student["output"]
    ref = expected["output"]
    want = [ref["train_avg"], ref["valid_avg"]]
    if isinstance(out, dict) and {"train_avg", "valid_avg"} <= set(out):
        got = [out["train_avg"], out["valid_avg"]]
    elif isinstance(out, (list, tuple)) and len(out) == 2:
        got = list(out)
    else:
        return "return the pair (average training log rmse, average validation log rmse)"
    problem = compare_values(want, got, Compare(rtol=1e-4, atol=1e-6), "(train, valid)")
    if problem is None:
        return None
    k = case.args[0]
    if all(
        isinstance(g, (int, float)) and math.isclose(g, k * w, rel_tol=1e-4)
        for g, w in zip(got, want)
    ):
        problem += "\nhint: divide the sums of the folds' final log rmse by k"
    else:
        problem += (
            "\nhint: for each fold i, split with get_k_fold_data(k, i, X, y), train a NEW "
            "get_net(X.shape[1]) with train(...), and add up the LAST epoch's log rmse of each"
        )
    return problem


EXERCISES = [
    Exercise(
        "ch04.relu",
        "relu",
        1,
        mlp.relu,
        _relu_cases,
        NB_MLP,
        forbidden=(
            "relu",
            "relu_",
            "clamp",
            "clamp_",
            "clamp_min",
            "clamp_min_",
            "clip",
            "_threshold",
            "threshold",
            "hardtanh",
            "relu6",
            "leaky_relu",
            "rrelu",
            "elu",
            "selu",
            "celu",
        ),
    ),  # fmt: skip
    Exercise(
        "ch04.sigmoid",
        "sigmoid",
        1,
        mlp.sigmoid,
        _activation_cases,
        NB_MLP,
        forbidden=(
            "sigmoid",
            "sigmoid_",
            "special_expit",
            "log_sigmoid",
            "silu",
            "tanh",
            "tanh_",
            "softmax",
            "log_softmax",
            "softplus",
            "hardsigmoid",
        ),
        hint=_safe(_activation_hint),
    ),  # fmt: skip
    Exercise(
        "ch04.tanh",
        "tanh",
        1,
        mlp.tanh,
        _activation_cases,
        NB_MLP,
        forbidden=(
            "tanh",
            "tanh_",
            "sigmoid",
            "sigmoid_",
            "special_expit",
            "log_sigmoid",
            "hardtanh",
            "softsign",
            "softmax",
        ),
        hint=_safe(_activation_hint),
    ),  # fmt: skip
    Exercise(
        "ch04.relu_grad",
        "relu_grad",
        1,
        mlp.relu_grad,
        _relu_grad_cases,
        NB_MLP,
        forbidden=(*AUTOGRAD, "threshold_backward"),
        hint=_safe(_relu_grad_hint),
        description="the derivative by formula, not by autograd",
    ),
    Exercise(
        "ch04.sigmoid_grad",
        "sigmoid_grad",
        1,
        mlp.sigmoid_grad,
        lambda: _smooth_grad_cases(113),
        NB_MLP,
        compare=Compare(grads=False),
        forbidden=(*AUTOGRAD, "sigmoid_backward"),
        hint=_safe(_derivative_hint),
    ),
    Exercise(
        "ch04.tanh_grad",
        "tanh_grad",
        1,
        mlp.tanh_grad,
        lambda: _smooth_grad_cases(117),
        NB_MLP,
        compare=Compare(grads=False),
        forbidden=(*AUTOGRAD, "tanh_backward"),
        hint=_safe(_derivative_hint),
    ),
    Exercise(
        "ch04.mlp_scratch",
        "MLPScratch",
        2,
        mlp.MLPScratch,
        _mlp_scratch_cases,
        NB_SCRATCH,
        kind="module",
        forbidden=("linear", "relu", "relu_", "clamp", "clamp_min", "_threshold", "hardtanh"),
    ),
    Exercise(
        "ch04.polynomial_features",
        "polynomial_features",
        1,
        mlp.polynomial_features,
        _polynomial_cases,
        NB_SELECTION,
        hint=_safe(_polynomial_hint),
    ),
    Exercise(
        "ch04.evaluate_loss",
        "evaluate_loss",
        1,
        mlp.evaluate_loss,
        _evaluate_loss_cases,
        NB_SELECTION,
        compare=Compare(rtol=1e-5, atol=1e-7),
        hint=_safe(_evaluate_loss_hint),
    ),
    Exercise(
        "ch04.l2_penalty",
        "l2_penalty",
        1,
        mlp.l2_penalty,
        _penalty_cases,
        NB_WEIGHT_DECAY,
        forbidden=("mse_loss",),
        hint=_safe(_l2_hint),
    ),
    Exercise(
        "ch04.l1_penalty",
        "l1_penalty",
        1,
        mlp.l1_penalty,
        _penalty_cases,
        NB_WEIGHT_DECAY,
        forbidden=("l1_loss",),
    ),
    Exercise(
        "ch04.train_epoch_wd",
        "train_epoch_wd",
        2,
        train_epoch_wd,
        _train_epoch_wd_cases,
        NB_WEIGHT_DECAY,
        compare=Compare(rtol=1e-4, atol=1e-6),
        forbidden=("d2lkit.mlp.train_weight_decay",),
        hint=_safe(_train_epoch_wd_hint),
        description="one epoch of scratch training with the L2 penalty, vs the reference's",
    ),
    Exercise(
        "ch04.dropout_layer",
        "dropout_layer",
        2,
        mlp.dropout_layer,
        _dropout_cases,
        NB_DROPOUT,
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
        "ch04.dropout_mlp",
        "DropoutMLPScratch",
        2,
        DropoutMLPScratch,
        _dropout_mlp_cases,
        NB_DROPOUT,
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
        hint=_safe(_dropout_mlp_hint),
    ),  # fmt: skip
    Exercise(
        "ch04.manual_backprop",
        "manual_backprop",
        3,
        mlp.manual_backprop,
        _backprop_cases,
        NB_BACKPROP,
        forbidden=(*AUTOGRAD, "cross_entropy", "nll_loss"),
        hint=_safe(_backprop_hint),
    ),
    Exercise(
        "ch04.xavier_uniform",
        "xavier_uniform_",
        2,
        mlp.xavier_uniform_,
        _xavier_cases,
        NB_INIT,
        compare=Compare(checker=_check_xavier_uniform),
        # nn.init.xavier_* do not dispatch __torch_function__, so these two names are not
        # recorded by the harvest (torch 2.x); kaiming_* are
        forbidden=("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"),
    ),
    Exercise(
        "ch04.xavier_normal",
        "xavier_normal_",
        1,
        mlp.xavier_normal_,
        _xavier_cases,
        NB_INIT,
        compare=Compare(checker=_check_xavier_normal),
        forbidden=("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"),
    ),
    Exercise(
        "ch04.preprocess",
        "preprocess",
        2,
        kaggle_house.preprocess,
        _preprocess_cases,
        NB_KAGGLE,
        hint=_safe(_preprocess_hint),
    ),
    Exercise(
        "ch04.log_rmse",
        "log_rmse",
        1,
        kaggle_house.log_rmse,
        _log_rmse_cases,
        NB_KAGGLE,
        compare=Compare(rtol=1e-5, atol=1e-7),
        hint=_safe(_log_rmse_hint),
    ),
    Exercise(
        "ch04.get_k_fold_data",
        "get_k_fold_data",
        1,
        kaggle_house.get_k_fold_data,
        _k_fold_data_cases,
        NB_KAGGLE,
        hint=_safe(_k_fold_data_hint),
    ),
    Exercise(
        "ch04.k_fold",
        "k_fold",
        2,
        kaggle_house.k_fold,
        _k_fold_cases,
        NB_KAGGLE,
        compare=Compare(checker=_check_k_fold),
        description="a short seeded K-fold run on tiny data, vs the reference's averages",
    ),
]
