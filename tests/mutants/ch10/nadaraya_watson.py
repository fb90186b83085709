"""10.2 Nadaraya-Watson pooling: wrong implementations, each rejected by its check."""

import torch
from torch import nn


def nadaraya_watson_without_half(queries, keys, values):
    """Forgets the kernel's 1/2: a narrower Gaussian."""
    weights = torch.softmax(-((queries[:, None] - keys[None, :]) ** 2), dim=1)
    return weights @ values, weights


class NWKernelRegressionWAfterSquare(nn.Module):
    """Multiplies the squared distance by w instead of the distance: w enters once, not squared."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = nn.Parameter(torch.rand((1,)))

    def forward(self, queries, keys, values):
        weights = torch.softmax(-((queries[:, None] - keys) ** 2) * self.w / 2, dim=1)
        self.attention_weights = weights
        return torch.bmm(weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1)


MUTANTS = {
    "ch10.nadaraya_watson": [
        ("no 1/2 in the kernel", nadaraya_watson_without_half, "divide by 2"),
    ],
    "ch10.NWKernelRegression": [
        ("w after squaring", NWKernelRegressionWAfterSquare, "multiply the difference by w"),
    ],
}
