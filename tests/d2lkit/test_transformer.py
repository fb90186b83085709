"""10.7 against torch: `PositionWiseFFN` and `AddNorm` against Linear and LayerNorm compositions,
`EncoderBlock` against `nn.TransformerEncoderLayer` (post-norm, ReLU) with mapped weights, the
book's shape checks, and the decoder's key-value cache: token by token in eval mode gives what
the whole target gives at once in training mode (without dropout)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from d2lkit.transformer import (
    AddNorm,
    DecoderBlock,
    EncoderBlock,
    PositionWiseFFN,
    TransformerDecoder,
    TransformerEncoder,
)
from tests.helpers import assert_same_values_and_grads

torch.set_num_threads(1)


def test_position_wise_ffn_is_linear_relu_linear():
    ffn = PositionWiseFFN(4, 4, 8).double()
    X = torch.randn(2, 3, 4, dtype=torch.float64)

    def reference(X):
        hidden = F.relu(F.linear(X, ffn.dense1.weight, ffn.dense1.bias))
        return F.linear(hidden, ffn.dense2.weight, ffn.dense2.bias)

    assert_same_values_and_grads(ffn, reference, X)
    assert ffn(torch.ones((2, 3, 4), dtype=torch.float64)).shape == (2, 3, 8)


def test_add_norm_is_layer_norm_of_the_sum():
    add_norm = AddNorm([3, 4], dropout=0.5)
    add_norm.eval()
    norm = nn.LayerNorm([3, 4])
    X, Y = torch.randn(2, 3, 4), torch.randn(2, 3, 4)
    assert_same_values_and_grads(add_norm, lambda X, Y: norm(X + Y), X, Y)


def test_add_norm_book_demo_shape():
    add_norm = AddNorm([3, 4], 0.5)
    add_norm.eval()
    assert add_norm(torch.ones((2, 3, 4)), torch.ones((2, 3, 4))).shape == (2, 3, 4)


def test_layer_norm_and_batch_norm_book_demo():
    X = torch.tensor([[1, 2], [2, 3]], dtype=torch.float32)
    ln, bn = nn.LayerNorm(2), nn.BatchNorm1d(2)
    torch.testing.assert_close(ln(X), torch.tensor([[-1.0, 1.0], [-1.0, 1.0]]), atol=1e-4, rtol=0)
    torch.testing.assert_close(bn(X), torch.tensor([[-1.0, -1.0], [1.0, 1.0]]), atol=1e-4, rtol=0)


def test_encoder_block_book_shape():
    X, valid_lens = torch.ones((2, 100, 24)), torch.tensor([3, 2])
    block = EncoderBlock(24, 24, 24, 24, [100, 24], 24, 48, 8, 0.5)
    block.eval()
    assert block(X, valid_lens).shape == (2, 100, 24)


@pytest.mark.parametrize("use_bias", [True, False])
def test_encoder_block_matches_nn_transformer_encoder_layer(use_bias):
    d, heads, ffn = 12, 3, 20
    ours = EncoderBlock(d, d, d, d, [d], d, ffn, heads, 0.0, use_bias).double()
    theirs = nn.TransformerEncoderLayer(
        d, heads, ffn, dropout=0.0, batch_first=True, norm_first=False
    ).double()
    attention = ours.attention
    with torch.no_grad():
        theirs.self_attn.in_proj_weight.copy_(
            torch.cat([attention.W_q.weight, attention.W_k.weight, attention.W_v.weight])
        )
        theirs.self_attn.out_proj.weight.copy_(attention.W_o.weight)
        if use_bias:
            theirs.self_attn.in_proj_bias.copy_(
                torch.cat([attention.W_q.bias, attention.W_k.bias, attention.W_v.bias])
            )
            theirs.self_attn.out_proj.bias.copy_(attention.W_o.bias)
        else:
            theirs.self_attn.in_proj_bias.zero_()
            theirs.self_attn.out_proj.bias.zero_()
        for mine, torch_layer in (
            (ours.ffn.dense1, theirs.linear1), (ours.ffn.dense2, theirs.linear2),
            (ours.addnorm1.ln, theirs.norm1), (ours.addnorm2.ln, theirs.norm2),
        ):  # fmt: skip
            torch_layer.weight.copy_(mine.weight)
            torch_layer.bias.copy_(mine.bias)
    valid_lens = torch.tensor([4, 2])
    padding = torch.arange(5)[None, :] >= valid_lens[:, None]
    X = torch.randn(2, 5, d, dtype=torch.float64)
    assert_same_values_and_grads(
        lambda X: ours(X, valid_lens), lambda X: theirs(X, src_key_padding_mask=padding), X
    )


def _transformer(num_layers=2, dropout=0.0):
    sizes = (16, 16, 16, 16, [16], 16, 32, 4, num_layers, dropout)
    torch.manual_seed(1)
    return TransformerEncoder(20, *sizes), TransformerDecoder(18, *sizes)


def test_transformer_encoder_book_shape_and_weights():
    encoder = TransformerEncoder(200, 24, 24, 24, 24, [100, 24], 24, 48, 8, 2, 0.5)
    encoder.eval()
    out = encoder(torch.ones((2, 100), dtype=torch.long), torch.tensor([3, 2]))
    assert out.shape == (2, 100, 24)
    assert [w.shape for w in encoder.attention_weights] == [(16, 100, 100)] * 2


def test_decoder_block_book_shape_and_cache():
    # the book's norm_shape [100, 24] fixes the length; [24] lets the cache grow by one step
    block = DecoderBlock(24, 24, 24, 24, [24], 24, 48, 8, 0.5, 0)
    block.eval()
    X, valid_lens = torch.ones((2, 100, 24)), torch.tensor([3, 2])
    state = [torch.ones((2, 100, 24)), valid_lens, [None]]
    out, state = block(X, state)
    assert out.shape == (2, 100, 24) and state[2][0] is X
    _, state = block(X[:, :1], state)
    assert state[2][0].shape == (2, 101, 24)


def test_transformer_decoder_token_by_token_equals_the_whole_target():
    encoder, decoder = _transformer()
    src, valid_lens = torch.randint(0, 20, (3, 6)), torch.tensor([6, 2, 4])
    tgt = torch.randint(0, 18, (3, 5))
    enc_outputs = encoder(src, valid_lens)
    # training mode: the causal mask; no dropout, so it computes what prediction computes
    whole, _ = decoder(tgt, decoder.init_state(enc_outputs, valid_lens))
    decoder.eval()
    state, steps = decoder.init_state(enc_outputs, valid_lens), []
    for t in range(5):
        out, state = decoder(tgt[:, t : t + 1], state)
        steps.append(out)
    torch.testing.assert_close(torch.cat(steps, dim=1), whole, rtol=1e-5, atol=1e-5)
    self_weights, cross_weights = decoder.attention_weights
    assert self_weights[0].shape == (12, 1, 5) and cross_weights[1].shape == (12, 1, 6)


def test_transformer_decoder_book_attention_shapes():
    encoder, decoder = _transformer()
    encoder.eval(), decoder.eval()
    X = torch.ones((2, 10), dtype=torch.long)
    state = decoder.init_state(encoder(X, torch.tensor([3, 4])), torch.tensor([3, 4]))
    out, state = decoder(torch.ones((2, 6), dtype=torch.long), state)
    assert out.shape == (2, 6, 18) and len(state[2]) == 2
    assert [w.shape for w in encoder.attention_weights] == [(8, 10, 10)] * 2
    assert [w.shape for w in decoder.attention_weights[1]] == [(8, 6, 10)] * 2
