# %% [markdown]
# # 7.5 Batch normalization — 批量规范化
#
# Batch normalization standardises each feature (each channel, for a convolution) with the mean and
# variance of the current minibatch, then rescales it with a learned $\gamma$ and shifts it with a
# learned $\beta$. At prediction time it uses running averages of those statistics instead. You
# will write it from scratch, wrap it in a layer, and put it into LeNet.

# %%
import torch
from torch import nn

from autograder import check
from d2lkit import load_data_fashion_mnist
from d2lkit.cnn import train_ch6

# %% [markdown]
# ## The function
#
# In training, with $\mathcal{B}$ the minibatch (for a 4-D input: every example *and* every pixel
# of a channel),
#
# $$\hat{\boldsymbol\mu} = \frac{1}{|\mathcal B|}\sum_{\mathbf x \in \mathcal B} \mathbf x,\quad
# \hat{\boldsymbol\sigma}^2 = \frac{1}{|\mathcal B|}\sum_{\mathbf x \in \mathcal B}
# (\mathbf x - \hat{\boldsymbol\mu})^2,\quad
# \mathrm{BN}(\mathbf x) = \boldsymbol\gamma \odot \frac{\mathbf x - \hat{\boldsymbol\mu}}
# {\sqrt{\hat{\boldsymbol\sigma}^2 + \epsilon}} + \boldsymbol\beta ,$$
#
# and the moving statistics are updated as the book does:
# `moving_mean = momentum * moving_mean + (1 - momentum) * mean` (likewise `moving_var` with the
# same biased variance). `momentum` weighs the *old* value here; torch's `nn.BatchNorm` momentum
# means the opposite. In evaluation (`training=False`) normalise with `moving_mean` and
# `moving_var`, and return them unchanged.
#
# - Statistics have the shape of `moving_mean`: `(1, num_features)` for a 2-D X (average over
#   dim 0), `(1, num_features, 1, 1)` for a 4-D X (average over dims 0, 2 and 3, `keepdim=True`).
# - Compute the new moving statistics under `torch.no_grad()`: no gradient flows through them.
# - The book switches on `torch.is_grad_enabled()`; here the caller says `training` explicitly.
#
# Return `(Y, moving_mean, moving_var)`. No `F.batch_norm` or `nn.BatchNorm*`.


# %% tags=["solution"]
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps: float, momentum: float, training: bool):
    """X: (batch_size, n) or (batch_size, n, h, w); gamma, beta, moving_*: (1, n) or (1, n, 1, 1).

    Returns (Y shaped like X, new moving_mean, new moving_var).
    """
    ### BEGIN SOLUTION
    if not training:
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
        return gamma * X_hat + beta, moving_mean, moving_var
    dims = (0,) if X.dim() == 2 else (0, 2, 3)
    mean = X.mean(dim=dims, keepdim=True)
    var = ((X - mean) ** 2).mean(dim=dims, keepdim=True)
    X_hat = (X - mean) / torch.sqrt(var + eps)
    with torch.no_grad():
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, moving_mean, moving_var
    ### END SOLUTION


# %%
check("ch07.batch_norm", batch_norm)

# %% [markdown]
# ## The layer
#
# `BatchNorm(num_features, num_dims)`: `num_dims` is 2 after a fully connected layer and 4 after a
# convolution. Parameters `gamma` (ones) and `beta` (zeros) of shape `(1, num_features)` or
# `(1, num_features, 1, 1)`; `moving_mean` (zeros) and `moving_var` (ones) of the same shape,
# registered as **buffers** (`self.register_buffer(...)`), so that they are saved in the state dict
# and move with `net.to(device)` — the book keeps them as plain attributes. Use eps 1e-5 and
# momentum 0.9, pass `training=self.training` (so that `net.eval()` switches to the moving
# statistics), and store the updated statistics back. The check runs three training steps and then
# one forward in evaluation mode.


# %% tags=["solution"]
class BatchNorm(nn.Module):
    """X: (batch_size, num_features) or (batch_size, num_features, h, w) -> the same shape."""

    def __init__(self, num_features: int, num_dims: int):
        super().__init__()
        ### BEGIN SOLUTION
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var,
            eps=1e-5, momentum=0.9, training=self.training,
        )  # fmt: skip
        return Y
        ### END SOLUTION


# %%
check("ch07.BatchNorm", BatchNorm)

# %% [markdown]
# ## LeNet with batch normalization
#
# 6.6's LeNet with a `BatchNorm` between every convolutional or fully connected layer and its
# sigmoid, and **no padding** in the first convolution, so that the first `Linear` sees
# 16 * 4 * 4 features:
#
# `Conv2d(1, 6, 5)`, `BatchNorm(6, 4)`, Sigmoid, `AvgPool2d(2, stride=2)`, `Conv2d(6, 16, 5)`,
# `BatchNorm(16, 4)`, Sigmoid, `AvgPool2d(2, stride=2)`, Flatten, `Linear(256, 120)`,
# `BatchNorm(120, 2)`, Sigmoid, `Linear(120, 84)`, `BatchNorm(84, 2)`, Sigmoid, `Linear(84, 10)`.


# %% tags=["solution"]
def lenet_bn() -> nn.Sequential:
    """X: (batch_size, 1, 28, 28) -> logits (batch_size, 10)."""
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), BatchNorm(6, num_dims=4), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), BatchNorm(16, num_dims=4), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), BatchNorm(120, num_dims=2), nn.Sigmoid(),
        nn.Linear(120, 84), BatchNorm(84, num_dims=2), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip
    ### END SOLUTION


# %%
check("ch07.lenet_bn", lenet_bn)

# %% [markdown]
# ## Training (a short demo)
#
# One epoch on a 4,000-image subset at the book's lr 1.0 (d2lkit's `train_ch6`): with batch
# normalization LeNet learns within the first epoch, where the plain sigmoid LeNet of 6.6 barely
# moves. The book's run (10 epochs, batch 256) is `d2lkit train lenet-bn`.

# %%
torch.manual_seed(0)
train_iter, test_iter = load_data_fashion_mnist(256, limit=4_000)
net = lenet_bn()
history = train_ch6(net, train_iter, test_iter, num_epochs=1, lr=1.0, device="cpu")
print("gamma of the first BatchNorm:", net[1].gamma.reshape(-1).detach())

# %% [markdown] tags=["written"]
# Why does batch normalisation behave differently in training and in evaluation mode? What would
# happen if you classified a single image in training mode?

# %% [markdown] tags=["answer"]
# Training normalises with the minibatch's statistics, evaluation with running averages, so a
# prediction does not depend on the other examples. One image (in a fully connected layer) has
# variance zero: its normalised values are 0 and the output is just the shift beta, whatever the
# image (PyTorch's `BatchNorm1d` refuses a batch of one in training mode).

# %% [markdown] tags=["written"]
# Does a convolution or linear layer followed by batch normalisation need its own bias? Why?

# %% [markdown] tags=["answer"]
# No: batch normalisation subtracts the mean, which removes any constant bias, and its shift beta
# plays that role.
