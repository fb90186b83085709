"""Chapter 3 (Linear Neural Networks): linear regression and softmax regression.

From scratch (3.2, 3.6): `data_iter`, `linreg`, `squared_loss`, `sgd`, `softmax`,
`cross_entropy`, `SoftmaxRegressionScratch`. Concise (3.7): `softmax_regression_concise`.
The d2l harness (3.6): `accuracy`, `evaluate_accuracy`, `train_epoch_ch3`, `train_ch3`,
`predict_ch3`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import torch
from torch import Tensor, nn

from d2lkit.utils import Accumulator

Net = Callable[[Tensor], Tensor]
Loss = Callable[[Tensor, Tensor], Tensor]
Updater = torch.optim.Optimizer | Callable[[int], None]

# ---------------------------------------------------------------- 3.2 Linear regression


def data_iter(
    batch_size: int,
    features: Tensor,
    labels: Tensor,
    *,
    generator: torch.Generator | None = None,
) -> Iterator[tuple[Tensor, Tensor]]:
    """Yield `(X, y)` minibatches covering every example once, in a random order.

    features: (num_examples, ...); labels: (num_examples, ...). Batches hold `batch_size`
    examples except the last, which holds the remainder when batch_size does not divide
    num_examples.
    """
    num_examples = len(features)
    indices = torch.randperm(num_examples, generator=generator)
    for i in range(0, num_examples, batch_size):
        batch_indices = indices[i : i + batch_size]
        yield features[batch_indices], labels[batch_indices]


def linreg(X: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """The linear regression model `X w + b`.

    X: (batch_size, num_inputs); w: (num_inputs, 1); b: (1,) or 0-d -> (batch_size, 1).
    """
    return torch.matmul(X, w) + b


def squared_loss(y_hat: Tensor, y: Tensor) -> Tensor:
    """Halved squared error per example: `(y_hat - y)^2 / 2`, in the shape of `y_hat`.

    y is reshaped to y_hat's shape first: labels often come as `(batch_size,)` while the model
    outputs `(batch_size, 1)`, and subtracting those would broadcast to a square matrix.
    """
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params: Iterable[Tensor], lr: float, batch_size: int) -> None:
    """One minibatch SGD step in place, then zero the gradients.

    The gradients are those of a loss summed over the minibatch, hence the division by
    batch_size. The update runs under `no_grad` so that it is not recorded by autograd.
    """
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


# ---------------------------------------------------------------- 3.6 Softmax regression


def softmax(X: Tensor) -> Tensor:
    """Softmax over the last axis: `exp(X) / sum(exp(X))`, row by row.

    X: (batch_size, num_outputs) -> probabilities of the same shape. The row maximum is
    subtracted first: softmax does not change, and exp can no longer overflow (exp(1000) is
    inf in float32). The maximum is a constant shift, so it needs no gradient.
    """
    X_exp = torch.exp(X - X.max(dim=-1, keepdim=True).values.detach())
    return X_exp / X_exp.sum(dim=-1, keepdim=True)


def cross_entropy(y_hat: Tensor, y: Tensor) -> Tensor:
    """Cross-entropy loss per example: `-log y_hat[i, y[i]]`.

    y_hat: (batch_size, num_classes) probabilities; y: (batch_size,) class indices
    -> (batch_size,).
    """
    return -torch.log(y_hat[torch.arange(y_hat.shape[0], device=y_hat.device), y])


def init_softmax_params(
    num_inputs: int, num_outputs: int, sigma: float = 0.01
) -> tuple[Tensor, Tensor]:
    """Parameters of softmax regression: `W ~ N(0, sigma^2)` of shape (num_inputs, num_outputs)
    and `b = 0` of shape (num_outputs,), both requiring gradients."""
    W = torch.normal(0, sigma, size=(num_inputs, num_outputs), requires_grad=True)
    b = torch.zeros(num_outputs, requires_grad=True)
    return W, b


class SoftmaxRegressionScratch(nn.Module):
    """Softmax regression from scratch: `softmax(X W + b)`, outputs probabilities.

    Pair it with `cross_entropy` (not `nn.CrossEntropyLoss`, which expects logits).
    """

    def __init__(self, num_inputs: int = 784, num_outputs: int = 10, sigma: float = 0.01) -> None:
        super().__init__()
        self.num_inputs = num_inputs
        W, b = init_softmax_params(num_inputs, num_outputs, sigma)
        self.W = nn.Parameter(W)
        self.b = nn.Parameter(b)

    def forward(self, X: Tensor) -> Tensor:
        """X: (batch_size, ...) with num_inputs entries per example -> (batch_size, num_outputs)."""
        return softmax(X.reshape(-1, self.num_inputs) @ self.W + self.b)


def softmax_regression_concise(num_inputs: int = 784, num_outputs: int = 10) -> nn.Sequential:
    """Softmax regression with nn layers (3.7): Flatten, then Linear, which outputs logits.

    The softmax is left to `nn.CrossEntropyLoss`, which computes it in the log domain. As in
    the book, the weights are drawn from N(0, 0.01^2) and the bias keeps nn.Linear's default.
    """
    net = nn.Sequential(nn.Flatten(), nn.Linear(num_inputs, num_outputs))
    nn.init.normal_(net[1].weight, std=0.01)
    return net


# ---------------------------------------------------------------- 3.6 Training harness


def _device_of(net: Net) -> torch.device | None:
    """The device of the net's parameters; None for a plain function or a parameterless net."""
    if isinstance(net, nn.Module):
        param = next(net.parameters(), None)
        if param is not None:
            return param.device
    return None


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """The NUMBER of correct predictions (not the fraction; divide by `len(y)` for that).

    y_hat: (batch_size, num_classes) scores, or (batch_size,) predicted classes; y: (batch_size,).
    """
    if y_hat.ndim > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat.type(y.dtype) == y).sum())


def evaluate_accuracy(net: Net, data_iter: Iterable[tuple[Tensor, Tensor]]) -> float:
    """Fraction of correct predictions of `net` over all of `data_iter`, without gradients.

    An nn.Module is put in eval mode first; batches are moved to the device of its parameters.
    """
    device = _device_of(net)
    if isinstance(net, nn.Module):
        net.eval()
    metric = Accumulator(2)  # number correct, number of examples
    with torch.no_grad():
        for X, y in data_iter:
            if device is not None:
                X, y = X.to(device), y.to(device)
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


def train_epoch_ch3(
    net: Net, train_iter: Iterable[tuple[Tensor, Tensor]], loss: Loss, updater: Updater
) -> tuple[float, float]:
    """Train `net` for one epoch; return (mean training loss, training accuracy).

    loss must return one value per example (`reduction='none'`). With a torch optimizer the
    mean loss is minimised; with a scratch updater such as `lambda batch_size: sgd(...)`, the
    summed loss is backpropagated and `updater(batch_size)` divides by the batch size itself.
    """
    device = _device_of(net)
    if isinstance(net, nn.Module):
        net.train()
    metric = Accumulator(3)  # loss sum, number correct, number of examples
    for X, y in train_iter:
        if device is not None:
            X, y = X.to(device), y.to(device)
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.detach().sum()), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]


def train_ch3(
    net: Net,
    train_iter: Iterable[tuple[Tensor, Tensor]],
    test_iter: Iterable[tuple[Tensor, Tensor]],
    loss: Loss,
    num_epochs: int,
    updater: Updater,
    *,
    plot: bool = True,
) -> dict[str, list[float]]:
    """Train for `num_epochs` epochs, evaluating on `test_iter` after each one.

    Returns the history `{"train_loss": [...], "train_acc": [...], "test_acc": [...]}` (one
    entry per epoch). With `plot`, the curves are drawn once training ends (inline in a
    notebook). Unlike d2l, nothing is asserted about the final values.
    """
    history: dict[str, list[float]] = {"train_loss": [], "train_acc": [], "test_acc": []}
    for _ in range(num_epochs):
        train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater)
        history["train_loss"].append(train_loss)
        history["train_acc"].append(train_acc)
        history["test_acc"].append(evaluate_accuracy(net, test_iter))
    if plot:
        from d2lkit.plotting import plot_curves

        plot_curves(history)
    return history


def predict_ch3(net: Net, test_iter: Iterable[tuple[Tensor, Tensor]], n: int = 6) -> list[str]:
    """Show the first `n` images of `test_iter`, titled with the true and the predicted label.

    Returns the titles, `"<true>\\n<predicted>"` with Fashion-MNIST label names.
    """
    from d2lkit.data import get_fashion_mnist_labels
    from d2lkit.plotting import show_images

    X, y = next(iter(test_iter))
    X, y = X[:n], y[:n]
    device = _device_of(net)
    with torch.no_grad():
        y_hat = net(X if device is None else X.to(device)).argmax(dim=1).cpu()
    trues: Sequence[str] = get_fashion_mnist_labels(y)
    preds: Sequence[str] = get_fashion_mnist_labels(y_hat)
    titles = [f"{true}\n{pred}" for true, pred in zip(trues, preds)]
    show_images(X.reshape(len(X), *X.shape[-2:]), 1, len(X), titles=titles)
    return titles
