"""5.1 layers and blocks: wrong implementations, each rejected by its check."""

import torch
from torch import nn
from torch.nn import functional as F


class MLPWithoutReLU(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(20, 256)
        self.out = nn.Linear(256, 10)

    def forward(self, X):
        return self.out(self.hidden(X))


class MLPOtherNames(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(20, 256)
        self.layer2 = nn.Linear(256, 10)

    def forward(self, X):
        return self.layer2(F.relu(self.layer1(X)))


def _from_sizes(sequential):
    """The notebook's SequentialMLP over a given MySequential."""

    class SequentialMLP(sequential):
        def __init__(self, *sizes):
            layers = []
            for n_in, n_out in zip(sizes[:-1], sizes[1:]):
                layers += [nn.Linear(n_in, n_out), nn.ReLU()]
            super().__init__(*layers[:-1])

    return SequentialMLP


class SequentialInAList(nn.Module):
    def __init__(self, *args):
        super().__init__()
        self.blocks = list(args)

    def forward(self, X):
        for block in self.blocks:
            X = block(X)
        return X


class SequentialReversed(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            self._modules[str(idx)] = module

    def forward(self, X):
        for block in reversed(list(self._modules.values())):
            X = block(X)
        return X


class SequentialFirstBlockOnly(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            self._modules[str(idx)] = module

    def forward(self, X):
        for block in self._modules.values():
            return block(X)
        return X


class FixedHiddenMLPLinearFirst(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(20, 20)
        self.rand_weight = torch.rand((20, 20), requires_grad=False)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(torch.mm(X, self.rand_weight) + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


class FixedHiddenMLPParameter(nn.Module):
    def __init__(self):
        super().__init__()
        self.rand_weight = nn.Parameter(torch.rand(20, 20), requires_grad=False)
        self.linear = nn.Linear(20, 20)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


class FixedHiddenMLPOneUse(nn.Module):
    def __init__(self):
        super().__init__()
        self.rand_weight = torch.rand((20, 20), requires_grad=False)
        self.linear = nn.Linear(20, 20)

    def forward(self, X):
        X = F.relu(self.linear(X) @ self.rand_weight + 1)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


class NestMLPWithoutLastReLU(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32))
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(self.net(X))


MUTANTS = {
    "ch05.mlp": [
        ("no ReLU", MLPWithoutReLU, "output[0, 0]: expected"),
        ("other layer names", MLPOtherNames, "named"),
    ],
    "ch05.my_sequential": [
        ("blocks in a Python list", _from_sizes(SequentialInAList), "named []"),
        ("blocks in reverse order", _from_sizes(SequentialReversed), "shapes cannot be multiplied"),
        ("returns the first block's output", _from_sizes(SequentialFirstBlockOnly), "shape"),
    ],
    "ch05.fixed_hidden_mlp": [
        ("rand_weight drawn after the layer", FixedHiddenMLPLinearFirst, "BEFORE"),
        ("rand_weight as a parameter", FixedHiddenMLPParameter, "named"),
        ("the layer used once", FixedHiddenMLPOneUse, "modified by an inplace operation"),
    ],
    "ch05.nest_mlp": [
        ("no ReLU after the second layer", NestMLPWithoutLastReLU, "output[0, 0]: expected")
    ],
}
