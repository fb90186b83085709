"""Plausible wrong implementations of the chapter-6 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).
"""

import time

import torch
import torch.nn.functional as F
from torch import nn


def _corr2d(X, K):
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


def corr2d_flipped(X, K):
    return _corr2d(X, K.flip(0, 1))


def corr2d_off_by_one(X, K):
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h, X.shape[1] - w))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


def corr2d_builtin(X, K):
    return F.conv2d(X[None, None], K[None, None])[0, 0]


class Conv2DWithoutBias(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return _corr2d(X, self.weight)


class Conv2DOtherNames(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.K = nn.Parameter(torch.rand(kernel_size))
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return _corr2d(X, self.K) + self.b


class Conv2DBuiltin(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return F.conv2d(X[None, None], self.weight[None, None], self.bias)[0, 0]


def _learn(X, Y, lr, num_epochs, reduce="sum", zero_grad=True):
    conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    X = X.reshape((1, 1) + tuple(X.shape))
    Y = Y.reshape((1, 1) + tuple(Y.shape))
    losses = []
    for _ in range(num_epochs):
        l = (conv2d(X) - Y) ** 2
        if zero_grad:
            conv2d.zero_grad()
        getattr(l, reduce)().backward()
        with torch.no_grad():
            conv2d.weight -= lr * conv2d.weight.grad
        losses.append(getattr(l, reduce)().item())
    return conv2d.weight.detach().reshape(1, 2), losses


def learn_edge_kernel_mean_loss(X, Y, lr=3e-2, num_epochs=10):
    return _learn(X, Y, lr, num_epochs, reduce="mean")


def learn_edge_kernel_no_zero_grad(X, Y, lr=3e-2, num_epochs=10):
    return _learn(X, Y, lr, num_epochs, zero_grad=False)


def learn_edge_kernel_4d(X, Y, lr=3e-2, num_epochs=10):
    kernel, losses = _learn(X, Y, lr, num_epochs)
    return kernel.reshape(1, 1, 1, 2), losses


def learn_edge_kernel_reports_mean(X, Y, lr=3e-2, num_epochs=10):
    kernel, losses = _learn(X, Y, lr, num_epochs)
    return kernel, [v / Y.numel() for v in losses]


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def conv_output_shape_one_sided(input_shape, kernel_size, padding=0, stride=1):
    (n_h, n_w), (k_h, k_w), (p_h, p_w), (s_h, s_w) = map(
        _pair, (input_shape, kernel_size, padding, stride)
    )
    return (n_h - k_h + p_h + s_h) // s_h, (n_w - k_w + p_w + s_w) // s_w


def conv_output_shape_true_division(input_shape, kernel_size, padding=0, stride=1):
    (n_h, n_w), (k_h, k_w), (p_h, p_w), (s_h, s_w) = map(
        _pair, (input_shape, kernel_size, padding, stride)
    )
    return (n_h - k_h + 2 * p_h + s_h) / s_h, (n_w - k_w + 2 * p_w + s_w) / s_w


def conv_output_shape_ignores_stride(input_shape, kernel_size, padding=0, stride=1):
    (n_h, n_w), (k_h, k_w), (p_h, p_w) = map(_pair, (input_shape, kernel_size, padding))
    return n_h - k_h + 2 * p_h + 1, n_w - k_w + 2 * p_w + 1


def comp_conv2d_keeps_dims(conv2d, X):
    return conv2d(X.reshape((1, 1) + tuple(X.shape)))


def comp_conv2d_squeezes_all(conv2d, X):
    return conv2d(X.reshape((1, 1) + tuple(X.shape))).squeeze()


def corr2d_multi_in_average(X, K):
    return sum(_corr2d(x, k) for x, k in zip(X, K)) / len(X)


def corr2d_multi_in_first_channel(X, K):
    return _corr2d(X[0], K[0])


def _multi_in(X, K):
    return sum(_corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out_stack_dim1(X, K):
    return torch.stack([_multi_in(X, k) for k in K], 1)


def corr2d_multi_in_out_transposed_kernel(X, K):
    return torch.stack([_multi_in(X, k.transpose(-1, -2)) for k in K], 0)


def corr2d_multi_in_out_1x1_wrong_reshape(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    return (K.reshape(c_o, c_i) @ X.reshape(h * w, c_i).T).reshape(c_o, h, w)


def corr2d_multi_in_out_1x1_swapped_kernel(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    return (K.reshape(c_i, c_o).T @ X.reshape(c_i, h * w)).reshape(c_o, h, w)


def _pool(X, pool_size, mode="max", padding=0, stride=1, fill=None, count_pad=True):
    (p_h, p_w), (pad_h, pad_w), (s_h, s_w) = _pair(pool_size), _pair(padding), _pair(stride)
    if fill is None:
        fill = float("-inf") if mode == "max" else 0.0
    ones = torch.ones_like(X)
    X = F.pad(X, (pad_w, pad_w, pad_h, pad_h), value=fill)
    counts = F.pad(ones, (pad_w, pad_w, pad_h, pad_h), value=0.0)
    out_h = (X.shape[-2] - p_h + s_h) // s_h
    out_w = (X.shape[-1] - p_w + s_w) // s_w
    Y = X.new_zeros(X.shape[:-2] + (out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            rows, cols = slice(i * s_h, i * s_h + p_h), slice(j * s_w, j * s_w + p_w)
            window = X[..., rows, cols]
            if mode == "max":
                Y[..., i, j] = window.amax(dim=(-2, -1))
            elif count_pad:
                Y[..., i, j] = window.mean(dim=(-2, -1))
            else:
                Y[..., i, j] = window.sum(dim=(-2, -1)) / counts[..., rows, cols].sum(dim=(-2, -1))
    return Y


def pool2d_zero_padding(X, pool_size, mode="max", padding=0, stride=1):
    return _pool(X, pool_size, mode, padding, stride, fill=0.0)


def pool2d_excludes_padding(X, pool_size, mode="max", padding=0, stride=1):
    return _pool(X, pool_size, mode, padding, stride, count_pad=False)


def pool2d_stride_defaults_to_window(X, pool_size, mode="max", padding=0, stride=None):
    return _pool(X, pool_size, mode, padding, pool_size if stride is None else stride)


def pool2d_ignores_stride(X, pool_size, mode="max", padding=0, stride=1):
    return _pool(X, pool_size, mode, padding, 1)


def pool2d_builtin(X, pool_size, mode="max", padding=0, stride=1):
    X4 = X.reshape((-1, 1) + tuple(X.shape[-2:]))
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    Y = pool(X4, pool_size, stride, padding)
    return Y.reshape(X.shape[:-2] + Y.shape[-2:])


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
    "ch06.corr2d": [
        ("flips the kernel", corr2d_flipped, "flipped the kernel"),
        ("one position short", corr2d_off_by_one, "every valid position"),
        ("calls F.conv2d", corr2d_builtin, "uses conv2d"),
    ],
    "ch06.Conv2D": [
        ("forgets the bias", Conv2DWithoutBias, "add the bias"),
        ("other parameter names", Conv2DOtherNames, "named"),
        ("F.conv2d inside", Conv2DBuiltin, "uses conv2d"),
    ],
    "ch06.learn_edge_kernel": [
        ("mean instead of summed loss", learn_edge_kernel_mean_loss, "not within"),
        ("never zeroes the gradient", learn_edge_kernel_no_zero_grad, "not within"),
        ("kernel left 4-D", learn_edge_kernel_4d, "shape (1, 2)"),
        ("records the mean loss", learn_edge_kernel_reports_mean, "not the mean"),
    ],
    "ch06.conv_output_shape": [
        ("padding on one side only", conv_output_shape_one_sided, "each side"),
        ("true division", conv_output_shape_true_division, "floor division"),
        ("ignores the stride", conv_output_shape_ignores_stride, "divide by the stride"),
    ],
    "ch06.comp_conv2d": [
        ("keeps the batch and channel dims", comp_conv2d_keeps_dims, "strip the batch and channel"),
        ("squeezes every size-1 dim", comp_conv2d_squeezes_all, "expected shape"),
    ],
    "ch06.corr2d_multi_in": [
        ("averages the channels", corr2d_multi_in_average, "do not average"),
        ("first channel only", corr2d_multi_in_first_channel, "expected"),
    ],
    "ch06.corr2d_multi_in_out": [
        ("stacks on dimension 1", corr2d_multi_in_out_stack_dim1, "dimension 0"),
        ("transposes each kernel", corr2d_multi_in_out_transposed_kernel, "expected"),
    ],
    "ch06.corr2d_multi_in_out_1x1": [
        ("reshapes X pixel-major", corr2d_multi_in_out_1x1_wrong_reshape, "expected"),
        ("reads K as (c_i, c_o)", corr2d_multi_in_out_1x1_swapped_kernel, "expected"),
    ],
    "ch06.pool2d": [
        ("max pads with zeros", pool2d_zero_padding, "-inf"),
        ("avg excludes the padding", pool2d_excludes_padding, "count_include_pad"),
        ("stride defaults to the window", pool2d_stride_defaults_to_window, "defaults to 1"),
        ("ignores the stride", pool2d_ignores_stride, "by `stride`"),
        ("calls F.max_pool2d", pool2d_builtin, "uses max_pool2d"),
    ],
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
        ("averages per-batch accuracies", evaluate_accuracy_gpu_mean_of_batches, "expected"),
    ],
    "ch06.train_ch6": [
        ("no xavier initialisation", train_ch6_no_xavier, "xavier_uniform_"),
        ("averages batch means", train_ch6_mean_of_batch_losses, "weigh each batch"),
        ("net.train() only once", train_ch6_train_mode_once, "net.train()"),
    ],
}
