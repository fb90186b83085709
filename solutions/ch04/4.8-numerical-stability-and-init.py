# %% [markdown]
# # 4.8 Numerical stability and initialization — 数值稳定性和模型初始化
#
# Gradients are products of many layer Jacobians: they vanish (sigmoid's derivative is at most
# 1/4) or explode (a product of 100 random matrices). A careful initialisation keeps the variance
# of activations and gradients steady from layer to layer.

# %%
import math

import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## Exploding gradients
#
# The book's product of 100 Gaussian 4×4 matrices:

# %%
torch.manual_seed(0)
M = torch.normal(0, 1, size=(4, 4))
for i in range(100):
    M = M @ torch.normal(0, 1, size=(4, 4))
print("after multiplying 100 matrices\n", M)

# %% [markdown]
# ## Xavier initialisation
#
# For a layer with $n_\text{in}$ inputs and $n_\text{out}$ outputs, weights of mean 0 and
# variance $\sigma^2$ keep the forward variance if $n_\text{in}\sigma^2 = 1$ and the backward one
# if $n_\text{out}\sigma^2 = 1$; Xavier compromises on
# $$\sigma^2 = \text{gain}^2 \cdot \frac{2}{n_\text{in} + n_\text{out}}.$$
# Uniform: $U(-a, a)$ with $a = \text{gain}\sqrt{6 / (n_\text{in} + n_\text{out})}$ (the variance
# of $U(-a, a)$ is $a^2/3$). Normal: $\mathcal{N}(0, \sigma^2)$.
#
# Fans as torch computes them: a weight is `(out_features, in_features, *kernel)`, so
# $n_\text{in}$ = `shape[1]` × the product of `shape[2:]` (the receptive field, 1 for a `Linear`)
# and $n_\text{out}$ = `shape[0]` × the same product. Fill the given tensor **in place** (under
# `torch.no_grad()`, e.g. with `tensor.uniform_(-a, a)` / `tensor.normal_(0, std)`) and return it,
# as `nn.init` does. The check draws many values and judges their statistics: mean, variance,
# range and shape of the distribution. No `nn.init.xavier_*`.


# %% tags=["solution"]
def xavier_uniform_(tensor: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    """Fill tensor (at least 2-D) in place from U(-a, a), a = gain sqrt(6 / (fan_in + fan_out))."""
    ### BEGIN SOLUTION
    receptive_field = math.prod(tensor.shape[2:])
    fan_in, fan_out = tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-a, a)
    ### END SOLUTION


# %%
check("ch04.xavier_uniform", xavier_uniform_)


# %% tags=["solution"]
def xavier_normal_(tensor: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    """Fill tensor (at least 2-D) in place from N(0, std^2), std = gain sqrt(2 / (fan_in + fan_out))."""
    ### BEGIN SOLUTION
    receptive_field = math.prod(tensor.shape[2:])
    fan_in, fan_out = tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.normal_(0, std)
    ### END SOLUTION


# %%
check("ch04.xavier_normal", xavier_normal_)

# %% [markdown]
# ## Steady variance through a deep network
#
# Push a batch through 20 tanh layers of width 256: with weights from $\mathcal{N}(0, 1)$ the
# activations saturate at ±1; with $\mathcal{N}(0, 0.01^2)$ they vanish; with Xavier they keep a
# steady spread.

# %%
torch.manual_seed(0)
X = torch.randn(512, 256)
for name, init in [("N(0, 1)", lambda w: nn.init.normal_(w, 0, 1)), ("N(0, 0.01²)", lambda w: nn.init.normal_(w, 0, 0.01)), ("xavier_uniform_", xavier_uniform_)]:
    H, stds = X, []
    for layer in range(20):
        W = init(torch.empty(256, 256))
        H = torch.tanh(H @ W.T)
        stds.append(H.std().item())
    print(f"{name:>16}: std of the activations after layers 1, 5, 10, 20:", [round(stds[i], 4) for i in (0, 4, 9, 19)])

# %% [markdown] tags=["written"]
# Xavier initialisation uses variance 2 / (n_in + n_out). What is it trying to keep constant, and
# why is the formula a compromise?

# %% [markdown] tags=["answer"]
# The variance of the activations going forward (needs n_in × variance = 1) and of the gradients
# going backward (needs n_out × variance = 1). Both hold only if n_in = n_out, so it averages the
# two.

# %% [markdown] tags=["written"]
# Why does setting all weights of a layer to the same constant fail even at a good scale? Could
# dropout fix it?

# %% [markdown] tags=["answer"]
# Every unit computes the same output and gets the same gradient, so the units stay identical and
# the layer works as one unit. Dropout drops different units, so their gradients differ and the
# symmetry can break, but slowly and unreliably; random initialisation is the fix.
