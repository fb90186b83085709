"""4.2 the MLP from scratch: wrong implementations, each rejected by its check."""

import torch
from torch import nn


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


MUTANTS = {
    "ch04.mlp_scratch": [
        ("no ReLU", MLPWithoutReLU, "output[0, 0]: expected"),
        ("weights as (out, in)", MLPTransposedWeights, "has shape"),
        ("nn.Linear layers", MLPWithLinear, "named"),
    ],
}
