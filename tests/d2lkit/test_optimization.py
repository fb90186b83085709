"""11.3-11.4: the book's printed end points of gradient descent, Newton's method, momentum,
AdaGrad and RMSProp on its toy objectives (the curriculum inventory), and the SGD schedules."""

import math
from functools import partial

import pytest
import torch

from d2lkit import optimization as opt

C = 0.15 * math.pi


def f_grad(x):
    return 2 * x


def nonconvex_grad(x):
    return math.cos(C * x) - C * x * math.sin(C * x)


@pytest.mark.parametrize(
    ("eta", "grad", "end"),
    [(0.2, f_grad, 0.060466), (0.05, f_grad, 3.486784), (1.1, f_grad, 61.917364),
     (2, nonconvex_grad, -1.528166)],
)  # fmt: skip
def test_gd_reaches_the_books_end_points(eta, grad, end):
    results = opt.gd(eta, grad)
    assert len(results) == 11 and results[0] == 10.0
    assert results[-1] == pytest.approx(end, abs=1e-6)


def test_newton_reaches_the_books_end_points():
    c = torch.tensor(0.5)
    assert opt.newton(1, lambda x: c * torch.sinh(c * x), lambda x: c**2 * torch.cosh(c * x))[
        -1
    ] == pytest.approx(0.0, abs=1e-6)
    c = torch.tensor(C)

    def grad(x):
        return torch.cos(c * x) - c * x * torch.sin(c * x)

    def hess(x):
        return -2 * c * torch.sin(c * x) - x * c**2 * torch.cos(c * x)

    assert opt.newton(1, grad, hess)[-1] == pytest.approx(26.8341, abs=1e-4)
    assert opt.newton(0.5, grad, hess)[-1] == pytest.approx(7.2699, abs=1e-4)


def f_2d_grad(x1, x2):
    return 2 * x1, 4 * x2


@pytest.mark.parametrize(
    ("trainer", "f_grad", "end"),
    [
        (partial(opt.gd_2d, eta=0.1), f_2d_grad, (-0.057646, -0.000073)),
        # 11.6's f = 0.1 x1^2 + 2 x2^2
        (partial(opt.gd_2d, eta=0.4), lambda x1, x2: (0.2 * x1, 4 * x2), (-0.943467, -0.000073)),
        (partial(opt.gd_2d, eta=0.6), lambda x1, x2: (0.2 * x1, 4 * x2), (-0.387814, -1673.365109)),
        (partial(opt.momentum_2d, eta=0.6, beta=0.5), None, (0.007188, 0.002553)),
        (partial(opt.momentum_2d, eta=0.6, beta=0.25), None, (-0.126340, -0.186632)),
        (partial(opt.adagrad_2d, eta=0.4), None, (-2.382563, -0.158591)),
        (partial(opt.adagrad_2d, eta=2), None, (-0.002295, -0.000000)),
        (partial(opt.rmsprop_2d, eta=0.4, gamma=0.9), None, (-0.010599, 0.000000)),
    ],
)
def test_train_2d_reaches_the_books_end_points(trainer, f_grad, end):
    results = opt.train_2d(trainer, f_grad=f_grad)
    assert len(results) == 21 and results[0] == (-5.0, -2.0)
    assert results[-1] == pytest.approx(end, abs=1e-6)


def test_sgd_2d_adds_unit_gaussian_noise_in_the_books_order():
    torch.manual_seed(3)
    x1, x2, _, _ = opt.sgd_2d(1.0, -1.0, 0, 0, f_2d_grad, 0.1)
    torch.manual_seed(3)
    n1, n2 = torch.normal(0.0, 1, (1,)).item(), torch.normal(0.0, 1, (1,)).item()
    assert (x1, x2) == pytest.approx((1.0 - 0.1 * (2 + n1), -1.0 - 0.1 * (-4 + n2)))


def test_schedules_and_the_trainer_count_steps_from_one():
    assert opt.constant_lr(7) == 1.0
    assert opt.exponential_lr(1) == pytest.approx(math.exp(-0.1))
    assert opt.polynomial_lr(10) == pytest.approx(2**-0.5)
    seen = []
    trainer = opt.sgd_2d_trainer(0.1, lambda t: seen.append(t) or 0.0)
    torch.manual_seed(0)
    results = opt.train_2d(trainer, steps=3, f_grad=f_2d_grad)
    assert seen == [1, 2, 3] and results[-1] == (-5.0, -2.0)


def test_sgd_with_a_decaying_rate_gets_near_the_optimum():
    torch.manual_seed(0)
    end = opt.train_2d(opt.sgd_2d_trainer(0.1, opt.exponential_lr), 1000, f_2d_grad)[-1]
    # exp(-0.1 t) sums to about 9.5: the steps stop before the optimum, as in the book's -0.998659
    assert -3 < end[0] < 0 and abs(end[1]) < 1
