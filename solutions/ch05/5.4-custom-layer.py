# %% [markdown]
# # 5.4 Custom layers — 自定义层
#
# A layer is a block like any other: subclass `nn.Module`, create parameters in `__init__` (as
# `nn.Parameter`s, so that the module registers them), compute in `forward`. A layer may have no
# parameters at all.

# %%
import torch
from torch import nn
from torch.nn import functional as F

from autograder import check

# %% [markdown]
# ## A layer without parameters
#
# `CenteredLayer` subtracts the mean of its input:
# $$\operatorname{CenteredLayer}(\mathbf{X}) = \mathbf{X} - \frac{1}{n}\sum_{i} x_i,$$
# the mean over **all** $n$ elements of `X`, whatever its shape. The mean depends on `X`, so it
# stays part of the computation graph: do not detach it (the check compares the gradient too).


# %% tags=["solution"]
class CenteredLayer(nn.Module):
    """X: any shape -> same shape, with mean 0."""

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return X - X.mean()
        ### END SOLUTION


# %%
check("ch05.centered_layer", CenteredLayer)

# %%
layer = CenteredLayer()
print(layer(torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])))  # the book: tensor([-2., -1.,  0.,  1.,  2.])

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(8, 128), CenteredLayer())
Y = net(torch.rand(4, 8))
Y.mean()  # 0 up to rounding

# %% [markdown]
# ## A layer with parameters
#
# `MyLinear(in_units, units)`: a fully connected layer followed by a ReLU,
# $$\mathbf{Y} = \operatorname{ReLU}(\mathbf{X}\mathbf{W} + \mathbf{b}),$$
# with the parameters `weight` of shape `(in_units, units)` and `bias` of shape `(units,)`, both
# drawn from $\mathcal{N}(0, 1)$ (`torch.randn`) and wrapped in `nn.Parameter`. Note the layout:
# `X @ weight`, not `nn.Linear`'s `(units, in_units)`. Use the parameters themselves in
# `forward`, not their `.data`, which would cut them out of autograd so that they never train.
# No `nn.Linear` / `F.linear`.


# %% tags=["solution"]
class MyLinear(nn.Module):
    """X: (batch_size, in_units) -> (batch_size, units)."""

    def __init__(self, in_units: int, units: int):
        super().__init__()
        ### BEGIN SOLUTION
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units))
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return F.relu(torch.matmul(X, self.weight) + self.bias)
        ### END SOLUTION


# %%
check("ch05.my_linear", MyLinear)

# %%
torch.manual_seed(0)
linear = MyLinear(5, 3)
print(linear.weight)
print(linear(torch.rand(2, 5)))

# custom layers compose like built-in ones
net = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
net(torch.rand(2, 64))

# %% [markdown] tags=["written"]
# A custom linear layer stores its weight as `nn.Parameter(...)`. What changes if it stores a
# plain tensor with `requires_grad=True` instead?

# %% [markdown] tags=["answer"]
# The tensor is not registered: `parameters()` misses it, so the optimizer does not update it,
# `state_dict()` does not save it and `.to(device)` does not move it, although gradients are still
# computed for it.

# %% [markdown] tags=["written"]
# Why does a custom layer usually take its input size in the constructor? How do lazy layers
# (`nn.LazyLinear`) avoid that, and what is the catch?

# %% [markdown] tags=["answer"]
# Parameters are allocated when the layer is built, so their shapes must be known then. A lazy
# layer allocates them at its first forward call, from the input's shape; until then it has no
# parameters to initialise or hand to an optimizer, so a dummy forward pass must come first.
