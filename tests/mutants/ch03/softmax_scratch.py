"""3.6 softmax regression from scratch: wrong implementations, each rejected by its check."""

import torch
from torch import nn


def softmax_without_max_shift(X):
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(dim=1, keepdim=True)


def softmax_wrong_axis(X):
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    return X_exp / X_exp.sum(dim=0, keepdim=True)


def softmax_builtin(X):
    return torch.softmax(X, dim=1)


class NetWithoutBias(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, sigma=0.01):
        super().__init__()
        self.W = nn.Parameter(torch.randn(num_inputs, num_outputs) * sigma)
        self.b = nn.Parameter(torch.zeros(num_outputs))

    def forward(self, X):
        X_exp = torch.exp(X.reshape(-1, self.W.shape[0]) @ self.W)
        return X_exp / X_exp.sum(dim=1, keepdim=True)


class NetWithLinear(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, sigma=0.01):
        super().__init__()
        self.linear = nn.Linear(num_inputs, num_outputs)

    def forward(self, X):
        return torch.softmax(self.linear(X.reshape(X.shape[0], -1)), dim=1)


def cross_entropy_averaged(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y]).mean()


def cross_entropy_without_log(y_hat, y):
    return -y_hat[range(len(y_hat)), y]


def accuracy_fraction(y_hat, y):
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat == y).float().mean())


def accuracy_argmax_axis0(y_hat, y):
    return float((y_hat.argmax(dim=0)[: len(y)] == y).sum())


def evaluate_accuracy_mean_of_batches(net, data_iter):
    fractions = []
    with torch.no_grad():
        for X, y in data_iter:
            fractions.append(float((net(X).argmax(dim=1) == y).float().mean()))
    return sum(fractions) / len(fractions)


def train_epoch_ch3_double_average(net, train_iter, loss, updater):
    total_loss, correct, n = 0.0, 0.0, 0
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.mean().backward()
            updater(X.shape[0])
        total_loss += float(l.sum())
        correct += float((y_hat.argmax(dim=1) == y).sum())
        n += len(y)
    return total_loss / n, correct / n


def train_epoch_ch3_no_zero_grad(net, train_iter, loss, updater):
    total_loss, correct, n = 0.0, 0.0, 0
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        total_loss += float(l.sum())
        correct += float((y_hat.argmax(dim=1) == y).sum())
        n += len(y)
    return total_loss / n, correct / n


MUTANTS = {
    "ch03.softmax": [
        ("no max shift", softmax_without_max_shift, "subtract each row's maximum"),
        ("normalises columns", softmax_wrong_axis, "each row should sum to 1"),
        ("calls torch.softmax", softmax_builtin, "uses softmax"),
    ],
    "ch03.net": [
        ("forgets the bias", NetWithoutBias, "gradient of b: expected"),
        ("nn.Linear and torch.softmax", NetWithLinear, "named"),
    ],
    "ch03.cross_entropy": [
        ("averages inside the loss", cross_entropy_averaged, "one loss per example"),
        ("forgets the log", cross_entropy_without_log, "output[0]: expected"),
    ],
    "ch03.accuracy": [
        ("returns the fraction", accuracy_fraction, "not the fraction"),
        ("argmax over the batch axis", accuracy_argmax_axis0, "output: expected"),
    ],
    "ch03.evaluate_accuracy": [
        ("averages per-batch fractions", evaluate_accuracy_mean_of_batches, "output: expected")
    ],
    "ch03.train_epoch_ch3": [
        (
            "averages twice with a scratch updater",
            train_epoch_ch3_double_average,
            "output[0]: expected",
        ),
        (
            "never zeroes the optimizer's gradients",
            train_epoch_ch3_no_zero_grad,
            "output[0]: expected",
        ),
    ],
}
