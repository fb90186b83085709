"""11.5-11.10 the scratch optimisers: wrong implementations, each rejected by its check."""

import torch


def sgd_keeps_gradient(params, states, hyperparams):
    with torch.no_grad():
        for p in params:
            p -= hyperparams["lr"] * p.grad


def momentum_rebinds_velocity(params, states, hyperparams):
    for p, v in zip(params, states):
        with torch.no_grad():
            v = hyperparams["momentum"] * v + p.grad
            p -= hyperparams["lr"] * v
        p.grad.zero_()


def adagrad_no_accumulation(params, states, hyperparams):
    for p, s in zip(params, states):
        with torch.no_grad():
            p -= hyperparams["lr"] * p.grad / torch.sqrt(s + 1e-6)
            s += p.grad**2
        p.grad.zero_()


def rmsprop_no_one_minus_gamma(params, states, hyperparams):
    gamma = hyperparams["gamma"]
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] = gamma * s + p.grad**2
            p -= hyperparams["lr"] * p.grad / torch.sqrt(s + 1e-6)
        p.grad.zero_()


def adadelta_delta_from_raw_gradient(params, states, hyperparams):
    rho, eps = hyperparams["rho"], 1e-5
    for p, (s, delta) in zip(params, states):
        with torch.no_grad():
            s[:] = rho * s + (1 - rho) * p.grad**2
            g = torch.sqrt(delta + eps) / torch.sqrt(s + eps) * p.grad
            p -= g
            delta[:] = rho * delta + (1 - rho) * p.grad**2
        p.grad.zero_()


def _adam(params, states, hyperparams, correct=True, count=True, yogi=False, eps=1e-6):
    t = hyperparams["t"]
    for p, (v, s) in zip(params, states):
        with torch.no_grad():
            g2 = p.grad**2
            v[:] = 0.9 * v + 0.1 * p.grad
            s[:] = s + 0.001 * torch.sign(g2 - s) * g2 if yogi else 0.999 * s + 0.001 * g2
            v_hat = v / (1 - 0.9**t) if correct else v
            s_hat = s / (1 - 0.999**t) if correct else s
            p -= hyperparams["lr"] * v_hat / (torch.sqrt(s_hat) + eps)
        p.grad.zero_()
    if count:
        hyperparams["t"] += 1


def adam_no_bias_correction(params, states, hyperparams):
    _adam(params, states, hyperparams, correct=False)


def adam_does_not_count(params, states, hyperparams):
    _adam(params, states, hyperparams, count=False)


def yogi_as_adam(params, states, hyperparams):
    _adam(params, states, hyperparams, eps=1e-3)


MUTANTS = {
    "ch11.sgd": [("gradient kept", sgd_keeps_gradient, "zero each gradient")],
    "ch11.sgd_momentum": [
        ("velocity rebound, not updated in place", momentum_rebinds_velocity, "did not change")
    ],
    "ch11.adagrad": [("sum added after the step", adagrad_no_accumulation, "add grad ** 2")],
    "ch11.rmsprop": [("no (1 - gamma)", rmsprop_no_one_minus_gamma, "(1 - gamma)")],
    "ch11.adadelta": [
        ("delta from the raw gradient", adadelta_delta_from_raw_gradient, "update delta")
    ],
    "ch11.adam": [
        ("no bias correction", adam_no_bias_correction, "bias correction missing"),
        ("t not counted", adam_does_not_count, 'hyperparams["t"] += 1'),
    ],
    "ch11.yogi": [("Adam's second moment", yogi_as_adam, "Yogi's second moment")],
}
