# %% [markdown]
# # 8.1 Sequence Models — 序列模型
#
# A sequence model predicts what comes next from what came before. Here the sequence is a noisy
# sine wave, $x_t = \sin(0.01 t) + \epsilon_t$, and the model is the simplest autoregressive one:
# an MLP that sees a fixed window of the last $\tau$ values (a Markov assumption of order
# $\tau$). You will cut the series into training pairs, and then see why predicting many steps
# ahead is much harder than predicting one.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run
# as well.

# %%
import torch
from torch import nn

from autograder import check
from d2lkit.data import load_array
from d2lkit.sequence import get_net, sine_series, train

# %% [markdown]
# ## Lagged features
#
# With a window of $\tau$ values, example $i$ has the features
# $\mathbf{x}_i = (x_i, x_{i+1}, \dots, x_{i+\tau-1})$ and the label $y_i = x_{i+\tau}$: the
# value right after its window. A series of length $T$ gives $T - \tau$ examples (the first
# $\tau$ values have no full window before them).
#
# Return `features` of shape `(T - tau, tau)` and `labels` of shape `(T - tau, 1)` (a column,
# as a regression net outputs). Build them with tensor operations so that gradients flow back to
# `x`.


# %% tags=["solution"]
def lagged_features(x: torch.Tensor, tau: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """x: (T,) -> features: (T - tau, tau), row i = x[i : i + tau]; labels: (T - tau, 1)."""
    ### BEGIN SOLUTION
    T = x.shape[0]
    features = torch.stack([x[i : T - tau + i] for i in range(tau)], dim=1)
    return features, x[tau:].reshape(-1, 1)
    ### END SOLUTION


# %%
check("ch08.lagged_features", lagged_features)

# %% [markdown]
# ## Training the autoregressive MLP
#
# The book trains a two-layer MLP (`Linear(tau, 10)`, ReLU, `Linear(10, 1)`) with Adam on the
# first 600 pairs. A few epochs suffice to see the point.

# %%
torch.manual_seed(0)
T, tau, n_train = 1000, 4, 600
time, x = sine_series(T)
features, labels = lagged_features(x, tau)
train_iter = load_array((features[:n_train], labels[:n_train]), 16, is_train=True)
net = get_net(tau)
losses = train(net, train_iter, nn.MSELoss(reduction="none"), 3, 0.01)
print("training loss per epoch:", [round(l, 4) for l in losses])

# %% [markdown]
# ## k-step-ahead prediction
#
# A one-step-ahead prediction $\hat{x}_{t}$ uses observed values only. To look $k$ steps ahead
# past the data we have, we must feed predictions back in as inputs:
# $\hat{x}_{t+k} = f(\hat{x}_{t+k-\tau}, \dots, \hat{x}_{t+k-1})$, and every error is carried
# into the next prediction.
#
# `k_step_preds(net, x, tau, max_steps)` does this for all starting points at once. Its result
# has one row per starting point $i$ ($n = T - \tau - \text{max\_steps} + 1$ of them) and
# $\tau + \text{max\_steps}$ columns: the first $\tau$ columns hold the observations
# `x[i : i + tau]`; column $\tau + k - 1$ holds the $k$-step-ahead prediction of
# $x_{i + \tau + k - 1}$, computed by `net` from the $\tau$ columns before it (whole columns at
# once: `net` takes a batch `(n, tau)` and returns `(n, 1)`). No gradients are needed.


# %% tags=["solution"]
def k_step_preds(net: nn.Module, x: torch.Tensor, tau: int, max_steps: int) -> torch.Tensor:
    """x: (T,) -> (T - tau - max_steps + 1, tau + max_steps): tau observations, then predictions."""
    ### BEGIN SOLUTION
    n = x.shape[0] - tau - max_steps + 1
    features = torch.zeros((n, tau + max_steps), dtype=x.dtype)
    for i in range(tau):
        features[:, i] = x[i : i + n]
    with torch.no_grad():
        for i in range(tau, tau + max_steps):
            features[:, i] = net(features[:, i - tau : i]).reshape(-1)
    return features
    ### END SOLUTION


# %%
check("ch08.k_step_preds", k_step_preds)

# %% [markdown]
# How far off is each horizon? The mean squared error grows with $k$: by 64 steps the
# predictions have decayed towards a constant.

# %%
preds = k_step_preds(net, x, tau, 64)
for k in (1, 4, 16, 64):
    target = x[tau + k - 1 : tau + k - 1 + preds.shape[0]]
    print(f"{k:2d}-step-ahead MSE: {float(((preds[:, tau + k - 1] - target) ** 2).mean()):.4f}")

# %% [markdown] tags=["written"]
# Why do k-step-ahead predictions get worse as k grows when the model is fed its own earlier
# predictions?

# %% [markdown] tags=["answer"]
# Each prediction has an error, and later predictions take the erroneous values as inputs, so
# errors compound; the inputs also drift away from the data the model was trained on.

# %% [markdown] tags=["written"]
# An autoregressive model looks at the last tau values. What does it assume about the sequence?
# How would you choose tau, and what goes wrong if it is too large?

# %% [markdown] tags=["answer"]
# That the next value depends only on the last tau values (a Markov assumption). Choose tau on a
# validation set; too large a tau leaves fewer training examples and more weights, and the model
# overfits.
