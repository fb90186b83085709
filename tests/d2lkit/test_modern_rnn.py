"""9.1-9.4: GRU, LSTM, deep and bidirectional RNNs from scratch against torch's layers, values
and gradients, with the weights mapped in torch's gate order (see `recurrent_oracles`)."""

from __future__ import annotations

import functools

import pytest
import torch
from torch import nn

from d2lkit.modern_rnn import (
    bi_rnn,
    deep_rnn,
    get_bi_rnn_params,
    get_deep_rnn_params,
    get_gru_params,
    get_lstm_params,
    gru,
    init_bi_rnn_state,
    init_deep_rnn_state,
    init_gru_state,
    init_lstm_state,
    lstm,
)
from d2lkit.rnn import RNNModelScratch, train_ch8
from tests.d2lkit import recurrent_oracles as oracles
from tests.d2lkit.recurrent_oracles import PERIODIC, PERIODIC_CORPUS, SHAPES, Batches

torch.set_num_threads(1)

# name: (get_params, init_state, forward_fn, oracle)
MODELS = {
    "lstm": (get_lstm_params, init_lstm_state, lstm, oracles.LSTM),
    "deep rnn, 2 layers": (get_deep_rnn_params, init_deep_rnn_state, deep_rnn,
                           oracles.deep_rnn(2)),
    "deep rnn, 3 layers": (functools.partial(get_deep_rnn_params, num_layers=3),
                           functools.partial(init_deep_rnn_state, num_layers=3), deep_rnn,
                           oracles.deep_rnn(3)),
    "bidirectional rnn": (get_bi_rnn_params, init_bi_rnn_state, bi_rnn, oracles.BI_RNN),
}  # fmt: skip


def _case(get_params, init_state, shape, seed):
    num_steps, batch_size, vocab_size, num_hiddens = shape
    g = torch.Generator().manual_seed(seed)
    params = oracles.random_params(get_params, vocab_size, num_hiddens, g)
    state = oracles.random_state(init_state, batch_size, num_hiddens, g)
    inputs = torch.randn(num_steps, batch_size, vocab_size, dtype=torch.float64, generator=g)
    return inputs.requires_grad_(), state, params, g


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", MODELS)
def test_matches_torch_layer(name, shape):
    get_params, init_state, forward_fn, oracle = MODELS[name]
    inputs, state, params, g = _case(get_params, init_state, shape, seed=len(name))
    oracles.assert_matches(forward_fn, oracle, inputs, state, params, g)


# ---------------------------------------------------------------- 9.1 GRU
def _gru_with_diagonal_W_hh(shape, seed):
    """A GRU case whose candidate's W_hh is `diag(d)`, with d a leaf."""
    inputs, state, params, g = _case(get_gru_params, init_gru_state, shape, seed)
    d = torch.randn(shape[-1], dtype=torch.float64, generator=g).requires_grad_()
    params[7] = torch.diag(d)
    return inputs, state, params, g, d


@pytest.mark.parametrize("shape", SHAPES)
def test_gru_matches_nn_gru_when_W_hh_is_diagonal(shape):
    # The book's candidate state resets H before the product, tanh(X W_xh + (R * H) W_hh + b_h);
    # torch resets the product, tanh(X W_in + b_in + R * (H W_hn + b_hn)). With b_hn = 0 the two
    # are equal exactly when W_hh is diagonal, which leaves every other weight general.
    inputs, state, params, g, d = _gru_with_diagonal_W_hh(shape, seed=shape[0])
    wrt = [inputs, *state, *params[:7], d, *params[8:]]
    oracles.assert_matches(gru, oracles.GRU, inputs, state, params, g, wrt)


def test_gru_resets_before_the_product_unlike_nn_gru():
    inputs, state, params, _ = _case(get_gru_params, init_gru_state, (3, 2, 5, 4), seed=0)
    ours, _ = gru(inputs, tuple(state), params)
    torchs, _ = oracles.GRU(inputs, tuple(state), params)
    assert not torch.allclose(ours, torchs, atol=1e-3)


def test_gru_follows_the_book_equations_one_step():
    inputs, (H,), params, _ = _case(get_gru_params, init_gru_state, (1, 3, 5, 4), seed=1)
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    X = inputs[0]
    Z = torch.sigmoid(X @ W_xz + H @ W_hz + b_z)
    R = torch.sigmoid(X @ W_xr + H @ W_hr + b_r)
    H_tilde = torch.tanh(X @ W_xh + (R * H) @ W_hh + b_h)
    H_new = Z * H + (1 - Z) * H_tilde
    outputs, (H_out,) = gru(inputs, (H,), params)
    torch.testing.assert_close(H_out, H_new)
    torch.testing.assert_close(outputs, H_new @ W_hq + b_q)


# ---------------------------------------------------------------- parameters and states
@pytest.mark.parametrize(
    ("get_params", "init_state", "num_weights", "num_states"),
    [(get_gru_params, init_gru_state, 11, 1), (get_lstm_params, init_lstm_state, 14, 2),
     (get_deep_rnn_params, init_deep_rnn_state, 8, 2), (get_bi_rnn_params, init_bi_rnn_state, 8, 2)],
)  # fmt: skip
def test_params_and_states(get_params, init_state, num_weights, num_states):
    torch.manual_seed(0)
    params = get_params(28, 64, "cpu")
    assert len(params) == num_weights and all(p.requires_grad and p.is_leaf for p in params)
    assert params[-1].shape == (28,) and params[-2].shape[1] == 28
    matrices = [p for p in params if p.dim() == 2]
    assert all(0.008 < p.std().item() < 0.012 for p in matrices)
    assert not any(p.any() for p in params if p.dim() == 1)
    state = init_state(5, 64, "cpu")
    assert isinstance(state, tuple) and len(state) == num_states
    assert all(s.shape == (5, 64) and not s.any() for s in state)


def test_bidirectional_output_layer_reads_both_directions():
    params = get_bi_rnn_params(28, 16, "cpu")
    assert params[-2].shape == (32, 28)
    first_layer = get_deep_rnn_params(28, 16, "cpu", num_layers=3)
    assert [p.shape[0] for p in first_layer[0:9:3]] == [28, 16, 16]


# ---------------------------------------------------------------- in RNNModelScratch
@pytest.mark.parametrize(
    ("get_params", "init_state", "forward_fn"),
    [(get_gru_params, init_gru_state, gru), (get_lstm_params, init_lstm_state, lstm),
     (get_deep_rnn_params, init_deep_rnn_state, deep_rnn),
     (get_bi_rnn_params, init_bi_rnn_state, bi_rnn)],
)  # fmt: skip
def test_plugs_into_rnn_model_scratch_and_learns(get_params, init_state, forward_fn):
    torch.manual_seed(0)
    net = RNNModelScratch(len(PERIODIC), 16, "cpu", get_params, init_state, forward_fn)
    X = torch.randint(0, len(PERIODIC), (3, 7))
    Y, state = net(X, net.begin_state(batch_size=3, device="cpu"))
    assert Y.shape == (7 * 3, len(PERIODIC)) and all(s.shape == (3, 16) for s in state)
    history = train_ch8(net, Batches(PERIODIC_CORPUS, 8, 6), PERIODIC, 4, 6, "cpu")
    assert history["perplexity"][-1] < 0.75 * history["perplexity"][0]


def test_nn_lstm_gate_order_is_i_f_g_o():
    # the mapping the oracle relies on: torch documents its LSTM weights as (W_ii|W_if|W_ig|W_io)
    layer = nn.LSTM(3, 2)
    with torch.no_grad():
        layer.weight_ih_l0.zero_()
        layer.weight_hh_l0.zero_()
        layer.bias_hh_l0.zero_()
        layer.bias_ih_l0.copy_(torch.tensor([9.0, 9, -9, -9, 0.5, 0.5, 9, 9]))
    _, (h, c) = layer(torch.zeros(1, 1, 3))
    # i = 1, f = 0, g = tanh(0.5), o = 1: c = tanh(0.5), h = tanh(c)
    torch.testing.assert_close(c, torch.full((1, 1, 2), 0.5).tanh(), atol=1e-3, rtol=0)
    torch.testing.assert_close(h, c.tanh(), atol=1e-3, rtol=0)
