"""4.8 Xavier initialisation."""

from __future__ import annotations

import math

import torch

from autograder.spec import Case, Compare, Exercise
from d2lkit import mlp

NB_INIT = "4.8-numerical-stability-and-init"


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


EXERCISES = [
    Exercise(
        id="ch04.xavier_uniform",
        origin="kit",
        target="xavier_uniform_",
        points=2,
        reference=mlp.xavier_uniform_,
        cases=_xavier_cases,
        notebook=NB_INIT,
        compare=Compare(checker=_check_xavier_uniform),
        # nn.init.xavier_* do not dispatch __torch_function__, so these two names are not
        # recorded by the harvest (torch 2.x); kaiming_* are
        forbidden=("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"),
    ),
    Exercise(
        id="ch04.xavier_normal",
        origin="kit",
        target="xavier_normal_",
        points=1,
        reference=mlp.xavier_normal_,
        cases=_xavier_cases,
        notebook=NB_INIT,
        compare=Compare(checker=_check_xavier_normal),
        forbidden=("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"),
    ),
]
