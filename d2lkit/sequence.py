"""8.1 sequence models: an autoregressive MLP on a noisy sine wave, and why its predictions drift.

The series is `x_t = sin(0.01 t) + noise`, t = 1..T. Each label x_t is predicted from the tau
observations before it. One-step-ahead predictions (every input observed) track the series;
predicting further ahead feeds predictions back in as inputs, errors compound, and a k-step
prediction decays to a constant as k grows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import Tensor, nn

from d2lkit.data import load_array
from d2lkit.mlp import evaluate_loss

__all__ = [
    "get_net",
    "init_weights",
    "k_step_preds",
    "lagged_features",
    "load_sine_data",
    "multistep_preds",
    "onestep_preds",
    "sine_series",
    "train",
]

Loss = Callable[[Tensor, Tensor], Tensor]


def sine_series(
    T: int = 1000, noise: float = 0.2, *, generator: torch.Generator | None = None
) -> tuple[Tensor, Tensor]:
    """The book's data: `time = 1, ..., T` and `x = sin(0.01 time) + N(0, noise^2)`.

    Returns `time: (T,)` and `x: (T,)`, float32. The noise comes from `generator`, else from
    torch's global generator.
    """
    time = torch.arange(1, T + 1, dtype=torch.float32)
    x = torch.sin(0.01 * time) + torch.normal(0.0, noise, (T,), generator=generator)
    return time, x


def lagged_features(x: Tensor, tau: int = 4) -> tuple[Tensor, Tensor]:
    """Pairs `(x_(t-tau), ..., x_(t-1)) -> x_t` for every t that has tau predecessors.

    x: (T,) -> features: (T - tau, tau), row i being `x[i : i + tau]`; labels: (T - tau, 1),
    row i being `x[i + tau]`.
    """
    T = x.shape[0]
    features = torch.stack([x[i : T - tau + i] for i in range(tau)], dim=1)
    return features, x[tau:].reshape(-1, 1)


def load_sine_data(
    batch_size: int = 16,
    n_train: int = 600,
    tau: int = 4,
    T: int = 1000,
    *,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor, Tensor, Iterable[tuple[Tensor, Tensor]]]:
    """The section's setup: `(x, features, labels, train_iter)`, training on the first n_train
    pairs in shuffled minibatches (`load_array`).

    x: (T,); features: (T - tau, tau); labels: (T - tau, 1).
    """
    _, x = sine_series(T, generator=generator)
    features, labels = lagged_features(x, tau)
    train_iter = load_array((features[:n_train], labels[:n_train]), batch_size, is_train=True)
    return x, features, labels, train_iter


def init_weights(m: nn.Module) -> None:
    """Xavier-uniform weights for every Linear layer, as in the book's 8.1."""
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)


def get_net(tau: int = 4) -> nn.Sequential:
    """The book's MLP: `(batch_size, tau) -> Linear(tau, 10) -> ReLU -> Linear(10, 1)`, xavier
    initialised."""
    net = nn.Sequential(nn.Linear(tau, 10), nn.ReLU(), nn.Linear(10, 1))
    net.apply(init_weights)
    return net


def train(
    net: nn.Module,
    train_iter: Iterable[tuple[Tensor, Tensor]],
    loss: Loss,
    epochs: int,
    lr: float,
    *,
    verbose: bool = False,
) -> list[float]:
    """Adam(lr) on the summed per-example loss (`nn.MSELoss(reduction='none')`), as the book does.

    Returns the mean training loss after each epoch; with `verbose`, prints the book's
    `epoch 1, loss: 0.076846` lines.
    """
    trainer = torch.optim.Adam(net.parameters(), lr)
    losses = []
    for epoch in range(epochs):
        net.train()
        for X, y in train_iter:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.sum().backward()
            trainer.step()
        losses.append(evaluate_loss(net, train_iter, loss))
        if verbose:
            print(f"epoch {epoch + 1}, loss: {losses[-1]:f}")
    return losses


def onestep_preds(net: nn.Module, features: Tensor) -> Tensor:
    """One-step-ahead predictions: every input is an observation.

    features: (n, tau) -> (n, 1).
    """
    with torch.no_grad():
        return net(features)


def multistep_preds(net: nn.Module, x: Tensor, tau: int, n_train: int) -> Tensor:
    """The first n_train + tau values observed, every later one predicted from the tau values
    before it, which are themselves predictions once past the observed part.

    x: (T,) -> (T,); the first n_train + tau entries equal x.
    """
    preds = torch.zeros_like(x)
    preds[: n_train + tau] = x[: n_train + tau]
    with torch.no_grad():
        for i in range(n_train + tau, x.shape[0]):
            preds[i] = net(preds[i - tau : i].reshape(1, -1)).reshape(())
    return preds


def k_step_preds(net: nn.Module, x: Tensor, tau: int, max_steps: int) -> Tensor:
    """k-step-ahead predictions for k = 1, ..., max_steps, all starting points at once.

    x: (T,) -> features: (T - tau - max_steps + 1, tau + max_steps). Row i starts with the
    observations `x[i : i + tau]`; column `tau + k - 1` holds the k-step-ahead prediction of
    `x[i + tau + k - 1]`, made from the tau columns before it.
    """
    n = x.shape[0] - tau - max_steps + 1
    features = torch.zeros((n, tau + max_steps), dtype=x.dtype)
    for i in range(tau):
        features[:, i] = x[i : i + n]
    with torch.no_grad():
        for i in range(tau, tau + max_steps):
            features[:, i] = net(features[:, i - tau : i]).reshape(-1)
    return features
