"""10.5 multi-head attention: wrong implementations, each rejected by its check."""

from torch import nn

from d2lkit.attention import DotProductAttention, transpose_output, transpose_qkv


def transpose_qkv_head_major(X, num_heads):
    """Puts the heads first: row h * b + i is example i's head h."""
    b, n, _ = X.shape
    return (
        X.reshape(b, n, num_heads, -1).permute(2, 0, 1, 3).reshape(-1, n, X.shape[2] // num_heads)
    )


def transpose_output_plain_reshape(X, num_heads):
    """Reshapes without permuting: heads and positions get mixed."""
    return X.reshape(X.shape[0] // num_heads, X.shape[1], -1)


class MultiHeadAttentionTiledLengths(nn.Module):
    """Tiles the valid lengths (`repeat`) where each example's must repeat in place."""

    def __init__(self, key_size, query_size, value_size, num_hiddens, num_heads, dropout, bias=False,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(self, queries, keys, values, valid_lens=None):
        q = transpose_qkv(self.W_q(queries), self.num_heads)
        k = transpose_qkv(self.W_k(keys), self.num_heads)
        v = transpose_qkv(self.W_v(values), self.num_heads)
        if valid_lens is not None:
            valid_lens = valid_lens.repeat(self.num_heads, *([1] * (valid_lens.dim() - 1)))
        output = self.attention(q, k, v, valid_lens)
        return self.W_o(transpose_output(output, self.num_heads))


MUTANTS = {
    "ch10.transpose_qkv": [
        ("head-major", transpose_qkv_head_major, "keep each example's heads together"),
    ],
    "ch10.transpose_output": [
        ("no permute", transpose_output_plain_reshape, "a plain reshape mixes heads"),
    ],
    "ch10.MultiHeadAttention": [
        ("tiled valid lengths", MultiHeadAttentionTiledLengths, "repeat_interleave"),
    ],
}
