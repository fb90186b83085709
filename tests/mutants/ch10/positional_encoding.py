"""10.6 positional encoding: wrong implementations, each rejected by its check."""

import torch
from torch import nn


class PositionalEncodingSwapped(nn.Module):
    """Cosine on the even columns, sine on the odd ones."""

    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        X = torch.arange(max_len, dtype=torch.float32).reshape(-1, 1) / torch.pow(
            10000, torch.arange(0, num_hiddens, 2, dtype=torch.float32) / num_hiddens
        )
        self.P = torch.zeros((1, max_len, num_hiddens))
        self.P[:, :, 0::2] = torch.cos(X)
        self.P[:, :, 1::2] = torch.sin(X)

    def forward(self, X):
        return self.dropout(X + self.P[:, : X.shape[1], :].to(X.dtype))


MUTANTS = {
    "ch10.PositionalEncoding": [
        ("sin and cos swapped", PositionalEncodingSwapped, "sine on the even columns"),
    ],
}
