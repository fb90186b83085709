"""Chapter 4 (Multilayer Perceptrons): the from-scratch references and their concise twins.

4.1 activations and their derivatives, 4.2/4.3 the MLP, 4.4 polynomial model selection,
4.5 weight decay, 4.6 dropout, 4.7 backpropagation by hand, 4.8 Xavier initialisation.
Kaggle house prices (4.10) live in `d2lkit.kaggle_house`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import torch
from torch import Tensor, nn

from d2lkit.data import load_array, synthetic_data
from d2lkit.linear import linreg, sgd, squared_loss, train_epoch_ch3
from d2lkit.utils import Accumulator

Net = Callable[[Tensor], Tensor]
Loss = Callable[[Tensor, Tensor], Tensor]

# ---------------------------------------------------------------- 4.1 activation functions


def relu(X: Tensor) -> Tensor:
    """`max(X, 0)` elementwise, any shape. At exactly 0 autograd splits the tie (gradient 0.5)."""
    return torch.max(X, torch.zeros_like(X))


def _exp_minus_abs(X: Tensor) -> tuple[Tensor, Tensor]:
    """`(X < 0, exp(-|X|))`. exp of a non-positive number cannot overflow, and `where` (unlike
    `abs`, whose gradient at 0 is 0) keeps the slope at X == 0."""
    negative = X < 0
    return negative, torch.exp(torch.where(negative, X, -X))


def sigmoid(X: Tensor) -> Tensor:
    """`1 / (1 + exp(-X))` elementwise, any shape.

    Written as `e / (1 + e)` with `e = exp(X)` for negative X, so that no exp overflows (the
    naive form gives inf / inf = nan gradients for X < -88 in float32).
    """
    negative, e = _exp_minus_abs(X)
    return torch.where(negative, e / (1 + e), 1 / (1 + e))


def tanh(X: Tensor) -> Tensor:
    """`(1 - exp(-2X)) / (1 + exp(-2X))` elementwise, any shape; computed on |X| for stability."""
    negative, e = _exp_minus_abs(2 * X)
    t = (1 - e) / (1 + e)
    return torch.where(negative, -t, t)


def relu_grad(X: Tensor) -> Tensor:
    """d relu / dX: 1 where X > 0, else 0 (the book takes the left derivative, 0, at X == 0)."""
    return (X > 0).to(X.dtype)


def sigmoid_grad(X: Tensor) -> Tensor:
    """d sigmoid / dX = sigmoid(X) (1 - sigmoid(X)); at most 1/4, reached at X == 0."""
    s = sigmoid(X)
    return s * (1 - s)


def tanh_grad(X: Tensor) -> Tensor:
    """d tanh / dX = 1 - tanh(X)^2; at most 1, reached at X == 0."""
    return 1 - tanh(X) ** 2


def grad_via_autograd(fn: Callable[[Tensor], Tensor], X: Tensor) -> Tensor:
    """The elementwise derivative of `fn` at X by autograd (the book's `y.backward(ones)`).

    fn must act elementwise, so that the gradient of `fn(X).sum()` is its derivative.
    """
    X = X.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(fn(X).sum(), X)
    return grad


# ---------------------------------------------------------------- 4.2 / 4.3 the MLP


class MLPScratch(nn.Module):
    """One hidden layer of ReLUs: `relu(X W1 + b1) W2 + b2`, outputs logits.

    W1: (num_inputs, num_hiddens), W2: (num_hiddens, num_outputs), both N(0, 0.01^2); biases 0.
    forward X: (batch_size, ...) with num_inputs entries per example -> (batch_size, num_outputs).
    """

    def __init__(self, num_inputs: int = 784, num_outputs: int = 10, num_hiddens: int = 256):
        super().__init__()
        self.num_inputs = num_inputs
        self.W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.01)
        self.b1 = nn.Parameter(torch.zeros(num_hiddens))
        self.W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.01)
        self.b2 = nn.Parameter(torch.zeros(num_outputs))

    def forward(self, X: Tensor) -> Tensor:
        H = relu(X.reshape(-1, self.num_inputs) @ self.W1 + self.b1)
        return H @ self.W2 + self.b2


def init_weights(m: nn.Module) -> None:
    """The book's `init_weights`: Linear weights from N(0, 0.01^2); biases keep their default."""
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, std=0.01)


def mlp_concise(
    num_inputs: int = 784, num_outputs: int = 10, num_hiddens: int = 256
) -> nn.Sequential:
    """Flatten, Linear, ReLU, Linear (4.3): the same model as `MLPScratch`, with nn layers."""
    net = nn.Sequential(
        nn.Flatten(),
        nn.Linear(num_inputs, num_hiddens),
        nn.ReLU(),
        nn.Linear(num_hiddens, num_outputs),
    )
    net.apply(init_weights)
    return net


# ---------------------------------------------------------------- 4.4 model selection


def polynomial_features(x: Tensor, max_degree: int) -> Tensor:
    """`x^i / i!` for i = 0 .. max_degree - 1.

    x: (n,) or (n, 1) -> (n, max_degree). The 1/i! = 1/gamma(i + 1) scaling keeps high powers of
    x ~ N(0, 1) from producing huge features and gradients. Computed in float64, returned in
    x's dtype.
    """
    powers = torch.arange(max_degree, dtype=torch.float64)
    factorials = torch.tensor([math.gamma(i + 1) for i in range(max_degree)], dtype=torch.float64)
    features = x.reshape(-1, 1).to(torch.float64) ** powers / factorials
    return features.to(x.dtype)


class PolynomialData(NamedTuple):
    """true_w: (max_degree,); features: (n, 1); poly_features: (n, max_degree); labels: (n,)."""

    true_w: Tensor
    features: Tensor
    poly_features: Tensor
    labels: Tensor


def make_polynomial_data(
    n_train: int = 100,
    n_test: int = 100,
    max_degree: int = 20,
    true_w_head: Sequence[float] = (5, 1.2, -3.4, 5.6),
    noise: float = 0.1,
    generator: torch.Generator | None = None,
) -> PolynomialData:
    """The cubic of 4.4, `y = 5 + 1.2 x - 3.4 x^2/2! + 5.6 x^3/3! + eps`, eps ~ N(0, noise^2).

    The first n_train rows are the training set, the other n_test rows the test set. true_w is
    zero beyond its head, so fitting all max_degree features invites overfitting.
    """
    true_w = torch.zeros(max_degree)
    true_w[: len(true_w_head)] = torch.tensor(true_w_head, dtype=true_w.dtype)
    features = torch.randn(n_train + n_test, 1, generator=generator)
    poly_features = polynomial_features(features, max_degree)
    labels = poly_features @ true_w
    labels += torch.randn(labels.shape, generator=generator) * noise
    return PolynomialData(true_w, features, poly_features, labels)


def evaluate_loss(net: Net, data_iter: Iterable[tuple[Tensor, Tensor]], loss: Loss) -> float:
    """The mean per-example loss of `net` over `data_iter` (loss with `reduction='none'`).

    Labels are reshaped to the output's shape; an nn.Module is evaluated in eval mode.
    """
    if isinstance(net, nn.Module):
        net.eval()
    metric = Accumulator(2)  # loss sum, number of losses
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            l = loss(out, y.reshape(out.shape))
            metric.add(l.sum(), l.numel())
    return metric[0] / metric[1]


def _record(
    history: dict[str, list],
    epoch: int,
    net: Net,
    loss: Loss,
    train_iter: Iterable,
    test_iter: Iterable,
) -> None:
    """Append the epoch and the mean train and test losses to a training history."""
    history["epochs"].append(epoch)
    history["train_loss"].append(evaluate_loss(net, train_iter, loss))
    history["test_loss"].append(evaluate_loss(net, test_iter, loss))


def train_polynomial(
    train_features: Tensor,
    test_features: Tensor,
    train_labels: Tensor,
    test_labels: Tensor,
    num_epochs: int = 400,
    lr: float = 0.01,
) -> dict[str, Tensor | list[float] | list[int]]:
    """Fit `Linear(d, 1, bias=False)` by minibatch SGD on the mean squared error (the book's
    `train` of 4.4). features: (n, d); labels: (n,) or (n, 1).

    Returns `{"weight": (1, d), "epochs", "train_loss", "test_loss"}`, losses recorded after
    epoch 1 and every 20 epochs as the book plots them. With the 4.4 data, d = 4 fits well,
    d = 2 underfits and d = 20 (1500 epochs) overfits.
    """
    loss = nn.MSELoss(reduction="none")
    net = nn.Sequential(nn.Linear(train_features.shape[-1], 1, bias=False))
    batch_size = min(10, train_labels.shape[0])
    train_iter = load_array((train_features, train_labels.reshape(-1, 1)), batch_size)
    test_iter = load_array((test_features, test_labels.reshape(-1, 1)), batch_size, is_train=False)
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    history: dict[str, list] = {"epochs": [], "train_loss": [], "test_loss": []}
    for epoch in range(1, num_epochs + 1):
        train_epoch_ch3(net, train_iter, loss, trainer)
        if epoch == 1 or epoch % 20 == 0:
            _record(history, epoch, net, loss, train_iter, test_iter)
    return {"weight": net[0].weight.detach(), **history}


# ---------------------------------------------------------------- 4.5 weight decay


def l2_penalty(w: Tensor) -> Tensor:
    """`sum(w^2) / 2`, a scalar; the 1/2 makes its gradient exactly w."""
    return torch.sum(w**2) / 2


def l1_penalty(w: Tensor) -> Tensor:
    """`sum(|w|)`, a scalar; its gradient sign(w) pushes weights to exactly 0 (sparsity)."""
    return torch.sum(torch.abs(w))


def _weight_decay_data(
    n_train: int, n_test: int, num_inputs: int, batch_size: int
) -> tuple[Iterable, Iterable]:
    """4.5's high-dimensional regression, `y = 0.05 + sum(0.01 x_i) + N(0, 0.01^2)`: with
    200 inputs and 20 training examples, an unregularised model overfits."""
    true_w, true_b = torch.ones(num_inputs, 1) * 0.01, 0.05
    train_data = synthetic_data(true_w, true_b, n_train)
    test_data = synthetic_data(true_w, true_b, n_test)
    return load_array(train_data, batch_size), load_array(test_data, batch_size, is_train=False)


def train_weight_decay(
    lambd: float,
    num_epochs: int = 100,
    lr: float = 0.003,
    penalty: Callable[[Tensor], Tensor] = l2_penalty,
    *,
    n_train: int = 20,
    n_test: int = 100,
    num_inputs: int = 200,
    batch_size: int = 5,
) -> dict[str, Tensor | float | list[float] | list[int]]:
    """Linear regression from scratch with loss `squared_loss + lambd * penalty(w)` (4.5).

    w ~ N(0, 1) of shape (num_inputs, 1), b = 0; the bias is not penalised. The penalty is added
    to every example's loss, so after `sgd` divides the summed loss by the batch size it counts
    once per step. Returns `{"w", "b", "w_norm" (L2 norm of w), "epochs", "train_loss",
    "test_loss"}`, losses every 5 epochs. The book: lambd 0 gives a norm of about 13, lambd 3
    about 0.36.
    """
    train_iter, test_iter = _weight_decay_data(n_train, n_test, num_inputs, batch_size)
    w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)

    def net(X: Tensor) -> Tensor:
        return linreg(X, w, b)

    history: dict[str, list] = {"epochs": [], "train_loss": [], "test_loss": []}
    for epoch in range(1, num_epochs + 1):
        for X, y in train_iter:
            l = squared_loss(net(X), y) + lambd * penalty(w)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
        if epoch % 5 == 0:
            _record(history, epoch, net, squared_loss, train_iter, test_iter)
    return {"w": w.detach(), "b": b.detach(), "w_norm": w.norm().item(), **history}


def train_weight_decay_concise(
    wd: float,
    num_epochs: int = 100,
    lr: float = 0.003,
    *,
    n_train: int = 20,
    n_test: int = 100,
    num_inputs: int = 200,
    batch_size: int = 5,
) -> dict[str, Tensor | float | list[float] | list[int]]:
    """Weight decay through `torch.optim.SGD(weight_decay=wd)` on the weight only (4.5).

    `nn.Linear(num_inputs, 1)` with every parameter drawn from N(0, 1), `MSELoss` (no 1/2).
    Returns the same dict as `train_weight_decay`.
    """
    train_iter, test_iter = _weight_decay_data(n_train, n_test, num_inputs, batch_size)
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction="none")
    trainer = torch.optim.SGD(
        [{"params": net[0].weight, "weight_decay": wd}, {"params": net[0].bias}], lr=lr
    )
    history: dict[str, list] = {"epochs": [], "train_loss": [], "test_loss": []}
    for epoch in range(1, num_epochs + 1):
        for X, y in train_iter:
            trainer.zero_grad()
            loss(net(X), y).mean().backward()
            trainer.step()
        if epoch % 5 == 0:
            _record(history, epoch, net, loss, train_iter, test_iter)
    w, b = net[0].weight.detach(), net[0].bias.detach()
    return {"w": w, "b": b, "w_norm": w.norm().item(), **history}


# ---------------------------------------------------------------- 4.6 dropout


def dropout_layer(X: Tensor, dropout: float) -> Tensor:
    """Zero each element with probability `dropout`, scale the survivors by 1 / (1 - dropout).

    X: any shape -> same shape. The scaling keeps the expectation of every element equal to X.
    """
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    if dropout == 0:
        return X
    mask = (torch.rand(X.shape, device=X.device) > dropout).to(X.dtype)
    return mask * X / (1.0 - dropout)


class DropoutMLPScratch(nn.Module):
    """Two hidden ReLU layers, `dropout_layer` after each while training (4.6).

    forward X: (batch_size, ...) with num_inputs entries per example -> (batch_size, num_outputs).
    In eval mode (`net.eval()`) no unit is dropped, so the output is deterministic.
    """

    def __init__(
        self,
        num_inputs: int,
        num_outputs: int,
        num_hiddens1: int,
        num_hiddens2: int,
        dropout1: float = 0.2,
        dropout2: float = 0.5,
    ) -> None:
        super().__init__()
        self.num_inputs = num_inputs
        self.dropout1, self.dropout2 = dropout1, dropout2
        self.lin1 = nn.Linear(num_inputs, num_hiddens1)
        self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3 = nn.Linear(num_hiddens2, num_outputs)
        self.relu = nn.ReLU()

    def forward(self, X: Tensor) -> Tensor:
        H1 = self.relu(self.lin1(X.reshape(-1, self.num_inputs)))
        if self.training:
            H1 = dropout_layer(H1, self.dropout1)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_layer(H2, self.dropout2)
        return self.lin3(H2)


def dropout_mlp_concise(
    num_inputs: int = 784,
    num_outputs: int = 10,
    num_hiddens1: int = 256,
    num_hiddens2: int = 256,
    dropout1: float = 0.2,
    dropout2: float = 0.5,
) -> nn.Sequential:
    """The 4.6 network with `nn.Dropout` layers, weights from N(0, 0.01^2)."""
    net = nn.Sequential(
        nn.Flatten(),
        nn.Linear(num_inputs, num_hiddens1),
        nn.ReLU(),
        nn.Dropout(dropout1),
        nn.Linear(num_hiddens1, num_hiddens2),
        nn.ReLU(),
        nn.Dropout(dropout2),
        nn.Linear(num_hiddens2, num_outputs),
    )
    net.apply(init_weights)
    return net


# ---------------------------------------------------------------- 4.7 backpropagation


def manual_backprop(
    X: Tensor, y: Tensor, W1: Tensor, W2: Tensor, lambd: float
) -> dict[str, Tensor]:
    """Forward and backward pass of 4.7's network by hand, without autograd.

    Forward: `z = X W1`, `h = relu(z)`, `o = h W2`, `L = mean_i cross_entropy(o_i, y_i)`,
    `s = lambd / 2 (||W1||_F^2 + ||W2||_F^2)`, `J = L + s` (no biases, as in the book).
    X: (n, d); y: (n,) class indices; W1: (d, h); W2: (h, q).
    Returns z, h, o: forward values; loss: J (0-d); dW1: (d, h), dW2: (h, q) = dJ/dW1, dJ/dW2.
    """
    with torch.no_grad():
        n = X.shape[0]
        z = X @ W1
        h = relu(z)
        o = h @ W2
        # log-softmax with the row maximum subtracted, so exp cannot overflow
        shifted = o - o.max(dim=1, keepdim=True).values
        log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
        one_hot = torch.zeros_like(o)
        one_hot[torch.arange(n), y] = 1
        L = -(log_probs * one_hot).sum() / n
        s = lambd / 2 * ((W1**2).sum() + (W2**2).sum())
        # dL/do of mean cross-entropy: (softmax(o) - one_hot(y)) / n
        dJ_do = (torch.exp(log_probs) - one_hot) / n
        dW2 = h.T @ dJ_do + lambd * W2
        dJ_dh = dJ_do @ W2.T
        dJ_dz = dJ_dh * relu_grad(z)
        dW1 = X.T @ dJ_dz + lambd * W1
    return {"z": z, "h": h, "o": o, "loss": L + s, "dW1": dW1, "dW2": dW2}


# ---------------------------------------------------------------- 4.8 Xavier initialisation


def fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) as torch computes them, for a weight of at least 2 dimensions.

    The layout is torch's, (out_features, in_features, *kernel): fan_in = size(1) * prod(kernel),
    fan_out = size(0) * prod(kernel). (For `MLPScratch`'s (in, out) matrices the two swap, which
    Xavier, symmetric in them, does not mind.)
    """
    if tensor.dim() < 2:
        raise ValueError("fan in and fan out need a tensor of at least 2 dimensions")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: torch.Generator | None = None
) -> Tensor:
    """Fill `tensor` in place from U(-a, a), `a = gain sqrt(6 / (fan_in + fan_out))`; return it.

    The variance a^2 / 3 = gain^2 2 / (fan_in + fan_out) balances the forward and backward pass.
    """
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    u = torch.rand(tensor.shape, generator=generator, dtype=tensor.dtype, device=tensor.device)
    with torch.no_grad():
        return tensor.copy_((2 * u - 1) * a)


def xavier_normal_(
    tensor: Tensor, gain: float = 1.0, generator: torch.Generator | None = None
) -> Tensor:
    """Fill `tensor` in place from N(0, std^2), `std = gain sqrt(2 / (fan_in + fan_out))`."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    z = torch.randn(tensor.shape, generator=generator, dtype=tensor.dtype, device=tensor.device)
    with torch.no_grad():
        return tensor.copy_(z * std)
