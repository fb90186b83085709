# %% [markdown]
# # 5.2 Parameter management — 参数管理
#
# Once a model is built, its parameters are reached through the block tree: read them, initialise
# them, and share them between layers. The section ends with deferred initialisation (5.3), where
# the parameters' shapes are only known after the first forward pass.

# %%
import torch
from torch import nn

from autograder import check

# %%
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
X = torch.rand(size=(2, 4))
net(X)

# %% [markdown]
# ## Parameter access
#
# `nn.Sequential` is indexed like a list. A layer's `state_dict()` holds its weight and bias;
# each is an `nn.Parameter`, a tensor with `.data` (the values) and `.grad` (None until a
# backward pass).

# %%
print(net[2].state_dict())
print(type(net[2].bias))
print(net[2].bias.data)
print(net[2].weight.grad is None)

# %% [markdown]
# Write `named_parameter_shapes(net)`: a dict from each parameter's name to its shape as a tuple
# of ints, for every parameter of `net`, however deeply nested. `net.named_parameters()` walks the
# whole tree, names each parameter by its path (`"0.weight"`, `"block 1.2.bias"`), lists a
# parameter shared by two layers once, and leaves out buffers (BatchNorm's running statistics,
# which are in the `state_dict` but are not trained).


# %% tags=["solution"]
def named_parameter_shapes(net: nn.Module) -> dict[str, tuple[int, ...]]:
    """{name: shape} of every parameter, e.g. {"0.weight": (8, 4), "0.bias": (8,), ...}."""
    ### BEGIN SOLUTION
    return {name: tuple(param.shape) for name, param in net.named_parameters()}
    ### END SOLUTION


# %%
check("ch05.named_parameter_shapes", named_parameter_shapes)

# %%
print(named_parameter_shapes(net[0]))
print(named_parameter_shapes(net))
print(net.state_dict()["2.bias"].data)


# %% [markdown]
# Nested blocks: `block2` holds four `block1`s, added with `add_module` under the names
# `"block 0"` to `"block 3"`; the names of their parameters follow the tree.


# %%
def block1():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())


def block2():
    net = nn.Sequential()
    for i in range(4):
        net.add_module(f"block {i}", block1())
    return net


rgnet = nn.Sequential(block2(), nn.Linear(4, 1))
print(rgnet)
print(rgnet(X))
print(rgnet[0][1][0].bias.data)
print(list(named_parameter_shapes(rgnet))[:6])

# %% [markdown]
# ## Parameter initialisation
#
# `net.apply(fn)` calls `fn(m)` on every module of the tree (the children first, then `net`
# itself). An initialiser therefore receives ReLUs, Sequentials and layers alike, and acts only on
# the `nn.Linear` layers (`isinstance(m, nn.Linear)`), filling their parameters in place with the
# functions of `nn.init`. Any other module is left exactly as it was.
#
# `init_normal`: weights from $\mathcal{N}(0, 0.01^2)$, biases 0. The check judges the
# statistics of the weights of a large layer.


# %% tags=["solution"]
def init_normal(m: nn.Module) -> None:
    """For net.apply: an nn.Linear gets weights from N(0, 0.01^2) and biases 0; others unchanged."""
    ### BEGIN SOLUTION
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, mean=0, std=0.01)
        nn.init.zeros_(m.bias)
    ### END SOLUTION


# %%
check("ch05.init_normal", init_normal)

# %% [markdown]
# `init_constant`: weights 1, biases 0. (A bad idea for training: every hidden unit computes the
# same function and receives the same gradient, so they stay identical.)


# %% tags=["solution"]
def init_constant(m: nn.Module) -> None:
    """For net.apply: an nn.Linear gets weights 1 and biases 0; other modules unchanged."""
    ### BEGIN SOLUTION
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 1)
        nn.init.zeros_(m.bias)
    ### END SOLUTION


# %%
check("ch05.init_constant", init_constant)

# %%
net.apply(init_normal)
print(net[0].weight.data[0], net[0].bias.data[0])
net.apply(init_constant)
print(net[0].weight.data[0], net[0].bias.data[0])


# %% [markdown]
# Each block can be initialised on its own: Xavier for the first layer, the constant 42 for the
# last.


# %%
def init_xavier(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)


def init_42(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 42)


net[0].apply(init_xavier)
net[2].apply(init_42)
print(net[0].weight.data[0])
print(net[2].weight.data)

# %% [markdown]
# ## A custom initialiser
#
# The book's `my_init` draws the weights of a linear layer from
# $$w \sim \begin{cases}
# U(5, 10) & \text{with probability } \tfrac14 \\
# 0 & \text{with probability } \tfrac12 \\
# U(-10, -5) & \text{with probability } \tfrac14
# \end{cases}$$
# by drawing from $U(-10, 10)$ and then zeroing every weight with $|w| < 5$. Write the zeroing
# as an in-place multiplication by the mask, outside autograd (`with torch.no_grad():`, or on
# `m.weight.data`). The biases stay as they are.


# %% tags=["solution"]
def my_init(m: nn.Module) -> None:
    """For net.apply: an nn.Linear's weights from U(-10, 10), set to 0 where |w| < 5; biases kept."""
    ### BEGIN SOLUTION
    if isinstance(m, nn.Linear):
        nn.init.uniform_(m.weight, -10, 10)
        with torch.no_grad():
            m.weight *= m.weight.abs() >= 5
    ### END SOLUTION


# %%
check("ch05.my_init", my_init)

# %%
net.apply(my_init)
print(net[0].weight[:2])

# %% [markdown]
# Parameters can also be set directly, through `.data` (outside autograd):

# %%
net[0].weight.data[:] += 1
net[0].weight.data[0, 0] = 42
net[0].weight.data[0]

# %% [markdown]
# ## Tied parameters
#
# To share parameters between layers, create one layer and use the same object twice. Write
# `shared_layer_net()`, the book's
# `nn.Sequential(nn.Linear(4, 8), ReLU, shared, ReLU, shared, ReLU, nn.Linear(8, 1))` with
# `shared = nn.Linear(8, 8)`: `net[2] is net[4]`. There is one weight and one bias for both
# uses, and backpropagation adds the gradients of both uses into them. The check compares the
# output, the gradient with respect to `X`, and the gradients of the parameters.


# %% tags=["solution"]
def shared_layer_net() -> nn.Sequential:
    """(batch_size, 4) -> (batch_size, 1); layers 2 and 4 are the same nn.Linear(8, 8)."""
    ### BEGIN SOLUTION
    shared = nn.Linear(8, 8)
    return nn.Sequential(
        nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1)
    )
    ### END SOLUTION


# %%
check("ch05.shared_layer_net", shared_layer_net)

# %%
net = shared_layer_net()
print(net(X))
print(net[2].weight.data[0] == net[4].weight.data[0])
net[2].weight.data[0, 0] = 100
# the same object, not merely equal values
print(net[2].weight.data[0] == net[4].weight.data[0])
print(list(named_parameter_shapes(net)))

# %% [markdown]
# ## Deferred initialisation (5.3 延后初始化)
#
# The book's section 5.3 has no PyTorch code: it explains how a framework can build a network
# without knowing the input width, and create the parameters at the first forward pass, when the
# shapes become known. PyTorch does this with *lazy* layers: `nn.LazyLinear(out_features)` holds
# an `UninitializedParameter` until it sees data. (Ungraded; d2lkit's version is
# `d2lkit.computation.LazyMLP`.)

# %%
net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
print(net[0].weight)
net(torch.rand(2, 20))
print(named_parameter_shapes(net))

# %% [markdown]
# After that first pass the layers are ordinary `Linear`s with 20 inputs; an initialiser applied
# now sees real tensors (before it, there is nothing to fill).

# %%
net.apply(init_normal)
print(net[0].weight.std())

# %% [markdown] tags=["written"]
# When one layer object is used twice in a network, how many sets of parameters are there, and
# what does the layer's gradient hold after `backward()`?

# %% [markdown] tags=["answer"]
# One set, shared (tied) by both uses. Its gradient is the sum of the gradients from the two
# places where the layer is used.

# %% [markdown] tags=["written"]
# What is the difference between a parameter and a buffer (such as batch norm's running mean)?
# Which ones does the optimizer update, and which does `state_dict()` save?

# %% [markdown] tags=["answer"]
# Parameters are trained: they require gradients and `parameters()` returns them, so the optimizer
# updates them. Buffers are state the module updates itself (or keeps constant), with no gradient.
# `state_dict()` saves both.
