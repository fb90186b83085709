"""Plausible wrong implementations of the chapter-3 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).
"""

import random

import torch
from torch import nn


def synthetic_data_row_labels(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    return X, X @ w + b + torch.normal(0, 0.01, (num_examples,))


def synthetic_data_unit_noise(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    return X, (X @ w + b + torch.normal(0, 1, (num_examples,))).reshape(-1, 1)


def data_iter_unshuffled(batch_size, features, labels):
    for i in range(0, len(features), batch_size):
        yield features[i : i + batch_size], labels[i : i + batch_size]


def data_iter_drops_last(batch_size, features, labels):
    indices = list(range(len(features)))
    random.shuffle(indices)
    for i in range(0, len(features) - batch_size + 1, batch_size):
        batch = torch.tensor(indices[i : i + batch_size])
        yield features[batch], labels[batch]


def linreg_forgets_bias(X, w, b):
    return X @ w


def squared_loss_no_reshape(y_hat, y):
    return (y_hat - y) ** 2 / 2


def squared_loss_no_half(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2


def sgd_no_batch_division(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def sgd_keeps_gradient(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size


def get_fashion_mnist_labels_misordered(labels):
    names = [
        "t-shirt",
        "trouser",
        "pullover",
        "dress",
        "coat",
        "sandal",
        "sneaker",
        "shirt",
        "bag",
        "ankle boot",
    ]
    return [names[int(i)] for i in labels]


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
    "ch03.synthetic_data": [
        ("labels as a row", synthetic_data_row_labels, "shape"),
        ("noise std 1 instead of 0.01", synthetic_data_unit_noise, "std 0.01"),
    ],
    "ch03.data_iter": [
        ("never shuffles", data_iter_unshuffled, "shuffle"),
        ("drops the partial last batch", data_iter_drops_last, "batch sizes"),
    ],
    "ch03.linreg": [("forgets the bias", linreg_forgets_bias, "expected")],
    "ch03.squared_loss": [
        ("no reshape of y", squared_loss_no_reshape, "reshape y"),
        ("forgets the 1/2", squared_loss_no_half, "expected"),
    ],
    "ch03.sgd": [
        ("no division by batch_size", sgd_no_batch_division, "divide the gradient by batch_size"),
        ("forgets to zero the gradient", sgd_keeps_gradient, "not reset to zero"),
    ],
    "ch03.get_fashion_mnist_labels": [
        ("shirt and sneaker swapped", get_fashion_mnist_labels_misordered, "expected")
    ],
    "ch03.softmax": [
        ("no max shift", softmax_without_max_shift, "subtract each row's maximum"),
        ("normalises columns", softmax_wrong_axis, "each row should sum to 1"),
        ("calls torch.softmax", softmax_builtin, "uses softmax"),
    ],
    "ch03.net": [
        ("forgets the bias", NetWithoutBias, "expected"),
        ("nn.Linear and torch.softmax", NetWithLinear, "named"),
    ],
    "ch03.cross_entropy": [
        ("averages inside the loss", cross_entropy_averaged, "one loss per example"),
        ("forgets the log", cross_entropy_without_log, "expected"),
    ],
    "ch03.accuracy": [
        ("returns the fraction", accuracy_fraction, "not the fraction"),
        ("argmax over the batch axis", accuracy_argmax_axis0, "expected"),
    ],
    "ch03.evaluate_accuracy": [
        ("averages per-batch fractions", evaluate_accuracy_mean_of_batches, "expected")
    ],
    "ch03.train_epoch_ch3": [
        ("averages twice with a scratch updater", train_epoch_ch3_double_average, "expected"),
        ("never zeroes the optimizer's gradients", train_epoch_ch3_no_zero_grad, "expected"),
    ],
}
