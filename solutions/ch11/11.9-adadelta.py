# %% [markdown]
# # 11.9 Adadelta — Adadelta
#
# Adadelta keeps RMSProp's leaky average $\mathbf{s}$ of squared gradients and adds a second one,
# $\Delta\mathbf{x}$, of squared *updates*. The ratio of their roots replaces the learning rate:
# the step has the units of the parameters, and there is no $\eta$ to choose.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases
# (float64, large gradients, other $\rho$) run as well. The parameters, their gradients and both
# averages after one step are compared with the reference (tested against
# `torch.optim.Adadelta` with lr 1).

# %%
import torch

from autograder import check
from d2lkit.data.airfoil import get_data_ch11
from d2lkit.optimizers import train_ch11

# %% [markdown]
# ## The update
#
# $$\mathbf{s} \leftarrow \rho\mathbf{s} + (1-\rho)\mathbf{g}^2, \qquad
# \mathbf{g}' = \frac{\sqrt{\Delta\mathbf{x} + \epsilon}}{\sqrt{\mathbf{s} + \epsilon}} \odot
# \mathbf{g}, \qquad \mathbf{w} \leftarrow \mathbf{w} - \mathbf{g}', \qquad
# \Delta\mathbf{x} \leftarrow \rho\Delta\mathbf{x} + (1-\rho)\mathbf{g}'^2,$$
# with $\rho$ = `hyperparams["rho"]` and $\epsilon = 10^{-5}$. Each entry of `states` is the pair
# `(s, delta)` of one parameter.


# %%
def init_adadelta_states(feature_dim: int):
    """((s_w, delta_w), (s_b, delta_b)), all zero."""
    s_w, s_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    delta_w, delta_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    return (s_w, delta_w), (s_b, delta_b)


# %% tags=["solution"]
def adadelta(params: list[torch.Tensor], states, hyperparams: dict) -> None:
    """In place, per parameter: s, the rescaled step g', p -= g', delta; then zero the grad."""
    ### BEGIN SOLUTION
    rho, eps = hyperparams["rho"], 1e-5
    with torch.no_grad():
        for p, (s, delta) in zip(params, states):
            s[:] = rho * s + (1 - rho) * torch.square(p.grad)
            g = torch.sqrt(delta + eps) / torch.sqrt(s + eps) * p.grad
            p -= g
            delta[:] = rho * delta + (1 - rho) * g * g
            p.grad.zero_()
    ### END SOLUTION


# %%
check("ch11.adadelta", adadelta)

# %% [markdown]
# ## On the airfoil data
#
# The book reaches a loss of about 0.243 with $\rho = 0.9$.

# %% tags=["demo"]
torch.manual_seed(0)
data_iter, feature_dim = get_data_ch11(10)
curve = train_ch11(
    adadelta, init_adadelta_states(feature_dim), {"rho": 0.9}, data_iter, feature_dim
)
print(f"loss {curve.losses[-1]:.3f}")

# %% [markdown] tags=["written"]
# Adadelta has no learning rate. What takes its place, and why do the units then work out?

# %% [markdown] tags=["answer"]
# A leaky average of the squared past updates: the step is the gradient times sqrt(update average
# + eps) / sqrt(gradient average + eps), which has the units of the parameters.

# %% [markdown] tags=["written"]
# What happens in the first steps, when the average of past updates starts at zero?

# %% [markdown] tags=["answer"]
# The step is about sqrt(eps) / sqrt(gradient average): very small, so training starts slowly and
# speeds up as updates accumulate.
