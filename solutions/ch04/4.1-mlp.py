# %% [markdown]
# # 4.1 Multilayer perceptrons — 多层感知机
#
# A hidden layer only helps if a nonlinearity follows it: without one, two affine layers collapse
# into a single affine map. Write the three activation functions of the section, ReLU, sigmoid and
# tanh, and their derivatives, from tensor operations only.

# %%
import matplotlib.pyplot as plt
import torch

from autograder import check

# %% [markdown]
# ## ReLU
#
# $\operatorname{ReLU}(x) = \max(x, 0)$, elementwise on a tensor of any shape. Do not use
# `torch.relu`, `F.relu` or `clamp`: compare with a tensor of zeros (`torch.max` of two tensors).


# %% tags=["solution"]
def relu(X: torch.Tensor) -> torch.Tensor:
    """max(X, 0) elementwise; X: any shape -> same shape."""
    ### BEGIN SOLUTION
    return torch.max(X, torch.zeros_like(X))
    ### END SOLUTION


# %%
check("ch04.relu", relu)

# %% [markdown]
# ## Sigmoid and tanh
#
# $$\operatorname{sigmoid}(x) = \frac{1}{1 + \exp(-x)}, \qquad
# \tanh(x) = \frac{1 - \exp(-2x)}{1 + \exp(-2x)}$$
#
# Computed literally, `exp(-x)` overflows to `inf` for $x < -88$ in float32: the value may survive
# (`1 / inf = 0`) but its gradient becomes `nan`, and tanh's value becomes `inf / inf = nan`. The
# check includes inputs up to $\pm 1000$, values and gradients. The cure: only ever take `exp` of
# a non-positive number, $e = \exp(-|x|)$, and use the symmetries
# $\operatorname{sigmoid}(-x) = 1 - \operatorname{sigmoid}(x)$ and $\tanh(-x) = -\tanh(x)$.
# Beware `torch.where(c, a, b)`: it evaluates both branches and sends a zero gradient into the one
# it did not pick, and $0 \times \infty = \mathrm{nan}$. No `torch.sigmoid`, `torch.tanh` (and
# neither may call the other built-in).


# %% tags=["solution"]
def sigmoid(X: torch.Tensor) -> torch.Tensor:
    """1 / (1 + exp(-X)) elementwise, finite (values and gradients) for any finite X."""
    ### BEGIN SOLUTION
    e = torch.exp(-torch.abs(X))
    return torch.where(X < 0, e / (1 + e), 1 / (1 + e))
    ### END SOLUTION


# %%
check("ch04.sigmoid", sigmoid)


# %% tags=["solution"]
def tanh(X: torch.Tensor) -> torch.Tensor:
    """(1 - exp(-2X)) / (1 + exp(-2X)) elementwise, finite for any finite X."""
    ### BEGIN SOLUTION
    e = torch.exp(-2 * torch.abs(X))
    t = (1 - e) / (1 + e)
    return torch.where(X < 0, -t, t)
    ### END SOLUTION


# %%
check("ch04.tanh", tanh)

# %% [markdown]
# ## Derivatives, by formula
#
# The book plots each function's derivative with autograd (`y.backward(torch.ones_like(x))`). Here
# you write them out, and the check forbids autograd (`backward`, `torch.autograd.grad`):
#
# - $\operatorname{ReLU}'(x) = 1$ if $x > 0$, else $0$. At exactly $x = 0$ the book takes the left
#   derivative, 0.
# - $\operatorname{sigmoid}'(x) = \operatorname{sigmoid}(x)\,(1 - \operatorname{sigmoid}(x))$, at
#   most 1/4: stacked sigmoid layers shrink gradients (4.8).
# - $\tanh'(x) = 1 - \tanh^2(x)$, at most 1.


# %% tags=["solution"]
def relu_grad(X: torch.Tensor) -> torch.Tensor:
    """d relu / dX elementwise: 1 where X > 0, else 0 (in X's dtype)."""
    ### BEGIN SOLUTION
    return (X > 0).to(X.dtype)
    ### END SOLUTION


# %%
check("ch04.relu_grad", relu_grad)


# %% tags=["solution"]
def sigmoid_grad(X: torch.Tensor) -> torch.Tensor:
    """d sigmoid / dX = sigmoid(X) (1 - sigmoid(X)) elementwise."""
    ### BEGIN SOLUTION
    s = sigmoid(X)
    return s * (1 - s)
    ### END SOLUTION


# %%
check("ch04.sigmoid_grad", sigmoid_grad)


# %% tags=["solution"]
def tanh_grad(X: torch.Tensor) -> torch.Tensor:
    """d tanh / dX = 1 - tanh(X)^2 elementwise."""
    ### BEGIN SOLUTION
    return 1 - tanh(X) ** 2
    ### END SOLUTION


# %%
check("ch04.tanh_grad", tanh_grad)

# %% [markdown]
# ## The plots of the section
#
# Each function and its derivative on $[-8, 8)$. Autograd agrees with your formulas; and
# $\tanh(x) + 1 = 2\,\operatorname{sigmoid}(2x)$ (exercise 3 of the section).

# %%
x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
fig, axes = plt.subplots(1, 3, figsize=(10, 2.5))
for ax, (name, fn, fn_grad) in zip(
    axes, [("relu", relu, relu_grad), ("sigmoid", sigmoid, sigmoid_grad), ("tanh", tanh, tanh_grad)]
):
    (autograd,) = torch.autograd.grad(fn(x).sum(), x)
    print(f"{name}: autograd and your derivative agree:", torch.allclose(autograd, fn_grad(x.detach())))
    ax.plot(x.detach(), fn(x).detach(), label=name)
    ax.plot(x.detach(), fn_grad(x.detach()), "--", label=f"d {name}")
    ax.grid(True)
    ax.legend()
plt.show()
print("tanh(x) + 1 == 2 sigmoid(2x):", torch.allclose(tanh(x) + 1, 2 * sigmoid(2 * x), atol=1e-6))

# %% [markdown] tags=["written"]
# Why is a network with several hidden layers but no activation functions no more expressive than
# linear regression?

# %% [markdown] tags=["answer"]
# A composition of affine maps is affine: W2(W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2), one
# linear layer with fewer degrees of freedom, however many layers are stacked.

# %% [markdown] tags=["written"]
# Compare the derivatives of sigmoid, tanh and ReLU: where does each vanish? Why did ReLU make
# deep networks easier to train, and what can go wrong with it?

# %% [markdown] tags=["answer"]
# Sigmoid's derivative is at most 0.25 and vanishes for large |x|; tanh's is at most 1 at 0 and
# vanishes in both tails; ReLU's is exactly 1 for x > 0 and 0 for x < 0. Active ReLU units pass
# gradients back without shrinking them; but a unit whose input is always negative gets no
# gradient and never recovers (a dead ReLU).
