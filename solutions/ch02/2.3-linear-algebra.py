# %% [markdown]
# # 2.3 Linear algebra — 线性代数
#
# Scalars, vectors, matrices and tensors; reductions along axes; and the products and norms of
# linear algebra, which you build here from elementwise operations and sums.

# %%
import torch

from autograder import check

# %%
A = torch.arange(20, dtype=torch.float32).reshape(5, 4)
print(A.T.shape, torch.equal(A.T.T, A))
X = torch.arange(24).reshape(2, 3, 4)
print(len(X), X.sum(dim=0).shape, X.sum(dim=1).shape, X.sum(dim=2).shape)
print(A.sum(dim=1, keepdim=True).shape, A.cumsum(dim=0)[-1])

# %% [markdown]
# ## The Frobenius norm
#
# $\|\mathbf{X}\|_F = \sqrt{\sum_{i, j} x_{ij}^2}$, for a tensor of any number of axes: the square
# root of the sum of the squares of all its entries. Return a 0-d tensor; `torch.norm` and
# `torch.linalg.norm` are off limits.


# %% tags=["solution"]
def frobenius_norm(X: torch.Tensor) -> torch.Tensor:
    """X: any shape -> 0-d tensor."""
    ### BEGIN SOLUTION
    return (X * X).sum().sqrt()
    ### END SOLUTION


# %%
check("ch02.frobenius_norm", frobenius_norm)

# %%
print(frobenius_norm(torch.ones((4, 9))))

# %% [markdown]
# ## Normalising rows
#
# One of the section's exercises runs `A / A.sum(axis=1)`. Divide each row of $\mathbf{A}$ by its
# own sum, $b_{ij} = a_{ij} / \sum_k a_{ik}$, so that every row sums to 1.


# %% tags=["solution"]
def row_normalize(A: torch.Tensor) -> torch.Tensor:
    """A: (m, n) with nonzero row sums -> (m, n) whose rows sum to 1."""
    ### BEGIN SOLUTION
    return A / A.sum(dim=1, keepdim=True)
    ### END SOLUTION


# %%
check("ch02.row_normalize", row_normalize)

# %% [markdown]
# ## Products from elementwise operations
#
# The matrix-vector product $\mathbf{A}\mathbf{x}$ has entries $\sum_j a_{ij} x_j$: each row of
# $\mathbf{A}$ dotted with $\mathbf{x}$. The matrix product $\mathbf{C} = \mathbf{A}\mathbf{B}$ has
# $c_{ij} = \sum_k a_{ik} b_{kj}$. Build them from elementwise products, broadcasting and sums:
# `@`, `torch.matmul`, `mm`, `mv`, `dot`, `einsum` and their relatives are off limits.


# %% tags=["solution"]
def matvec(A: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """A: (m, n), x: (n,) -> (m,)."""
    ### BEGIN SOLUTION
    return (A * x).sum(dim=1)
    ### END SOLUTION


# %%
check("ch02.matvec", matvec)


# %% tags=["solution"]
def matmul(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """A: (m, n), B: (n, p) -> (m, p)."""
    ### BEGIN SOLUTION
    return (A.unsqueeze(2) * B.unsqueeze(0)).sum(dim=1)
    ### END SOLUTION


# %%
check("ch02.matmul", matmul)

# %%
B = torch.ones(4, 3)
x = torch.arange(4, dtype=torch.float32)
print(matvec(A, x), torch.mv(A, x))
print(torch.equal(matmul(A, B), torch.mm(A, B)))

# %% [markdown] tags=["written"]
# For `A` of shape (2, 3, 4), give the shapes of `A.sum(axis=0)`, `A.sum(axis=(1, 2))` and
# `A.sum(axis=1, keepdims=True)`. Why does `A / A.sum(axis=1)` fail while `A / A.sum(axis=1,
# keepdims=True)` works?

# %% [markdown] tags=["answer"]
# (3, 4), (2,) and (2, 1, 4). Without `keepdims` the sum has shape (2, 4); aligned from the right
# against (2, 3, 4), the sizes 2 and 3 clash. With `keepdims` the summed axis stays as a size-1
# axis, which broadcasts along the 3 rows it was summed over.

# %% [markdown] tags=["written"]
# Show that `A + A.T` is symmetric for any square `A`. Is `A.T @ A` symmetric for any matrix `A`,
# and what sign can `x.T @ A.T @ A @ x` have?

# %% [markdown] tags=["answer"]
# (A + A^T)^T = A^T + A. (A^T A)^T = A^T (A^T)^T = A^T A, so yes, for any shape of A. And x^T A^T
# A x = ||Ax||^2 >= 0: the matrix is positive semidefinite.
