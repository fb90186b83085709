# %% [markdown]
# # 3.2 Linear regression from scratch — 线性回归的从零开始实现
#
# Generate a synthetic dataset, read it in minibatches, and fit a linear model with minibatch
# stochastic gradient descent, writing every piece yourself.

# %%
import random

import torch

from autograder import check

# %% [markdown]
# ## The dataset
#
# $\mathbf{y} = \mathbf{X}\mathbf{w} + b + \epsilon$ with $\mathbf{X} \sim \mathcal{N}(0, 1)$ and
# noise $\epsilon \sim \mathcal{N}(0, 0.01^2)$. Return `y` as a column of shape (num_examples, 1).


# %% tags=["solution"]
def synthetic_data(w: torch.Tensor, b: float, num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """w: (num_inputs,) -> X: (num_examples, num_inputs), y: (num_examples, 1)."""
    ### BEGIN SOLUTION
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = X @ w + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape(-1, 1)
    ### END SOLUTION


# %%
check("ch03.synthetic_data", synthetic_data)

# %% [markdown]
# ## Reading minibatches
#
# Yield `(features, labels)` minibatches in a random order; every example appears once per epoch,
# and the last batch is smaller when `batch_size` does not divide the number of examples.


# %% tags=["solution"]
def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor):
    """features: (n, num_inputs), labels: (n, 1) -> yields (batch_size, num_inputs), (batch_size, 1)."""
    ### BEGIN SOLUTION
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch = torch.tensor(indices[i : i + batch_size])
        yield features[batch], labels[batch]
    ### END SOLUTION


# %%
check("ch03.data_iter", data_iter)

# %% [markdown]
# ## Model, loss and optimiser
#
# $\hat{\mathbf{y}} = \mathbf{X}\mathbf{w} + b$; the squared loss $\frac{1}{2}(\hat{y} - y)^2$ per
# example; and minibatch SGD, which updates each parameter in place by
# $-\frac{\eta}{|\mathcal{B}|}\nabla$ and then resets its gradient.


# %% tags=["solution"]
def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """X: (n, num_inputs), w: (num_inputs, 1), b: (1,) -> (n, 1)."""
    ### BEGIN SOLUTION
    return X @ w + b
    ### END SOLUTION


# %%
check("ch03.linreg", linreg)


# %% tags=["solution"]
def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """y_hat: (n, 1), y: (n,) or (n, 1) -> (n, 1) losses."""
    ### BEGIN SOLUTION
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
    ### END SOLUTION


# %%
check("ch03.squared_loss", squared_loss)


# %% tags=["solution"]
def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """One minibatch SGD step on `params` (in place), for a loss summed over the minibatch."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
    ### END SOLUTION


# %%
check("ch03.sgd", sgd)

# %% [markdown]
# ## Training
#
# The book's settings: `true_w = [2, -3.4]`, `true_b = 4.2`, 1000 examples, batch 10, lr 0.03,
# 3 epochs. The loss should fall to about 5e-5.

# %% tags=["demo"]
torch.manual_seed(0)
random.seed(0)
true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr, num_epochs, batch_size = 0.03, 3, 10
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        squared_loss(linreg(X, w, b), y).sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        print(f"epoch {epoch + 1}, loss {float(squared_loss(linreg(features, w, b), labels).mean()):f}")
print("error in w:", (true_w - w.reshape(true_w.shape)).tolist(), "error in b:", true_b - float(b))

# %% [markdown] tags=["written"]
# Would linear regression still train if all weights started at zero? Why would the same start be
# a problem for a network with a hidden layer?

# %% [markdown] tags=["answer"]
# Yes: the squared loss is convex in w and its gradient X^T(Xw - y) is not zero at w = 0, so SGD
# moves away. With a hidden layer every hidden unit would compute the same value and receive the
# same gradient, so the units stay identical (symmetry) and the layer acts as one unit.

# %% [markdown] tags=["written"]
# The data iterator shuffles the examples each epoch. What would change if the minibatches always
# came in a fixed order, for example sorted by the label? And what happens with a learning rate
# ten times too large?

# %% [markdown] tags=["answer"]
# Consecutive minibatches would pull the weights toward different parts of the data, so the model
# chases the latest batches and ends where the last ones pull it. A learning rate too large
# overshoots the minimum at each step, and the loss oscillates or grows to inf/nan.
