# %% [markdown]
# # 11.3 Gradient Descent — 梯度下降
#
# Gradient descent repeats one move: from the current point, take a step of size $\eta$ against
# the gradient. Here you write it in one dimension, a driver that runs any two-dimensional
# update rule from a fixed start, and Newton's method, which rescales the step by the curvature.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases (other
# step sizes, a diverging run, other numbers of steps) run as well. Every exercise is judged on
# its whole trace of iterates, so the book's printed end points (for instance `0.060466` for
# $f(x) = x^2$ with $\eta = 0.2$) are reproduced exactly.

# %%
import math

import torch

from autograder import check

# %% [markdown]
# ## One dimension
#
# $x_{t+1} = x_t - \eta f'(x_t)$, ten steps from $x_0 = 10$. For $f(x) = x^2$ each step multiplies
# $x$ by $1 - 2\eta$: it shrinks for $0 < \eta < 1$ and grows, oscillating, for $\eta > 1$.
# Return the 11 iterates as floats, $x_0$ first.


# %% tags=["solution"]
def gd(eta: float, f_grad) -> list[float]:
    """Ten gradient-descent steps from x = 10; returns [x_0, ..., x_10] as floats."""
    ### BEGIN SOLUTION
    x = 10.0
    results = [x]
    for _ in range(10):
        x = x - eta * f_grad(x)
        results.append(float(x))
    return results
    ### END SOLUTION


# %%
check("ch11.gd", gd)

# %% tags=["demo"]
for eta in (0.2, 0.05, 1.1):
    print(f"eta {eta}: x_10 = {gd(eta, lambda x: 2 * x)[-1]:f}")

# %% [markdown]
# ## Two dimensions
#
# A 2-D update rule is a function `trainer(x1, x2, s1, s2)` (or `trainer(x1, x2, s1, s2, f_grad)`
# when it needs the objective's gradient) that returns the next `(x1, x2, s1, s2)`: the point and
# two state variables some methods keep (a velocity, a sum of squares; plain gradient descent
# returns zeros). Write `train_2d`, which starts at $(-5, -2)$ with zero states, calls the trainer
# `steps` times (passing `f_grad` only when it is given) and returns the `steps + 1` points as
# `(float, float)` pairs, the start first.


# %% tags=["solution"]
def train_2d(trainer, steps: int = 20, f_grad=None) -> list[tuple[float, float]]:
    """Run `trainer` `steps` times from (-5, -2); returns [(x1, x2), ...] of length steps + 1."""
    ### BEGIN SOLUTION
    x1, x2, s1, s2 = -5.0, -2.0, 0.0, 0.0
    results = [(x1, x2)]
    for _ in range(steps):
        if f_grad is None:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2)
        else:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2, f_grad)
        results.append((float(x1), float(x2)))
    return results
    ### END SOLUTION


# %%
check("ch11.train_2d", train_2d)

# %% [markdown]
# On $f(\mathbf{x}) = x_1^2 + 2x_2^2$ with $\eta = 0.1$, twenty steps end near
# $(-0.057646, -0.000073)$: $x_2$ shrinks by $0.6$ a step, $x_1$ only by $0.8$.


# %% tags=["demo"]
def gd_2d(x1, x2, s1, s2, f_grad, eta=0.1):
    g1, g2 = f_grad(x1, x2)
    return x1 - eta * g1, x2 - eta * g2, 0.0, 0.0


print(train_2d(gd_2d, f_grad=lambda x1, x2: (2 * x1, 4 * x2))[-1])

# %% [markdown]
# ## Newton's method
#
# Dividing the gradient by the second derivative removes the need to pick a step size on a
# convex function: $x_{t+1} = x_t - \eta\, f'(x_t) / f''(x_t)$. On $\cosh(x/2)$ with $\eta = 1$ ten
# steps from 10 land on the minimum 0. On the nonconvex $x\cos(0.15\pi x)$, where $f''$ can be
# negative, the same step climbs uphill (the book ends at 26.8341); damping with $\eta = 0.5$
# ends at 7.2699. `f_grad` and `f_hess` may return 0-d tensors: append `float(x)`.


# %% tags=["solution"]
def newton(eta: float, f_grad, f_hess, x: float = 10.0, steps: int = 10) -> list[float]:
    """`steps` damped Newton steps from x; returns the steps + 1 iterates as floats."""
    ### BEGIN SOLUTION
    results = [float(x)]
    for _ in range(steps):
        x = x - eta * f_grad(x) / f_hess(x)
        results.append(float(x))
    return results
    ### END SOLUTION


# %%
check("ch11.newton", newton)

# %% tags=["demo"]
c = torch.tensor(0.15 * math.pi)
print(
    newton(
        0.5,
        lambda x: torch.cos(c * x) - c * x * torch.sin(c * x),
        lambda x: -2 * c * torch.sin(c * x) - x * c**2 * torch.cos(c * x),
    )[-1]
)

# %% [markdown] tags=["written"]
# For f(x) = x^2, gradient descent with learning rate eta gives x <- (1 - 2 eta) x. For which eta
# does it converge, oscillate, or diverge?

# %% [markdown] tags=["answer"]
# It converges for 0 < eta < 1: monotonically for eta < 0.5, in one step at 0.5, oscillating in
# sign for 0.5 < eta < 1. At eta = 1 it oscillates forever, above 1 it diverges.

# %% [markdown] tags=["written"]
# Newton's method minimises a quadratic in one step. Why is it not used to train deep networks,
# and what happens for a nonconvex function?

# %% [markdown] tags=["answer"]
# The Hessian of d parameters has d^2 entries and solving with it costs about d^3: impossible for
# millions of parameters. Where the curvature is negative, Newton's step moves toward a maximum.
