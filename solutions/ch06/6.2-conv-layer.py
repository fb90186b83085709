# %% [markdown]
# # 6.2 Convolutions for images — 图像卷积
#
# Write the two-dimensional cross-correlation that deep learning calls "convolution", build a
# convolutional layer on it, and recover an edge-detection kernel from data by gradient descent.
# Each exercise ends with a one-line check cell; run it to see whether your code agrees with the
# reference.

# %%
import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## Cross-correlation
#
# Slide the kernel $\mathbf{K}$ ($k_h \times k_w$) over the input $\mathbf{X}$ ($n_h \times n_w$) and
# take, at every position where it fits entirely, the sum of the elementwise products:
#
# $$Y_{ij} = \sum_{a=0}^{k_h-1} \sum_{b=0}^{k_w-1} X_{i+a,\, j+b}\, K_{ab}, \qquad
# \mathbf{Y} \in \mathbb{R}^{(n_h - k_h + 1) \times (n_w - k_w + 1)}.$$
#
# The kernel is **not** flipped (that would be a true convolution). Write the double loop over
# output positions; `F.conv2d`, `nn.Conv2d` and `unfold` are off limits here.


# %% tags=["solution"]
def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """2-D cross-correlation. X: (n_h, n_w), K: (k_h, k_w) -> (n_h - k_h + 1, n_w - k_w + 1)."""
    ### BEGIN SOLUTION
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
    ### END SOLUTION


# %%
check("ch06.corr2d", corr2d)

# %%
X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
corr2d(X, K)  # the book: tensor([[19., 25.], [37., 43.]])

# %% [markdown]
# ## A convolutional layer
#
# A layer computes $\mathbf{Y} = \mathbf{X} \star \mathbf{W} + b$ with a learnable kernel and a
# scalar bias. Name the parameters `weight` (shape `kernel_size`, initialised uniformly in
# $[0, 1)$ with `torch.rand`) and `bias` (shape `(1,)`, zeros): the check copies the reference's
# values into parameters of these names. Use your `corr2d`.


# %% tags=["solution"]
class Conv2D(nn.Module):
    """One input and one output channel. forward X: (n_h, n_w) -> (n_h - k_h + 1, n_w - k_w + 1)."""

    def __init__(self, kernel_size: tuple[int, int]):
        super().__init__()
        ### BEGIN SOLUTION
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return corr2d(X, self.weight) + self.bias
        ### END SOLUTION


# %%
check("ch06.Conv2D", Conv2D)

# %% [markdown]
# ## Edge detection, and learning the kernel back
#
# The image below is white (1) with a black (0) band; the kernel $[1, -1]$ responds with $+1$ at a
# white-to-black edge, $-1$ at a black-to-white edge, and 0 elsewhere.

# %%
X = torch.ones((6, 8))
X[:, 2:6] = 0
K = torch.tensor([[1.0, -1.0]])
Y = corr2d(X, K)
Y

# %% [markdown]
# Given only `X` and `Y`, recover `K`. As in the book, use a bias-free
# `nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)` (it wants 4-D input: reshape `X` and `Y` to
# `(1, 1, h, w)`), and for `num_epochs` steps:
#
# 1. compute the **summed** squared error $l = \sum (\hat{\mathbf Y} - \mathbf Y)^2$,
# 2. zero the gradient, back-propagate,
# 3. update by hand: `weight -= lr * weight.grad` under `torch.no_grad()`,
#
# recording `l.sum().item()` before each update. Return the learned kernel reshaped to `(1, 2)`
# and the list of losses. The starting kernel is random, so the check looks at how close the
# result is to the kernel that made `Y`, not at exact values.


# %% tags=["solution"]
def learn_edge_kernel(X: torch.Tensor, Y: torch.Tensor, lr: float = 3e-2, num_epochs: int = 10):
    """X: (h, w), Y: (h, w - 1) -> (kernel (1, 2), [loss before each update, one per epoch])."""
    ### BEGIN SOLUTION
    conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    X = X.reshape((1, 1) + tuple(X.shape))
    Y = Y.reshape((1, 1) + tuple(Y.shape))
    losses = []
    for _ in range(num_epochs):
        l = (conv2d(X) - Y) ** 2
        conv2d.zero_grad()
        l.sum().backward()
        with torch.no_grad():
            conv2d.weight -= lr * conv2d.weight.grad
        losses.append(l.sum().item())
    return conv2d.weight.detach().reshape(1, 2), losses
    ### END SOLUTION


# %%
check("ch06.learn_edge_kernel", learn_edge_kernel)

# %%
torch.manual_seed(0)
kernel, losses = learn_edge_kernel(X, Y)
for epoch in range(1, 11, 2):
    print(f"epoch {epoch + 1}, loss {losses[epoch]:.3f}")
kernel  # close to [[1, -1]]

# %% [markdown] tags=["written"]
# On a 100 × 100 image with one output channel of the same size, how many weights does a 3 × 3
# convolution need, and how many a fully connected layer? Which assumptions about images make the
# convolution's saving reasonable?

# %% [markdown] tags=["answer"]
# 9 (plus a bias) against 10^4 × 10^4 = 10^8. Locality (a pixel's output depends on its
# neighbourhood) and translation invariance (the same detector is useful everywhere).

# %% [markdown] tags=["written"]
# The kernel `[1, -1]` finds vertical edges. What does it output on an image with only horizontal
# edges, and how would you find those? Which small kernel gives a second derivative?

# %% [markdown] tags=["answer"]
# Zero everywhere: along each row the image is constant. Its transpose `[[1], [-1]]` finds
# horizontal edges. `[1, -2, 1]` is a discrete second derivative.
