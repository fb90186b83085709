"""Chapter 6 — convolutional neural networks: the exercises of 6.2 to 6.6.

The from-scratch operators are compared with `d2lkit.cnn` (itself tested against `F.conv2d`,
`F.max_pool2d` and `F.avg_pool2d`), values and gradients, on random shapes, channels, paddings and
strides; they may not call the built-ins. Networks are compared layer by layer: the `traced`
fixture records every layer's output shape and a fingerprint of its values (mean, rms), and
`network_checker` reports the first layer that differs from the reference's, then compares
outputs, state and gradients (also used by chapter 7).
"""

from __future__ import annotations

import random
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from autograder.compare import GRAD_LOOSENING, compare_values
from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import rand, randint, randn
from d2lkit import cnn

NB_CONV = "6.2-conv-layer"
NB_PADDING = "6.3-padding-and-strides"
NB_CHANNELS = "6.4-channels"
NB_POOLING = "6.5-pooling"
NB_LENET = "6.6-lenet"

# the built-ins a from-scratch convolution or pooling could hide behind, and the reference module
CONV_BUILTINS = (
    "conv1d", "conv2d", "conv3d", "convolution", "_convolution", "conv_transpose1d",
    "conv_transpose2d", "conv_tbc", "unfold", "fold", "im2col", "d2lkit.cnn",
)  # fmt: skip
POOL_BUILTINS = (
    "max_pool1d", "max_pool2d", "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d",
    "adaptive_max_pool2d", "adaptive_avg_pool2d", "lp_pool2d", "fractional_max_pool2d",
    "conv2d", "unfold", "d2lkit.cnn",
)  # fmt: skip


def _out(student: dict) -> Any:
    return student.get("output")


def _shape(value: Any) -> tuple[int, ...] | None:
    return tuple(value.shape) if isinstance(value, torch.Tensor) else None


def _close(a: Any, b: torch.Tensor, rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    return (
        isinstance(a, torch.Tensor)
        and a.shape == b.shape
        and bool(torch.allclose(a.double(), b.double(), rtol=rtol, atol=atol))
    )


def _value(arg: Any) -> Any:
    return arg.value if isinstance(arg, T) else arg


# networks, layer by layer (chapters 6 and 7) ------------------------------------------------------


def traced(X: torch.Tensor, **params: Any) -> Fixture:
    """The fixture that feeds X to a network and records every layer's output shape."""
    return Fixture("ch06.traced", {"X": X, **params})


Call = tuple[str, tuple[int, ...], list[float]]


def _first_calls(trace: list) -> dict[str, Call]:
    """Layer name -> (class, output shape, [mean, rms] of the output) at its first call."""
    found: dict[str, Call] = {}
    for name, cls, shape, stats in trace or ():
        found.setdefault(name, (cls, tuple(shape), list(stats)))
    return found


def _shape_advice(expected: tuple[int, ...], got: tuple[int, ...]) -> str:
    if len(expected) != len(got):
        return "the number of dimensions differs: flatten only right before the first Linear layer"
    if len(got) == 4 and got[2:] != expected[2:]:
        return "height and width differ: check this layer's kernel size, padding and stride"
    if got[1:2] != expected[1:2]:
        return "the number of channels (features) differs: check this layer's output channels"
    return "check this layer's arguments"


# how far a layer's output mean and rms may stray, relative to the reference's rms: the same
# layers computed in another order differ by far less, a wrong layer by far more
FINGERPRINT_RTOL = 1e-4


def _fingerprint_differs(expected: list[float], got: list[float]) -> bool:
    slack = FINGERPRINT_RTOL * abs(expected[1]) + 1e-7
    return any(abs(e - g) > slack for e, g in zip(expected, got))


def trace_problem(expected: list, got: list) -> str | None:
    """The first layer (in call order) whose output differs from the reference's layer of the same
    name, in shape or in value (its mean and rms); layers only one side has (parameterless helpers
    of a custom module) are not compared."""
    mine = _first_calls(got)
    for name, (cls, shape, stats) in _first_calls(expected).items():
        if name not in mine:
            continue
        got_cls, got_shape, got_stats = mine[name]
        if got_shape != shape:
            return (
                f"layer `{name}` ({got_cls}) outputs shape {got_shape}; the reference's `{name}` "
                f"({cls}) outputs {shape}\nhint: {_shape_advice(shape, got_shape)}"
            )
        if _fingerprint_differs(stats, got_stats):
            return (
                f"layer `{name}` ({got_cls}) outputs values that differ from the reference's `{name}` "
                f"({cls}), with the same parameters and input: mean {got_stats[0]:.6g} and rms "
                f"{got_stats[1]:.6g}, expected {stats[0]:.6g} and {stats[1]:.6g}"
            )
    return None


def network_checker(rtol: float | None = None, atol: float | None = None):
    """A checker for a network fed by `traced`: layer shapes, parameter count, output, state after
    the call, further steps and evaluation output, then input and parameter gradients."""
    spec = Compare(rtol=rtol, atol=atol)

    def check(case: Case, expected: dict, student: dict) -> str | None:
        want, got = expected.get("after") or {}, student.get("after") or {}
        problem = trace_problem(want.get("trace", []), got.get("trace", []))
        if problem:
            return problem
        if want.get("parameters") != got.get("parameters"):
            return (
                f"your network has {got.get('parameters')} parameters; "
                f"the reference has {want.get('parameters')}"
            )
        problem = compare_values(expected["output"], _out(student), spec)
        if problem:
            return problem
        problem = compare_values(
            expected.get("state"), student.get("state"), spec, "state after the call"
        )
        if problem:
            return problem
        for key, label in (
            ("steps", "output of a further training step"),
            ("state_after_steps", "state after further training steps"),
            ("eval_output", "output in evaluation mode (net.eval())"),
        ):
            if key in want:
                problem = compare_values(want[key], got.get(key), spec, label)
                if problem:
                    return problem
        problem = compare_values(
            expected.get("grads") or [],
            student.get("grads") or [],
            spec,
            "gradient of the input",
            GRAD_LOOSENING,
        )
        if problem:
            return problem
        for name, grad in (expected.get("param_grads") or {}).items():
            problem = compare_values(
                grad,
                (student.get("param_grads") or {}).get(name),
                spec,
                f"gradient of {name}",
                GRAD_LOOSENING,
            )
            if problem:
                return problem
        return None

    return check


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'AEIOU' else 'a'} {noun}"


def network_hint(case: Case, expected: dict, student: dict) -> str | None:
    """Names a torch layer whose type differs from the reference's (a ReLU for a Sigmoid, max for
    average pooling)."""
    want = _first_calls((expected.get("after") or {}).get("trace", []))
    mine = _first_calls((student.get("after") or {}).get("trace", []))
    for name, (cls, _, _) in want.items():
        got_cls = mine[name][0] if name in mine else cls
        # only torch's own layers: a custom block may be named as its author likes
        if got_cls != cls and hasattr(nn, cls) and hasattr(nn, got_cls):
            return f"layer `{name}` is {_a(got_cls)} where the reference has {_a(cls)}"
    return None


# 6.2 convolutions for images ----------------------------------------------------------------------


def _book_X() -> torch.Tensor:
    return torch.arange(9.0).reshape(3, 3)


def _corr2d_cases() -> list[Case]:
    X_edge, K_edge, _ = cnn.edge_detection_data()

    def case(name: str, X: torch.Tensor, K: torch.Tensor, **kw: Any) -> Case:
        return Case(name, (T(X, True), T(K, True)), grad=(0, 1), **kw)

    return [
        case("the book's 3x3 example", _book_X(), torch.tensor([[0.0, 1.0], [2.0, 3.0]])),
        case("the edge image (6, 8), K = [[1, -1]]", X_edge, K_edge),
        case("random (5, 7), kernel (2, 3)", randn(5, 7, seed=101), randn(2, 3, seed=102)),
        case("kernel as large as X (4, 4)", randn(4, 4, seed=103), randn(4, 4, seed=104)),
        case("1x1 kernel on (6, 5)", randn(6, 5, seed=105), randn(1, 1, seed=106), visible=False),
        case(
            "tall kernel (3, 1) on (7, 4)",
            randn(7, 4, seed=107),
            randn(3, 1, seed=108),
            visible=False,
        ),
        case(
            "float64 (9, 6), kernel (3, 2)",
            randn(9, 6, seed=109, dtype=torch.float64),
            randn(3, 2, seed=110, dtype=torch.float64),
            visible=False,
        ),
    ]


def _corr2d_hint(case: Case, expected: dict, student: dict) -> str | None:
    X, K = _value(case.args[0]), _value(case.args[1])
    out = _out(student)
    want = tuple(expected["output"].shape)
    if _shape(out) is not None and _shape(out) != want:
        return (
            f"the output is (height - kh + 1, width - kw + 1) = {want}: "
            "slide the window over every valid position"
        )
    if _close(out, cnn.corr2d(X, K.flip(0, 1))) and not _close(out, expected["output"]):
        return (
            "you flipped the kernel (a true convolution); deep learning's 'convolution' is "
            "cross-correlation: use K as is"
        )
    return None


def _conv2d_module_cases() -> list[Case]:
    X_edge, _, _ = cnn.edge_detection_data()
    return [
        Case(
            "kernel (1, 2) on the edge image",
            (T(X_edge, True),),
            init=((1, 2),),
            grad=(0,),
            seed=111,
        ),
        Case(
            "kernel (3, 3) on (6, 5)",
            (T(randn(6, 5, seed=112), True),),
            init=((3, 3),),
            grad=(0,),
            seed=112,
        ),
        Case(
            "kernel (2, 4) on (5, 9)",
            (T(randn(5, 9, seed=113), True),),
            init=((2, 4),),
            grad=(0,),
            seed=113,
            visible=False,
        ),
    ]


def _conv2d_module_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    bias = (student.get("state") or {}).get("bias")
    if isinstance(bias, torch.Tensor) and _close(out, expected["output"] - bias):
        return "add the bias: forward returns corr2d(X, self.weight) + self.bias"
    return None


def _edge_problem(X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """The least-squares (1, 2) kernel for Y = corr2d(X, K): what gradient descent converges to."""
    A = torch.stack([X[:, :-1].reshape(-1), X[:, 1:].reshape(-1)], dim=1).double()
    return torch.linalg.lstsq(A, Y.reshape(-1, 1).double()).solution.reshape(1, 2).float()


# how close the learned kernel must be, by case: 10 epochs from a random start is only roughly there
_KERNEL_TOLERANCE = {"the book's edge image, lr 3e-2, 10 epochs": 0.15}


def _learn_cases() -> list[Case]:
    X_edge, _, Y_edge = cnn.edge_detection_data()
    X1 = randn(6, 6, seed=121)
    X2 = randn(8, 9, seed=122)
    return [
        Case(
            "the book's edge image, lr 3e-2, 10 epochs",
            (X_edge, Y_edge),
            {"lr": 3e-2, "num_epochs": 10},
            seed=123,
        ),
        Case(
            "random (6, 6), K = [[-1.5, 0.5]], lr 1e-2, 40 epochs",
            (X1, cnn.corr2d(X1, torch.tensor([[-1.5, 0.5]]))),
            {"lr": 1e-2, "num_epochs": 40},
            seed=124,
        ),
        Case(
            "random (8, 9), K = [[0.5, -2]], lr 1e-2, 20 epochs",
            (X2, cnn.corr2d(X2, torch.tensor([[0.5, -2.0]]))),
            {"lr": 1e-2, "num_epochs": 20},
            seed=125,
            visible=False,
        ),
    ]


def _check_learn(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the pair (kernel, losses)"
    kernel, losses = out
    if not isinstance(kernel, torch.Tensor) or tuple(kernel.shape) != (1, 2):
        return f"the kernel should be a tensor of shape (1, 2); got {_shape(kernel) or type(kernel).__name__}"
    X, Y = case.args
    target = _edge_problem(X, Y)
    tolerance = _KERNEL_TOLERANCE.get(case.name, 0.02)
    error = float((kernel.float() - target).abs().max())
    if not error <= tolerance:
        return (
            f"the learned kernel {[round(v, 4) for v in kernel.flatten().tolist()]} is not within "
            f"{tolerance} of {[round(v, 4) for v in target.flatten().tolist()]}: use the summed squared "
            "error, zero the gradient before each backward, and update weight -= lr * grad"
        )
    if not isinstance(losses, (list, tuple)) or len(losses) != case.kwargs["num_epochs"]:
        return f"losses should be a list with one value per epoch ({case.kwargs['num_epochs']})"
    try:
        values = [float(v) for v in losses]
    except (TypeError, ValueError):
        return "losses should hold numbers (use l.sum().item())"
    final = float(((cnn.corr2d(X, kernel.float()) - Y) ** 2).sum())
    if not values[-1] >= final * (1 - 1e-3) - 1e-6:
        return (
            f"the last recorded loss {values[-1]:.4g} is below the summed squared error of the final "
            f"kernel ({final:.4g}): record l.sum() (not the mean) before each update"
        )
    if any(b > a * (1 + 1e-4) + 1e-6 for a, b in zip(values, values[1:])):
        return f"the losses should decrease epoch by epoch; got {[round(v, 4) for v in values]}"
    return None


# 6.3 padding and stride ----------------------------------------------------------------------------


def _conv_shape_cases() -> list[Case]:
    cases = [
        Case("8x8, kernel 3, padding 1", ((8, 8), 3), {"padding": 1}),
        Case("8x8, kernel (5, 3), padding (2, 1)", ((8, 8), (5, 3)), {"padding": (2, 1)}),
        Case("8x8, kernel 3, padding 1, stride 2", ((8, 8), 3), {"padding": 1, "stride": 2}),
        Case("8x8, kernel (3, 5), padding (0, 1), stride (3, 4)", ((8, 8), (3, 5), (0, 1), (3, 4))),
        Case("5x6, kernel 2, no padding or stride", ((5, 6), 2)),
        Case("28x28, kernel 5, padding 2", ((28, 28), 5, 2, 1)),
    ]
    rng = random.Random(131)
    for i in range(40):
        n = (rng.randint(1, 40), rng.randint(1, 40))
        p = (rng.randint(0, 3), rng.randint(0, 3))
        k = (rng.randint(1, n[0] + 2 * p[0]), rng.randint(1, n[1] + 2 * p[1]))
        s = (rng.randint(1, 5), rng.randint(1, 5))
        if i % 2:  # square arguments given as ints
            n, k, p, s = (n[0], n[0]), k[0], p[0], s[0]
        cases.append(Case(f"random {i}: {n}, k {k}, p {p}, s {s}", (n, k, p, s), visible=False))
    return cases


def _pair(v: Any) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _conv_shape_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    args = list(case.args)
    padding = args[2] if len(args) > 2 else case.kwargs.get("padding", 0)
    stride = args[3] if len(args) > 3 else case.kwargs.get("stride", 1)
    n, k, p, s = _pair(args[0]), _pair(args[1]), _pair(padding), _pair(stride)
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        return "return a tuple (height, width) of ints"
    one_side = tuple((n[i] - k[i] + p[i] + s[i]) // s[i] for i in range(2))
    exact = tuple((n[i] - k[i] + 2 * p[i] + s[i]) / s[i] for i in range(2))
    no_stride = tuple(n[i] - k[i] + 2 * p[i] + 1 for i in range(2))
    got = tuple(out)
    if got == one_side:
        return "padding p is added on each side: the padded size is n + 2p"
    if got == exact:
        return "round down: use floor division // by the stride"
    if got == no_stride:
        return "divide by the stride: floor((n - k + 2p + s) / s)"
    return None


def _comp_conv2d_cases() -> list[Case]:
    def case(
        name: str, k: tuple[int, int], p: Any, s: Any, X: torch.Tensor, seed: int, **kw: Any
    ) -> Case:
        params = {
            "weight": randn(*k, seed=seed),
            "bias": randn(1, seed=seed + 1),
            "padding": p,
            "stride": s,
            "X": X,
        }
        return Case(name, fixture=Fixture("ch06.conv_layer", params), grad=(1,), **kw)

    X = rand(8, 8, seed=141)
    return [
        case("kernel 3, padding 1", (3, 3), 1, 1, X, 142),
        case("kernel (5, 3), padding (2, 1)", (5, 3), (2, 1), 1, X, 143),
        case("kernel 3, padding 1, stride 2", (3, 3), 1, 2, X, 144),
        case("kernel (3, 5), padding (0, 1), stride (3, 4)", (3, 5), (0, 1), (3, 4), X, 145),
        case(
            "(11, 7), kernel (2, 4), padding (1, 2), stride (2, 1)",
            (2, 4),
            (1, 2),
            (2, 1),
            randn(11, 7, seed=146),
            147,
            visible=False,
        ),
        case("a one-row output: (3, 7), kernel (3, 2)", (3, 2), 0, 1, randn(3, 7, seed=148), 149),
    ]


def _comp_conv2d_hint(case: Case, expected: dict, student: dict) -> str | None:
    if _shape(_out(student)) == (1, 1) + tuple(expected["output"].shape):
        return "strip the batch and channel dimensions: return Y.reshape(Y.shape[2:])"
    return None


# 6.4 multiple input and output channels ----------------------------------------------------------


def _book_channels() -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.tensor(
        [
            [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
            [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
        ]
    )
    K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    return X, K


def _xk(X: torch.Tensor, K: torch.Tensor) -> tuple[T, T]:
    return T(X, True), T(K, True)


def _multi_in_cases() -> list[Case]:
    X, K = _book_channels()
    return [
        Case("the book's 2-channel example", _xk(X, K), grad=(0, 1)),
        Case(
            "3 channels (3, 5, 6), kernel (2, 2)",
            _xk(randn(3, 5, 6, seed=151), randn(3, 2, 2, seed=152)),
            grad=(0, 1),
        ),
        Case(
            "1 channel (1, 4, 4), kernel (3, 3)",
            _xk(randn(1, 4, 4, seed=153), randn(1, 3, 3, seed=154)),
            grad=(0, 1),
            visible=False,
        ),
        Case(
            "float64, 4 channels (4, 6, 5), kernel (3, 2)",
            _xk(
                randn(4, 6, 5, seed=155, dtype=torch.float64),
                randn(4, 3, 2, seed=156, dtype=torch.float64),
            ),
            grad=(0, 1),
            visible=False,
        ),
    ]


def _multi_in_hint(case: Case, expected: dict, student: dict) -> str | None:
    X = _value(case.args[0])
    out = _out(student)
    if _close(out, expected["output"] / len(X)):
        return "sum the per-channel cross-correlations; do not average them"
    if _shape(out) == (len(X),) + tuple(expected["output"].shape):
        return "sum over the input channels: the result has a single channel"
    return None


def _multi_in_out_cases() -> list[Case]:
    X, K = _book_channels()
    return [
        Case(
            "the book's example, K stacked to (3, 2, 2, 2)",
            _xk(X, torch.stack((K, K + 1, K + 2), 0)),
            grad=(0, 1),
        ),
        Case(
            "(2, 5, 5), kernel (4, 2, 3, 3)",
            _xk(randn(2, 5, 5, seed=161), randn(4, 2, 3, 3, seed=162)),
            grad=(0, 1),
        ),
        Case(
            "one input and output channel, 1x1 kernel",
            _xk(randn(1, 4, 4, seed=163), randn(1, 1, 1, 1, seed=164)),
            grad=(0, 1),
            visible=False,
        ),
        Case(
            "float64 (3, 6, 7), kernel (2, 3, 2, 4)",
            _xk(
                randn(3, 6, 7, seed=165, dtype=torch.float64),
                randn(2, 3, 2, 4, seed=166, dtype=torch.float64),
            ),
            grad=(0, 1),
            visible=False,
        ),
    ]


def _stacking_hint(case: Case, expected: dict, student: dict) -> str | None:
    want = tuple(expected["output"].shape)
    got = _shape(_out(student))
    if got is not None and got != want:
        return (
            "stack one output channel per kernel on dimension 0: "
            f"the result is (num_outputs, h, w) = {want}"
        )
    return None


def _one_by_one_cases() -> list[Case]:
    return [
        Case(
            "the book's (3, 3, 3) with K (2, 3, 1, 1)",
            _xk(randn(3, 3, 3, seed=171), randn(2, 3, 1, 1, seed=172)),
            grad=(0, 1),
        ),
        Case(
            "(4, 5, 6) with K (3, 4, 1, 1)",
            _xk(randn(4, 5, 6, seed=173), randn(3, 4, 1, 1, seed=174)),
            grad=(0, 1),
        ),
        Case(
            "one input channel, 5 outputs",
            _xk(randn(1, 2, 2, seed=175), randn(5, 1, 1, 1, seed=176)),
            grad=(0, 1),
            visible=False,
        ),
        Case(
            "float64 (6, 7, 3) with K (2, 6, 1, 1)",
            _xk(
                randn(6, 7, 3, seed=177, dtype=torch.float64),
                randn(2, 6, 1, 1, seed=178, dtype=torch.float64),
            ),
            grad=(0, 1),
            visible=False,
        ),
    ]


# 6.5 pooling ---------------------------------------------------------------------------------------


def _pool_cases() -> list[Case]:
    book = _book_X()
    X16 = torch.arange(16.0).reshape(1, 1, 4, 4)

    def case(name: str, X: torch.Tensor, size: Any, mode: str, **kw: Any) -> Case:
        visible = kw.pop("visible", True)
        return Case(name, (T(X, True), size, mode), kw, grad=(0,), visible=visible)

    return [
        case("the book's 3x3, max (2, 2)", book, (2, 2), "max"),
        case("the book's 3x3, avg (2, 2)", book, (2, 2), "avg"),
        case("(1, 1, 4, 4), max 3, stride 3 (like nn.MaxPool2d(3))", X16, 3, "max", stride=3),
        case("(1, 1, 4, 4), max 3, padding 1, stride 2", X16, 3, "max", padding=1, stride=2),
        case(
            "(2, 3, 7, 8), max (3, 2), padding (1, 1), stride (2, 3)",
            randn(2, 3, 7, 8, seed=181),
            (3, 2),
            "max",
            padding=(1, 1),
            stride=(2, 3),
        ),
        case(
            "(2, 3, 7, 8), avg (3, 2), padding (1, 1), stride (2, 3)",
            randn(2, 3, 7, 8, seed=181),
            (3, 2),
            "avg",
            padding=(1, 1),
            stride=(2, 3),
        ),
        case(
            "negative values (5, 6), max 3, padding 1, stride 2",
            rand(5, 6, seed=182, low=-5, high=-1),
            3,
            "max",
            padding=1,
            stride=2,
        ),
        case("(6, 7), avg 3, padding 1", randn(6, 7, seed=183), 3, "avg", padding=1),
        case(
            "default stride 1, (2, 4, 5, 6), max (2, 3)", randn(2, 4, 5, 6, seed=184), (2, 3), "max"
        ),
        case(
            "negative values (3, 2, 6, 6), max 2, padding 1, stride 2",
            rand(3, 2, 6, 6, seed=185, low=-3, high=-1),
            2,
            "max",
            padding=1,
            stride=2,
            visible=False,
        ),
        case(
            "stride larger than the window, avg 2, stride 3",
            randn(2, 9, 10, seed=186),
            2,
            "avg",
            stride=3,
            visible=False,
        ),
        case(
            "float64 (4, 9, 7), max (3, 4), padding (1, 2), stride (2, 2)",
            randn(4, 9, 7, seed=187, dtype=torch.float64),
            (3, 4),
            "max",
            padding=(1, 2),
            stride=2,
            visible=False,
        ),
        case(
            "float64 (8, 8), avg 4, padding 2, stride 3",
            randn(8, 8, seed=188, dtype=torch.float64),
            4,
            "avg",
            padding=2,
            stride=3,
            visible=False,
        ),
    ]


def _pool_hint(case: Case, expected: dict, student: dict) -> str | None:
    X, size, mode = _value(case.args[0]), case.args[1], case.args[2]
    padding, stride = case.kwargs.get("padding", 0), case.kwargs.get("stride", 1)
    out, want = _out(student), expected["output"]
    got = _shape(out)
    if got is not None and got != tuple(want.shape):
        if got[-2:] == cnn.conv_output_shape(X.shape[-2:], size, padding, size):
            return "the stride defaults to 1 here (the book's pool2d), not to the window size"
        if got[-2:] == cnn.conv_output_shape(X.shape[-2:], size, padding, 1) and stride != 1:
            return (
                "move the window by `stride` positions: the output is floor((n - k + 2p + s) / s)"
            )
        if got[-2:] == cnn.conv_output_shape(X.shape[-2:], size, 0, stride):
            return "pad the input with `padding` on each side first"
        return f"the output should be {tuple(want.shape)}: pooling keeps the leading dimensions"
    p_h, p_w = _pair(padding)
    if mode == "max" and (p_h or p_w):
        zero_padded = cnn.pool2d(F.pad(X, (p_w, p_w, p_h, p_h)), size, "max", 0, stride)
        if _close(out, zero_padded):
            return "padding must never win a max: pad with -inf (zeros beat negative inputs)"
    if mode == "avg" and (p_h or p_w):
        X4 = X.reshape((-1, 1) + tuple(X.shape[-2:]))
        excluded = F.avg_pool2d(X4, size, stride, padding, count_include_pad=False).reshape(
            want.shape
        )
        if _close(out, excluded):
            return "divide every window by its full size, padding included (count_include_pad=True)"
    if _close(out, cnn.pool2d(X, size, "avg" if mode == "max" else "max", padding, stride)):
        return f"mode={mode!r} asks for {'the maximum' if mode == 'max' else 'the mean'} of each window"
    return None


# 6.6 LeNet -----------------------------------------------------------------------------------------


def _lenet_cases() -> list[Case]:
    return [
        Case(
            "Fashion-MNIST sized batch (2, 1, 28, 28)",
            grad=(0,),
            seed=191,
            fixture=traced(rand(2, 1, 28, 28, seed=191), requires_grad=True),
        ),
        Case(
            "batch of 5",
            grad=(0,),
            seed=192,
            fixture=traced(randn(5, 1, 28, 28, seed=192), requires_grad=True),
            visible=False,
        ),
    ]


def _bn_classifier(seed: int, n: int, batch_size: int, device: str | None) -> dict:
    g = torch.Generator().manual_seed(seed)
    return {
        "W": randn(4, 12, seed=seed, scale=0.5),
        "b": randn(4, seed=seed + 1, scale=0.1),
        "running_mean": torch.rand(4, generator=g) * 4 - 2,
        "running_var": torch.rand(4, generator=g) * 3 + 0.5,
        "X": randn(n, 1, 3, 4, seed=seed + 2),
        "y": randint(4, n, seed=seed + 3),
        "batch_size": batch_size,
        "device": device,
    }


def _evaluate_cases() -> list[Case]:
    fixture = "ch06.bn_classifier_and_batches"
    return [
        Case(
            "3 batches of 16, device from the parameters",
            fixture=Fixture(fixture, _bn_classifier(201, 48, 16, None)),
        ),
        Case("device='cpu' given", fixture=Fixture(fixture, _bn_classifier(205, 40, 8, "cpu"))),
        Case(
            "uneven batches (50 examples, batch 16)",
            fixture=Fixture(fixture, _bn_classifier(209, 50, 16, None)),
            visible=False,
        ),
    ]


def _evaluate_hint(case: Case, expected: dict, student: dict) -> str | None:
    after = student.get("after") or {}
    if after.get("training") is True:
        return (
            "call net.eval() first: the net has a BatchNorm layer, which uses its running "
            "statistics only in evaluation mode"
        )
    return None


def _training(
    seed: int, n_train: int, n_test: int, batch_size: int, num_epochs: int, lr: float
) -> dict:
    return {
        "seed": seed,
        "X_train": rand(n_train, 1, 8, 8, seed=seed + 1),
        "y_train": randint(4, n_train, seed=seed + 2),
        "X_test": rand(n_test, 1, 8, 8, seed=seed + 3),
        "y_test": randint(4, n_test, seed=seed + 4),
        "batch_size": batch_size,
        "num_epochs": num_epochs,
        "lr": lr,
    }


def _train_cases() -> list[Case]:
    fixture = "ch06.small_cnn_training"
    return [
        Case(
            "2 epochs, 40 examples in batches of 16, lr 0.5",
            fixture=Fixture(fixture, _training(211, 40, 20, 16, 2, 0.5)),
            seed=211,
        ),
        Case(
            "3 epochs, 30 examples in batches of 8, lr 0.9",
            fixture=Fixture(fixture, _training(217, 30, 12, 8, 3, 0.9)),
            seed=217,
            visible=False,
        ),
    ]


_TRAIN_SPEC = Compare(rtol=1e-4, atol=1e-5)


def _check_train(case: Case, expected: dict, student: dict) -> str | None:
    want, got = expected["output"], _out(student)
    keys = ("train_loss", "train_acc", "test_acc")
    if not isinstance(got, dict) or any(k not in got for k in keys):
        return f"return the history dict with the keys {list(keys)} (and 'examples_per_sec')"
    speed = got.get("examples_per_sec")
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not speed > 0:
        return f"history['examples_per_sec'] should be a positive number, got {speed!r:.40}"
    state_problem = compare_values(
        expected["after"], student.get("after"), _TRAIN_SPEC, "the net's state after training"
    )
    for key in keys:
        problem = compare_values(want[key], got[key], _TRAIN_SPEC, f"history[{key!r}]")
        if problem:
            if (
                key == "train_loss"
                and state_problem is None
                and compare_values(want["train_acc"], got["train_acc"], _TRAIN_SPEC) is None
            ):
                problem += "\nhint: weigh each batch's mean loss by its size: the last batch can be smaller"
            elif key == "test_acc" and state_problem is None:
                problem += (
                    "\nhint: evaluate the test set after each epoch with evaluate_accuracy_gpu"
                )
            elif state_problem is not None:
                problem += (
                    "\nhint: the parameters after training differ too: apply "
                    "nn.init.xavier_uniform_ to every Linear and Conv2d weight, use "
                    "torch.optim.SGD(lr) on the mean cross-entropy, and call net.train() at the "
                    "start of every epoch (evaluation switches the net to eval mode)"
                )
            return problem
    return state_problem


EXERCISES = [
    Exercise(
        "ch06.corr2d",
        "corr2d",
        2,
        cnn.corr2d,
        _corr2d_cases,
        NB_CONV,
        forbidden=CONV_BUILTINS,
        hint=_corr2d_hint,
    ),
    Exercise(
        "ch06.Conv2D",
        "Conv2D",
        1,
        cnn.Conv2D,
        _conv2d_module_cases,
        NB_CONV,
        kind="module",
        forbidden=CONV_BUILTINS,
        hint=_conv2d_module_hint,
    ),
    Exercise(
        "ch06.learn_edge_kernel",
        "learn_edge_kernel",
        1,
        cnn.learn_edge_kernel,
        _learn_cases,
        NB_CONV,
        compare=Compare(checker=_check_learn),
        forbidden=("d2lkit.cnn",),
        description="gradient descent recovers the kernel that made Y",
    ),
    Exercise(
        "ch06.conv_output_shape",
        "conv_output_shape",
        1,
        cnn.conv_output_shape,
        _conv_shape_cases,
        NB_PADDING,
        hint=_conv_shape_hint,
    ),
    Exercise(
        "ch06.comp_conv2d",
        "comp_conv2d",
        1,
        cnn.comp_conv2d,
        _comp_conv2d_cases,
        NB_PADDING,
        forbidden=("d2lkit.cnn",),
        hint=_comp_conv2d_hint,
    ),
    Exercise(
        "ch06.corr2d_multi_in",
        "corr2d_multi_in",
        1,
        cnn.corr2d_multi_in,
        _multi_in_cases,
        NB_CHANNELS,
        forbidden=CONV_BUILTINS,
        hint=_multi_in_hint,
    ),
    Exercise(
        "ch06.corr2d_multi_in_out",
        "corr2d_multi_in_out",
        1,
        cnn.corr2d_multi_in_out,
        _multi_in_out_cases,
        NB_CHANNELS,
        forbidden=CONV_BUILTINS,
        hint=_stacking_hint,
    ),
    Exercise(
        "ch06.corr2d_multi_in_out_1x1",
        "corr2d_multi_in_out_1x1",
        1,
        cnn.corr2d_multi_in_out_1x1,
        _one_by_one_cases,
        NB_CHANNELS,
        forbidden=CONV_BUILTINS,
        hint=_stacking_hint,
        description="a 1x1 convolution as one matrix product; equals corr2d_multi_in_out",
    ),
    Exercise(
        "ch06.pool2d",
        "pool2d",
        3,
        cnn.pool2d,
        _pool_cases,
        NB_POOLING,
        forbidden=POOL_BUILTINS,
        hint=_pool_hint,
    ),
    Exercise(
        "ch06.lenet",
        "lenet",
        2,
        cnn.lenet,
        _lenet_cases,
        NB_LENET,
        kind="module",
        compare=Compare(checker=network_checker()),
        forbidden=("d2lkit.cnn",),
        hint=network_hint,
        description="layer shapes, parameter count, and forward/backward equality after a state copy",
    ),
    Exercise(
        "ch06.evaluate_accuracy_gpu",
        "evaluate_accuracy_gpu",
        1,
        cnn.evaluate_accuracy_gpu,
        _evaluate_cases,
        NB_LENET,
        forbidden=("d2lkit.cnn",),
        hint=_evaluate_hint,
    ),
    Exercise(
        "ch06.train_ch6",
        "train_ch6",
        2,
        cnn.train_ch6,
        _train_cases,
        NB_LENET,
        compare=Compare(checker=_check_train),
        forbidden=("d2lkit.cnn",),
    ),
]
