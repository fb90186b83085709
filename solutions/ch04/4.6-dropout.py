# %% [markdown]
# # 4.6 Dropout — 暂退法（Dropout）
#
# While training, zero each hidden unit with probability $p$ and scale the survivors by
# $1/(1-p)$, so that every unit keeps its expectation:
# $$h' = \begin{cases} 0 & \text{with probability } p \\ \dfrac{h}{1-p} & \text{otherwise}\end{cases}
# \qquad E[h'] = h.$$
# At test time nothing is dropped.

# %%
import torch
from torch import nn

from autograder import check
from d2lkit import evaluate_accuracy, load_data_fashion_mnist, plot_curves, train_epoch_ch3

# %% [markdown]
# ## The dropout layer
#
# Draw a mask with `torch.rand(X.shape) > dropout` (a unit survives with probability
# $1 - p$), multiply, scale. `dropout = 0` returns `X` and `dropout = 1` returns zeros (no division
# by 0). The output must stay differentiable in `X`. Since the result is random, the check judges
# statistics: the fraction dropped, the scale of the survivors, the preserved mean, and the
# gradient (the same mask times the upstream gradient). No `F.dropout` / `nn.Dropout`.


# %% tags=["solution"]
def dropout_layer(X: torch.Tensor, dropout: float) -> torch.Tensor:
    """Zero each element with probability `dropout`, scale the others by 1 / (1 - dropout).

    X: any shape -> same shape and dtype.
    """
    ### BEGIN SOLUTION
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    if dropout == 0:
        return X
    mask = (torch.rand(X.shape) > dropout).to(X.dtype)
    return mask * X / (1.0 - dropout)
    ### END SOLUTION


# %%
check("ch04.dropout_layer", dropout_layer)

# %%
X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print(X)
print(dropout_layer(X, 0.0))
print(dropout_layer(X, 0.5))
print(dropout_layer(X, 1.0))

# %% [markdown]
# ## The network
#
# Two hidden ReLU layers, `dropout_layer` after each **only while training**
# (`self.training`, which `net.train()` / `net.eval()` switch): dropout1 after the first hidden
# layer, dropout2 after the second. The layers are `nn.Linear`s named `lin1`, `lin2`, `lin3` as in
# the book. The constructor takes the book's `is_training` switch (after the two dropout
# probabilities): `is_training=False` builds the net in evaluation mode (`self.train(False)`).
# The check copies the reference's weights into yours: in evaluation mode your output must equal
# the reference's exactly; in training mode it judges where and how much is dropped.


# %% tags=["solution"]
class DropoutMLPScratch(nn.Module):
    """X: (batch_size, ...) with num_inputs values per example -> logits (batch_size, num_outputs)."""

    def __init__(
        self,
        num_inputs: int,
        num_outputs: int,
        num_hiddens1: int,
        num_hiddens2: int,
        dropout1: float = 0.2,
        dropout2: float = 0.5,
        is_training: bool = True,
    ):
        super().__init__()
        ### BEGIN SOLUTION
        self.num_inputs = num_inputs
        self.dropout1, self.dropout2 = dropout1, dropout2
        self.lin1 = nn.Linear(num_inputs, num_hiddens1)
        self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3 = nn.Linear(num_hiddens2, num_outputs)
        self.relu = nn.ReLU()
        self.train(is_training)
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        H1 = self.relu(self.lin1(X.reshape(-1, self.num_inputs)))
        if self.training:
            H1 = dropout_layer(H1, self.dropout1)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_layer(H2, self.dropout2)
        return self.lin3(H2)
        ### END SOLUTION


# %%
check("ch04.dropout_mlp", DropoutMLPScratch)

# %% [markdown]
# ## Training (a short demo)
#
# Two epochs on a 10,000-image subset with the book's 784-256-256-10 network, dropout 0.2 and 0.5,
# lr 0.5. `evaluate_accuracy` calls `net.eval()`, so the test accuracy is measured without
# dropout. The book's full run is `d2lkit train mlp-dropout` (test accuracy about 0.86).

# %%
torch.manual_seed(0)
train_iter, test_iter = load_data_fashion_mnist(256, limit=10_000)
net = DropoutMLPScratch(784, 10, 256, 256, 0.2, 0.5)
loss = nn.CrossEntropyLoss(reduction="none")
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
history = {"train_loss": [], "train_acc": [], "test_acc": []}
for epoch in range(2):
    train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, trainer)
    history["train_loss"].append(train_loss)
    history["train_acc"].append(train_acc)
    history["test_acc"].append(evaluate_accuracy(net, test_iter))
print({k: round(v[-1], 3) for k, v in history.items()})
plot_curves(history)

# %% [markdown] tags=["written"]
# Why does dropout divide the kept activations by 1 - p during training? What would go wrong at
# test time, with every unit kept, if it did not?

# %% [markdown] tags=["answer"]
# Dividing keeps each activation's expected value the same as without dropout. Without it, at test
# time the next layer would receive inputs 1/(1 - p) times larger than it saw in training, and its
# outputs would shift.

# %% [markdown] tags=["written"]
# What would predictions look like if dropout stayed on at test time? How could that be useful?

# %% [markdown] tags=["answer"]
# Each forward pass would give a different, noisier prediction. Averaging many such passes gives
# an ensemble's prediction, and their spread is a rough measure of the model's uncertainty.
