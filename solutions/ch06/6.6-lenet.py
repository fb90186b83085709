# %% [markdown]
# # 6.6 Convolutional neural networks (LeNet) — 卷积神经网络（LeNet）
#
# LeNet-5 stacks two convolution-pooling stages and three fully connected layers. You will build
# it, write the accuracy evaluation and the training loop of the book (`evaluate_accuracy_gpu`,
# `train_ch6`, reused by every model of chapter 7), and train it briefly on Fashion-MNIST.

# %%
import time

import torch
from torch import nn

from autograder import check
from d2lkit import load_data_fashion_mnist, plot_curves, try_gpu

# %% [markdown]
# ## The network
#
# | layer | output for one 28x28 image |
# |---|---|
# | `Conv2d(1, 6, kernel_size=5, padding=2)`, Sigmoid | 6 x 28 x 28 |
# | `AvgPool2d(kernel_size=2, stride=2)` | 6 x 14 x 14 |
# | `Conv2d(6, 16, kernel_size=5)`, Sigmoid | 16 x 10 x 10 |
# | `AvgPool2d(kernel_size=2, stride=2)` | 16 x 5 x 5 |
# | Flatten, `Linear(400, 120)`, Sigmoid | 120 |
# | `Linear(120, 84)`, Sigmoid | 84 |
# | `Linear(84, 10)` | 10 |
#
# Return one `nn.Sequential` with **every** layer above as its own module, activations and
# pooling included, in this order (13 modules). In an `nn.Sequential` a layer's name is its
# position (`0.weight`, `0.bias`, `3.weight`, ...): the check copies the reference's parameters
# into yours by these names, so a missing or extra layer shifts the names and the copy fails.
# It then compares the shape after every layer, the parameter count, the output and the
# gradients.


# %% tags=["solution"]
def lenet() -> nn.Sequential:
    """X: (batch_size, 1, 28, 28) -> logits (batch_size, 10)."""
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip
    ### END SOLUTION


# %%
check("ch06.lenet", lenet)

# %%
net = lenet()
X = torch.rand(size=(1, 1, 28, 28), dtype=torch.float32)
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, "output shape: \t", X.shape)
print("parameters:", sum(p.numel() for p in net.parameters()))

# %% [markdown]
# ## Accuracy on a device
#
# Like 3.6's `evaluate_accuracy`, but the batches are moved to `device` first; when `device` is
# None, use the device of the net's parameters. Switch the net to evaluation mode
# (`net.eval()`: dropout off, batch normalization on its running statistics), count the correct
# predictions without tracking gradients, and return the fraction of the whole iterator.


# %% tags=["solution"]
def evaluate_accuracy_gpu(net: nn.Module, data_iter, device=None) -> float:
    """The fraction of examples of `data_iter` that `net` classifies correctly."""
    ### BEGIN SOLUTION
    if isinstance(net, nn.Module):
        net.eval()
        if device is None:
            device = next(iter(net.parameters())).device
    device = torch.device(device) if device is not None else torch.device("cpu")
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(device), y.to(device)
            correct += int((net(X).argmax(dim=1) == y).sum())
            total += y.numel()
    return correct / total
    ### END SOLUTION


# %%
check("ch06.evaluate_accuracy_gpu", evaluate_accuracy_gpu)

# %% [markdown]
# ## The training loop
#
# `train_ch6(net, train_iter, test_iter, num_epochs, lr, device)` as in the book:
#
# 1. initialise the weight of every `nn.Linear` and `nn.Conv2d` with `nn.init.xavier_uniform_`
#    (`net.apply(...)`), move the net to `device`;
# 2. `torch.optim.SGD(net.parameters(), lr=lr)` on the **mean** cross-entropy
#    (`nn.CrossEntropyLoss()`);
# 3. every epoch: `net.train()` (the evaluation of the previous epoch left the net in eval mode),
#    one pass over `train_iter`, then the test accuracy with `evaluate_accuracy_gpu`.
#
# Return a history dict with one value per epoch for `'train_loss'` (the average loss per
# *example*: weigh each batch's mean by its size), `'train_acc'` and `'test_acc'`, and one number
# for the whole run, `'examples_per_sec'` (training examples over total training time). Print the book's summary lines
# if you like.


# %% tags=["solution"]
def train_ch6(net: nn.Module, train_iter, test_iter, num_epochs: int, lr: float, device) -> dict:
    """Train `net`; returns {'train_loss': [...], 'train_acc': [...], 'test_acc': [...], 'examples_per_sec': x}."""
    ### BEGIN SOLUTION
    def init_weights(m):
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)

    device = torch.device(device)
    net.apply(init_weights)
    net.to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    history = {"train_loss": [], "train_acc": [], "test_acc": []}
    train_time, num_examples = 0.0, 0
    print("training on", device)
    for _ in range(num_epochs):
        net.train()
        loss_sum, correct, n = 0.0, 0, 0
        start = time.perf_counter()
        for X, y in train_iter:
            X, y = X.to(device), y.to(device)
            optimizer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            loss_sum += float(l) * y.numel()
            correct += int((y_hat.argmax(dim=1) == y).sum())
            n += y.numel()
        train_time += time.perf_counter() - start
        num_examples += n
        history["train_loss"].append(loss_sum / n)
        history["train_acc"].append(correct / n)
        history["test_acc"].append(evaluate_accuracy_gpu(net, test_iter, device))
    history["examples_per_sec"] = num_examples / train_time
    print(
        f"loss {history['train_loss'][-1]:.3f}, train acc {history['train_acc'][-1]:.3f}, "
        f"test acc {history['test_acc'][-1]:.3f}"
    )
    print(f"{history['examples_per_sec']:.1f} examples/sec on {device}")
    return history
    ### END SOLUTION


# %%
check("ch06.train_ch6", train_ch6)

# %% [markdown]
# ## Training (a short demo)
#
# Two epochs on a 2,000-image subset show the loop at work; sigmoid LeNet starts slowly, so do
# not expect much yet. The book's run (10 epochs, lr 0.9, batch 256: loss 0.469, train acc 0.823,
# test acc 0.779) is `d2lkit train lenet`.

# %%
torch.manual_seed(0)
train_iter, test_iter = load_data_fashion_mnist(256, limit=2_000)
history = train_ch6(lenet(), train_iter, test_iter, num_epochs=2, lr=0.9, device=try_gpu())
plot_curves({k: v for k, v in history.items() if k != "examples_per_sec"})

# %% [markdown] tags=["written"]
# LeNet uses sigmoid activations and average pooling. What would you expect from ReLU and max
# pooling instead, and why?

# %% [markdown] tags=["answer"]
# Faster training and usually higher accuracy (after retuning the learning rate): ReLU's gradient
# does not shrink for active units, and max pooling keeps a window's strongest response.

# %% [markdown] tags=["written"]
# LeNet's channels grow from 6 to 16 while the height and width shrink. Why is that a sensible
# design?

# %% [markdown] tags=["answer"]
# Deeper layers combine simple features into more kinds of complex ones, while their exact
# position matters less; more channels at lower resolution keeps the work per layer balanced.
