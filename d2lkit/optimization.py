"""11.3-11.4: gradient descent, Newton's method and stochastic gradient descent on toy objectives.

A 2-D trainer has the book's form `trainer(x1, x2, s1, s2[, f_grad]) -> (x1, x2, s1, s2)`: the
point and two state variables (a momentum, a sum of squares, or unused zeros). The step size and
the other hyperparameters are keyword arguments, bound with `functools.partial`, where the book
reads globals.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

__all__ = [
    "Trainer2D",
    "adagrad_2d",
    "constant_lr",
    "exponential_lr",
    "gd",
    "gd_2d",
    "momentum_2d",
    "newton",
    "polynomial_lr",
    "rmsprop_2d",
    "sgd_2d",
    "sgd_2d_trainer",
    "train_2d",
]

Grad1D = Callable[[float], float]
Grad2D = Callable[[float, float], tuple[float, float]]
Trainer2D = Callable[..., tuple[float, float, float, float]]


def gd(eta: float, f_grad: Grad1D, x: float = 10.0, steps: int = 10) -> list[float]:
    """Gradient descent from `x`: the `steps + 1` iterates x_{t+1} = x_t - eta f'(x_t), as floats."""
    results = [float(x)]
    for _ in range(steps):
        x = x - eta * f_grad(x)
        results.append(float(x))
    return results


def newton(
    eta: float, f_grad: Grad1D, f_hess: Grad1D, x: float = 10.0, steps: int = 10
) -> list[float]:
    """Newton's method from `x`, damped by `eta`: x_{t+1} = x_t - eta f'(x_t) / f''(x_t).

    The `steps + 1` iterates as floats (f' and f'' may return 0-d tensors, as the book's do).
    """
    results = [float(x)]
    for _ in range(steps):
        x = x - eta * f_grad(x) / f_hess(x)
        results.append(float(x))
    return results


def train_2d(
    trainer: Trainer2D, steps: int = 20, f_grad: Grad2D | None = None
) -> list[tuple[float, float]]:
    """Run a 2-D trainer `steps` times from the book's start (-5, -2) with zero states.

    Returns the `steps + 1` points (x1, x2) as floats, the start first.
    """
    x1, x2, s1, s2 = -5.0, -2.0, 0.0, 0.0
    results = [(x1, x2)]
    for _ in range(steps):
        if f_grad is None:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2)
        else:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2, f_grad)
        results.append((float(x1), float(x2)))
    return results


def gd_2d(
    x1: float, x2: float, s1: float, s2: float, f_grad: Grad2D, eta: float = 0.1
) -> tuple[float, float, float, float]:
    """One gradient-descent step on a 2-D objective; the states stay zero."""
    g1, g2 = f_grad(x1, x2)
    return x1 - eta * g1, x2 - eta * g2, 0.0, 0.0


def sgd_2d(
    x1: float, x2: float, s1: float, s2: float, f_grad: Grad2D, eta_t: float
) -> tuple[float, float, float, float]:
    """One SGD step with step size `eta_t`: the gradient plus N(0, 1) noise per coordinate, drawn
    with `torch.normal(0.0, 1, (1,))`, first for x1, then for x2 (the book's order)."""
    g1, g2 = f_grad(x1, x2)
    g1 = g1 + torch.normal(0.0, 1, (1,)).item()
    g2 = g2 + torch.normal(0.0, 1, (1,)).item()
    return x1 - eta_t * g1, x2 - eta_t * g2, 0.0, 0.0


def constant_lr(t: int) -> float:
    """The constant schedule: 1 at every step t."""
    return 1.0


def exponential_lr(t: int) -> float:
    """exp(-0.1 t) at step t (the book's first step is t = 1)."""
    return math.exp(-0.1 * t)


def polynomial_lr(t: int) -> float:
    """(1 + 0.1 t)^(-1/2) at step t (the book's first step is t = 1)."""
    return (1 + 0.1 * t) ** (-0.5)


def sgd_2d_trainer(eta: float, lr: Callable[[int], float]) -> Trainer2D:
    """A 2-D SGD trainer whose t-th call (t = 1, 2, ...) steps with eta * lr(t): the book's
    global step counter, kept in a closure."""
    t = 0

    def trainer(x1: float, x2: float, s1: float, s2: float, f_grad: Grad2D):
        nonlocal t
        t += 1
        return sgd_2d(x1, x2, s1, s2, f_grad, eta * lr(t))

    return trainer


def momentum_2d(
    x1: float, x2: float, v1: float, v2: float, eta: float = 0.6, beta: float = 0.5
) -> tuple[float, float, float, float]:
    """One momentum step on the book's f(x) = 0.1 x1^2 + 2 x2^2: v = beta v + grad, x -= eta v."""
    v1 = beta * v1 + 0.2 * x1
    v2 = beta * v2 + 4 * x2
    return x1 - eta * v1, x2 - eta * v2, v1, v2


def adagrad_2d(
    x1: float, x2: float, s1: float, s2: float, eta: float = 0.4, eps: float = 1e-6
) -> tuple[float, float, float, float]:
    """One AdaGrad step on f(x) = 0.1 x1^2 + 2 x2^2: s += g^2, x -= eta g / sqrt(s + eps)."""
    g1, g2 = 0.2 * x1, 4 * x2
    s1 += g1**2
    s2 += g2**2
    return x1 - eta / math.sqrt(s1 + eps) * g1, x2 - eta / math.sqrt(s2 + eps) * g2, s1, s2


def rmsprop_2d(
    x1: float,
    x2: float,
    s1: float,
    s2: float,
    eta: float = 0.4,
    gamma: float = 0.9,
    eps: float = 1e-6,
) -> tuple[float, float, float, float]:
    """One RMSProp step on f(x) = 0.1 x1^2 + 2 x2^2: s = gamma s + (1 - gamma) g^2."""
    g1, g2 = 0.2 * x1, 4 * x2
    s1 = gamma * s1 + (1 - gamma) * g1**2
    s2 = gamma * s2 + (1 - gamma) * g2**2
    return x1 - eta / math.sqrt(s1 + eps) * g1, x2 - eta / math.sqrt(s2 + eps) * g2, s1, s2
