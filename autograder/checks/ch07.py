"""Chapter 7 — modern convolutional networks: the exercises of 7.1 to 7.7.

Architectures are checked as in 6.6 (`autograder.checks.ch06.network_checker`): the reference's
state is copied into the student's network, then the shape after every layer, the parameter count,
the output, the state after the call (batch-norm running statistics) and the gradients are compared.
Whole networks run one small batch (AlexNet and VGG a single 224x224 image, in evaluation mode so
that dropout is off); the blocks, which are cheap, carry the gradient checks and the hidden cases.
Batch normalization from scratch is compared with `d2lkit.batch_norm` in training and evaluation,
and the module over several training steps (the `traced` fixture drives the extra steps).
"""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch06 import network_checker, network_hint, traced
from autograder.spec import Case, Compare, Exercise, T
from autograder.strategies import rand, randn
from d2lkit import batch_norm as bn
from d2lkit import modern_cnn as mc

NB_ALEXNET = "7.1-alexnet"
NB_VGG = "7.2-vgg"
NB_NIN = "7.3-nin"
NB_GOOGLENET = "7.4-googlenet"
NB_BATCH_NORM = "7.5-batch-norm"
NB_RESNET = "7.6-resnet"
NB_DENSENET = "7.7-densenet"

NETWORK = Compare(checker=network_checker())
# a network with a from-scratch batch norm sums in its own order: a little more slack
SCRATCH_BN_NETWORK = Compare(checker=network_checker(rtol=1e-4, atol=1e-5))
REFERENCES = ("d2lkit.modern_cnn", "d2lkit.batch_norm")
BN_BUILTINS = ("batch_norm", "native_batch_norm", "instance_norm", "layer_norm", "group_norm")


def _image(*shape: int, seed: int) -> torch.Tensor:
    return rand(*shape, seed=seed)


def _block(name: str, init: tuple, X: torch.Tensor, seed: int, **kw: Any) -> Case:
    """A cheap block: training mode, gradients of the input and of every parameter."""
    visible = kw.pop("visible", True)
    return Case(
        name,
        init=init,
        grad=(0,),
        seed=seed,
        visible=visible,
        fixture=traced(X, requires_grad=True, **kw),
    )


def _network(name: str, init: tuple, X: torch.Tensor, seed: int, **kw: Any) -> Case:
    """A whole network: one forward, no gradients (they would ship every parameter's gradient)."""
    visible = kw.pop("visible", True)
    return Case(name, init=init, seed=seed, visible=visible, fixture=traced(X, **kw))


# 7.1 AlexNet ---------------------------------------------------------------------------------------


def _alexnet_cases() -> list[Case]:
    return [
        _network(
            "one 224x224 image, evaluation mode",
            (),
            _image(1, 1, 224, 224, seed=301),
            301,
            mode="eval",
        ),
    ]


# 7.2 VGG -------------------------------------------------------------------------------------------

# VGG-11's five blocks with the channels divided by 16 (the book trains them divided by 4): the
# same depths and shapes, a cheaper check. The classifier (4096 wide) is the book's.
TINY_VGG11 = tuple((num_convs, channels // 16) for num_convs, channels in mc.CONV_ARCH)


def _vgg_block_cases() -> list[Case]:
    return [
        _block(
            "1 conv, 3 -> 4 channels, (2, 3, 8, 8)", (1, 3, 4), randn(2, 3, 8, 8, seed=311), 311
        ),
        _block(
            "2 convs, 2 -> 5 channels, odd size (2, 2, 9, 7)",
            (2, 2, 5),
            randn(2, 2, 9, 7, seed=312),
            312,
        ),
        _block(
            "3 convs, 1 -> 2 channels, (1, 1, 6, 10)",
            (3, 1, 2),
            randn(1, 1, 6, 10, seed=313),
            313,
            visible=False,
        ),
    ]


def _vgg_cases() -> list[Case]:
    return [
        _network(
            "VGG-11's blocks (channels / 16), one 224x224 image",
            (TINY_VGG11,),
            _image(1, 1, 224, 224, seed=321),
            321,
            mode="eval",
        ),
        _network(
            "two blocks ((1, 8), (2, 16)), 3 channels, 5 classes, 28x28",
            (((1, 8), (2, 16)), 3, 5),
            _image(2, 3, 28, 28, seed=322),
            322,
            mode="eval",
            visible=False,
        ),
    ]


# 7.3 NiN -------------------------------------------------------------------------------------------


def _nin_block_cases() -> list[Case]:
    return [
        _block(
            "the first block: 1 -> 4, kernel 11, stride 4, (1, 1, 32, 32)",
            (1, 4, 11, 4, 0),
            randn(1, 1, 32, 32, seed=331),
            331,
        ),
        _block(
            "3 -> 5, kernel 3, padding 1, (2, 3, 7, 7)",
            (3, 5, 3, 1, 1),
            randn(2, 3, 7, 7, seed=332),
            332,
        ),
        _block(
            "2 -> 3, kernel 5, stride 2, padding 2, (2, 2, 9, 9)",
            (2, 3, 5, 2, 2),
            randn(2, 2, 9, 9, seed=333),
            333,
            visible=False,
        ),
    ]


def _nin_cases() -> list[Case]:
    return [
        _network(
            "one 224x224 image, evaluation mode",
            (),
            _image(1, 1, 224, 224, seed=341),
            341,
            mode="eval",
        ),
        _network(
            "3 channels, 5 classes, (2, 3, 224, 224)",
            (3, 5),
            _image(2, 3, 224, 224, seed=342),
            342,
            mode="eval",
            visible=False,
        ),
    ]


# 7.4 GoogLeNet -------------------------------------------------------------------------------------


def _inception_cases() -> list[Case]:
    return [
        _block(
            "4 -> 2 + 4 + 3 + 2 channels, (2, 4, 6, 6)",
            (4, 2, (3, 4), (2, 3), 2),
            randn(2, 4, 6, 6, seed=351),
            351,
        ),
        _block(
            "3 -> 1 + 2 + 2 + 1 channels, odd size (2, 3, 5, 7)",
            (3, 1, (2, 2), (1, 2), 1),
            randn(2, 3, 5, 7, seed=352),
            352,
        ),
        _block(
            "the book's first Inception (192 -> 256), (1, 192, 4, 4)",
            (192, 64, (96, 128), (16, 32), 32),
            randn(1, 192, 4, 4, seed=353),
            353,
            visible=False,
        ),
    ]


def _googlenet_cases() -> list[Case]:
    return [
        _network("one 96x96 image", (), _image(1, 1, 96, 96, seed=361), 361),
        _network(
            "3 channels, 5 classes, (2, 3, 64, 64)",
            (3, 5),
            _image(2, 3, 64, 64, seed=362),
            362,
            visible=False,
        ),
    ]


# 7.5 batch normalization ---------------------------------------------------------------------------


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


def _close(a: Any, b: torch.Tensor, rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    return (
        isinstance(a, torch.Tensor)
        and a.shape == b.shape
        and bool(torch.allclose(a.double(), b.double(), rtol=rtol, atol=atol))
    )


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
        if _close(Y, with_batch):
            return (
                "in evaluation (training=False) normalise with moving_mean and moving_var, "
                "not the batch's statistics"
            )
        return None
    if _close(Y, with_moving):
        return "in training normalise with the batch's own mean and variance"
    if _close(Y, gamma * (X - mean) / torch.sqrt(unbiased + eps) + beta):
        return (
            "normalise with the biased variance: the mean of (X - mean)**2, divided by m, not m - 1"
        )
    swapped = (1 - momentum) * moving_mean + momentum * mean
    if _close(new_mean, swapped) and not _close(new_mean, expected["output"][1]):
        return (
            "the book's momentum weighs the old value: moving_mean = momentum * moving_mean + "
            "(1 - momentum) * mean (torch's nn.BatchNorm momentum is the other way round)"
        )
    if _close(new_var, momentum * moving_var + (1 - momentum) * unbiased):
        return "update moving_var with the same biased variance that normalised X (divide by m)"
    outputs_match = all(_close(g, e) for g, e in zip(out, expected["output"]))
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
        if _close(got.get("eval_output"), with_batch):
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


# 7.6 ResNet ----------------------------------------------------------------------------------------


def _residual_cases() -> list[Case]:
    return [
        _block(
            "Residual(3, 3), (4, 3, 6, 6)",
            (3, 3),
            randn(4, 3, 6, 6, seed=411),
            411,
            eval_X=randn(2, 3, 6, 6, seed=412),
        ),
        _block(
            "Residual(3, 6, use_1x1conv=True, strides=2), (4, 3, 6, 6)",
            (3, 6, True, 2),
            randn(4, 3, 6, 6, seed=413),
            413,
            eval_X=randn(2, 3, 6, 6, seed=414),
        ),
        _block(
            "Residual(4, 8, True, 2), odd size (2, 4, 7, 7)",
            (4, 8, True, 2),
            randn(2, 4, 7, 7, seed=415),
            415,
            visible=False,
        ),
        _block(
            "Residual(5, 5), (3, 5, 5, 4)", (5, 5), randn(3, 5, 5, 4, seed=416), 416, visible=False
        ),
    ]


def _resnet_block_cases() -> list[Case]:
    return [
        _block(
            "first block: 4 -> 4, 2 residuals, (2, 4, 6, 6)",
            (4, 4, 2, True),
            randn(2, 4, 6, 6, seed=421),
            421,
        ),
        _block("4 -> 8, 2 residuals, (2, 4, 6, 6)", (4, 8, 2), randn(2, 4, 6, 6, seed=422), 422),
        _block(
            "3 -> 6, 3 residuals, odd size (2, 3, 7, 7)",
            (3, 6, 3),
            randn(2, 3, 7, 7, seed=423),
            423,
            visible=False,
        ),
    ]


def _resnet18_cases() -> list[Case]:
    return [
        _network("a batch of 2 at 96x96, training mode", (), _image(2, 1, 96, 96, seed=431), 431),
        _network(
            "5 classes, 3 channels, (2, 3, 64, 64)",
            (5, 3),
            _image(2, 3, 64, 64, seed=432),
            432,
            visible=False,
        ),
    ]


# 7.7 DenseNet --------------------------------------------------------------------------------------


def _conv_block_cases() -> list[Case]:
    return [
        _block(
            "3 -> 10 channels, (4, 3, 8, 8)",
            (3, 10),
            randn(4, 3, 8, 8, seed=441),
            441,
            eval_X=randn(2, 3, 8, 8, seed=442),
        ),
        _block(
            "5 -> 2 channels, odd size (2, 5, 5, 7)",
            (5, 2),
            randn(2, 5, 5, 7, seed=443),
            443,
            visible=False,
        ),
    ]


def _dense_block_cases() -> list[Case]:
    return [
        _block("DenseBlock(2, 3, 10), (4, 3, 8, 8)", (2, 3, 10), randn(4, 3, 8, 8, seed=451), 451),
        _block(
            "DenseBlock(3, 4, 5), (2, 4, 5, 5)",
            (3, 4, 5),
            randn(2, 4, 5, 5, seed=452),
            452,
            eval_X=randn(2, 4, 5, 5, seed=453),
        ),
        _block(
            "DenseBlock(1, 2, 3), (3, 2, 4, 6)",
            (1, 2, 3),
            randn(3, 2, 4, 6, seed=454),
            454,
            visible=False,
        ),
    ]


def _transition_cases() -> list[Case]:
    return [
        _block(
            "transition_block(23, 10), (4, 23, 8, 8)", (23, 10), randn(4, 23, 8, 8, seed=461), 461
        ),
        _block(
            "transition_block(6, 3), odd size (2, 6, 7, 7)",
            (6, 3),
            randn(2, 6, 7, 7, seed=462),
            462,
            visible=False,
        ),
    ]


def _densenet_cases() -> list[Case]:
    return [
        _network("a batch of 2 at 96x96, training mode", (), _image(2, 1, 96, 96, seed=471), 471),
        _network(
            "densenet(16, 8, (2, 3), 3, 5) on (2, 3, 32, 32)",
            (16, 8, (2, 3), 3, 5),
            _image(2, 3, 32, 32, seed=472),
            472,
            visible=False,
        ),
    ]


def _net(
    id_: str, target: str, points: int, reference: Any, cases: Any, notebook: str, **kw: Any
) -> Exercise:
    return Exercise(
        id_,
        target,
        points,
        reference,
        cases,
        notebook,
        kind="module",
        compare=kw.pop("compare", NETWORK),
        forbidden=kw.pop("forbidden", REFERENCES),
        hint=kw.pop("hint", network_hint),
        **kw,
    )


EXERCISES = [
    _net("ch07.alexnet", "alexnet", 2, mc.alexnet, _alexnet_cases, NB_ALEXNET),
    _net("ch07.vgg_block", "vgg_block", 1, mc.vgg_block, _vgg_block_cases, NB_VGG),
    _net("ch07.vgg", "vgg", 2, mc.vgg, _vgg_cases, NB_VGG),
    _net("ch07.nin_block", "nin_block", 1, mc.nin_block, _nin_block_cases, NB_NIN),
    _net("ch07.nin", "nin", 1, mc.nin, _nin_cases, NB_NIN),
    _net("ch07.Inception", "Inception", 2, mc.Inception, _inception_cases, NB_GOOGLENET),
    _net("ch07.googlenet", "googlenet", 2, mc.googlenet, _googlenet_cases, NB_GOOGLENET),
    Exercise("ch07.batch_norm", "batch_norm", 3, bn.batch_norm, _batch_norm_cases, NB_BATCH_NORM,
             forbidden=BN_BUILTINS + REFERENCES, hint=_batch_norm_hint,
             description="training (batch statistics, moving averages) and evaluation, FC and conv layouts"),
    _net("ch07.BatchNorm", "BatchNorm", 2, bn.BatchNorm, _bn_module_cases, NB_BATCH_NORM,
         compare=SCRATCH_BN_NETWORK, forbidden=BN_BUILTINS + REFERENCES, hint=_bn_module_hint,
         description="three training steps (running statistics), then evaluation mode"),
    _net("ch07.lenet_bn", "lenet_bn", 1, bn.lenet_bn, _lenet_bn_cases, NB_BATCH_NORM,
         compare=SCRATCH_BN_NETWORK, forbidden=BN_BUILTINS + REFERENCES),
    _net("ch07.Residual", "Residual", 2, mc.Residual, _residual_cases, NB_RESNET),
    _net("ch07.resnet_block", "resnet_block", 1, mc.resnet_block, _resnet_block_cases, NB_RESNET),
    _net("ch07.resnet18", "resnet18", 2, mc.resnet18, _resnet18_cases, NB_RESNET),
    _net("ch07.conv_block", "conv_block", 1, mc.conv_block, _conv_block_cases, NB_DENSENET),
    _net("ch07.DenseBlock", "DenseBlock", 2, mc.DenseBlock, _dense_block_cases, NB_DENSENET),
    _net("ch07.transition_block", "transition_block", 1, mc.transition_block, _transition_cases, NB_DENSENET),
    _net("ch07.densenet", "densenet", 2, mc.densenet, _densenet_cases, NB_DENSENET),
]  # fmt: skip
