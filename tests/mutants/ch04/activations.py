"""4.1 activations: wrong implementations, each rejected by its check."""

import torch


def relu_builtin(X):
    return torch.relu(X)


def relu_clamp(X):
    return X.clamp(min=0)


def relu_abs(X):
    return (X + X.abs()) / 2 * 1.0001


def sigmoid_naive(X):
    return 1 / (1 + torch.exp(-X))


def sigmoid_where(X):
    return torch.where(X >= 0, 1 / (1 + torch.exp(-X)), torch.exp(X) / (1 + torch.exp(X)))


def sigmoid_builtin(X):
    return torch.sigmoid(X)


def tanh_naive(X):
    return (1 - torch.exp(-2 * X)) / (1 + torch.exp(-2 * X))


def tanh_builtin(X):
    return torch.tanh(X)


def tanh_half_argument(X):
    e = torch.exp(-torch.abs(X))
    t = (1 - e) / (1 + e)
    return torch.where(X < 0, -t, t)


def relu_grad_at_zero_one(X):
    return (X >= 0).to(X.dtype)


def relu_grad_autograd(X):
    X = X.detach().clone().requires_grad_(True)
    torch.max(X, torch.zeros_like(X)).sum().backward()
    return X.grad


def _stable_sigmoid(X):
    e = torch.exp(-torch.abs(X))
    return torch.where(X < 0, e / (1 + e), 1 / (1 + e))


def sigmoid_grad_naive(X):
    return torch.exp(-X) / (1 + torch.exp(-X)) ** 2


def sigmoid_grad_wrong(X):
    s = _stable_sigmoid(X)
    return s * (1 + s)


def sigmoid_grad_autograd(X):
    X = X.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(_stable_sigmoid(X).sum(), X)
    return grad


def tanh_grad_missing_square(X):
    return 1 - (2 * _stable_sigmoid(2 * X) - 1)


def tanh_grad_autograd(X):
    X = X.detach().clone().requires_grad_(True)
    (2 * _stable_sigmoid(2 * X) - 1).sum().backward()
    return X.grad


MUTANTS = {
    "ch04.relu": [
        ("torch.relu", relu_builtin, "uses relu"),
        ("clamp(min=0)", relu_clamp, "uses clamp"),
        ("(X + |X|) / 2, slightly off", relu_abs, "output[81]: expected"),
    ],
    "ch04.sigmoid": [
        ("1 / (1 + exp(-X)): nan gradient for X < -88", sigmoid_naive, "gradient is inf/nan"),
        ("torch.where of two overflowing branches", sigmoid_where, "torch.where"),
        ("torch.sigmoid", sigmoid_builtin, "uses sigmoid"),
    ],
    "ch04.tanh": [
        ("(1 - exp(-2X)) / (1 + exp(-2X))", tanh_naive, "exp overflows"),
        ("torch.tanh", tanh_builtin, "uses tanh"),
        ("exp(-|X|) instead of exp(-2|X|)", tanh_half_argument, "output[0]: expected"),
    ],
    "ch04.relu_grad": [
        ("1 at X == 0", relu_grad_at_zero_one, "left derivative"),
        ("autograd", relu_grad_autograd, "uses backward"),
    ],
    "ch04.sigmoid_grad": [
        ("exp(-x) / (1 + exp(-x))^2 overflows", sigmoid_grad_naive, "overflows"),
        ("s (1 + s)", sigmoid_grad_wrong, "output[8]: expected"),
        ("torch.autograd.grad", sigmoid_grad_autograd, "uses grad"),
    ],
    "ch04.tanh_grad": [
        ("1 - tanh (no square)", tanh_grad_missing_square, "output[0]: expected"),
        ("backward", tanh_grad_autograd, "uses backward"),
    ],
}
