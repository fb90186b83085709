"""Plausible wrong implementations of the chapter-4 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).
"""

import math

import numpy as np
import pandas as pd
import torch
from torch import nn

from d2lkit.kaggle_house import get_net, train
from d2lkit.linear import linreg, sgd, squared_loss

# 4.1 activations -------------------------------------------------------------------------------


def relu_builtin(X):
    return torch.relu(X)


def relu_clamp(X):
    return X.clamp(min=0)


def relu_abs(X):
    return (X + X.abs()) / 2 * 1.0001


def sigmoid_naive(X):
    return 1 / (1 + torch.exp(-X))


def sigmoid_where(X):
    return torch.where(X >= 0, 1 / (1 + torch.exp(-X)), torch.exp(X) / (1 + torch.exp(X)))


def sigmoid_builtin(X):
    return torch.sigmoid(X)


def tanh_naive(X):
    return (1 - torch.exp(-2 * X)) / (1 + torch.exp(-2 * X))


def tanh_builtin(X):
    return torch.tanh(X)


def tanh_half_argument(X):
    e = torch.exp(-torch.abs(X))
    t = (1 - e) / (1 + e)
    return torch.where(X < 0, -t, t)


def relu_grad_at_zero_one(X):
    return (X >= 0).to(X.dtype)


def relu_grad_autograd(X):
    X = X.detach().clone().requires_grad_(True)
    torch.max(X, torch.zeros_like(X)).sum().backward()
    return X.grad


def _stable_sigmoid(X):
    e = torch.exp(-torch.abs(X))
    return torch.where(X < 0, e / (1 + e), 1 / (1 + e))


def sigmoid_grad_naive(X):
    return torch.exp(-X) / (1 + torch.exp(-X)) ** 2


def sigmoid_grad_wrong(X):
    s = _stable_sigmoid(X)
    return s * (1 + s)


def sigmoid_grad_autograd(X):
    X = X.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(_stable_sigmoid(X).sum(), X)
    return grad


def tanh_grad_missing_square(X):
    return 1 - (2 * _stable_sigmoid(2 * X) - 1)


def tanh_grad_autograd(X):
    X = X.detach().clone().requires_grad_(True)
    (2 * _stable_sigmoid(2 * X) - 1).sum().backward()
    return X.grad


# 4.2 the MLP -----------------------------------------------------------------------------------


def _relu(X):
    return torch.max(X, torch.zeros_like(X))


class MLPWithoutReLU(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, num_hiddens=256):
        super().__init__()
        self.num_inputs = num_inputs
        self.W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.01)
        self.b1 = nn.Parameter(torch.zeros(num_hiddens))
        self.W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.01)
        self.b2 = nn.Parameter(torch.zeros(num_outputs))

    def forward(self, X):
        return (X.reshape(-1, self.num_inputs) @ self.W1 + self.b1) @ self.W2 + self.b2


class MLPTransposedWeights(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, num_hiddens=256):
        super().__init__()
        self.num_inputs = num_inputs
        self.W1 = nn.Parameter(torch.randn(num_hiddens, num_inputs) * 0.01)
        self.b1 = nn.Parameter(torch.zeros(num_hiddens))
        self.W2 = nn.Parameter(torch.randn(num_outputs, num_hiddens) * 0.01)
        self.b2 = nn.Parameter(torch.zeros(num_outputs))

    def forward(self, X):
        H = _relu(X.reshape(-1, self.num_inputs) @ self.W1.T + self.b1)
        return H @ self.W2.T + self.b2


class MLPWithLinear(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, num_hiddens=256):
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(num_inputs, num_hiddens)
        self.out = nn.Linear(num_hiddens, num_outputs)

    def forward(self, X):
        return self.out(torch.relu(self.hidden(self.flatten(X))))


# 4.4 model selection ---------------------------------------------------------------------------


def polynomial_features_no_factorial(x, max_degree):
    return x.reshape(-1, 1) ** torch.arange(max_degree)


def polynomial_features_from_one(x, max_degree):
    powers = torch.arange(1, max_degree + 1)
    factorials = torch.tensor([math.factorial(i) for i in range(1, max_degree + 1)])
    return x.reshape(-1, 1) ** powers / factorials


def evaluate_loss_mean_of_batches(net, data_iter, loss):
    means = []
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            means.append(float(loss(out, y.reshape(out.shape)).mean()))
    return sum(means) / len(means)


def evaluate_loss_no_reshape(net, data_iter, loss):
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            l = loss(net(X), y)
            total += float(l.sum())
            count += l.numel()
    return total / count


# 4.5 weight decay ------------------------------------------------------------------------------


def l2_penalty_no_half(w):
    return torch.sum(w**2)


def l2_penalty_norm(w):
    return torch.sqrt(torch.sum(w**2))


def l1_penalty_no_abs(w):
    return torch.sum(w)


def _l2(w):
    return torch.sum(w**2) / 2


def train_epoch_wd_penalty_once(w, b, train_iter, lambd, lr):
    for X, y in train_iter:
        l = squared_loss(linreg(X, w, b), y).sum() + lambd * _l2(w)
        l.backward()
        sgd([w, b], lr, X.shape[0])


def train_epoch_wd_penalises_bias(w, b, train_iter, lambd, lr):
    for X, y in train_iter:
        l = squared_loss(linreg(X, w, b), y) + lambd * (_l2(w) + _l2(b))
        l.sum().backward()
        sgd([w, b], lr, X.shape[0])


def train_epoch_wd_no_penalty(w, b, train_iter, lambd, lr):
    for X, y in train_iter:
        squared_loss(linreg(X, w, b), y).sum().backward()
        sgd([w, b], lr, X.shape[0])


# 4.6 dropout -----------------------------------------------------------------------------------


def dropout_no_scaling(X, dropout):
    if dropout == 1:
        return torch.zeros_like(X)
    return (torch.rand(X.shape) > dropout).to(X.dtype) * X


def dropout_keeps_with_probability_p(X, dropout):
    if dropout == 1:
        return torch.zeros_like(X)
    if dropout == 0:
        return X
    return (torch.rand(X.shape) < dropout).to(X.dtype) * X / (1 - dropout)


def dropout_divides_by_zero(X, dropout):
    mask = (torch.rand(X.shape) > dropout).to(X.dtype)
    return mask * X / (1.0 - dropout)


def dropout_first_elements(X, dropout):
    if dropout in (0, 1):
        return X if dropout == 0 else torch.zeros_like(X)
    flat = X.reshape(-1)
    mask = (torch.arange(flat.numel()) >= round(dropout * flat.numel())).to(X.dtype)
    return (mask * flat / (1 - dropout)).reshape(X.shape)


def dropout_builtin(X, dropout):
    return nn.functional.dropout(X, dropout, training=True)


def dropout_detached_mask_output(X, dropout):
    if dropout in (0, 1):
        return X if dropout == 0 else torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).to(X.dtype)
    return (mask * X / (1 - dropout)).detach()


def _dropout(X, dropout):
    if dropout == 1:
        return torch.zeros_like(X)
    if dropout == 0:
        return X
    return (torch.rand(X.shape) > dropout).to(X.dtype) * X / (1.0 - dropout)


class _DropoutNet(nn.Module):
    def __init__(
        self,
        num_inputs,
        num_outputs,
        num_hiddens1,
        num_hiddens2,
        dropout1=0.2,
        dropout2=0.5,
        is_training=True,
    ):
        super().__init__()
        self.num_inputs = num_inputs
        self.dropout1, self.dropout2 = dropout1, dropout2
        self.training = is_training
        self.lin1 = nn.Linear(num_inputs, num_hiddens1)
        self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3 = nn.Linear(num_hiddens2, num_outputs)
        self.relu = nn.ReLU()


class DropoutAlways(_DropoutNet):
    def forward(self, X):
        H1 = _dropout(self.relu(self.lin1(X.reshape(-1, self.num_inputs))), self.dropout1)
        H2 = _dropout(self.relu(self.lin2(H1)), self.dropout2)
        return self.lin3(H2)


class DropoutNever(_DropoutNet):
    def forward(self, X):
        return self.lin3(self.relu(self.lin2(self.relu(self.lin1(X.reshape(-1, self.num_inputs))))))


class DropoutSwapped(_DropoutNet):
    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape(-1, self.num_inputs)))
        if self.training:
            H1 = _dropout(H1, self.dropout2)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = _dropout(H2, self.dropout1)
        return self.lin3(H2)


class DropoutWithoutScaling(_DropoutNet):
    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape(-1, self.num_inputs)))
        if self.training:
            H1 = dropout_no_scaling(H1, self.dropout1)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_no_scaling(H2, self.dropout2)
        return self.lin3(H2)


class DropoutBookSignature(_DropoutNet):
    """The book's `Net(num_inputs, num_outputs, num_hiddens1, num_hiddens2, is_training)`."""

    def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2, is_training=True):
        super().__init__(num_inputs, num_outputs, num_hiddens1, num_hiddens2)

    forward = DropoutAlways.forward


# 4.7 backpropagation ---------------------------------------------------------------------------


def _forward(X, y, W1, W2):
    z = X @ W1
    h = torch.max(z, torch.zeros_like(z))
    o = h @ W2
    shifted = o - o.max(dim=1, keepdim=True).values
    log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
    one_hot = torch.zeros_like(o)
    one_hot[torch.arange(len(y)), y] = 1
    return z, h, o, log_probs, one_hot


def _backprop(X, y, W1, W2, lambd, *, per_example_scale, penalty_grad=True, relu_mask=True):
    z, h, o, log_probs, one_hot = _forward(X, y, W1, W2)
    n = X.shape[0]
    L = -(log_probs * one_hot).sum() / n
    s = lambd / 2 * ((W1**2).sum() + (W2**2).sum())
    dJ_do = (torch.exp(log_probs) - one_hot) * per_example_scale(n)
    dW2 = h.T @ dJ_do + (lambd * W2 if penalty_grad else 0)
    dJ_dh = dJ_do @ W2.T
    dJ_dz = dJ_dh * ((z > 0).to(z.dtype) if relu_mask else h)
    dW1 = X.T @ dJ_dz + (lambd * W1 if penalty_grad else 0)
    return {"z": z, "h": h, "o": o, "loss": L + s, "dW1": dW1, "dW2": dW2}


def manual_backprop_no_mean(X, y, W1, W2, lambd):
    return _backprop(X, y, W1, W2, lambd, per_example_scale=lambda n: 1)


def manual_backprop_no_penalty_grad(X, y, W1, W2, lambd):
    return _backprop(X, y, W1, W2, lambd, per_example_scale=lambda n: 1 / n, penalty_grad=False)


def manual_backprop_relu_instead_of_mask(X, y, W1, W2, lambd):
    return _backprop(X, y, W1, W2, lambd, per_example_scale=lambda n: 1 / n, relu_mask=False)


def manual_backprop_naive_softmax(X, y, W1, W2, lambd):
    z = X @ W1
    h = torch.max(z, torch.zeros_like(z))
    o = h @ W2
    n = X.shape[0]
    probs = torch.exp(o) / torch.exp(o).sum(dim=1, keepdim=True)
    one_hot = torch.zeros_like(o)
    one_hot[torch.arange(n), y] = 1
    L = -(torch.log(probs) * one_hot).sum() / n
    dJ_do = (probs - one_hot) / n
    dW2 = h.T @ dJ_do + lambd * W2
    dW1 = X.T @ ((dJ_do @ W2.T) * (z > 0).to(z.dtype)) + lambd * W1
    loss = L + lambd / 2 * ((W1**2).sum() + (W2**2).sum())
    return {"z": z, "h": h, "o": o, "loss": loss, "dW1": dW1, "dW2": dW2}


def manual_backprop_autograd(X, y, W1, W2, lambd):
    W1 = W1.detach().clone().requires_grad_(True)
    W2 = W2.detach().clone().requires_grad_(True)
    z, h, o, log_probs, one_hot = _forward(X, y, W1, W2)
    J = -(log_probs * one_hot).sum() / X.shape[0] + lambd / 2 * ((W1**2).sum() + (W2**2).sum())
    J.backward()
    return {
        "z": z.detach(),
        "h": h.detach(),
        "o": o.detach(),
        "loss": J.detach(),
        "dW1": W1.grad,
        "dW2": W2.grad,
    }


# 4.8 Xavier ------------------------------------------------------------------------------------


def _fans(tensor, receptive=True):
    rf = math.prod(tensor.shape[2:]) if receptive else 1
    return tensor.shape[1] * rf, tensor.shape[0] * rf


def xavier_uniform_half_variance(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor)
    a = gain * math.sqrt(3.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-a, a)


def xavier_uniform_no_receptive_field(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor, receptive=False)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-a, a)


def xavier_uniform_fan_in_only(tensor, gain=1.0):
    fan_in, _ = _fans(tensor)
    a = gain * math.sqrt(6.0 / (2 * fan_in))
    with torch.no_grad():
        return tensor.uniform_(-a, a)


def xavier_uniform_draws_normal(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor)
    with torch.no_grad():
        return tensor.normal_(0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def xavier_uniform_not_in_place(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return (torch.rand(tensor.shape, dtype=tensor.dtype) * 2 - 1) * a


def xavier_uniform_ignores_gain(tensor, gain=1.0):
    return _uniform(tensor, 1.0)


def _uniform(tensor, gain):
    fan_in, fan_out = _fans(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-a, a)


def xavier_normal_draws_uniform(tensor, gain=1.0):
    return _uniform(tensor, gain)


def xavier_normal_variance_as_std(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor)
    with torch.no_grad():
        return tensor.normal_(0, gain * 2.0 / (fan_in + fan_out))


def xavier_normal_no_receptive_field(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor, receptive=False)
    with torch.no_grad():
        return tensor.normal_(0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


# 4.10 Kaggle -----------------------------------------------------------------------------------


def _to_tensors(all_features, train_df):
    n_train = train_df.shape[0]
    values = all_features.to_numpy(dtype=np.float32)
    return (
        torch.tensor(values[:n_train]),
        torch.tensor(values[n_train:]),
        torch.tensor(train_df["SalePrice"].to_numpy(dtype=np.float32).reshape(-1, 1)),
    )


def preprocess_no_dummy_na(train_df, test_df):
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    numeric = all_features.select_dtypes(include="number").columns
    x = all_features[numeric]
    all_features[numeric] = ((x - x.mean()) / x.std()).fillna(0)
    return _to_tensors(pd.get_dummies(all_features), train_df)


def preprocess_fill_before_standardising(train_df, test_df):
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    numeric = all_features.select_dtypes(include="number").columns
    x = all_features[numeric].fillna(0)
    all_features[numeric] = (x - x.mean()) / x.std()
    return _to_tensors(pd.get_dummies(all_features, dummy_na=True), train_df)


def preprocess_book_object_test(train_df, test_df):
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    numeric = all_features.dtypes[all_features.dtypes != "object"].index
    all_features[numeric] = all_features[numeric].apply(lambda x: (x - x.mean()) / (x.std()))
    all_features[numeric] = all_features[numeric].fillna(0)
    return _to_tensors(pd.get_dummies(all_features, dummy_na=True), train_df)


def preprocess_row_labels(train_df, test_df):
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    numeric = all_features.select_dtypes(include="number").columns
    x = all_features[numeric]
    all_features[numeric] = ((x - x.mean()) / x.std()).fillna(0)
    train_features, test_features, labels = _to_tensors(
        pd.get_dummies(all_features, dummy_na=True), train_df
    )
    return train_features, test_features, labels.reshape(-1)


def log_rmse_no_clamp(net, features, labels):
    with torch.no_grad():
        return torch.sqrt(((torch.log(net(features)) - torch.log(labels)) ** 2).mean()).item()


def log_rmse_raw_prices(net, features, labels):
    with torch.no_grad():
        preds = torch.clamp(net(features), 1, float("inf"))
        return torch.sqrt(((preds - labels) ** 2).mean()).item()


def log_rmse_no_sqrt(net, features, labels):
    with torch.no_grad():
        preds = torch.clamp(net(features), 1, float("inf"))
        return ((torch.log(preds) - torch.log(labels)) ** 2).mean().item()


def get_k_fold_data_keeps_leftover(k, i, X, y):
    fold_size = X.shape[0] // k
    start, stop = i * fold_size, (i + 1) * fold_size
    return (
        torch.cat((X[:start], X[stop:])),
        torch.cat((y[:start], y[stop:])),
        X[start:stop],
        y[start:stop],
    )


def get_k_fold_data_validation_in_training(k, i, X, y):
    fold_size = X.shape[0] // k
    start, stop = i * fold_size, (i + 1) * fold_size
    keep = torch.cat((torch.arange(0, stop), torch.arange(stop, k * fold_size)))
    keep = keep[fold_size:] if i == 0 else keep[:-fold_size]
    return X[keep], y[keep], X[start:stop], y[start:stop]


def _fold(k, i, X, y):
    fold_size = X.shape[0] // k
    start, stop = i * fold_size, (i + 1) * fold_size
    X_train = torch.cat((X[:start], X[stop : k * fold_size]))
    y_train = torch.cat((y[:start], y[stop : k * fold_size]))
    return X_train, y_train, X[start:stop], y[start:stop]


def k_fold_one_net(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size):
    net = get_net(X_train.shape[1])
    train_sum = valid_sum = 0.0
    for i in range(k):
        data = _fold(k, i, X_train, y_train)
        train_ls, valid_ls = train(net, *data, num_epochs, learning_rate, weight_decay, batch_size)
        train_sum += train_ls[-1]
        valid_sum += valid_ls[-1]
    return train_sum / k, valid_sum / k


def k_fold_no_average(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size):
    train_sum = valid_sum = 0.0
    for i in range(k):
        data = _fold(k, i, X_train, y_train)
        net = get_net(X_train.shape[1])
        train_ls, valid_ls = train(net, *data, num_epochs, learning_rate, weight_decay, batch_size)
        train_sum += train_ls[-1]
        valid_sum += valid_ls[-1]
    return train_sum, valid_sum


def k_fold_mean_over_epochs(
    k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size
):
    train_sum = valid_sum = 0.0
    for i in range(k):
        data = _fold(k, i, X_train, y_train)
        net = get_net(X_train.shape[1])
        train_ls, valid_ls = train(net, *data, num_epochs, learning_rate, weight_decay, batch_size)
        train_sum += sum(train_ls) / len(train_ls)
        valid_sum += sum(valid_ls) / len(valid_ls)
    return train_sum / k, valid_sum / k


MUTANTS = {
    "ch04.relu": [
        ("torch.relu", relu_builtin, "uses relu"),
        ("clamp(min=0)", relu_clamp, "uses clamp"),
        ("(X + |X|) / 2, slightly off", relu_abs, "expected"),
    ],
    "ch04.sigmoid": [
        ("1 / (1 + exp(-X)): nan gradient for X < -88", sigmoid_naive, "gradient is inf/nan"),
        ("torch.where of two overflowing branches", sigmoid_where, "torch.where"),
        ("torch.sigmoid", sigmoid_builtin, "uses sigmoid"),
    ],
    "ch04.tanh": [
        ("(1 - exp(-2X)) / (1 + exp(-2X))", tanh_naive, "exp overflows"),
        ("torch.tanh", tanh_builtin, "uses tanh"),
        ("exp(-|X|) instead of exp(-2|X|)", tanh_half_argument, "expected"),
    ],
    "ch04.relu_grad": [
        ("1 at X == 0", relu_grad_at_zero_one, "left derivative"),
        ("autograd", relu_grad_autograd, "uses backward"),
    ],
    "ch04.sigmoid_grad": [
        ("exp(-x) / (1 + exp(-x))^2 overflows", sigmoid_grad_naive, "overflows"),
        ("s (1 + s)", sigmoid_grad_wrong, "expected"),
        ("torch.autograd.grad", sigmoid_grad_autograd, "uses grad"),
    ],
    "ch04.tanh_grad": [
        ("1 - tanh (no square)", tanh_grad_missing_square, "expected"),
        ("backward", tanh_grad_autograd, "uses backward"),
    ],
    "ch04.mlp_scratch": [
        ("no ReLU", MLPWithoutReLU, "expected"),
        ("weights as (out, in)", MLPTransposedWeights, "has shape"),
        ("nn.Linear layers", MLPWithLinear, "named"),
    ],
    "ch04.polynomial_features": [
        ("no 1/i!", polynomial_features_no_factorial, "divide the i-th power by i!"),
        ("powers 1..max_degree", polynomial_features_from_one, "start at x^0"),
    ],
    "ch04.evaluate_loss": [
        ("mean of the batch means", evaluate_loss_mean_of_batches, "not over batches"),
        ("no reshape of y", evaluate_loss_no_reshape, "reshape y"),
    ],
    "ch04.l2_penalty": [
        ("no 1/2", l2_penalty_no_half, "divide by 2"),
        ("the norm", l2_penalty_norm, "half its square"),
    ],
    "ch04.l1_penalty": [("sum(w) without abs", l1_penalty_no_abs, "expected")],
    "ch04.train_epoch_wd": [
        ("penalty added once to the summed loss", train_epoch_wd_penalty_once, "once per example"),
        ("penalises the bias too", train_epoch_wd_penalises_bias, "not the bias"),
        ("no penalty", train_epoch_wd_no_penalty, "without the penalty"),
    ],
    "ch04.dropout_layer": [
        ("no 1/(1-p) scaling", dropout_no_scaling, "X / (1 - p)"),
        ("keeps with probability p", dropout_keeps_with_probability_p, "dropped a fraction"),
        ("divides by 1 - p = 0", dropout_divides_by_zero, "with dropout 1"),
        ("drops the first p·n elements", dropout_first_elements, "spread at random"),
        ("F.dropout", dropout_builtin, "uses dropout"),
        ("detached output", dropout_detached_mask_output, "differentiable"),
    ],
    "ch04.dropout_mlp": [
        ("drops in eval mode too", DropoutAlways, "no unit is dropped"),
        ("never drops", DropoutNever, "the net without dropout"),
        ("dropout1 and dropout2 swapped", DropoutSwapped, "expected"),
        ("no 1/(1-p) scaling", DropoutWithoutScaling, "1 / (1 - p)"),
        ("the book's signature, is_training 5th", DropoutBookSignature, "positional arguments"),
    ],
    "ch04.manual_backprop": [
        ("sum instead of mean", manual_backprop_no_mean, "MEAN cross-entropy"),
        ("no penalty gradient", manual_backprop_no_penalty_grad, "gradient of the penalty"),
        ("multiplies by relu(z), not relu'(z)", manual_backprop_relu_instead_of_mask, "expected"),
        ("softmax without max shift", manual_backprop_naive_softmax, "subtract each row's maximum"),
        ("autograd", manual_backprop_autograd, "uses backward"),
    ],
    "ch04.xavier_uniform": [
        ("sqrt(3 / (fan_in + fan_out))", xavier_uniform_half_variance, "half"),
        ("no receptive field", xavier_uniform_no_receptive_field, "receptive field"),
        ("fan_in only", xavier_uniform_fan_in_only, "fan_in + fan_out"),
        ("normal draws", xavier_uniform_draws_normal, "not a normal one"),
        ("not in place", xavier_uniform_not_in_place, "in place"),
        ("ignores gain", xavier_uniform_ignores_gain, "multiply the scale by gain"),
    ],
    "ch04.xavier_normal": [
        ("uniform draws", xavier_normal_draws_uniform, "beyond 2 std"),
        ("the variance as std", xavier_normal_variance_as_std, "variance"),
        ("no receptive field", xavier_normal_no_receptive_field, "receptive field"),
    ],
    "ch04.preprocess": [
        ("no missing-value indicator", preprocess_no_dummy_na, "dummy_na=True"),
        ("fills NaN before standardising", preprocess_fill_before_standardising, "expected"),
        ("the book's dtypes != 'object' (pandas 3)", preprocess_book_object_test, "string dtype"),
        ("labels as a row", preprocess_row_labels, "(n_train, 1)"),
    ],
    "ch04.log_rmse": [
        ("no clamp", log_rmse_no_clamp, "clamp"),
        ("RMSE of prices", log_rmse_raw_prices, "expected"),
        ("no sqrt", log_rmse_no_sqrt, "expected"),
    ],
    "ch04.get_k_fold_data": [
        ("the leftover rows train", get_k_fold_data_keeps_leftover, "belong to no fold"),
        ("validation rows in training", get_k_fold_data_validation_in_training, "expected"),
    ],
    "ch04.k_fold": [
        ("one net for every fold", k_fold_one_net, "a NEW"),
        ("sums, not averages", k_fold_no_average, "divide the sums"),
        ("mean over epochs", k_fold_mean_over_epochs, "LAST epoch"),
    ],
}
