"""2.4 calculus: wrong implementations, each rejected by its check."""

import math

import torch


def numerical_lim_central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_lim_no_division(f, x, h):
    return f(x + h) - f(x)


def numerical_grad_forward(f, x, h=1e-4):
    x = x.detach().clone().double()
    grad = torch.empty_like(x)
    fx = float(f(x))
    for i in range(x.numel()):
        shifted = x.clone()
        shifted.view(-1)[i] += h
        grad.view(-1)[i] = (float(f(shifted)) - fx) / h
    return grad


def numerical_grad_flat(f, x, h=1e-4):
    shape, flat = x.shape, x.detach().clone().double().reshape(-1)
    grad = torch.empty_like(flat)
    for i in range(flat.numel()):
        plus, minus = flat.clone(), flat.clone()
        plus[i] += h
        minus[i] -= h
        grad[i] = (float(f(plus.reshape(shape))) - float(f(minus.reshape(shape)))) / (2 * h)
    return grad


def numerical_grad_float32(f, x, h=1e-4):
    x = x.detach().clone().float()
    grad = torch.empty_like(x)
    for i in range(x.numel()):
        plus, minus = x.clone(), x.clone()
        plus.view(-1)[i] += h
        minus.view(-1)[i] -= h
        grad.view(-1)[i] = (float(f(plus)) - float(f(minus))) / (2 * h)
    return grad


def grad_of_quadratic_exp_no_power_rule(x):
    return torch.stack([3 * x[0], 5 * torch.exp(x[1])])


def grad_of_quadratic_exp_detached(x):
    return torch.tensor([6 * x[0].item(), 5 * math.exp(x[1].item())], dtype=x.dtype)


def grad_of_quadratic_exp_autograd(x):
    x = x.detach().requires_grad_(True)
    (3 * x[0] ** 2 + 5 * torch.exp(x[1])).backward()
    return x.grad


def grad_of_l2_norm_squared(x):
    return 2 * x


def grad_of_l2_norm_builtin(x):
    return x / x.norm()


def grad_of_l2_norm_ones(x):
    return x / x.abs().sum()


MUTANTS = {
    "ch02.numerical_lim": [
        ("central difference", numerical_lim_central, "expected 2.3"),
        ("forgets to divide by h", numerical_lim_no_division, "output: expected"),
    ],
    "ch02.numerical_grad": [
        ("forward difference", numerical_grad_forward, "central difference"),
        ("returns a flat vector", numerical_grad_flat, "shape"),
        ("float32 arithmetic", numerical_grad_float32, "dtype"),
    ],
    "ch02.grad_of_quadratic_exp": [
        ("forgets the power rule", grad_of_quadratic_exp_no_power_rule, "output[0]: expected"),
        ("torch.tensor of numbers", grad_of_quadratic_exp_detached, "torch.stack"),
        ("autograd", grad_of_quadratic_exp_autograd, "uses backward"),
    ],
    "ch02.grad_of_l2_norm": [
        ("gradient of the squared norm", grad_of_l2_norm_squared, "squared norm"),
        ("x.norm()", grad_of_l2_norm_builtin, "uses norm"),
        ("divides by the L1 norm", grad_of_l2_norm_ones, "output[0]: expected"),
    ],
}
