"""3.2 linear regression from scratch: wrong implementations, each rejected by its check."""

import random

import torch


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


MUTANTS = {
    "ch03.synthetic_data": [
        ("labels as a row", synthetic_data_row_labels, "shape"),
        ("noise std 1 instead of 0.01", synthetic_data_unit_noise, "std 0.01"),
    ],
    "ch03.data_iter": [
        ("never shuffles", data_iter_unshuffled, "shuffle"),
        ("drops the partial last batch", data_iter_drops_last, "batch sizes"),
    ],
    "ch03.linreg": [("forgets the bias", linreg_forgets_bias, "output[0, 0]: expected")],
    "ch03.squared_loss": [
        ("no reshape of y", squared_loss_no_reshape, "reshape y"),
        ("forgets the 1/2", squared_loss_no_half, "output[0, 0]: expected"),
    ],
    "ch03.sgd": [
        ("no division by batch_size", sgd_no_batch_division, "divide the gradient by batch_size"),
        ("forgets to zero the gradient", sgd_keeps_gradient, "not reset to zero"),
    ],
}
