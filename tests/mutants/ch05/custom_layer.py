"""5.4 custom layers: wrong implementations, each rejected by its check."""

import torch
from torch import nn
from torch.nn import functional as F


class CenteredPerColumn(nn.Module):
    def forward(self, X):
        return X - X.mean(dim=0)


class CenteredDetachedMean(nn.Module):
    def forward(self, X):
        return X - X.mean().detach()


class MyLinearWithoutReLU(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units))

    def forward(self, X):
        return X @ self.weight + self.bias


class MyLinearTransposed(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(units, in_units))
        self.bias = nn.Parameter(torch.randn(units))

    def forward(self, X):
        return F.relu(X @ self.weight.T + self.bias)


class MyLinearFunctional(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units))

    def forward(self, X):
        return F.relu(F.linear(X, self.weight.T, self.bias))


class MyLinearThroughData(nn.Module):
    """The book's own cell: `.data` detaches the parameters, so nothing trains."""

    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units))

    def forward(self, X):
        return F.relu(torch.matmul(X, self.weight.data) + self.bias.data)


MUTANTS = {
    "ch05.centered_layer": [
        ("mean per column", CenteredPerColumn, "ALL elements"),
        ("detached mean", CenteredDetachedMean, "gradient"),
    ],
    "ch05.my_linear": [
        ("no ReLU", MyLinearWithoutReLU, "output[0, 1]: expected"),
        ("weight as (units, in_units)", MyLinearTransposed, "has shape"),
        ("F.linear", MyLinearFunctional, "uses linear"),
        ("parameters through .data", MyLinearThroughData, "not `.data`"),
    ],
}
