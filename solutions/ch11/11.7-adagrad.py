# %% [markdown]
# # 11.7 Adagrad — AdaGrad算法
#
# AdaGrad gives every coordinate its own step size: the learning rate divided by the root of the
# sum of that coordinate's squared gradients so far. Coordinates with large or frequent gradients
# slow down; rare features keep a large step. The sum only grows, so the steps only shrink.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases
# (float64, large gradients) run as well. The parameters, their gradients and the sums after
# one step are compared with the reference (tested against `torch.optim.Adagrad`).

# %%
import torch

from autograder import check
from d2lkit.data.airfoil import get_data_ch11
from d2lkit.optimizers import train_ch11

# %% [markdown]
# ## The update
#
# $\mathbf{s} \leftarrow \mathbf{s} + \mathbf{g}^2$, $\quad \mathbf{w} \leftarrow \mathbf{w} -
# \frac{\eta}{\sqrt{\mathbf{s} + \epsilon}} \odot \mathbf{g}$, elementwise, with
# $\epsilon = 10^{-6}$ and $\eta$ = `hyperparams["lr"]`.


# %%
def init_adagrad_states(feature_dim: int):
    """Zero sums of squares for w: (feature_dim, 1) and b: (1,)."""
    return torch.zeros((feature_dim, 1)), torch.zeros(1)


# %% tags=["solution"]
def adagrad(params: list[torch.Tensor], states, hyperparams: dict) -> None:
    """In place: s += grad ** 2; p -= lr * grad / sqrt(s + 1e-6); then the gradient is zeroed."""
    ### BEGIN SOLUTION
    eps = 1e-6
    with torch.no_grad():
        for p, s in zip(params, states):
            s[:] += torch.square(p.grad)
            p -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
            p.grad.zero_()
    ### END SOLUTION


# %%
check("ch11.adagrad", adagrad)

# %% [markdown]
# ## On the airfoil data
#
# The book reaches a loss of about 0.242 with lr 0.1 in two epochs.

# %% tags=["demo"]
torch.manual_seed(0)
data_iter, feature_dim = get_data_ch11(10)
curve = train_ch11(adagrad, init_adagrad_states(feature_dim), {"lr": 0.1}, data_iter, feature_dim)
print(f"loss {curve.losses[-1]:.3f}")

# %% [markdown] tags=["written"]
# Why does Adagrad's effective learning rate keep shrinking? When is that good, and when bad?

# %% [markdown] tags=["answer"]
# It divides by the square root of the sum of all past squared gradients, which only grows. That
# suits convex problems, but in deep learning the rate may become too small long before the model
# is good.

# %% [markdown] tags=["written"]
# Which coordinates get larger steps in Adagrad: those of rare features or frequent ones? Why is
# that useful?

# %% [markdown] tags=["answer"]
# Rare ones: their accumulated squared gradients stay small, so their steps stay large, and the
# few updates they get still count.
