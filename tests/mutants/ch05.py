"""Plausible wrong implementations of the chapter-5 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).
"""

import torch
from torch import nn
from torch.nn import functional as F

# 5.1 layers and blocks -------------------------------------------------------------------------


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


# 5.2 parameter management ----------------------------------------------------------------------


def shapes_from_state_dict(net):
    return {name: tuple(value.shape) for name, value in net.state_dict().items()}


def shapes_one_level(net):
    return {
        f"{child}.{name}": tuple(param.shape)
        for child, module in net.named_children()
        for name, param in module.named_parameters(recurse=False)
    }


def shapes_as_torch_size(net):
    return {name: param.shape for name, param in net.named_parameters()}


def init_normal_unit_std(m):
    if type(m) is nn.Linear:
        nn.init.normal_(m.weight)
        nn.init.zeros_(m.bias)


def init_normal_keeps_bias(m):
    if type(m) is nn.Linear:
        nn.init.normal_(m.weight, mean=0, std=0.01)


def init_normal_every_weight(m):
    if hasattr(m, "weight"):
        nn.init.normal_(m.weight, mean=0, std=0.01)
        nn.init.zeros_(m.bias)


def init_constant_42(m):
    if type(m) is nn.Linear:
        nn.init.constant_(m.weight, 42)
        nn.init.zeros_(m.bias)


def my_init_no_zeroing(m):
    if type(m) is nn.Linear:
        nn.init.uniform_(m.weight, -10, 10)


def my_init_zeroes_large(m):
    if type(m) is nn.Linear:
        nn.init.uniform_(m.weight, -10, 10)
        m.weight.data *= m.weight.data.abs() < 5


def my_init_zeroes_bias(m):
    if type(m) is nn.Linear:
        nn.init.uniform_(m.weight, -10, 10)
        m.weight.data *= m.weight.data.abs() >= 5
        nn.init.zeros_(m.bias)


def shared_layer_net_untied():
    return nn.Sequential(
        nn.Linear(4, 8),
        nn.ReLU(),
        nn.Linear(8, 8),
        nn.ReLU(),
        nn.Linear(8, 8),
        nn.ReLU(),
        nn.Linear(8, 1),
    )


def shared_layer_net_used_once():
    shared = nn.Linear(8, 8)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1))


# 5.4 custom layers -----------------------------------------------------------------------------


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


# 5.5 file I/O ----------------------------------------------------------------------------------


def roundtrip_without_saving(obj, path):
    return obj


def roundtrip_wraps_in_list(obj, path):
    torch.save([obj], path)
    return torch.load(path, weights_only=True)


def save_whole_model(net, path):
    torch.save(net, path)


def save_parameter_list(net, path):
    torch.save(list(net.parameters()), path)


MUTANTS = {
    "ch05.mlp": [
        ("no ReLU", MLPWithoutReLU, "expected"),
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
        ("the layer used once", FixedHiddenMLPOneUse, "expected"),
    ],
    "ch05.nest_mlp": [("no ReLU after the second layer", NestMLPWithoutLastReLU, "expected")],
    "ch05.named_parameter_shapes": [
        ("from state_dict (buffers too)", shapes_from_state_dict, "buffers"),
        ("one level of children", shapes_one_level, "recurses"),
        ("torch.Size values", shapes_as_torch_size, "torch.Size"),
    ],
    "ch05.init_normal": [
        ("std 1", init_normal_unit_std, "std 0.01"),
        ("biases untouched", init_normal_keeps_bias, "biases should be set to 0"),
        ("every layer with a weight", init_normal_every_weight, "only nn.Linear"),
    ],
    "ch05.init_constant": [("42 instead of 1", init_constant_42, "expected")],
    "ch05.my_init": [
        ("no zeroing", my_init_no_zeroing, "half the weights"),
        ("zeroes the large weights", my_init_zeroes_large, "[5, 10]"),
        ("zeroes the biases", my_init_zeroes_bias, "leaves the biases"),
    ],
    "ch05.shared_layer_net": [
        ("two separate layers", shared_layer_net_untied, "separate layers"),
        ("the shared layer used once", shared_layer_net_used_once, "named"),
    ],
    "ch05.centered_layer": [
        ("mean per column", CenteredPerColumn, "ALL elements"),
        ("detached mean", CenteredDetachedMean, "gradient"),
    ],
    "ch05.my_linear": [
        ("no ReLU", MyLinearWithoutReLU, "expected"),
        ("weight as (units, in_units)", MyLinearTransposed, "has shape"),
        ("F.linear", MyLinearFunctional, "uses linear"),
        ("parameters through .data", MyLinearThroughData, "not `.data`"),
    ],
    "ch05.save_load_roundtrip": [
        ("never writes the file", roundtrip_without_saving, "no file"),
        ("saves [obj]", roundtrip_wraps_in_list, "expected"),
    ],
    "ch05.save_params": [
        ("saves the whole model", save_whole_model, "state_dict"),
        ("saves a list of parameters", save_parameter_list, "expected"),
    ],
}
