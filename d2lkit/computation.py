"""Chapter 5 (Deep Learning Computation): blocks, parameters, deferred init, custom layers, I/O.

5.1 custom blocks (`MLP`, `MySequential`, `FixedHiddenMLP`, `NestMLP`), 5.2 parameter access,
initialisers and tied parameters, 5.3 a lazily initialised MLP, 5.4 custom layers, 5.5 saving
and loading. 5.6's `try_gpu` / `try_all_gpus` live in `d2lkit.utils` and are re-exported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from d2lkit.utils import try_all_gpus, try_gpu

__all__ = [
    "MLP",
    "CenteredLayer",
    "FixedHiddenMLP",
    "LazyMLP",
    "MyLinear",
    "MySequential",
    "NestMLP",
    "block2",
    "chimera",
    "init_42",
    "init_constant",
    "init_normal",
    "init_xavier",
    "load_params",
    "my_init",
    "named_parameter_shapes",
    "save_load_roundtrip",
    "save_params",
    "shared_layer_net",
    "try_all_gpus",
    "try_gpu",
]

# ---------------------------------------------------------------- 5.1 layers and blocks


class MLP(nn.Module):
    """Linear(20, 256), ReLU, Linear(256, 10) as a custom block. X: (batch_size, 20) -> (., 10)."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(20, 256)
        self.out = nn.Linear(256, 10)

    def forward(self, X: Tensor) -> Tensor:
        return self.out(F.relu(self.hidden(X)))


class MySequential(nn.Module):
    """Chains its modules in the order given, like `nn.Sequential`.

    The modules go into `_modules` (through `add_module`), not a Python list: only registered
    children have their parameters found by `parameters()`, moved by `.to()` and saved in the
    state_dict.
    """

    def __init__(self, *modules: nn.Module) -> None:
        super().__init__()
        for idx, module in enumerate(modules):
            self.add_module(str(idx), module)

    def forward(self, X: Tensor) -> Tensor:
        for module in self.children():
            X = module(X)
        return X


class FixedHiddenMLP(nn.Module):
    """A block with a constant weight, a reused layer and Python control flow (5.1).

    X: (batch_size, 20) -> a scalar. `rand_weight` (20, 20) is a non-persistent buffer: it is
    not a parameter, so the optimiser never updates it, yet it moves with `.to(device)`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("rand_weight", torch.rand(20, 20), persistent=False)
        self.linear = nn.Linear(20, 20)

    def forward(self, X: Tensor) -> Tensor:
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        # the same layer again: both uses share (and add up gradients in) its parameters
        X = self.linear(X)
        while X.abs().sum() > 1:
            X = X / 2
        return X.sum()


class NestMLP(nn.Module):
    """A block holding a Sequential: Linear(20, 64), ReLU, Linear(64, 32), ReLU, Linear(32, 16)."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)

    def forward(self, X: Tensor) -> Tensor:
        return self.linear(self.net(X))


def chimera() -> nn.Sequential:
    """The book's mix of blocks: NestMLP, Linear(16, 20), FixedHiddenMLP. (batch, 20) -> scalar."""
    return nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())


# ---------------------------------------------------------------- 5.2 parameter management


def named_parameter_shapes(net: nn.Module) -> dict[str, tuple[int, ...]]:
    """`{name: shape}` of every parameter, e.g. `{"0.weight": (8, 4), "0.bias": (8,), ...}`."""
    return {name: tuple(param.shape) for name, param in net.named_parameters()}


def block2() -> nn.Sequential:
    """Four nested `block1`s (Linear(4, 8), ReLU, Linear(8, 4), ReLU), named `block 0` .. `3`.

    Nested names read like `"block 0.0.weight"`: parameters are reached through the tree.
    """
    net = nn.Sequential()
    for i in range(4):
        block1 = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())
        net.add_module(f"block {i}", block1)
    return net


def init_normal(m: nn.Module) -> None:
    """For `net.apply`: Linear weights from N(0, 0.01^2), biases 0."""
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, mean=0, std=0.01)
        nn.init.zeros_(m.bias)


def init_constant(m: nn.Module) -> None:
    """For `net.apply`: Linear weights 1, biases 0 (every hidden unit stays identical)."""
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 1)
        nn.init.zeros_(m.bias)


def init_xavier(m: nn.Module) -> None:
    """For `net.apply`: Linear weights from Xavier's uniform distribution; biases untouched."""
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)


def init_42(m: nn.Module) -> None:
    """For `net.apply`: Linear weights all 42; biases untouched."""
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 42)


def my_init(m: nn.Module) -> None:
    """The book's custom init: weights from U(-10, 10), then set to 0 where |w| < 5.

    So w is 0 with probability 1/2, and otherwise uniform on [-10, -5] or [5, 10].
    """
    if isinstance(m, nn.Linear):
        nn.init.uniform_(m.weight, -10, 10)
        with torch.no_grad():
            m.weight *= m.weight.abs() >= 5


def shared_layer_net() -> nn.Sequential:
    """Linear(4, 8), ReLU, shared, ReLU, shared, ReLU, Linear(8, 1) with `shared = Linear(8, 8)`.

    `net[2] is net[4]`: one set of parameters used twice, whose gradient is the sum of the
    gradients of both uses. (batch_size, 4) -> (batch_size, 1).
    """
    shared = nn.Linear(8, 8)
    return nn.Sequential(
        nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1)
    )


# ---------------------------------------------------------------- 5.3 deferred initialisation


class LazyMLP(nn.Module):
    """LazyLinear(num_hiddens), ReLU, LazyLinear(num_outputs): the input width is not given.

    The weights are `UninitializedParameter`s until the first forward pass, which infers
    in_features from X: (batch_size, num_inputs) and materialises them.
    """

    def __init__(self, num_hiddens: int = 256, num_outputs: int = 10) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.LazyLinear(num_hiddens), nn.ReLU(), nn.LazyLinear(num_outputs))

    def forward(self, X: Tensor) -> Tensor:
        return self.net(X)


# ---------------------------------------------------------------- 5.4 custom layers


class CenteredLayer(nn.Module):
    """`X - X.mean()` (the mean over all elements): a layer without parameters. Any shape."""

    def forward(self, X: Tensor) -> Tensor:
        return X - X.mean()


class MyLinear(nn.Module):
    """A fully connected layer with ReLU, from parameters: `relu(X W + b)`.

    weight: (in_units, units) and bias: (units,), both from N(0, 1).
    X: (batch_size, in_units) -> (batch_size, units).
    """

    def __init__(self, in_units: int, units: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units))

    def forward(self, X: Tensor) -> Tensor:
        return F.relu(torch.matmul(X, self.weight) + self.bias)


# ---------------------------------------------------------------- 5.5 file I/O


def save_load_roundtrip(obj: Any, path: str | Path) -> Any:
    """`torch.save` obj (a tensor, or lists / dicts of tensors, a state_dict) and load it back.

    `weights_only=True` unpickles only tensors and plain containers, never arbitrary code.
    """
    torch.save(obj, path)
    return torch.load(path, weights_only=True)


def save_params(net: nn.Module, path: str | Path) -> None:
    """Save the parameters (the state_dict), not the model: the code defines the architecture."""
    torch.save(net.state_dict(), path)


def load_params(net: nn.Module, path: str | Path) -> nn.Module:
    """Load parameters saved by `save_params` into `net`, a freshly built model of the same
    architecture; returns net."""
    net.load_state_dict(torch.load(path, weights_only=True))
    return net
