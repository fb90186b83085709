"""11.4 stochastic gradient descent: wrong implementations, each rejected by its check."""

import math


def sgd_2d_without_noise(x1, x2, s1, s2, f_grad, eta_t):
    g1, g2 = f_grad(x1, x2)
    return x1 - eta_t * g1, x2 - eta_t * g2, 0.0, 0.0


def exponential_lr_rate_one(t):
    return math.exp(-t)


def polynomial_lr_exponent_one(t):
    return 1 / (1 + 0.1 * t)


MUTANTS = {
    "ch11.sgd_2d": [("no noise", sgd_2d_without_noise, "add N(0, 1) noise")],
    "ch11.exponential_lr": [("rate 1", exponential_lr_rate_one, "exp(-0.1 t)")],
    "ch11.polynomial_lr": [("exponent -1", polynomial_lr_exponent_one, "the exponent is -1/2")],
}
