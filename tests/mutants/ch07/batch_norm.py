"""7.5 batch normalization: wrong implementations, each rejected by its check."""

import torch
import torch.nn.functional as F
from torch import nn


def _batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training, *, swap=False,
                eval_batch=False, unbiased=False, dims=None, detach=True):  # fmt: skip
    if not training and not eval_batch:
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
        return gamma * X_hat + beta, moving_mean, moving_var
    if dims is None:
        dims = (0,) if X.dim() == 2 else (0, 2, 3)
    mean = X.mean(dim=dims, keepdim=True)
    var = X.var(dim=dims, keepdim=True, unbiased=unbiased)
    X_hat = (X - mean) / torch.sqrt(var + eps)
    if not training:
        return gamma * X_hat + beta, moving_mean, moving_var
    if detach:
        mean, var = mean.detach(), var.detach()
    if swap:
        new_mean = (1.0 - momentum) * moving_mean + momentum * mean
        new_var = (1.0 - momentum) * moving_var + momentum * var
    else:
        new_mean = momentum * moving_mean + (1.0 - momentum) * mean
        new_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, new_mean, new_var


def batch_norm_torch_momentum(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    return _batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training, swap=True)


def batch_norm_batch_stats_in_eval(
    X, gamma, beta, moving_mean, moving_var, eps, momentum, training
):
    return _batch_norm(
        X, gamma, beta, moving_mean, moving_var, eps, momentum, training, eval_batch=True
    )


def batch_norm_unbiased(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    return _batch_norm(
        X, gamma, beta, moving_mean, moving_var, eps, momentum, training, unbiased=True
    )


def batch_norm_conv_over_batch_only(
    X, gamma, beta, moving_mean, moving_var, eps, momentum, training
):
    return _batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training, dims=(0,))


def batch_norm_statistics_keep_gradients(
    X, gamma, beta, moving_mean, moving_var, eps, momentum, training
):
    return _batch_norm(
        X, gamma, beta, moving_mean, moving_var, eps, momentum, training, detach=False
    )


def batch_norm_builtin(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    shape = moving_mean.shape
    mean, var = moving_mean.reshape(-1).clone(), moving_var.reshape(-1).clone()
    Y = F.batch_norm(X, mean, var, gamma.reshape(-1), beta.reshape(-1), training, 1 - momentum, eps)
    return Y, mean.reshape(shape), var.reshape(shape)


def _ok_batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    return _batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training)


class _BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims, mode="self.training", store=True):
        super().__init__()
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))
        self.mode, self.store = mode, store

    def forward(self, X):
        training = {
            "self.training": self.training,
            "always": True,
            "grad enabled": torch.is_grad_enabled(),
        }[self.mode]
        Y, moving_mean, moving_var = _ok_batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, 1e-5, 0.9, training
        )
        if self.store:
            self.moving_mean, self.moving_var = moving_mean, moving_var
        return Y


class BatchNormAlwaysTraining(_BatchNorm):
    def __init__(self, num_features, num_dims):
        super().__init__(num_features, num_dims, mode="always")


class BatchNormGradEnabled(_BatchNorm):
    def __init__(self, num_features, num_dims):
        super().__init__(num_features, num_dims, mode="grad enabled")


class BatchNormForgetsStatistics(_BatchNorm):
    def __init__(self, num_features, num_dims):
        super().__init__(num_features, num_dims, store=False)


class BatchNormPlainAttributes(nn.Module):
    def __init__(self, num_features, num_dims):
        super().__init__()
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        Y, self.moving_mean, self.moving_var = _ok_batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, 1e-5, 0.9, self.training
        )
        return Y


class BatchNormBuiltin(_BatchNorm):
    def forward(self, X):
        return F.batch_norm(
            X, self.moving_mean.reshape(-1), self.moving_var.reshape(-1), self.gamma.reshape(-1),
            self.beta.reshape(-1), self.training, 0.1, 1e-5,
        )  # fmt: skip


def lenet_bn_after_sigmoid():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.Sigmoid(), _BatchNorm(6, 4),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), _BatchNorm(16, 4),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), nn.Sigmoid(), _BatchNorm(120, 2),
        nn.Linear(120, 84), nn.Sigmoid(), _BatchNorm(84, 2),
        nn.Linear(84, 10),
    )  # fmt: skip


def lenet_bn_padded_first_conv():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), _BatchNorm(6, 4), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), _BatchNorm(16, 4), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), _BatchNorm(120, 2), nn.Sigmoid(),
        nn.Linear(120, 84), _BatchNorm(84, 2), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip


def lenet_bn_torch_layers():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip


MUTANTS = {
    "ch07.batch_norm": [
        ("torch's momentum convention", batch_norm_torch_momentum, "momentum weighs the old value"),
        (
            "batch statistics in evaluation",
            batch_norm_batch_stats_in_eval,
            "not the batch's statistics",
        ),
        ("unbiased variance", batch_norm_unbiased, "biased variance"),
        ("conv statistics over the batch only", batch_norm_conv_over_batch_only, "dims (0, 2, 3)"),
        (
            "statistics keep their gradients",
            batch_norm_statistics_keep_gradients,
            "torch.no_grad()",
        ),
        ("calls F.batch_norm", batch_norm_builtin, "uses batch_norm"),
    ],
    "ch07.BatchNorm": [
        ("always in training mode", BatchNormAlwaysTraining, "use the moving statistics"),
        (
            "the book's torch.is_grad_enabled() switch",
            BatchNormGradEnabled,
            "training=self.training",
        ),
        ("never stores the new statistics", BatchNormForgetsStatistics, "did not change"),
        ("statistics as plain attributes", BatchNormPlainAttributes, "named"),
        ("calls F.batch_norm", BatchNormBuiltin, "uses batch_norm"),
    ],
    "ch07.lenet_bn": [
        (
            "batch norm after the sigmoid",
            lenet_bn_after_sigmoid,
            "named",
        ),
        ("LeNet's padded first conv", lenet_bn_padded_first_conv, "in_features=256"),
        ("nn.BatchNorm2d/1d", lenet_bn_torch_layers, "named"),
    ],
}
