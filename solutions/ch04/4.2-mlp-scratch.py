# %% [markdown]
# # 4.2 Implementation of multilayer perceptrons from scratch — 多层感知机的从零开始实现
#
# An MLP with one hidden layer of 256 ReLUs for Fashion-MNIST, with parameters you create and a
# forward pass you write. As in the book, the loss and the optimiser are torch's
# (`nn.CrossEntropyLoss`, `torch.optim.SGD`).

# %%
import torch
from torch import nn

from autograder import check
from d2lkit import evaluate_accuracy, load_data_fashion_mnist, plot_curves, train_epoch_ch3
from d2lkit.mlp import relu


# %% [markdown]
# ## The model
#
# $$\mathbf{H} = \operatorname{ReLU}(\mathbf{X}\mathbf{W}^{(1)} + \mathbf{b}^{(1)}), \qquad
# \mathbf{O} = \mathbf{H}\mathbf{W}^{(2)} + \mathbf{b}^{(2)}$$
#
# Each image is flattened to `num_inputs` pixels. Keep the book's parameters and names:
# `W1` (num_inputs, num_hiddens) and `W2` (num_hiddens, num_outputs) drawn from
# $\mathcal{N}(0, 0.01^2)$, `b1` and `b2` zeros, all `nn.Parameter`s (the check copies the
# reference's values into them). The output is the logits, no softmax: `nn.CrossEntropyLoss`
# takes logits. No `nn.Linear` and no built-in ReLU: the `relu` imported above is the kit's
# answer to 4.1 (`torch.relu` would count as the built-in).


# %% tags=["solution"]
class MLPScratch(nn.Module):
    """X: (batch_size, ...) with num_inputs values per example -> logits (batch_size, num_outputs)."""

    def __init__(self, num_inputs: int = 784, num_outputs: int = 10, num_hiddens: int = 256):
        super().__init__()
        ### BEGIN SOLUTION
        self.num_inputs = num_inputs
        self.W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.01)
        self.b1 = nn.Parameter(torch.zeros(num_hiddens))
        self.W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.01)
        self.b2 = nn.Parameter(torch.zeros(num_outputs))
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        H = relu(X.reshape(-1, self.num_inputs) @ self.W1 + self.b1)
        return H @ self.W2 + self.b2
        ### END SOLUTION


# %%
check("ch04.mlp_scratch", MLPScratch)

# %% [markdown]
# ## Training (a short demo)
#
# Two epochs on a 10,000-image subset. The book's run (10 epochs on all 60,000 images, lr 0.1,
# batch 256; test accuracy about 0.82) is `d2lkit train mlp`, and the `nn.Sequential` version of
# 4.3 is `d2lkit train mlp-concise`.

# %%
torch.manual_seed(0)
train_iter, test_iter = load_data_fashion_mnist(256, limit=10_000)
net = MLPScratch()
loss = nn.CrossEntropyLoss(reduction="none")
updater = torch.optim.SGD(net.parameters(), lr=0.1)
history = {"train_loss": [], "train_acc": [], "test_acc": []}
for epoch in range(2):
    train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater)
    history["train_loss"].append(train_loss)
    history["train_acc"].append(train_acc)
    history["test_acc"].append(evaluate_accuracy(net, test_iter))
print({k: round(v[-1], 3) for k, v in history.items()})
plot_curves(history)

# %% [markdown] tags=["written"]
# Predict what happens to training time and accuracy if `num_hiddens` goes from 256 to 16, or to
# 4096. Why?

# %% [markdown] tags=["answer"]
# 16 units have less capacity: training is slightly faster but accuracy drops (underfitting). 4096
# costs more per step and improves little: Fashion-MNIST does not need that capacity, and a much
# wider layer can start to overfit.

# %% [markdown] tags=["written"]
# Why is it a mistake to choose the hidden size, learning rate and number of epochs by the test
# accuracy? What should be used instead?

# %% [markdown] tags=["answer"]
# Tuning on the test set makes it part of training: the reported accuracy is then optimistic and
# no longer estimates performance on new data. Hold out a validation set (or use k-fold
# cross-validation) for choices, and look at the test set once at the end.
