"""Section 7.5 references: batch normalization from scratch, and LeNet with it.

Conventions that differ from `nn.BatchNorm1d/2d`, all kept from the book by default:

* momentum: the book updates ``moving = momentum * moving + (1 - momentum) * batch`` with
  momentum 0.9; torch's ``momentum`` weighs the *new* value, so the book's 0.9 is torch's 0.1.
* running variance: both normalise with the biased batch variance (divide by m, the number of
  values per feature), but torch feeds the *unbiased* one (divide by m - 1) into running_var.
  ``unbiased_running_var=True`` does the same, so the moving statistics match torch exactly.
* mode: the book's `batch_norm` uses the moving statistics when autograd is off
  (``torch.is_grad_enabled()``); here the caller says ``training`` and the module passes
  ``self.training``, as nn.BatchNorm does, so ``net.eval()`` alone switches to moving statistics.
* shapes: gamma, beta and the moving statistics have shape (1, num_features) or
  (1, num_features, 1, 1), so they broadcast; torch keeps them as (num_features,).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["BatchNorm", "batch_norm", "lenet_bn", "lenet_bn_concise"]


def batch_norm(
    X: torch.Tensor,
    gamma: torch.Tensor,
    beta: torch.Tensor,
    moving_mean: torch.Tensor,
    moving_var: torch.Tensor,
    eps: float,
    momentum: float,
    training: bool,
    unbiased_running_var: bool = False,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Batch normalization of a fully connected or a convolutional layer's output.

    X: (batch_size, num_features) or (batch_size, num_features, height, width);
    gamma, beta, moving_mean, moving_var: (1, num_features) or (1, num_features, 1, 1).
    Training normalises with the batch mean and biased variance, per feature (per channel for
    4-D, over batch and spatial positions); evaluation uses the moving statistics.
    returns (Y shaped like X, new moving_mean, new moving_var); the moving statistics are
    detached and returned unchanged in evaluation.
    """
    if X.dim() not in (2, 4):
        raise ValueError(f"batch_norm expects a 2-D or 4-D X, got shape {tuple(X.shape)}")
    if not training:
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
        return gamma * X_hat + beta, moving_mean, moving_var
    dims = (0,) if X.dim() == 2 else (0, 2, 3)
    mean = X.mean(dim=dims, keepdim=True)
    var = ((X - mean) ** 2).mean(dim=dims, keepdim=True)
    X_hat = (X - mean) / torch.sqrt(var + eps)
    with torch.no_grad():
        if unbiased_running_var:
            m = X.numel() // X.shape[1]
            var = var * m / (m - 1)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, moving_mean, moving_var


class BatchNorm(nn.Module):
    """The book's scratch batch-norm layer.

    num_dims: 2 after a fully connected layer (X: (batch_size, num_features)), 4 after a
    convolution (X: (batch_size, num_features, height, width)). gamma starts at 1, beta at 0,
    moving_mean at 0 and moving_var at 1. The book's values are eps=1e-5, momentum=0.9; use
    ``momentum=1 - torch_momentum, unbiased_running_var=True`` to track nn.BatchNorm's running
    statistics exactly.
    """

    def __init__(
        self,
        num_features: int,
        num_dims: int,
        eps: float = 1e-5,
        momentum: float = 0.9,
        unbiased_running_var: bool = False,
    ) -> None:
        super().__init__()
        if num_dims not in (2, 4):
            raise ValueError(f"num_dims must be 2 or 4, not {num_dims}")
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # buffers follow the module across .to(device) and into state_dict, unlike the book's
        # plain attributes
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))
        self.eps, self.momentum = eps, momentum
        self.unbiased_running_var = unbiased_running_var

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        Y, self.moving_mean, self.moving_var = batch_norm(
            X,
            self.gamma,
            self.beta,
            self.moving_mean,
            self.moving_var,
            eps=self.eps,
            momentum=self.momentum,
            training=self.training,
            unbiased_running_var=self.unbiased_running_var,
        )
        return Y


def lenet_bn() -> nn.Sequential:
    """LeNet with the scratch `BatchNorm` after every conv and hidden linear layer (7.5).

    The first conv has no padding, so the flattened features are 16 * 4 * 4.
    X: (batch_size, 1, 28, 28) -> logits (batch_size, 10)
    """
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), BatchNorm(6, num_dims=4), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), BatchNorm(16, num_dims=4), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), BatchNorm(120, num_dims=2), nn.Sigmoid(),
        nn.Linear(120, 84), BatchNorm(84, num_dims=2), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip


def lenet_bn_concise() -> nn.Sequential:
    """`lenet_bn` with torch's `nn.BatchNorm2d` / `nn.BatchNorm1d`.

    X: (batch_size, 1, 28, 28) -> logits (batch_size, 10)
    """
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
