"""4.5 weight decay: wrong implementations, each rejected by its check."""

import torch

from d2lkit.linear import linreg, sgd, squared_loss


def l2_penalty_no_half(w):
    return torch.sum(w**2)


def l2_penalty_norm(w):
    return torch.sqrt(torch.sum(w**2))


def l1_penalty_no_abs(w):
    return torch.sum(w)


def _l2(w):
    return torch.sum(w**2) / 2


def train_epoch_wd_penalty_once(w, b, train_iter, lambd, lr):
    for X, y in train_iter:
        l = squared_loss(linreg(X, w, b), y).sum() + lambd * _l2(w)
        l.backward()
        sgd([w, b], lr, X.shape[0])


def train_epoch_wd_penalises_bias(w, b, train_iter, lambd, lr):
    for X, y in train_iter:
        l = squared_loss(linreg(X, w, b), y) + lambd * (_l2(w) + _l2(b))
        l.sum().backward()
        sgd([w, b], lr, X.shape[0])


def train_epoch_wd_no_penalty(w, b, train_iter, lambd, lr):
    for X, y in train_iter:
        squared_loss(linreg(X, w, b), y).sum().backward()
        sgd([w, b], lr, X.shape[0])


MUTANTS = {
    "ch04.l2_penalty": [
        ("no 1/2", l2_penalty_no_half, "divide by 2"),
        ("the norm", l2_penalty_norm, "half its square"),
    ],
    "ch04.l1_penalty": [("sum(w) without abs", l1_penalty_no_abs, "output: expected")],
    "ch04.train_epoch_wd": [
        ("penalty added once to the summed loss", train_epoch_wd_penalty_once, "once per example"),
        ("penalises the bias too", train_epoch_wd_penalises_bias, "not the bias"),
        ("no penalty", train_epoch_wd_no_penalty, "without the penalty"),
    ],
}
