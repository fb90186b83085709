# %% [markdown]
# # 2.5 Automatic differentiation — 自动微分
#
# Autograd records the operations that produce a value and runs them backwards to compute its
# gradient. It follows Python control flow: only the operations actually run are recorded.

# %%
import torch

from autograder import check

# %%
x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward()
print(x.grad, x.grad == 4 * x)
x.grad.zero_()
x.sum().backward()
print(x.grad)

# %% [markdown]
# ## Gradients through Python control flow
#
# The book's function doubles $\mathbf{b} = 2\mathbf{a}$ until its norm reaches 1000, then keeps
# $\mathbf{b}$ if its sum is positive and returns $100\mathbf{b}$ otherwise. Whatever path is taken,
# the result is $k\mathbf{a}$ for some scalar $k$ that depends on $\mathbf{a}$, so the gradient of
# the sum of its entries is $k$ in every entry. Write the function (`a` may be a scalar, a vector
# or a matrix) and return the gradient of the sum of its result with respect to `a`, computed by
# autograd, in the shape of `a`.


# %% tags=["solution"]
def control_flow(a: torch.Tensor) -> torch.Tensor:
    """The book's f(a): any nonzero shape -> the same shape."""
    ### BEGIN SOLUTION
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
    ### END SOLUTION


# %% tags=["solution"]
def grad_through_control_flow(a: torch.Tensor) -> torch.Tensor:
    """a: any nonzero shape -> the gradient of control_flow(a).sum() w.r.t. a, shape of a."""
    ### BEGIN SOLUTION
    a = a.detach().requires_grad_(True)
    control_flow(a).sum().backward()
    return a.grad
    ### END SOLUTION


# %%
check("ch02.grad_through_control_flow", grad_through_control_flow)

# %%
a = torch.randn(size=(), requires_grad=True)
d = control_flow(a)
d.backward()
print(a.grad == d / a)

# %% [markdown]
# ## The derivative of sin, without cos
#
# The section's last exercise: compute $\frac{d}{dx}\sin x$ at every entry of `x` with autograd,
# without writing its closed form ($\cos x$ is off limits). The entries are independent, so the
# gradient of $\sum_i \sin x_i$ holds all the derivatives at once.


# %% tags=["solution"]
def sin_derivative(x: torch.Tensor) -> torch.Tensor:
    """x: any shape -> d sin(x) / dx at each entry, shape of x."""
    ### BEGIN SOLUTION
    x = x.detach().requires_grad_(True)
    torch.sin(x).sum().backward()
    return x.grad
    ### END SOLUTION


# %%
check("ch02.sin_derivative", sin_derivative)

# %%
x = torch.linspace(-5, 5, 11)
print(sin_derivative(x))

# %% [markdown] tags=["written"]
# What happens if you call `backward()` a second time on the same graph, with and without
# `retain_graph=True`? Why is a second derivative more expensive than a first one?

# %% [markdown] tags=["answer"]
# Without it the second call fails: the intermediate values saved for backward were freed by the
# first call. With it, the new gradient is added to `.grad`, which now holds twice the gradient. A
# second derivative needs the backward pass itself recorded as a graph (`create_graph=True`) and
# differentiated, roughly doubling memory and work.

# %% [markdown] tags=["written"]
# A function's loop runs a number of times that depends on its input. What exactly does autograd
# differentiate? Is the result the derivative of the function at every input?

# %% [markdown] tags=["answer"]
# Autograd records the operations actually executed for this input, so it differentiates the
# branch taken. Where small changes of the input do not change the branch, that is the true
# derivative; at the inputs where the branch switches the function may jump, and autograd cannot
# see the jump.
