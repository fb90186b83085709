# %% [markdown]
# # 11.8 RMSProp — RMSProp算法
#
# AdaGrad's sum of squares keeps growing, so its steps decay like $1/\sqrt{t}$ whether or not
# that suits the problem. RMSProp keeps a leaky average instead: old squared gradients fade with
# the factor $\gamma$, and the scale of each coordinate's step follows its recent gradients.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases
# (float64, large gradients, other $\gamma$) run as well. The parameters, their gradients and the
# averages after one step are compared with the reference (tested against
# `torch.optim.RMSprop`, whose `alpha` is $\gamma$).

# %%
import torch

from autograder import check
from d2lkit.data.airfoil import get_data_ch11
from d2lkit.optimizers import train_ch11

# %% [markdown]
# ## The update
#
# $\mathbf{s} \leftarrow \gamma \mathbf{s} + (1 - \gamma)\mathbf{g}^2$, $\quad \mathbf{w}
# \leftarrow \mathbf{w} - \frac{\eta}{\sqrt{\mathbf{s} + \epsilon}} \odot \mathbf{g}$, with
# $\gamma$ = `hyperparams["gamma"]` and $\epsilon = 10^{-6}$.


# %%
def init_rmsprop_states(feature_dim: int):
    """Zero averages for w: (feature_dim, 1) and b: (1,)."""
    return torch.zeros((feature_dim, 1)), torch.zeros(1)


# %% tags=["solution"]
def rmsprop(params: list[torch.Tensor], states, hyperparams: dict) -> None:
    """In place: s = gamma s + (1 - gamma) grad ** 2; p -= lr grad / sqrt(s + 1e-6); zero grad."""
    ### BEGIN SOLUTION
    gamma, eps = hyperparams["gamma"], 1e-6
    with torch.no_grad():
        for p, s in zip(params, states):
            s[:] = gamma * s + (1 - gamma) * torch.square(p.grad)
            p -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
            p.grad.zero_()
    ### END SOLUTION


# %%
check("ch11.rmsprop", rmsprop)

# %% [markdown]
# ## On the airfoil data
#
# The book reaches a loss of about 0.247 with lr 0.01 and $\gamma = 0.9$.

# %% tags=["demo"]
torch.manual_seed(0)
data_iter, feature_dim = get_data_ch11(10)
hyper = {"lr": 0.01, "gamma": 0.9}
curve = train_ch11(rmsprop, init_rmsprop_states(feature_dim), hyper, data_iter, feature_dim)
print(f"loss {curve.losses[-1]:.3f}")

# %% [markdown] tags=["written"]
# How does RMSProp avoid Adagrad's ever-shrinking learning rate, and what does gamma control?

# %% [markdown] tags=["answer"]
# It keeps a leaky average of squared gradients instead of their sum, so old gradients are
# forgotten; gamma sets the memory, about 1/(1 - gamma) steps.

# %% [markdown] tags=["written"]
# What is epsilon for, and what happens if it is set too large?

# %% [markdown] tags=["answer"]
# It avoids dividing by zero. Too large, it dominates the denominator and RMSProp becomes plain
# SGD with rate eta / sqrt(epsilon).
