"""4.4 model selection: wrong implementations, each rejected by its check."""

import math

import torch


def polynomial_features_no_factorial(x, max_degree):
    return x.reshape(-1, 1) ** torch.arange(max_degree)


def polynomial_features_from_one(x, max_degree):
    powers = torch.arange(1, max_degree + 1)
    factorials = torch.tensor([math.factorial(i) for i in range(1, max_degree + 1)])
    return x.reshape(-1, 1) ** powers / factorials


def evaluate_loss_mean_of_batches(net, data_iter, loss):
    means = []
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            means.append(float(loss(out, y.reshape(out.shape)).mean()))
    return sum(means) / len(means)


def evaluate_loss_no_reshape(net, data_iter, loss):
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            l = loss(net(X), y)
            total += float(l.sum())
            count += l.numel()
    return total / count


MUTANTS = {
    "ch04.polynomial_features": [
        ("no 1/i!", polynomial_features_no_factorial, "divide the i-th power by i!"),
        ("powers 1..max_degree", polynomial_features_from_one, "start at x^0"),
    ],
    "ch04.evaluate_loss": [
        ("mean of the batch means", evaluate_loss_mean_of_batches, "not over batches"),
        ("no reshape of y", evaluate_loss_no_reshape, "reshape y"),
    ],
}
