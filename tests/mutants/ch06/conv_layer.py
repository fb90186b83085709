"""6.2 convolutions for images: wrong implementations, each rejected by its check."""

import torch
import torch.nn.functional as F
from torch import nn

from ._common import _corr2d


def corr2d_flipped(X, K):
    return _corr2d(X, K.flip(0, 1))


def corr2d_off_by_one(X, K):
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h, X.shape[1] - w))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


def corr2d_builtin(X, K):
    return F.conv2d(X[None, None], K[None, None])[0, 0]


class Conv2DWithoutBias(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return _corr2d(X, self.weight)


class Conv2DOtherNames(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.K = nn.Parameter(torch.rand(kernel_size))
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return _corr2d(X, self.K) + self.b


class Conv2DBuiltin(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return F.conv2d(X[None, None], self.weight[None, None], self.bias)[0, 0]


def _learn(X, Y, lr, num_epochs, reduce="sum", zero_grad=True):
    conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    X = X.reshape((1, 1) + tuple(X.shape))
    Y = Y.reshape((1, 1) + tuple(Y.shape))
    losses = []
    for _ in range(num_epochs):
        l = (conv2d(X) - Y) ** 2
        if zero_grad:
            conv2d.zero_grad()
        getattr(l, reduce)().backward()
        with torch.no_grad():
            conv2d.weight -= lr * conv2d.weight.grad
        losses.append(getattr(l, reduce)().item())
    return conv2d.weight.detach().reshape(1, 2), losses


def learn_edge_kernel_mean_loss(X, Y, lr=3e-2, num_epochs=10):
    return _learn(X, Y, lr, num_epochs, reduce="mean")


def learn_edge_kernel_no_zero_grad(X, Y, lr=3e-2, num_epochs=10):
    return _learn(X, Y, lr, num_epochs, zero_grad=False)


def learn_edge_kernel_4d(X, Y, lr=3e-2, num_epochs=10):
    kernel, losses = _learn(X, Y, lr, num_epochs)
    return kernel.reshape(1, 1, 1, 2), losses


def learn_edge_kernel_reports_mean(X, Y, lr=3e-2, num_epochs=10):
    kernel, losses = _learn(X, Y, lr, num_epochs)
    return kernel, [v / Y.numel() for v in losses]


MUTANTS = {
    "ch06.corr2d": [
        ("flips the kernel", corr2d_flipped, "flipped the kernel"),
        ("one position short", corr2d_off_by_one, "every valid position"),
        ("calls F.conv2d", corr2d_builtin, "uses conv2d"),
    ],
    "ch06.Conv2D": [
        ("forgets the bias", Conv2DWithoutBias, "add the bias"),
        ("other parameter names", Conv2DOtherNames, "named"),
        ("F.conv2d inside", Conv2DBuiltin, "uses conv2d"),
    ],
    "ch06.learn_edge_kernel": [
        ("mean instead of summed loss", learn_edge_kernel_mean_loss, "not within"),
        ("never zeroes the gradient", learn_edge_kernel_no_zero_grad, "not within"),
        ("kernel left 4-D", learn_edge_kernel_4d, "shape (1, 2)"),
        ("records the mean loss", learn_edge_kernel_reports_mean, "not the mean"),
    ],
}
