"""Chapter 5 — deep learning computation: the exercises of 5.1, 5.2, 5.4 and 5.5.

5.3 (deferred initialisation) has no PyTorch code in the book and is shown, not graded, at the end
of 5.2's notebook. 5.6's `try_gpu` / `try_all_gpus` return `torch.device`s, which the harvest does
not carry (outputs are plain data), so 5.6 is self-checked with asserts, not graded.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from autograder.compare import compare_values
from autograder.hints import TIGHT, close
from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import rand, randn
from d2lkit import computation

NB_BLOCKS = "5.1-model-construction"
NB_PARAMETERS = "5.2-parameters"
NB_LAYERS = "5.4-custom-layer"
NB_IO = "5.5-read-write"


# 5.1 layers and blocks -------------------------------------------------------------------------


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


# 5.2 parameter management ----------------------------------------------------------------------


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


# 5.4 custom layers -----------------------------------------------------------------------------


def _centered_cases() -> list[Case]:
    return [
        Case("the book's [1, 2, 3, 4, 5]", (T(torch.arange(1.0, 6.0), True),), grad=(0,)),
        Case("X (4, 8)", (T(randn(4, 8, seed=361, scale=3.0), True),), grad=(0,)),
        Case(
            "float64 (3, 4, 5)",
            (T(randn(3, 4, 5, seed=362, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _centered_hint(case: Case, expected: dict, student: dict) -> str | None:
    X = case.args[0].value
    if X.dim() > 1 and close(student.get("output"), X - X.mean(dim=0), TIGHT):
        return "subtract the mean of ALL elements, X.mean(), not the mean of each column"
    return None


def _linear_cases() -> list[Case]:
    return [
        Case(
            "the book's MyLinear(5, 3) on X (2, 5)",
            (T(rand(2, 5, seed=371), True),),
            init=(5, 3),
            grad=(0,),
            seed=371,
        ),
        Case(
            "MyLinear(64, 8) on X (6, 64)",
            (T(randn(6, 64, seed=372), True),),
            init=(64, 8),
            grad=(0,),
            seed=372,
        ),
        Case(
            "MyLinear(8, 1) on X (4, 8)",
            (T(randn(4, 8, seed=373), True),),
            init=(8, 1),
            grad=(0,),
            seed=373,
            visible=False,
        ),
    ]


def _linear_hint(case: Case, expected: dict, student: dict) -> str | None:
    param_grads = student.get("param_grads") or {}
    if param_grads and all(g is None for g in param_grads.values()):
        return (
            "no gradient reaches weight or bias: use the parameters themselves in forward, not "
            "`.data` (which detaches them from autograd, so the layer would never train)"
        )
    return None


# 5.5 file I/O ----------------------------------------------------------------------------------


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
        "ch05.mlp",
        "MLP",
        1,
        computation.MLP,
        _mlp_cases,
        NB_BLOCKS,
        kind="module",
    ),
    Exercise(
        "ch05.my_sequential",
        "SequentialMLP",
        2,
        SequentialMLP,
        _sequential_cases,
        NB_BLOCKS,
        kind="module",
        forbidden=("d2lkit.computation.MySequential",),
        description="your MySequential, built from layer sizes by the notebook's SequentialMLP",
    ),
    Exercise(
        "ch05.fixed_hidden_mlp",
        "FixedHiddenMLP",
        2,
        computation.FixedHiddenMLP,
        _fixed_hidden_cases,
        NB_BLOCKS,
        kind="module",
        hint=_fixed_hidden_hint,
    ),
    Exercise(
        "ch05.nest_mlp",
        "NestMLP",
        1,
        computation.NestMLP,
        _nest_cases,
        NB_BLOCKS,
        kind="module",
    ),
    Exercise(
        "ch05.named_parameter_shapes",
        "named_parameter_shapes",
        1,
        computation.named_parameter_shapes,
        _shapes_cases,
        NB_PARAMETERS,
        hint=_shapes_hint,
    ),
    Exercise(
        "ch05.init_normal",
        "init_normal",
        1,
        computation.init_normal,
        lambda: _init_cases((256, 512), 401),
        NB_PARAMETERS,
        compare=Compare(checker=_check_init_normal),
    ),
    Exercise(
        "ch05.init_constant",
        "init_constant",
        1,
        computation.init_constant,
        lambda: _init_cases((16, 8), 411),
        NB_PARAMETERS,
    ),
    Exercise(
        "ch05.my_init",
        "my_init",
        2,
        computation.my_init,
        lambda: _init_cases((128, 256), 421),
        NB_PARAMETERS,
        compare=Compare(checker=_check_my_init),
    ),
    Exercise(
        "ch05.shared_layer_net",
        "shared_layer_net",
        2,
        computation.shared_layer_net,
        _tied_cases,
        NB_PARAMETERS,
        kind="module",
        hint=_tied_hint,
        description="tied parameters: the shared layer's gradient sums both uses",
    ),
    Exercise(
        "ch05.centered_layer",
        "CenteredLayer",
        1,
        computation.CenteredLayer,
        _centered_cases,
        NB_LAYERS,
        kind="module",
        hint=_centered_hint,
    ),
    Exercise(
        "ch05.my_linear",
        "MyLinear",
        2,
        computation.MyLinear,
        _linear_cases,
        NB_LAYERS,
        kind="module",
        forbidden=("linear",),
        hint=_linear_hint,
    ),
    Exercise(
        "ch05.save_load_roundtrip",
        "save_load_roundtrip",
        1,
        computation.save_load_roundtrip,
        _roundtrip_cases,
        NB_IO,
        compare=Compare(checker=_check_saved),
    ),
    Exercise(
        "ch05.save_params",
        "save_params",
        1,
        computation.save_params,
        _save_params_cases,
        NB_IO,
        compare=Compare(checker=_check_saved),
    ),
]
