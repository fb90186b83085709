# %% [markdown]
# # 10.2 Attention Pooling: Nadaraya-Watson Kernel Regression — 注意力汇聚：Nadaraya-Watson 核回归
#
# Attention pooling in its oldest form: to predict $y$ at a query $x$, average the training
# targets $y_i$, giving each a weight that depends on how close its input $x_i$ (the **key**)
# is to the query. With a Gaussian kernel the weights are a softmax:
# $$f(x) = \sum_{i=1}^{n} \mathrm{softmax}_i\Big(-\tfrac{1}{2}(x - x_i)^2\Big)\, y_i.$$
# You will write this nonparametric pooling, then a version with one learned parameter $w$
# that sets the kernel's width.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run
# as well (values, and gradients where the inputs need them).

# %%
import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## Nonparametric pooling
#
# `queries` has shape `(n_q,)`, `keys` and `values` `(n_k,)`. Build the `(n_q, n_k)` matrix of
# scores $-\tfrac12(q - k)^2$ by broadcasting, normalise each row with a softmax over the keys,
# and average the values with those weights. Return the pair `(y_hat, attention_weights)`.


# %% tags=["solution"]
def nadaraya_watson(queries, keys, values):
    """queries: (n_q,), keys, values: (n_k,) -> (y_hat: (n_q,), attention_weights: (n_q, n_k))."""
    ### BEGIN SOLUTION
    distances = queries.reshape(-1, 1) - keys.reshape(1, -1)
    attention_weights = torch.softmax(-0.5 * distances**2, dim=1)
    return attention_weights @ values, attention_weights
    ### END SOLUTION


# %%
check("ch10.nadaraya_watson", nadaraya_watson)

# %% [markdown]
# The data of the section: 50 sorted inputs in $[0, 5)$, targets $2\sin x + x^{0.8}$ plus
# Gaussian noise of standard deviation 0.5, and test queries $0, 0.1, \dots, 4.9$.


# %%
def f(x):
    return 2 * torch.sin(x) + x**0.8


torch.manual_seed(0)
x_train = torch.sort(torch.rand(50) * 5).values
y_train = f(x_train) + torch.normal(0.0, 0.5, (50,))
x_test = torch.arange(0, 5, 0.1)
y_hat, weights = nadaraya_watson(x_test, x_train, y_train)
print("mean squared error on the test inputs:", float(((y_hat - f(x_test)) ** 2).mean()))

# %% [markdown]
# ## A learned kernel width
#
# `NWKernelRegression` scales each query-key distance by a scalar parameter
# `w = nn.Parameter(torch.rand((1,)))` (keep the name `w`: the check copies the reference's value
# into yours):
# $$f(x) = \sum_i \mathrm{softmax}_i\Big(-\tfrac{1}{2}\big((x - x_i)\,w\big)^2\Big)\, y_i.$$
# Here each query has its own keys and values: `queries` is `(n,)`, `keys` and `values` are
# `(n, m)`. Keep the weights in `self.attention_weights` (shape `(n, m)`) and compute the
# averages as a batch of `(1, m) @ (m, 1)` products with `torch.bmm`; return shape `(n,)`.
# The check compares the output and the gradients of `w` and of the inputs.


# %% tags=["solution"]
class NWKernelRegression(nn.Module):
    """forward queries: (n,), keys, values: (n, m) -> (n,)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.w = nn.Parameter(torch.rand((1,)))
        ### END SOLUTION

    def forward(self, queries, keys, values):
        ### BEGIN SOLUTION
        scaled = (queries.unsqueeze(1) - keys) * self.w
        self.attention_weights = torch.softmax(-0.5 * scaled**2, dim=1)
        pooled = torch.bmm(self.attention_weights.unsqueeze(1), values.unsqueeze(2))
        return pooled.reshape(-1)
        ### END SOLUTION


# %%
check("ch10.NWKernelRegression", NWKernelRegression)

# %% [markdown]
# Training as in the book: every training point is a query over the other 49 (leave one out),
# squared loss, SGD with learning rate 0.5, five epochs. A larger $w$ means a narrower kernel:
# the weights concentrate on the nearest keys.

# %% tags=["demo"]
n = len(x_train)
others = ~torch.eye(n, dtype=torch.bool)
keys = x_train.repeat(n, 1)[others].reshape(n, -1)
values = y_train.repeat(n, 1)[others].reshape(n, -1)
net = NWKernelRegression()
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
for epoch in range(5):
    trainer.zero_grad()
    loss = ((net(x_train, keys, values) - y_train) ** 2 / 2).sum()
    loss.backward()
    trainer.step()
    print(f"epoch {epoch + 1}, loss {loss.item():.3f}, w {net.w.item():.3f}")

# %% [markdown] tags=["written"]
# With a Gaussian kernel, what does Nadaraya-Watson regression become as the bandwidth goes to
# zero, and as it goes to infinity?

# %% [markdown] tags=["answer"]
# To zero: the weight goes to the nearest training point (nearest neighbour), fitting the noise.
# To infinity: all weights are equal and the prediction is the mean of all labels, a constant.

# %% [markdown] tags=["written"]
# Why is this regression called attention pooling? What are the queries, keys and values?

# %% [markdown] tags=["answer"]
# The prediction is a weighted average of values, with weights from the similarity between a query
# and keys: the query is the new x, the keys the training x_i, the values the labels y_i.
