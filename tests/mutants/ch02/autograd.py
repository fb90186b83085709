"""2.5 automatic differentiation: wrong implementations, each rejected by its check."""

import math

import torch


def _control_flow(a, condition):
    b = a * 2
    while condition(b):
        b = b * 2
    return b if b.sum() > 0 else 100 * b


def grad_through_control_flow_no_sum(a):
    a = a.detach().requires_grad_(True)
    c = _control_flow(a, lambda b: b.norm() < 1000)
    c.backward()
    return a.grad


def grad_through_control_flow_l1(a):
    a = a.detach().requires_grad_(True)
    _control_flow(a, lambda b: b.abs().sum() < 1000).sum().backward()
    return a.grad


def grad_through_control_flow_ignores_branch(a):
    a = a.detach().requires_grad_(True)
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    b.sum().backward()
    return a.grad


def sin_derivative_cos(x):
    return torch.cos(x)


def sin_derivative_shifted_sin(x):
    return torch.sin(x + math.pi / 2)


def sin_derivative_finite_difference(x):
    h = 1e-3
    return (torch.sin(x + h) - torch.sin(x)) / h


MUTANTS = {
    "ch02.grad_through_control_flow": [
        ("backward on a vector", grad_through_control_flow_no_sum, "scalar outputs"),
        ("L1 norm in the loop", grad_through_control_flow_l1, "output[0]: expected"),
        ("ignores the branch", grad_through_control_flow_ignores_branch, "output: expected"),
    ],
    "ch02.sin_derivative": [
        ("torch.cos", sin_derivative_cos, "uses cos"),
        ("sin(x + pi/2)", sin_derivative_shifted_sin, "output[0]: expected"),
        ("finite difference", sin_derivative_finite_difference, "output[0]: expected"),
    ],
}
