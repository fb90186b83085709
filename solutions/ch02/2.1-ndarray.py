# %% [markdown]
# # 2.1 Data manipulation — 数据操作
#
# A tensor is an n-dimensional array of numbers of one dtype. You create it (`arange`, `zeros`,
# `randn`, `tensor`), reshape it, combine tensors entry by entry, and index it. When two shapes
# differ, *broadcasting* stretches axes of size 1 so that the shapes match.

# %%
import torch

from autograder import check

# %%
X = torch.arange(12, dtype=torch.float32).reshape((3, 4))
Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print(X.shape, X.numel(), X.sum())
print(torch.cat((X, Y), dim=0).shape, torch.cat((X, Y), dim=1).shape)
print(X == Y)

# %% [markdown]
# ## Comparison operators
#
# `X == Y`, `X < Y` and `X > Y` compare entry by entry: entry $(i, j)$ of `X < Y` is `True` when
# $x_{ij} < y_{ij}$. The results are bool tensors, and the operands broadcast as in arithmetic.
# Return the three comparisons in this order.


# %% tags=["solution"]
def compare_elementwise(X: torch.Tensor, Y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """X, Y: broadcastable shapes -> (X == Y, X < Y, X > Y), bool tensors of the broadcast shape."""
    ### BEGIN SOLUTION
    return X == Y, X < Y, X > Y
    ### END SOLUTION


# %%
check("ch02.compare_elementwise", compare_elementwise)

# %% [markdown]
# ## Broadcasting
#
# Align the two shapes on their **last** axis and pad the shorter one with 1s on the left. Along
# each axis the sizes must be equal, or one of them 1, which is stretched to the other size (even
# to 0). So $(3, 1)$ and $(1, 2)$ give $(3, 2)$, and $(2, 3, 4)$ and $(4,)$ give $(2, 3, 4)$.
# Return the resulting shape as a tuple of ints, and raise `ValueError` when some axis has two
# different sizes, neither of them 1.


# %% tags=["solution"]
def broadcast_shape(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of `A + B` for A of shape `shape_a` and B of shape `shape_b`."""
    ### BEGIN SOLUTION
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    padded_b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    result = []
    for size_a, size_b in zip(padded_a, padded_b):
        if size_a != size_b and 1 not in (size_a, size_b):
            raise ValueError(f"shapes {tuple(shape_a)} and {tuple(shape_b)} cannot be broadcast")
        result.append(size_b if size_a == 1 else size_a)
    return tuple(result)
    ### END SOLUTION


# %%
check("ch02.broadcast_shape", broadcast_shape)

# %% [markdown]
# Your rule agrees with what torch does, also with three axes (the section's second exercise):

# %%
a = torch.arange(3).reshape((3, 1))
b = torch.arange(2).reshape((1, 2))
print(a + b)
A, B = torch.ones(2, 1, 4), torch.arange(3.0).reshape(3, 1)
print(broadcast_shape(A.shape, B.shape), (A + B).shape)
try:
    broadcast_shape((2, 3), (4,))
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# ## Saving memory
#
# `Y = Y + X` allocates a new tensor; `Z[:] = X + Y` and `X += Y` write into the existing one.

# %%
before = id(Y)
Y = Y + X
print(id(Y) == before)
Z = torch.zeros_like(Y)
before = id(Z)
Z[:] = X + Y
print(id(Z) == before)

# %% [markdown] tags=["written"]
# Predict the shape of `X + Y` for `X` of shape (3, 1) and `Y` of shape (1, 2), and state the rule
# that decides it. Then describe a case where broadcasting silently turns a bug into a wrong
# number instead of an error.

# %% [markdown] tags=["answer"]
# Shapes are aligned from the right; each pair of sizes must be equal or one of them 1, which is
# stretched: (3, 2). A silent bug: `y_hat` of shape (n, 1) minus `y` of shape (n,) gives an (n, n)
# matrix, and its mean is still a single, wrong, loss.

# %% [markdown] tags=["written"]
# Compare `Y = Y + X` with `Y += X` (or `Y[:] = Y + X`). Which one allocates new memory? Why can
# the difference matter for a model's parameters, and when can the in-place form break autograd?

# %% [markdown] tags=["answer"]
# `Y = Y + X` makes a new tensor and rebinds the name (`id(Y)` changes); the in-place forms write
# into the existing storage. In-place updates save memory and keep every other reference (an
# optimizer's list of parameters) pointing at the updated values, but modifying a tensor that
# backward still needs raises an autograd error.
