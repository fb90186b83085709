# %% [markdown]
# # 4.4 Model selection, underfitting, and overfitting — 模型选择、欠拟合和过拟合
#
# Fit polynomials of three degrees to data drawn from a cubic, and watch the training and test
# losses: too few features underfit, too many overfit. You write the two pieces the experiment
# rests on: the polynomial features and the loss of a model over a dataset.

# %%
import math

import matplotlib.pyplot as plt
import torch
from torch import nn

from autograder import check
from d2lkit import load_array, train_epoch_ch3

# %% [markdown]
# ## Polynomial features
#
# $$y = 5 + 1.2x - 3.4\frac{x^2}{2!} + 5.6\frac{x^3}{3!} + \epsilon, \qquad
# \epsilon \sim \mathcal{N}(0, 0.1^2)$$
#
# The features of $x$ are $x^i / i!$ for $i = 0, \dots, \text{max\_degree} - 1$: dividing by
# $i! = \Gamma(i + 1)$ keeps high powers of $x \sim \mathcal{N}(0, 1)$ from producing huge values
# and gradients. `x` is `(n,)` or `(n, 1)`; return `(n, max_degree)` in x's dtype.


# %% tags=["solution"]
def polynomial_features(x: torch.Tensor, max_degree: int) -> torch.Tensor:
    """x: (n,) or (n, 1) -> (n, max_degree), column i holding x^i / i!."""
    ### BEGIN SOLUTION
    powers = torch.arange(max_degree, dtype=x.dtype)
    factorials = torch.tensor([math.gamma(i + 1) for i in range(max_degree)], dtype=x.dtype)
    return x.reshape(-1, 1) ** powers / factorials
    ### END SOLUTION


# %%
check("ch04.polynomial_features", polynomial_features)

# %% [markdown]
# ## The loss over a dataset
#
# `evaluate_loss(net, data_iter, loss)` is the mean per-example loss over every minibatch of
# `data_iter`; `loss` returns one value per example (`reduction='none'`). Reshape the labels to
# the output's shape first (a `(n,)` label against a `(n, 1)` output would broadcast to `(n, n)`),
# and average over examples, not over batches: the last batch may be smaller.


# %% tags=["solution"]
def evaluate_loss(net, data_iter, loss) -> float:
    """The mean of loss(net(X), y) over all examples of data_iter."""
    ### BEGIN SOLUTION
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            l = loss(out, y.reshape(out.shape))
            total += float(l.sum())
            count += l.numel()
    return total / count
    ### END SOLUTION


# %%
check("ch04.evaluate_loss", evaluate_loss)

# %% [markdown]
# ## The experiment
#
# The book's data (100 training and 100 test examples, 20 features) and its `train`: a linear model
# without bias on the first `d` features, SGD with lr 0.01, batch 10, losses after epoch 1 and every
# 20 epochs. The first four features (1, x, x²/2!, x³/3!: degree 3, the truth) fit; the first two
# (degree 1) underfit; all 20 with 1500 epochs fit the training set better than the test set.

# %% tags=["demo"]
torch.manual_seed(0)
max_degree, n_train, n_test = 20, 100, 100
true_w = torch.zeros(max_degree)
true_w[0:4] = torch.tensor([5, 1.2, -3.4, 5.6])
features = torch.randn(n_train + n_test, 1)
poly_features = polynomial_features(features, max_degree)
labels = poly_features @ true_w + torch.normal(0, 0.1, (n_train + n_test,))


def train(train_features, test_features, train_labels, test_labels, num_epochs=400):
    loss = nn.MSELoss(reduction="none")
    net = nn.Sequential(nn.Linear(train_features.shape[-1], 1, bias=False))
    batch_size = min(10, train_labels.shape[0])
    train_iter = load_array((train_features, train_labels.reshape(-1, 1)), batch_size)
    test_iter = load_array((test_features, test_labels.reshape(-1, 1)), batch_size, is_train=False)
    trainer = torch.optim.SGD(net.parameters(), lr=0.01)
    epochs, train_ls, test_ls = [], [], []
    for epoch in range(1, num_epochs + 1):
        train_epoch_ch3(net, train_iter, loss, trainer)
        if epoch == 1 or epoch % 20 == 0:
            epochs.append(epoch)
            train_ls.append(evaluate_loss(net, train_iter, loss))
            test_ls.append(evaluate_loss(net, test_iter, loss))
    print("weight:", net[0].weight.data.numpy().round(3))
    return epochs, train_ls, test_ls


fig, axes = plt.subplots(1, 3, figsize=(11, 2.8))
for ax, (title, d, num_epochs) in zip(axes, [("degree 3: fits", 4, 400), ("degree 1: underfits", 2, 400), ("degree 19: overfits", 20, 1500)]):
    epochs, train_ls, test_ls = train(poly_features[:n_train, :d], poly_features[n_train:, :d], labels[:n_train], labels[n_train:], num_epochs)
    print(f"{title}: train loss {train_ls[-1]:.4f}, test loss {test_ls[-1]:.4f}")
    ax.semilogy(epochs, train_ls, label="train")
    ax.semilogy(epochs, test_ls, "--", label="test")
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.legend()
plt.show()

# %% [markdown] tags=["written"]
# With n training points, which polynomial degree can reach zero training error? What would you
# expect of its test error, and why?

# %% [markdown] tags=["answer"]
# A degree of n - 1 (n coefficients) interpolates n points with distinct x exactly. Its test error
# is typically large: it fits the noise as well, and oscillates wildly between the points.

# %% [markdown] tags=["written"]
# For a fixed model, how do the training error and the gap between training and test error change
# as the training set grows? When does more data help little?

# %% [markdown] tags=["answer"]
# The training error rises slightly (it is harder to fit more points), the test error falls, and
# the gap closes. An underfitting model (too simple) gains little: its test error is limited by
# what it can represent, not by the data.
