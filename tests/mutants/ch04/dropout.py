"""4.6 dropout: wrong implementations, each rejected by its check."""

import torch
from torch import nn


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


MUTANTS = {
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
        ("dropout1 and dropout2 swapped", DropoutSwapped, "output[0, 0]: expected"),
        ("no 1/(1-p) scaling", DropoutWithoutScaling, "1 / (1 - p)"),
        ("the book's signature, is_training 5th", DropoutBookSignature, "positional arguments"),
    ],
}
