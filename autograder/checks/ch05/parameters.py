"""5.2 parameter management: parameter shapes, initialisers and tied parameters."""

from __future__ import annotations

import math

import torch

from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import rand, randn
from d2lkit import computation

NB_PARAMETERS = "5.2-parameters"


def _shapes_cases() -> list[Case]:
    return [
        Case(
            "the book's rgnet: nested blocks named 'block i'",
            fixture=Fixture("ch05.nested_net", {"kind": "block2", "seed": 341}),
        ),
        Case(
            "BatchNorm (with buffers) and a layer used twice",
            fixture=Fixture("ch05.nested_net", {"kind": "shared_bn", "seed": 342}),
        ),
        Case(
            "custom blocks with attribute names",
            fixture=Fixture("ch05.nested_net", {"kind": "custom", "seed": 343}),
            visible=False,
        ),
    ]


def _shapes_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if not isinstance(got, dict):
        return "return a dict {name: shape}"
    if any("running" in k or "num_batches" in k for k in got):
        return (
            "state_dict() also holds buffers (BatchNorm's running statistics); "
            "named_parameters() gives the parameters only"
        )
    if len(got) > len(expected["output"]):
        return "a parameter used twice is one parameter: named_parameters() lists it once"
    if len(got) < len(expected["output"]):
        return "named_parameters() recurses into nested blocks; children() goes one level down"
    if any(not isinstance(v, tuple) for v in got.values()):
        return "give each shape as a tuple of ints: tuple(param.shape)"
    return None


def _init_cases(shape: tuple[int, int], seed: int) -> list[Case]:
    return [
        Case(
            f"Linear{shape}",
            fixture=Fixture("ch05.layer", {"kind": "linear", "seed": seed, "shape": shape}),
        ),
        Case("ReLU (no parameters)", fixture=Fixture("ch05.layer", {"kind": "relu", "seed": 0})),
        Case(
            "Conv2d: not a Linear, left as it is",
            fixture=Fixture("ch05.layer", {"kind": "conv", "seed": seed + 1}),
            visible=False,
        ),
        Case(
            "Linear(4, 8), the book's first layer",
            fixture=Fixture("ch05.layer", {"kind": "linear", "seed": seed + 2, "shape": (4, 8)}),
            visible=False,
        ),
    ]


def _untouched(case: Case, expected: dict, student: dict) -> str | None:
    """For cases whose module is not a Linear: nothing may change."""
    want, got = expected["after"], student.get("after")
    if not isinstance(got, dict) or sorted(got) != sorted(want):
        return f"the module's state should keep its keys {sorted(want)}"
    for name, value in want.items():
        if not torch.equal(got[name], value):
            return f"only nn.Linear layers are initialised; this {case.name.split(':')[0]} changed ({name})"
    return None


def _linear_after(case: Case, student: dict) -> tuple[dict | None, str | None]:
    got = student.get("after")
    if not isinstance(got, dict) or sorted(got) != ["bias", "weight"]:
        return None, "the layer should keep its weight and bias"
    return got, None


def _check_init_normal(case: Case, expected: dict, student: dict) -> str | None:
    if case.fixture.params["kind"] != "linear":
        return _untouched(case, expected, student)
    got, problem = _linear_after(case, student)
    if problem:
        return problem
    w = got["weight"].double().reshape(-1)
    n = w.numel()
    mean, std = float(w.mean()), float(w.std())
    if abs(std / 0.01 - 1) > 5 * math.sqrt(0.5 / n) + 0.02:
        return f"the weights should have std 0.01 (N(0, 0.01²)); yours have std {std:.4g}"
    if abs(mean) > 5 * 0.01 / math.sqrt(n) + 1e-4:
        return f"the weights should have mean 0; yours have mean {mean:.4g}"
    if bool(got["bias"].any()):
        return "the biases should be set to 0 (nn.init.zeros_)"
    return None


def _check_my_init(case: Case, expected: dict, student: dict) -> str | None:
    if case.fixture.params["kind"] != "linear":
        return _untouched(case, expected, student)
    got, problem = _linear_after(case, student)
    if problem:
        return problem
    if not torch.equal(got["bias"], expected["after"]["bias"]):
        return "the book's my_init leaves the biases as they are"
    w = got["weight"].double().reshape(-1)
    n = w.numel()
    zero = float((w == 0).double().mean())
    if abs(zero - 0.5) > 5 * math.sqrt(0.25 / n) + 1e-3:
        return (
            f"about half the weights should be 0 (those with |w| < 5 out of U(-10, 10)); "
            f"{zero:.1%} of yours are"
        )
    nonzero = w[w != 0]
    if bool((nonzero.abs() < 5).any()) or bool((nonzero.abs() > 10).any()):
        return "the nonzero weights should lie in [-10, -5] or [5, 10]"
    if nonzero.numel() >= 64:
        mean_abs = float(nonzero.abs().mean())
        if abs(mean_abs - 7.5) > 5 * (5 / math.sqrt(12)) / math.sqrt(nonzero.numel()) + 0.05:
            return f"the nonzero |w| should be uniform on [5, 10] (mean 7.5); yours average {mean_abs:.3g}"
        positive = float((nonzero > 0).double().mean())
        if abs(positive - 0.5) > 5 * math.sqrt(0.25 / nonzero.numel()) + 1e-3:
            return f"the nonzero weights should be positive or negative alike; {positive:.1%} are positive"
    return None


def _tied_cases() -> list[Case]:
    return [
        Case("X (2, 4)", (T(rand(2, 4, seed=351), True),), grad=(0,), seed=351),
        Case("X (10, 4)", (T(randn(10, 4, seed=352), True),), grad=(0,), seed=352, visible=False),
    ]


def _tied_hint(case: Case, expected: dict, student: dict) -> str | None:
    if "4.weight" in (student.get("param_grads") or {}):
        return (
            "net[2] and net[4] are two separate layers: create shared = nn.Linear(8, 8) once and "
            "put that one object in both places; its gradient is then the sum of both uses"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch05.named_parameter_shapes",
        origin="kit",
        target="named_parameter_shapes",
        points=1,
        reference=computation.named_parameter_shapes,
        cases=_shapes_cases,
        notebook=NB_PARAMETERS,
        hint=_shapes_hint,
    ),
    Exercise(
        id="ch05.init_normal",
        target="init_normal",
        points=1,
        reference=computation.init_normal,
        cases=lambda: _init_cases((256, 512), 401),
        notebook=NB_PARAMETERS,
        compare=Compare(checker=_check_init_normal),
    ),
    Exercise(
        id="ch05.init_constant",
        target="init_constant",
        points=1,
        reference=computation.init_constant,
        cases=lambda: _init_cases((16, 8), 411),
        notebook=NB_PARAMETERS,
    ),
    Exercise(
        id="ch05.my_init",
        target="my_init",
        points=2,
        reference=computation.my_init,
        cases=lambda: _init_cases((128, 256), 421),
        notebook=NB_PARAMETERS,
        compare=Compare(checker=_check_my_init),
    ),
    Exercise(
        id="ch05.shared_layer_net",
        target="shared_layer_net",
        points=2,
        reference=computation.shared_layer_net,
        cases=_tied_cases,
        notebook=NB_PARAMETERS,
        kind="module",
        hint=_tied_hint,
        description="tied parameters: the shared layer's gradient sums both uses",
    ),
]
