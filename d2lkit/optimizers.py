"""11.5-11.10: the book's optimisers from scratch, in its `(params, states, hyperparams)` form.

Each update reads `p.grad` of every parameter, changes the parameter and its state tensors in
place (the caller keeps them between steps) and zeroes the gradient. `states` holds one entry per
parameter, made by the matching `init_*_states(feature_dim)` for the book's linear regression
(w: (feature_dim, 1), b: (1,)). Adam and Yogi count their steps in `hyperparams["t"]` (start at 1).
The constants the book fixes (Adam's betas, the epsilons) are read from `hyperparams` when given
there, so that a comparison with `torch.optim` can match them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import torch
from torch import Tensor, nn

from d2lkit.linear import linreg, squared_loss
from d2lkit.mlp import evaluate_loss

__all__ = [
    "Curve",
    "train_ch11",
    "train_concise_ch11",
    "adadelta",
    "adagrad",
    "adam",
    "init_adadelta_states",
    "init_adagrad_states",
    "init_adam_states",
    "init_momentum_states",
    "init_rmsprop_states",
    "rmsprop",
    "sgd",
    "sgd_momentum",
    "yogi",
]

Hyper = dict[str, Any]


def _zeros(feature_dim: int) -> tuple[Tensor, Tensor]:
    return torch.zeros((feature_dim, 1)), torch.zeros(1)


@torch.no_grad()
def sgd(params: Sequence[Tensor], states: Any, hyperparams: Hyper) -> None:
    """p -= lr * grad (`hyperparams["lr"]`); `states` is unused."""
    for p in params:
        p -= hyperparams["lr"] * p.grad
        p.grad.zero_()


def init_momentum_states(feature_dim: int) -> tuple[Tensor, Tensor]:
    """The velocities of w: (feature_dim, 1) and b: (1,), zero."""
    return _zeros(feature_dim)


@torch.no_grad()
def sgd_momentum(params: Sequence[Tensor], states: Sequence[Tensor], hyperparams: Hyper) -> None:
    """v = momentum * v + grad; p -= lr * v (`lr`, `momentum`)."""
    for p, v in zip(params, states):
        v.mul_(hyperparams["momentum"]).add_(p.grad)
        p -= hyperparams["lr"] * v
        p.grad.zero_()


def init_adagrad_states(feature_dim: int) -> tuple[Tensor, Tensor]:
    """The running sums of squared gradients of w and b, zero."""
    return _zeros(feature_dim)


@torch.no_grad()
def adagrad(params: Sequence[Tensor], states: Sequence[Tensor], hyperparams: Hyper) -> None:
    """s += grad^2; p -= lr * grad / sqrt(s + eps) (`lr`; eps 1e-6)."""
    eps = hyperparams.get("eps", 1e-6)
    for p, s in zip(params, states):
        s.add_(torch.square(p.grad))
        p -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
        p.grad.zero_()


def init_rmsprop_states(feature_dim: int) -> tuple[Tensor, Tensor]:
    """The leaky averages of squared gradients of w and b, zero."""
    return _zeros(feature_dim)


@torch.no_grad()
def rmsprop(params: Sequence[Tensor], states: Sequence[Tensor], hyperparams: Hyper) -> None:
    """s = gamma s + (1 - gamma) grad^2; p -= lr * grad / sqrt(s + eps) (`lr`, `gamma`; eps 1e-6)."""
    gamma, eps = hyperparams["gamma"], hyperparams.get("eps", 1e-6)
    for p, s in zip(params, states):
        s.mul_(gamma).add_((1 - gamma) * torch.square(p.grad))
        p -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
        p.grad.zero_()


def init_adadelta_states(feature_dim: int) -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
    """((s_w, delta_w), (s_b, delta_b)): the averages of squared gradients and of squared
    updates, zero."""
    s_w, s_b = _zeros(feature_dim)
    delta_w, delta_b = _zeros(feature_dim)
    return (s_w, delta_w), (s_b, delta_b)


@torch.no_grad()
def adadelta(
    params: Sequence[Tensor], states: Sequence[Sequence[Tensor]], hyperparams: Hyper
) -> None:
    """s = rho s + (1 - rho) g^2; g' = sqrt(delta + eps) / sqrt(s + eps) g; p -= g';
    delta = rho delta + (1 - rho) g'^2 (`rho`; eps 1e-5; no learning rate)."""
    rho, eps = hyperparams["rho"], hyperparams.get("eps", 1e-5)
    for p, (s, delta) in zip(params, states):
        s.mul_(rho).add_((1 - rho) * torch.square(p.grad))
        g = torch.sqrt(delta + eps) / torch.sqrt(s + eps) * p.grad
        p -= g
        delta.mul_(rho).add_((1 - rho) * g * g)
        p.grad.zero_()


def init_adam_states(feature_dim: int) -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
    """((v_w, s_w), (v_b, s_b)): the first and second moments of w and b, zero (Adam, Yogi)."""
    v_w, v_b = _zeros(feature_dim)
    s_w, s_b = _zeros(feature_dim)
    return (v_w, s_w), (v_b, s_b)


def _adam_like(params: Sequence[Tensor], states: Any, hyperparams: Hyper, yogi: bool) -> None:
    beta1 = hyperparams.get("beta1", 0.9)
    beta2 = hyperparams.get("beta2", 0.999)
    eps = hyperparams.get("eps", 1e-3 if yogi else 1e-6)
    t = hyperparams["t"]
    for p, (v, s) in zip(params, states):
        g2 = torch.square(p.grad)
        v.mul_(beta1).add_((1 - beta1) * p.grad)
        if yogi:
            # s moves towards g^2 by at most (1 - beta2) g^2, however far away it is
            s.add_((1 - beta2) * torch.sign(g2 - s) * g2)
        else:
            s.mul_(beta2).add_((1 - beta2) * g2)
        v_hat = v / (1 - beta1**t)
        s_hat = s / (1 - beta2**t)
        p -= hyperparams["lr"] * v_hat / (torch.sqrt(s_hat) + eps)
        p.grad.zero_()
    hyperparams["t"] = t + 1


@torch.no_grad()
def adam(params: Sequence[Tensor], states: Any, hyperparams: Hyper) -> None:
    """v = b1 v + (1 - b1) g; s = b2 s + (1 - b2) g^2; p -= lr v^ / (sqrt(s^) + eps), with the
    bias corrections v^ = v / (1 - b1^t), s^ = s / (1 - b2^t); then t += 1 (`lr`, `t`;
    b1 0.9, b2 0.999, eps 1e-6)."""
    _adam_like(params, states, hyperparams, yogi=False)


@torch.no_grad()
def yogi(params: Sequence[Tensor], states: Any, hyperparams: Hyper) -> None:
    """Adam with the second moment s += (1 - b2) sign(g^2 - s) g^2 (`lr`, `t`; eps 1e-3)."""
    _adam_like(params, states, hyperparams, yogi=True)


class Curve(NamedTuple):
    """What `train_ch11` measured: the loss over the whole data after every 200 examples (and at
    the end), at `epochs` (in epochs), and the training time per epoch (evaluations excluded)."""

    epochs: list[float]
    losses: list[float]
    seconds_per_epoch: float


Batches = Iterable[tuple[Tensor, Tensor]]


def _train(
    step: Callable[[Tensor, Tensor], None],
    evaluate: Callable[[], float],
    data_iter: Batches,
    num_epochs: int,
) -> Curve:
    epochs, losses, seconds = [], [], 0.0
    num_batches = len(data_iter)  # type: ignore[arg-type]
    n = 0
    for _ in range(num_epochs):
        start = time.perf_counter()
        for X, y in data_iter:
            step(X, y)
            n += X.shape[0]
            if n % 200 == 0:
                seconds += time.perf_counter() - start
                epochs.append(n / X.shape[0] / num_batches)
                losses.append(evaluate())
                start = time.perf_counter()
        seconds += time.perf_counter() - start
    if not epochs or epochs[-1] != num_epochs:
        # a data set whose size is not a multiple of 200 still ends with its final loss
        epochs.append(float(num_epochs))
        losses.append(evaluate())
    return Curve(epochs, losses, seconds / num_epochs)


def train_ch11(
    trainer_fn: Callable[[list[Tensor], Any, Hyper], None],
    states: Any,
    hyperparams: Hyper,
    data_iter: Batches,
    feature_dim: int,
    num_epochs: int = 2,
) -> Curve:
    """Linear regression trained by a scratch optimiser `trainer_fn(params, states, hyperparams)`
    on the mean squared loss (halved, as `squared_loss`) of batches X: (batch_size, feature_dim),
    y: (batch_size,); w ~ N(0, 0.01^2), b = 0."""
    w = torch.normal(0.0, 0.01, (feature_dim, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)

    def net(X: Tensor) -> Tensor:
        return linreg(X, w, b)

    def step(X: Tensor, y: Tensor) -> None:
        squared_loss(net(X), y).mean().backward()
        trainer_fn([w, b], states, hyperparams)

    return _train(step, lambda: evaluate_loss(net, data_iter, squared_loss), data_iter, num_epochs)


def train_concise_ch11(
    trainer_fn: Callable[..., torch.optim.Optimizer],
    hyperparams: Hyper,
    data_iter: Batches,
    num_epochs: int = 4,
) -> Curve:
    """The same regression as `train_ch11` with `nn.Linear(5, 1)` and a torch optimizer
    `trainer_fn(params, **hyperparams)`; the loss reported is half the mean squared error."""
    net = nn.Sequential(nn.Linear(5, 1))
    nn.init.normal_(net[0].weight, std=0.01)
    optimizer = trainer_fn(net.parameters(), **hyperparams)
    loss = nn.MSELoss(reduction="none")

    def step(X: Tensor, y: Tensor) -> None:
        optimizer.zero_grad()
        out = net(X)
        loss(out, y.reshape(out.shape)).mean().backward()
        optimizer.step()

    return _train(step, lambda: evaluate_loss(net, data_iter, loss) / 2, data_iter, num_epochs)
