"""7.5 batch normalization: the function, the module and LeNet with batch norm."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch07._common import REFERENCES, _image, _net
from autograder.hints import LAYERS, close
from autograder.networks import network_checker, network_hint, traced
from autograder.spec import Case, Compare, Exercise, T
from autograder.strategies import rand, randn
from d2lkit import batch_norm as bn

NB_BATCH_NORM = "7.5-batch-norm"

# a network with a from-scratch batch norm sums in its own order: a little more slack
SCRATCH_BN_NETWORK = Compare(checker=network_checker(rtol=1e-4, atol=1e-5))
BN_BUILTINS = ("batch_norm", "native_batch_norm", "instance_norm", "layer_norm", "group_norm")


def _bn_case(name: str, X: torch.Tensor, training: bool, seed: int, eps: float = 1e-5,
             momentum: float = 0.9, visible: bool = True) -> Case:  # fmt: skip
    shape = (1, X.shape[1]) + (1, 1) * (X.dim() == 4)
    dtype = X.dtype
    gamma = (rand(*shape, seed=seed, low=0.5, high=1.5)).to(dtype)
    beta = randn(*shape, seed=seed + 1, dtype=dtype)
    moving_mean = randn(*shape, seed=seed + 2, scale=0.5, dtype=dtype)
    moving_var = rand(*shape, seed=seed + 3, low=0.5, high=2.0).to(dtype)
    args = (T(X, True), T(gamma, True), T(beta, True), moving_mean, moving_var)
    kwargs = {"eps": eps, "momentum": momentum, "training": training}
    return Case(name, args, kwargs, grad=(0, 1, 2), visible=visible)


def _batch_norm_cases() -> list[Case]:
    return [
        _bn_case(
            "fully connected (8, 5), training", randn(8, 5, seed=371, scale=2.0) + 1, True, 371
        ),
        _bn_case(
            "convolutional (4, 3, 5, 6), training", randn(4, 3, 5, 6, seed=372) - 0.5, True, 372
        ),
        _bn_case("fully connected (6, 4), evaluation", randn(6, 4, seed=373), False, 373),
        _bn_case("convolutional (2, 3, 4, 4), evaluation", randn(2, 3, 4, 4, seed=374), False, 374),
        _bn_case(
            "momentum 0.7, eps 1e-3, convolutional (3, 4, 3, 5), training",
            randn(3, 4, 3, 5, seed=375),
            True,
            375,
            eps=1e-3,
            momentum=0.7,
            visible=False,
        ),
        _bn_case(
            "float64, mean 100, scale 10, fully connected (16, 7), training",
            randn(16, 7, seed=376, scale=10.0, dtype=torch.float64) + 100,
            True,
            376,
            visible=False,
        ),
        _bn_case(
            "a batch of 2, fully connected (2, 3), training",
            randn(2, 3, seed=377),
            True,
            377,
            visible=False,
        ),
        _bn_case(
            "float64 convolutional (3, 2, 3, 3), evaluation",
            randn(3, 2, 3, 3, seed=378, dtype=torch.float64),
            False,
            378,
            visible=False,
        ),
    ]


def _statistics(X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    dims = (0,) if X.dim() == 2 else (0, 2, 3)
    mean = X.mean(dim=dims, keepdim=True)
    var = ((X - mean) ** 2).mean(dim=dims, keepdim=True)
    m = X.numel() // X.shape[1]
    return mean, var, var * m / (m - 1)


def _batch_norm_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    if not (isinstance(out, (list, tuple)) and len(out) == 3):
        return "return the triple (Y, moving_mean, moving_var)"
    Y, new_mean, new_var = out
    X, gamma, beta = (a.value for a in case.args[:3])
    moving_mean, moving_var = case.args[3], case.args[4]
    eps, momentum, training = case.kwargs["eps"], case.kwargs["momentum"], case.kwargs["training"]
    mean, var, unbiased = _statistics(X)
    if isinstance(new_mean, torch.Tensor) and new_mean.shape != moving_mean.shape:
        where = "over dims (0, 2, 3), one value per channel" if X.dim() == 4 else "over dim 0"
        return (
            f"average {where}, with keepdim=True: the statistics keep the shape "
            f"{tuple(moving_mean.shape)}"
        )
    with_batch = gamma * (X - mean) / torch.sqrt(var + eps) + beta
    with_moving = gamma * (X - moving_mean) / torch.sqrt(moving_var + eps) + beta
    if not training:
        if close(Y, with_batch, LAYERS):
            return (
                "in evaluation (training=False) normalise with moving_mean and moving_var, "
                "not the batch's statistics"
            )
        return None
    if close(Y, with_moving, LAYERS):
        return "in training normalise with the batch's own mean and variance"
    if close(Y, gamma * (X - mean) / torch.sqrt(unbiased + eps) + beta, LAYERS):
        return (
            "normalise with the biased variance: the mean of (X - mean)**2, divided by m, not m - 1"
        )
    swapped = (1 - momentum) * moving_mean + momentum * mean
    if close(new_mean, swapped, LAYERS) and not close(new_mean, expected["output"][1], LAYERS):
        return (
            "the book's momentum weighs the old value: moving_mean = momentum * moving_mean + "
            "(1 - momentum) * mean (torch's nn.BatchNorm momentum is the other way round)"
        )
    if close(new_var, momentum * moving_var + (1 - momentum) * unbiased, LAYERS):
        return "update moving_var with the same biased variance that normalised X (divide by m)"
    outputs_match = all(close(g, e, LAYERS) for g, e in zip(out, expected["output"]))
    if outputs_match:
        return (
            "Y and the statistics are right but the gradients are not: update the moving statistics "
            "under torch.no_grad() (or detach them) so that no gradient flows through them"
        )
    return None


def _bn_module_cases() -> list[Case]:
    def case(name: str, init: tuple, shape: tuple, seed: int, **kw: Any) -> Case:
        def batch(i: int) -> torch.Tensor:
            return randn(*shape, seed=seed + i, scale=1.0 + i) + 0.5 * i

        visible = kw.pop("visible", True)
        fixture = traced(batch(0), requires_grad=True, steps=[batch(1), batch(2)], eval_X=batch(3))
        return Case(name, init=init, grad=(0,), seed=seed, visible=visible, fixture=fixture)

    return [
        case("fully connected, 5 features, batches of 8, 3 steps then eval", (5, 2), (8, 5), 381),
        case(
            "convolutional, 3 channels, (4, 3, 5, 5), 3 steps then eval", (3, 4), (4, 3, 5, 5), 385
        ),
        case("fully connected, batches of 2", (3, 2), (2, 3), 389, visible=False),
        case("convolutional, 6 channels, (2, 6, 3, 4)", (6, 4), (2, 6, 3, 4), 393, visible=False),
    ]


def _bn_module_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("after") or {}
    mean = (student.get("state") or {}).get("moving_mean")
    want = (expected.get("state") or {}).get("moving_mean")
    if isinstance(mean, torch.Tensor) and bool((mean == 0).all()) and not bool((want == 0).all()):
        return (
            "the moving statistics did not change: assign the updated ones back "
            "(self.moving_mean, self.moving_var = ...)"
        )
    eval_X = case.fixture.params["eval_X"] if case.fixture else None
    after_steps = got.get("state_after_steps") or {}
    if eval_X is not None and "gamma" in after_steps:
        batch_mean, batch_var, _ = _statistics(eval_X)
        gamma, beta = after_steps["gamma"], after_steps["beta"]
        with_batch = gamma * (eval_X - batch_mean) / torch.sqrt(batch_var + 1e-5) + beta
        if close(got.get("eval_output"), with_batch, LAYERS):
            return (
                "in evaluation mode use the moving statistics: pass training=self.training "
                "(net.eval() sets it to False; torch.is_grad_enabled() stays True)"
            )
    return network_hint(case, expected, student)


def _lenet_bn_cases() -> list[Case]:
    return [
        Case(
            "(4, 1, 28, 28), a second step, then eval",
            grad=(0,),
            seed=401,
            fixture=traced(
                _image(4, 1, 28, 28, seed=401),
                requires_grad=True,
                steps=[_image(4, 1, 28, 28, seed=402)],
                eval_X=_image(2, 1, 28, 28, seed=403),
            ),
        ),
    ]


EXERCISES = [
    Exercise(id="ch07.batch_norm", target="batch_norm", points=3, reference=bn.batch_norm,
             cases=_batch_norm_cases, notebook=NB_BATCH_NORM,
             forbidden=BN_BUILTINS + REFERENCES, hint=_batch_norm_hint,
             description="training (batch statistics, moving averages) and evaluation, FC and conv layouts"),
    _net("ch07.BatchNorm", "BatchNorm", 2, bn.BatchNorm, _bn_module_cases, NB_BATCH_NORM,
         compare=SCRATCH_BN_NETWORK, forbidden=BN_BUILTINS + REFERENCES, hint=_bn_module_hint,
         description="three training steps (running statistics), then evaluation mode"),
    _net("ch07.lenet_bn", "lenet_bn", 1, bn.lenet_bn, _lenet_bn_cases, NB_BATCH_NORM,
         compare=SCRATCH_BN_NETWORK, forbidden=BN_BUILTINS + REFERENCES),
]  # fmt: skip
