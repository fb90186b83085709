# %% [markdown]
# # 5.1 Layers and blocks — 层和块
#
# A *block* is anything that maps inputs to outputs and owns parameters: one layer, a group of
# layers, or the whole model. In PyTorch every block is an `nn.Module`. Writing one takes two
# methods: `__init__` creates the parameters and the sub-blocks, `forward` computes the output.
# The backward pass comes for free from autograd, and `parameters()`, `state_dict()` and
# `.to(device)` find everything that was registered in `__init__`.
#
# `nn.Sequential` is the simplest block: it feeds each block's output to the next one,
# $f(\mathbf{X}) = f_n(\cdots f_2(f_1(\mathbf{X})))$.

# %%
import torch
from torch import nn
from torch.nn import functional as F

from autograder import check

# %%
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
X = torch.rand(2, 20)
net(X)

# %% [markdown]
# ## A custom block
#
# The same network as a class of your own: a hidden layer `hidden` = `nn.Linear(20, 256)`, a
# ReLU, and an output layer `out` = `nn.Linear(256, 10)`,
# $$\mathbf{H} = \operatorname{ReLU}(\mathbf{X}\mathbf{W}_1^\top + \mathbf{b}_1), \qquad
# \mathbf{O} = \mathbf{H}\mathbf{W}_2^\top + \mathbf{b}_2.$$
# Keep the book's attribute names: the check copies the reference's weights into your layers by
# name (`hidden.weight`, `out.bias`, ...). Call `super().__init__()` first, so that the module
# can register what you assign to it.


# %% tags=["solution"]
class MLP(nn.Module):
    """X: (batch_size, 20) -> (batch_size, 10)."""

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.hidden = nn.Linear(20, 256)
        self.out = nn.Linear(256, 10)
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return self.out(F.relu(self.hidden(X)))
        ### END SOLUTION


# %%
check("ch05.mlp", MLP)

# %%
net = MLP()
print(net)
print(net(X).shape)

# %% [markdown]
# ## The sequential block
#
# Write `MySequential(*args)`, which chains the blocks it is given in that order. Register each
# block as a child of the module under the name `str(idx)` (`self._modules[str(idx)] = block`,
# or `self.add_module(str(idx), block)`), and in `forward` pass `X` through the children in
# order. Why not keep them in a Python list? A list is invisible to `nn.Module`: its blocks'
# parameters would be missing from `parameters()` (so the optimiser would never update them),
# from `state_dict()` and from `.to(device)`.
#
# The check needs a `MySequential` it can build from plain numbers, so the cell after yours gives
# `SequentialMLP(*sizes)`: Linear, ReLU, Linear, ..., Linear on top of your class. Write the
# chaining yourself: no `nn.Sequential` (called or subclassed; the grader reads your code for it)
# and not d2lkit's `MySequential`.


# %% tags=["solution"]
class MySequential(nn.Module):
    """Chains the blocks given: X -> args[-1](...(args[1](args[0](X))))."""

    def __init__(self, *args: nn.Module):
        super().__init__()
        ### BEGIN SOLUTION
        for idx, module in enumerate(args):
            self._modules[str(idx)] = module
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        for block in self._modules.values():
            X = block(X)
        return X
        ### END SOLUTION


# %%
class SequentialMLP(MySequential):
    """MySequential(Linear(sizes[0], sizes[1]), ReLU(), ..., Linear(sizes[-2], sizes[-1]))."""

    def __init__(self, *sizes: int):
        layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        super().__init__(*layers[:-1])


# %%
check("ch05.my_sequential", SequentialMLP)

# %%
net = MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
print([name for name, _ in net.named_parameters()])
print(net(X).shape)

# %% [markdown]
# ## Code in the forward pass
#
# A block may do more than chain layers. `FixedHiddenMLP` has
# - a constant weight `rand_weight` (20, 20), drawn with `torch.rand` **before** the layer is
#   created (the check reproduces the reference's random draws in that order). It is not a
#   parameter, so nothing trains it: keep it out of `nn.Parameter`. A plain tensor attribute
#   works; `self.register_buffer("rand_weight", ..., persistent=False)` also makes it move with
#   `.to(device)` without entering the `state_dict`;
# - one layer `linear` = `nn.Linear(20, 20)` used **twice**, so both uses share its parameters;
# - Python control flow: while the sum of absolute values exceeds 1, halve the output.
#
# $$\mathbf{H} = \operatorname{ReLU}(\operatorname{linear}(\mathbf{X})\,\mathbf{W}_\text{rand} + 1),
# \qquad \mathbf{Y} = \operatorname{linear}(\mathbf{H}) / 2^k,$$
# with $k$ the smallest number of halvings that brings $\sum |\mathbf{Y}|$ to at most 1; return
# the scalar $\sum \mathbf{Y}$.


# %% tags=["solution"]
class FixedHiddenMLP(nn.Module):
    """X: (batch_size, 20) -> a scalar (0-dim tensor)."""

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.register_buffer("rand_weight", torch.rand(20, 20), persistent=False)
        self.linear = nn.Linear(20, 20)
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X = X / 2
        return X.sum()
        ### END SOLUTION


# %%
check("ch05.fixed_hidden_mlp", FixedHiddenMLP)

# %%
net = FixedHiddenMLP()
print(
    [name for name, _ in net.named_parameters()],
    "buffers:",
    [name for name, _ in net.named_buffers()],
)
net(X)

# %% [markdown]
# ## Nesting blocks
#
# Blocks contain blocks. `NestMLP` holds an `nn.Sequential` named `net` (Linear(20, 64), ReLU,
# Linear(64, 32), ReLU) followed by a layer `linear` = `nn.Linear(32, 16)`. Its parameters are
# named through the tree: `net.0.weight`, ..., `linear.bias`.


# %% tags=["solution"]
class NestMLP(nn.Module):
    """X: (batch_size, 20) -> (batch_size, 16)."""

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return self.linear(self.net(X))
        ### END SOLUTION


# %%
check("ch05.nest_mlp", NestMLP)

# %% [markdown]
# The book's *chimera* mixes all of these: a custom block, a plain layer and a block with its own
# control flow, chained by `nn.Sequential`.

# %%
chimera = nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())
print(chimera)
chimera(X)

# %% [markdown] tags=["written"]
# `MySequential` keeps its blocks where PyTorch registers them, not in a plain Python list. What
# breaks if the blocks are kept in a plain list?

# %% [markdown] tags=["answer"]
# Modules in a plain list are not registered: `parameters()` does not return their weights, so the
# optimizer never updates them; `.to(device)` does not move them and `state_dict()` does not save
# them.

# %% [markdown] tags=["written"]
# Why write a block's `forward` with ordinary Python (loops, conditions, a constant tensor)
# instead of always chaining layers with `nn.Sequential`? Give an example, and one cost of doing
# so.

# %% [markdown] tags=["answer"]
# `forward` can reuse a layer, branch on the data, take several inputs or return several outputs
# (the fixed-hidden MLP rescales until a norm condition holds). The cost: the model is harder to
# inspect, export or compile, and the Python control flow runs on the CPU each call.
