"""Chapter 6 references: convolutions, padding and stride, channels, pooling, LeNet.

The from-scratch operators (`corr2d`, `pool2d`, ...) loop over output positions exactly as the book
does, so they are slow and meant for small tensors; the tests compare each of them with the
`torch.nn.functional` built-in it re-derives, values and gradients.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import torch
import torch.nn.functional as F
from torch import nn

IntPair = int | tuple[int, int]

__all__ = [
    "Conv2D",
    "comp_conv2d",
    "conv_output_shape",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1",
    "edge_detection_data",
    "evaluate_accuracy_gpu",
    "learn_edge_kernel",
    "lenet",
    "pool2d",
    "train_ch6",
]


def _pair(v: IntPair) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


# ---------------------------------------------------------------- 6.2 convolutions for images
def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """2-D cross-correlation (what deep learning calls convolution), no padding, stride 1.

    X: (height, width); K: (kernel_height, kernel_width)
    returns: (height - kernel_height + 1, width - kernel_width + 1)
    """
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


class Conv2D(nn.Module):
    """A convolutional layer built on `corr2d`: one input and one output channel.

    forward X: (height, width) -> (height - kh + 1, width - kw + 1)
    """

    def __init__(self, kernel_size: tuple[int, int]) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return corr2d(X, self.weight) + self.bias


def edge_detection_data() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The book's 6.2 edge image and its target.

    returns X: (6, 8), ones with a black band in columns 2..5; K: (1, 2) = [[1, -1]];
    Y = corr2d(X, K): (6, 7), +1 at white-to-black edges and -1 at black-to-white ones.
    """
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    K = torch.tensor([[1.0, -1.0]])
    return X, K, corr2d(X, K)


def learn_edge_kernel(
    X: torch.Tensor | None = None,
    Y: torch.Tensor | None = None,
    lr: float = 3e-2,
    num_epochs: int = 10,
) -> tuple[torch.Tensor, list[float]]:
    """Learn the kernel that produced Y from X, as in 6.2: a bias-free `nn.Conv2d(1, 1, (1, 2))`
    trained on the summed squared error by the hand-written update `weight -= lr * grad`.

    X: (height, width), defaults to the book's edge image; Y: (height, width - 1), defaults to
    X cross-correlated with the book's K = [[1, -1]] (see `edge_detection_data`).
    returns (kernel: (1, 2), losses: the summed squared error before each update, one per epoch).
    The starting kernel is PyTorch's random init, so seed the generator for a reproducible run.
    """
    X_book, K, _ = edge_detection_data()
    X = X_book if X is None else X
    Y = corr2d(X, K) if Y is None else Y
    conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    # nn.Conv2d wants (batch_size, channels, height, width)
    X = X.reshape((1, 1) + tuple(X.shape))
    Y = Y.reshape((1, 1) + tuple(Y.shape))
    losses = []
    for _ in range(num_epochs):
        l = (conv2d(X) - Y) ** 2
        conv2d.zero_grad()
        l.sum().backward()
        with torch.no_grad():
            conv2d.weight -= lr * conv2d.weight.grad
        losses.append(l.sum().item())
    return conv2d.weight.detach().reshape(1, 2), losses


# ---------------------------------------------------------------- 6.3 padding and stride
def conv_output_shape(
    input_shape: tuple[int, int],
    kernel_size: IntPair,
    padding: IntPair = 0,
    stride: IntPair = 1,
) -> tuple[int, int]:
    """Output (height, width) of a convolution or pooling window (floor mode).

    Each dimension is floor((n - k + 2p + s) / s), where `padding` p is added on *each* side.
    """
    (n_h, n_w), (k_h, k_w) = _pair(input_shape), _pair(kernel_size)
    (p_h, p_w), (s_h, s_w) = _pair(padding), _pair(stride)
    return (n_h - k_h + 2 * p_h + s_h) // s_h, (n_w - k_w + 2 * p_w + s_w) // s_w


def comp_conv2d(conv2d: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """Apply a one-channel conv layer to a plain image.

    X: (height, width) -> output (out_height, out_width); the batch and channel
    dimensions of size 1 that `nn.Conv2d` needs are added and then stripped.
    """
    Y = conv2d(X.reshape((1, 1) + tuple(X.shape)))
    return Y.reshape(Y.shape[2:])


# ---------------------------------------------------------------- 6.4 channels
def corr2d_multi_in(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Multi-input-channel cross-correlation: the per-channel results are summed.

    X: (num_inputs, height, width); K: (num_inputs, kh, kw) -> (height - kh + 1, width - kw + 1)
    """
    return sum(corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """One multi-input cross-correlation per output channel, stacked.

    X: (num_inputs, height, width); K: (num_outputs, num_inputs, kh, kw)
    returns: (num_outputs, height - kh + 1, width - kw + 1)
    """
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


def corr2d_multi_in_out_1x1(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """A 1x1 convolution is a fully connected layer applied at every pixel: one matmul.

    X: (num_inputs, height, width); K: (num_outputs, num_inputs, 1, 1)
    returns: (num_outputs, height, width)
    """
    c_i, h, w = X.shape
    c_o = K.shape[0]
    Y = K.reshape(c_o, c_i) @ X.reshape(c_i, h * w)
    return Y.reshape(c_o, h, w)


# ---------------------------------------------------------------- 6.5 pooling
def pool2d(
    X: torch.Tensor,
    pool_size: IntPair,
    mode: str = "max",
    padding: IntPair = 0,
    stride: IntPair = 1,
) -> torch.Tensor:
    """Max or average pooling, with padding and stride (the book's version has neither).

    X: (..., height, width); pooling acts on the last two dimensions, leading ones
    (batch_size, channels) are kept. `stride` defaults to 1, so `pool2d(X, pool_size, mode)`
    gives the book's results; `nn.MaxPool2d(k)` means stride k, so pass `stride=pool_size`
    to mimic it.
    Max pooling pads with -inf so padding never wins; average pooling pads with zeros and
    divides by the full window size (`count_include_pad=True`, the `F.avg_pool2d` default).
    returns: (..., out_height, out_width), see `conv_output_shape`.
    """
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', not {mode!r}")
    p_h, p_w = _pair(pool_size)
    pad_h, pad_w = _pair(padding)
    s_h, s_w = _pair(stride)
    out_h, out_w = conv_output_shape(X.shape[-2:], (p_h, p_w), (pad_h, pad_w), (s_h, s_w))
    fill = float("-inf") if mode == "max" else 0.0
    X = F.pad(X, (pad_w, pad_w, pad_h, pad_h), value=fill)
    Y = X.new_zeros(X.shape[:-2] + (out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = X[..., i * s_h : i * s_h + p_h, j * s_w : j * s_w + p_w]
            Y[..., i, j] = window.amax(dim=(-2, -1)) if mode == "max" else window.mean(dim=(-2, -1))
    return Y


# ---------------------------------------------------------------- 6.6 LeNet
def lenet() -> nn.Sequential:
    """The book's LeNet-5 (sigmoid activations, average pooling).

    X: (batch_size, 1, 28, 28) -> logits (batch_size, 10)
    """
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip


Batch = tuple[torch.Tensor | list[torch.Tensor], torch.Tensor]


def _to(
    X: torch.Tensor | list[torch.Tensor], device: torch.device
) -> torch.Tensor | list[torch.Tensor]:
    # BERT-style models (ch14) take a list of tensors as X
    return [x.to(device) for x in X] if isinstance(X, list) else X.to(device)


def evaluate_accuracy_gpu(
    net: nn.Module, data_iter: Iterable[Batch], device: torch.device | str | None = None
) -> float:
    """Fraction of correctly classified examples, computed on `device`.

    `device` defaults to the device of the net's parameters. Correct counts stay on the device
    and are read back once, so the loop never waits on the host.
    """
    if isinstance(net, nn.Module):
        net.eval()
        if device is None:
            device = next(iter(net.parameters())).device
    device = torch.device(device) if device is not None else torch.device("cpu")
    correct = torch.zeros((), dtype=torch.int64, device=device)
    total = 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = _to(X, device), y.to(device)
            correct += (net(X).argmax(dim=1) == y).sum()
            total += y.numel()
    return correct.item() / total


def _xavier_init(m: nn.Module) -> None:
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        nn.init.xavier_uniform_(m.weight)


def train_ch6(
    net: nn.Module,
    train_iter: Iterable[Batch],
    test_iter: Iterable[Batch],
    num_epochs: int,
    lr: float,
    device: torch.device | str,
    verbose: bool = True,
) -> dict:
    """Train a classifier as d2l's `train_ch6` does: xavier_uniform_ weights on every Linear and
    Conv2d, minibatch SGD(lr), mean cross-entropy.

    Batches are X: (batch_size, channels, height, width) float and y: (batch_size,) class
    indices. Metrics are summed as device tensors and read once per epoch, so the GPU is never
    stalled by a per-batch `.item()`. examples_per_sec counts training batches only.
    returns {'train_loss': [...], 'train_acc': [...], 'test_acc': [...], 'examples_per_sec': x}
    with one entry per epoch; with `verbose`, prints the book's two summary lines at the end.
    """
    device = torch.device(device)
    net.apply(_xavier_init)
    net.to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    history: dict = {"train_loss": [], "train_acc": [], "test_acc": []}
    train_time, num_examples = 0.0, 0
    if verbose:
        print("training on", device)
    for _ in range(num_epochs):
        net.train()
        loss_sum = torch.zeros((), device=device)
        correct = torch.zeros((), dtype=torch.int64, device=device)
        n = 0
        start = time.perf_counter()
        for X, y in train_iter:
            X, y = _to(X, device), y.to(device)
            optimizer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            loss_sum += l.detach() * y.numel()
            correct += (y_hat.argmax(dim=1) == y).sum()
            n += y.numel()
        # .item() waits for the device, so the timing covers all queued work
        epoch_loss, epoch_correct = loss_sum.item(), correct.item()
        train_time += time.perf_counter() - start
        num_examples += n
        history["train_loss"].append(epoch_loss / n)
        history["train_acc"].append(epoch_correct / n)
        history["test_acc"].append(evaluate_accuracy_gpu(net, test_iter, device))
    history["examples_per_sec"] = num_examples / train_time if train_time > 0 else float("nan")
    if verbose:
        print(
            f"loss {history['train_loss'][-1]:.3f}, train acc {history['train_acc'][-1]:.3f}, "
            f"test acc {history['test_acc'][-1]:.3f}"
        )
        print(f"{history['examples_per_sec']:.1f} examples/sec on {device}")
    return history
