"""6.6 LeNet: wrong implementations, each rejected by its check."""

import time

import torch
from torch import nn


def lenet_relu():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )  # fmt: skip


def lenet_no_padding():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip


def lenet_max_pool():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip


def lenet_activations_inside_no_flatten():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip


def evaluate_accuracy_gpu_no_eval(net, data_iter, device=None):
    if device is None:
        device = next(iter(net.parameters())).device
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(device), y.to(device)
            correct += int((net(X).argmax(dim=1) == y).sum())
            total += y.numel()
    return correct / total


def evaluate_accuracy_gpu_mean_of_batches(net, data_iter, device=None):
    net.eval()
    fractions = []
    with torch.no_grad():
        for X, y in data_iter:
            fractions.append(float((net(X).argmax(dim=1) == y).float().mean()))
    return sum(fractions) / len(fractions)


def _evaluate(net, data_iter, device=None):
    net.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in data_iter:
            correct += int((net(X).argmax(dim=1) == y).sum())
            total += y.numel()
    return correct / total


def _train(
    net, train_iter, test_iter, num_epochs, lr, device, init=True, weigh=True, train_mode=True
):
    def init_weights(m):
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)

    if init:
        net.apply(init_weights)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    history = {"train_loss": [], "train_acc": [], "test_acc": []}
    start = time.perf_counter()
    seen = 0
    net.train()
    for _ in range(num_epochs):
        if train_mode:
            net.train()
        loss_sum, correct, n, batches = 0.0, 0, 0, 0
        for X, y in train_iter:
            optimizer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            loss_sum += float(l) * (y.numel() if weigh else 1)
            correct += int((y_hat.argmax(dim=1) == y).sum())
            n += y.numel()
            batches += 1
        seen += n
        history["train_loss"].append(loss_sum / (n if weigh else batches))
        history["train_acc"].append(correct / n)
        history["test_acc"].append(_evaluate(net, test_iter))
    history["examples_per_sec"] = seen / (time.perf_counter() - start)
    return history


def train_ch6_no_xavier(net, train_iter, test_iter, num_epochs, lr, device):
    return _train(net, train_iter, test_iter, num_epochs, lr, device, init=False)


def train_ch6_mean_of_batch_losses(net, train_iter, test_iter, num_epochs, lr, device):
    return _train(net, train_iter, test_iter, num_epochs, lr, device, weigh=False)


def train_ch6_train_mode_once(net, train_iter, test_iter, num_epochs, lr, device):
    return _train(net, train_iter, test_iter, num_epochs, lr, device, train_mode=False)


MUTANTS = {
    "ch06.lenet": [
        ("ReLU instead of Sigmoid", lenet_relu, "is a ReLU where the reference has a Sigmoid"),
        (
            "first conv without padding",
            lenet_no_padding,
            "ShapeError: layer `7` (Linear, in_features=400)",
        ),
        ("max pooling", lenet_max_pool, "MaxPool2d"),
        ("no Flatten layer", lenet_activations_inside_no_flatten, "named"),
    ],
    "ch06.evaluate_accuracy_gpu": [
        ("never calls net.eval()", evaluate_accuracy_gpu_no_eval, "net.eval()"),
        (
            "averages per-batch accuracies",
            evaluate_accuracy_gpu_mean_of_batches,
            "output: expected",
        ),
    ],
    "ch06.train_ch6": [
        ("no xavier initialisation", train_ch6_no_xavier, "xavier_uniform_"),
        ("averages batch means", train_ch6_mean_of_batch_losses, "weigh each batch"),
        ("net.train() only once", train_ch6_train_mode_once, "net.train()"),
    ],
}
