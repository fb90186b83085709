# %% [markdown]
# # 2.4 Calculus — 微积分
#
# The derivative is the limit of a difference quotient; the gradient collects the partial
# derivatives of a function of several variables. Approximate both numerically, then derive two
# gradients by hand and check them against the approximation.

# %%
import torch

from autograder import check


# %%
def f(x):
    return 3 * x**2 - 4 * x


# %% [markdown]
# ## The difference quotient
#
# $f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}$. For $f(x) = 3x^2 - 4x$ at $x = 1$ the
# quotient tends to $f'(1) = 2$ as $h$ shrinks.


# %% tags=["solution"]
def numerical_lim(f, x: float, h: float) -> float:
    """The difference quotient (f(x + h) - f(x)) / h."""
    ### BEGIN SOLUTION
    return (f(x + h) - f(x)) / h
    ### END SOLUTION


# %%
check("ch02.numerical_lim", numerical_lim)

# %%
h = 0.1
for i in range(5):
    print(f"h={h:.5f}, numerical limit={numerical_lim(f, 1, h):.5f}")
    h *= 0.1

# %% [markdown]
# ## A numerical gradient
#
# For $f: \mathbb{R}^n \to \mathbb{R}$, component $i$ of $\nabla f(\mathbf{x})$ is approximated by
# the central difference $\frac{f(\mathbf{x} + h\mathbf{e}_i) - f(\mathbf{x} - h\mathbf{e}_i)}{2h}$,
# whose error is $O(h^2)$ rather than the $O(h)$ of the one-sided quotient. `x` may have any shape
# (return the gradient in that shape) and `f` returns a 0-d tensor or a float. Work in float64:
# keep a float64 `x` as it is, and convert an integer `x` to float64. Leave the caller's `x`
# unchanged.


# %% tags=["solution"]
def numerical_grad(f, x: torch.Tensor, h: float = 1e-4) -> torch.Tensor:
    """f: scalar function of a tensor, x: any shape -> gradient of the shape of x."""
    ### BEGIN SOLUTION
    x = x.detach().clone() if x.is_floating_point() else x.double()
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step.view(-1)[i] = h
        grad.view(-1)[i] = (float(f(x + step)) - float(f(x - step))) / (2 * h)
    return grad
    ### END SOLUTION


# %%
check("ch02.numerical_grad", numerical_grad)

# %% [markdown]
# ## Gradients by hand
#
# The section's exercises: the gradient of $f(\mathbf{x}) = 3x_1^2 + 5e^{x_2}$ is
# $[6x_1, 5e^{x_2}]$, and that of $\|\mathbf{x}\|_2$ at $\mathbf{x} \neq 0$ is
# $\mathbf{x} / \|\mathbf{x}\|_2$. Write them as formulas in `x` (no autograd, no `norm`), and build
# the result from `x` with tensor operations (`torch.stack`, arithmetic) so that it stays
# differentiable.


# %% tags=["solution"]
def grad_of_quadratic_exp(x: torch.Tensor) -> torch.Tensor:
    """x: (2,) -> the gradient of 3 x1^2 + 5 exp(x2), shape (2,)."""
    ### BEGIN SOLUTION
    return torch.stack([6 * x[0], 5 * torch.exp(x[1])])
    ### END SOLUTION


# %%
check("ch02.grad_of_quadratic_exp", grad_of_quadratic_exp)


# %% tags=["solution"]
def grad_of_l2_norm(x: torch.Tensor) -> torch.Tensor:
    """x: (n,), nonzero -> the gradient of ||x||_2, shape (n,)."""
    ### BEGIN SOLUTION
    return x / (x * x).sum().sqrt()
    ### END SOLUTION


# %%
check("ch02.grad_of_l2_norm", grad_of_l2_norm)

# %%
x = torch.tensor([1.0, -0.5], dtype=torch.float64)
print(grad_of_quadratic_exp(x), numerical_grad(lambda t: 3 * t[0] ** 2 + 5 * torch.exp(t[1]), x))
x = torch.tensor([3.0, -4.0, 12.0], dtype=torch.float64)
print(grad_of_l2_norm(x), numerical_grad(lambda t: (t * t).sum().sqrt(), x))

# %% [markdown] tags=["written"]
# Estimating a derivative with `(f(x + h) - f(x)) / h` in float32, the error first falls as `h`
# shrinks and then rises again. Why? Roughly which `h` would you choose, and why is the centred
# difference `(f(x + h) - f(x - h)) / 2h` more accurate?

# %% [markdown] tags=["answer"]
# The truncation error falls like h, but the rounding error of the subtraction grows like eps/h
# (float32 eps is about 1e-7), so the best h is near sqrt(eps), about 1e-3 to 1e-4. In the centred
# difference the h^2 terms cancel, so its truncation error falls like h^2 and a larger h gives a
# smaller total error.

# %% [markdown] tags=["written"]
# What is the gradient of the Euclidean norm `||x||`, and what happens at `x = 0`? Why do losses
# usually use the squared norm instead?

# %% [markdown] tags=["answer"]
# x / ||x||, a unit vector; at x = 0 the norm has a corner (a cone) and no gradient, and a
# framework returns nan or some subgradient. The squared norm has gradient 2x everywhere, smooth
# and zero at the minimum.
