# %% [markdown]
# # 3.6 Softmax regression from scratch — softmax回归的从零开始实现
#
# You will write softmax regression for Fashion-MNIST with tensors only: the softmax, the model,
# the cross-entropy loss, the accuracy metric and one training epoch. Each exercise ends with a
# one-line check cell; run it to see whether your code agrees with the reference.

# %%
import torch
from torch import nn

from autograder import check
from d2lkit import load_data_fashion_mnist, plot_curves, sgd

# %% [markdown]
# ## Softmax
#
# $$\mathrm{softmax}(\mathbf{X})_{ij} = \frac{\exp(X_{ij})}{\sum_k \exp(X_{ik})}$$
#
# Computed literally, `exp` overflows to `inf` for inputs above about 88 (float32). Subtracting each
# row's maximum first gives the same result without overflow. Do not use `torch.softmax`.


# %% tags=["solution"]
def softmax(X: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax. X: (batch_size, num_outputs) -> (batch_size, num_outputs), rows sum to 1."""
    ### BEGIN SOLUTION
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    return X_exp / X_exp.sum(dim=1, keepdim=True)
    ### END SOLUTION


# %%
check("ch03.softmax", softmax)

# %% [markdown]
# ## The model
#
# $\hat{\mathbf{y}} = \mathrm{softmax}(\mathbf{X}\mathbf{W} + \mathbf{b})$, with each image flattened to
# a vector of `num_inputs` pixels. Keep the parameter names `W` (num_inputs, num_outputs) and `b`
# (num_outputs,): the check copies the reference's values into them. No `nn.Linear` here.


# %% tags=["solution"]
class SoftmaxRegressionScratch(nn.Module):
    """X: (batch_size, ...) with num_inputs values per example -> probabilities (batch_size, num_outputs)."""

    def __init__(self, num_inputs: int = 784, num_outputs: int = 10, sigma: float = 0.01):
        super().__init__()
        ### BEGIN SOLUTION
        self.W = nn.Parameter(torch.randn(num_inputs, num_outputs) * sigma)
        self.b = nn.Parameter(torch.zeros(num_outputs))
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return softmax(X.reshape(-1, self.W.shape[0]) @ self.W + self.b)
        ### END SOLUTION


# %%
check("ch03.net", SoftmaxRegressionScratch)

# %% [markdown]
# ## Cross-entropy loss
#
# $l(\mathbf{y}, \hat{\mathbf{y}}) = -\log \hat{y}_{y}$: pick, in each row of `y_hat`, the probability
# of the true class. Return one loss per example. Do not use `F.cross_entropy` or `F.nll_loss`.


# %% tags=["solution"]
def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """y_hat: (batch_size, num_outputs) probabilities, y: (batch_size,) labels -> (batch_size,)."""
    ### BEGIN SOLUTION
    return -torch.log(y_hat[torch.arange(len(y_hat)), y])
    ### END SOLUTION


# %%
check("ch03.cross_entropy", cross_entropy)

# %% [markdown]
# ## Accuracy
#
# As in the book, `accuracy` returns the **number** of correct predictions (a float);
# `evaluate_accuracy` turns counts into the fraction over a whole data iterator. `y_hat` is either
# a matrix of scores (take the argmax of each row) or already a vector of predicted labels.


# %% tags=["solution"]
def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """y_hat: (batch_size, num_outputs) or (batch_size,), y: (batch_size,) -> number correct."""
    ### BEGIN SOLUTION
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat.type(y.dtype) == y).sum())
    ### END SOLUTION


# %%
check("ch03.accuracy", accuracy)


# %% tags=["solution"]
def evaluate_accuracy(net, data_iter) -> float:
    """The fraction of examples in `data_iter` that `net` classifies correctly."""
    ### BEGIN SOLUTION
    if isinstance(net, nn.Module):
        net.eval()
    correct, total = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            correct += accuracy(net(X), y)
            total += y.numel()
    return correct / total
    ### END SOLUTION


# %%
check("ch03.evaluate_accuracy", evaluate_accuracy)

# %% [markdown]
# ## One training epoch
#
# `loss` returns one value per example. With a `torch.optim.Optimizer`, average the loss before
# `backward()` and call `step()`; with a from-scratch `updater(batch_size)` (such as `sgd`), sum the
# loss and let the updater divide by the batch size. Return the average loss and the accuracy
# over the epoch.


# %% tags=["solution"]
def train_epoch_ch3(net, train_iter, loss, updater) -> tuple[float, float]:
    """One pass over `train_iter`; returns (mean loss, fraction correct)."""
    ### BEGIN SOLUTION
    if isinstance(net, nn.Module):
        net.train()
    loss_sum, correct, total = 0.0, 0.0, 0
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        loss_sum += float(l.sum())
        correct += accuracy(y_hat, y)
        total += y.numel()
    return loss_sum / total, correct / total
    ### END SOLUTION


# %%
check("ch03.train_epoch_ch3", train_epoch_ch3)

# %% [markdown]
# ## Training (a short demo)
#
# Two epochs on a 10,000-image subset, to see the pieces work together. The book's full run
# (10 epochs, lr 0.1, batch 256, about 0.83 test accuracy) is `d2lkit train softmax-regression`.

# %% tags=["demo"]
torch.manual_seed(0)
train_iter, test_iter = load_data_fashion_mnist(256, limit=10_000)
net = SoftmaxRegressionScratch()
lr = 0.1
history = {"train_loss": [], "train_acc": [], "test_acc": []}
for epoch in range(2):
    train_loss, train_acc = train_epoch_ch3(
        net, train_iter, cross_entropy, lambda batch_size: sgd([net.W, net.b], lr, batch_size)
    )
    history["train_loss"].append(train_loss)
    history["train_acc"].append(train_acc)
    history["test_acc"].append(evaluate_accuracy(net, test_iter))
print({k: round(v[-1], 3) for k, v in history.items()})
plot_curves(history)

# %% [markdown] tags=["written"]
# The model's outputs are turned into probabilities and then scored with the log of the probability
# of the true class. Why is it better to compute the loss straight from the logits (log-sum-exp)
# than to call your `softmax` and then take `log` of its result? Give an input where the two differ.

# %% [markdown] tags=["answer"]
# Softmax can underflow: a class whose logit is far below the row's maximum gets probability 0 in
# float32, and `log(0) = -inf`, so the loss (and its gradient) becomes `inf`/`nan`. Written as
# `logsumexp(o) - o_y`, the loss stays finite, e.g. logits `[0, -200]` with true class 1 give 200.

# %% [markdown] tags=["written"]
# Accuracy is what we report, yet we train on cross-entropy. Why not minimise the error rate
# directly with SGD? And can the loss go down while the accuracy stays the same?

# %% [markdown] tags=["answer"]
# The error rate is piecewise constant in the weights (its gradient is zero almost everywhere), so
# SGD gets no signal from it; cross-entropy is a smooth surrogate. Yes: making the right class more
# confident on examples already classified correctly lowers the loss without changing any argmax.
