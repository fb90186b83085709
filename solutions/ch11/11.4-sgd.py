# %% [markdown]
# # 11.4 Stochastic Gradient Descent — 随机梯度下降
#
# A stochastic gradient is the true gradient plus noise. We imitate it on
# $f(\mathbf{x}) = x_1^2 + 2x_2^2$ by adding $\mathcal{N}(0, 1)$ noise to each coordinate, and see
# that a constant step keeps the iterates bouncing around the optimum while a decaying learning
# rate lets them settle.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run as
# well. The noisy step is compared exactly under a fixed random seed, so draw the noise as the
# docstring says; the schedules are compared as numbers.

# %%
import math

import torch

from autograder import check
from d2lkit.optimization import train_2d

# %% [markdown]
# ## A noisy step
#
# With step size $\eta_t$: $\mathbf{x} \leftarrow \mathbf{x} - \eta_t (\nabla f(\mathbf{x}) +
# \boldsymbol{\epsilon})$, $\boldsymbol{\epsilon} \sim \mathcal{N}(0, I)$. The states are unused:
# return zeros for them.


# %% tags=["solution"]
def sgd_2d(x1, x2, s1, s2, f_grad, eta_t: float):
    """One noisy step; the noise of x1 is torch.normal(0.0, 1, (1,)).item(), then x2's."""
    ### BEGIN SOLUTION
    g1, g2 = f_grad(x1, x2)
    g1 = g1 + torch.normal(0.0, 1, (1,)).item()
    g2 = g2 + torch.normal(0.0, 1, (1,)).item()
    return x1 - eta_t * g1, x2 - eta_t * g2, 0.0, 0.0
    ### END SOLUTION


# %%
check("ch11.sgd_2d", sgd_2d)

# %% [markdown]
# ## Learning-rate schedules
#
# The step at the $t$-th update ($t = 1, 2, \ldots$) is $\eta \cdot \mathrm{lr}(t)$. Write the
# exponential decay $e^{-0.1t}$, which shrinks so fast that the iterates stop before the optimum,
# and the polynomial decay $(1 + 0.1t)^{-1/2}$, whose steps still sum to infinity.


# %% tags=["solution"]
def exponential_lr(t: int) -> float:
    """exp(-0.1 t)."""
    ### BEGIN SOLUTION
    return math.exp(-0.1 * t)
    ### END SOLUTION


# %%
check("ch11.exponential_lr", exponential_lr)


# %% tags=["solution"]
def polynomial_lr(t: int) -> float:
    """(1 + 0.1 t) ** -0.5."""
    ### BEGIN SOLUTION
    return (1 + 0.1 * t) ** -0.5
    ### END SOLUTION


# %%
check("ch11.polynomial_lr", polynomial_lr)

# %% [markdown]
# `train_2d` (11.3, imported from d2lkit here) calls a trainer without a step counter, so the
# counter lives in a closure. With $\eta = 0.1$ the book ends at about $(0.02, 0.23)$ after 50
# constant steps, and at about $(-0.17, -0.0006)$ after 50 polynomially decaying ones (the noise
# makes every run different).


# %% tags=["demo"]
def scheduled(eta, lr):
    t = 0

    def trainer(x1, x2, s1, s2, f_grad):
        nonlocal t
        t += 1
        return sgd_2d(x1, x2, s1, s2, f_grad, eta * lr(t))

    return trainer


torch.manual_seed(0)
grad = lambda x1, x2: (2 * x1, 4 * x2)  # noqa: E731
for name, lr, steps in (
    ("constant", lambda t: 1.0, 50),
    ("exponential", exponential_lr, 1000),
    ("polynomial", polynomial_lr, 50),
):
    print(name, train_2d(scheduled(0.1, lr), steps, grad)[-1])

# %% [markdown] tags=["written"]
# Why must SGD's learning rate shrink over time for it to converge, unlike gradient descent on the
# full objective?

# %% [markdown] tags=["answer"]
# The stochastic gradient is noisy and its noise does not vanish at the optimum; with a constant
# rate the iterate keeps bouncing in a region around it.

# %% [markdown] tags=["written"]
# Compare exponential and polynomial decay of the learning rate: what is the risk of each?

# %% [markdown] tags=["answer"]
# Exponential decay can shrink the rate too fast, so training stops before the optimum; polynomial
# decay (like (1 + beta t)^-alpha) shrinks slowly, so it takes longer to settle.
