"""10.3 scoring functions: wrong implementations, each rejected by its check."""

import torch
from torch import nn


def _mask(X, valid_lens, value):
    shape = X.shape
    lens = (
        torch.repeat_interleave(valid_lens, shape[1])
        if valid_lens.dim() == 1
        else valid_lens.reshape(-1)
    )
    X = X.reshape(-1, shape[-1])
    keep = torch.arange(shape[-1])[None, :] < lens[:, None]
    return torch.where(keep, X, torch.tensor(value, dtype=X.dtype)).reshape(shape)


def masked_softmax_zero_fill(X, valid_lens):
    """Sets the masked scores to 0: they still get exp(0) of the weight."""
    if valid_lens is None:
        return torch.softmax(X, dim=-1)
    return torch.softmax(_mask(X, valid_lens, 0.0), dim=-1)


def masked_softmax_first_length_only(X, valid_lens):
    """Treats 2-D lengths as one length per example: the first query's."""
    if valid_lens is None:
        return torch.softmax(X, dim=-1)
    if valid_lens.dim() == 2:
        valid_lens = valid_lens[:, 0]
    return torch.softmax(_mask(X, valid_lens, -1e6), dim=-1)


def _masked_softmax(X, valid_lens):
    if valid_lens is None:
        return torch.softmax(X, dim=-1)
    return torch.softmax(_mask(X, valid_lens, -1e6), dim=-1)


class AdditiveAttentionNoTanh(nn.Module):
    """Leaves out the tanh: the score is linear in the query and the key."""

    def __init__(self, key_size, query_size, num_hiddens, dropout, **kwargs):
        super().__init__(**kwargs)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        features = self.W_q(queries).unsqueeze(2) + self.W_k(keys).unsqueeze(1)
        self.attention_weights = _masked_softmax(self.w_v(features).squeeze(-1), valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class DotProductAttentionUnscaled(nn.Module):
    """Forgets to divide by sqrt(d)."""

    def __init__(self, dropout, **kwargs):
        super().__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        scores = torch.bmm(queries, keys.transpose(1, 2))
        self.attention_weights = _masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class DotProductAttentionByD(DotProductAttentionUnscaled):
    """Divides by d instead of sqrt(d)."""

    def forward(self, queries, keys, values, valid_lens=None):
        scores = torch.bmm(queries, keys.transpose(1, 2)) / queries.shape[-1]
        self.attention_weights = _masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


MUTANTS = {
    "ch10.masked_softmax": [
        ("masked scores set to 0", masked_softmax_zero_fill, "not 0"),
        ("2-D lengths read as 1-D", masked_softmax_first_length_only, "reshape(-1)"),
    ],
    "ch10.AdditiveAttention": [
        ("no tanh", AdditiveAttentionNoTanh, "through tanh"),
    ],
    "ch10.DotProductAttention": [
        ("no scaling", DotProductAttentionUnscaled, "divide the scores by sqrt(d)"),
        ("divided by d", DotProductAttentionByD, "not by d"),
    ],
}
