"""torch's recurrent layers as oracles for the from-scratch recurrent models (8.5, 9.1-9.4), and
the small data the chapter 8-9 tests train on.

An `Oracle` runs a torch layer whose weights are *computed from* the scratch model's parameters
(transposed, concatenated in torch's gate order, torch's second bias set to zero) through
`torch.func.functional_call`. Both models then hang off the same leaves, so one upstream gradient
pulled back through each gives gradients that can be compared one for one, without a mapping back.

torch stores `weight_ih: (gates * hidden, input)`, the transpose of the book's `X @ W_x*`, and
orders the gates r, z, n for a GRU and i, f, g, o for an LSTM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.func import functional_call

from d2lkit.data import seq_data_iter_random, seq_data_iter_sequential
from d2lkit.text import Vocab

# (num_steps, batch_size, vocab_size, num_hiddens): one step, one sequence, the book's num_steps
SHAPES = [(1, 1, 3, 2), (5, 3, 7, 4), (35, 2, 28, 8)]


def _zeros_like_bias(b: Tensor) -> Tensor:
    return torch.zeros_like(b)


def rnn_weights(params, layer_names=("_l0",)):
    """`[W_xh, W_hh, b_h] * layers (+ [W_hq, b_q])` -> nn.RNN's weights, layer by layer."""
    weights = {}
    for i, suffix in enumerate(layer_names):
        W_xh, W_hh, b_h = params[3 * i : 3 * i + 3]
        weights[f"weight_ih{suffix}"] = W_xh.T
        weights[f"weight_hh{suffix}"] = W_hh.T
        weights[f"bias_ih{suffix}"] = b_h
        weights[f"bias_hh{suffix}"] = _zeros_like_bias(b_h)
    return weights


def gru_weights(params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h = params[:9]
    return {
        "weight_ih_l0": torch.cat((W_xr, W_xz, W_xh), dim=1).T,
        "weight_hh_l0": torch.cat((W_hr, W_hz, W_hh), dim=1).T,
        "bias_ih_l0": torch.cat((b_r, b_z, b_h)),
        "bias_hh_l0": torch.zeros(3 * b_h.shape[0], dtype=b_h.dtype),
    }


def lstm_weights(params):
    W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c = params[:12]
    return {
        "weight_ih_l0": torch.cat((W_xi, W_xf, W_xc, W_xo), dim=1).T,
        "weight_hh_l0": torch.cat((W_hi, W_hf, W_hc, W_ho), dim=1).T,
        "bias_ih_l0": torch.cat((b_i, b_f, b_c, b_o)),
        "bias_hh_l0": torch.zeros(4 * b_i.shape[0], dtype=b_i.dtype),
    }


@dataclass
class Oracle:
    """How to run the torch layer that a scratch model re-derives.

    `layer(vocab_size, num_hiddens)` builds it (its own weights are never used); `weights(params)`
    maps the scratch parameters to its weights; `to_torch(state)` and `from_torch(state)` convert
    between the scratch state tuple and torch's `h_0` / `(h_0, c_0)`.
    """

    layer: Callable[[int, int], nn.RNNBase]
    weights: Callable[[list[Tensor]], dict[str, Tensor]]
    to_torch: Callable[[tuple[Tensor, ...]], object]
    from_torch: Callable[[object], tuple[Tensor, ...]]

    def __call__(self, inputs: Tensor, state: tuple[Tensor, ...], params: list[Tensor]):
        """The scratch model's `(outputs, state)`, computed by torch."""
        vocab_size, num_hiddens = inputs.shape[-1], state[0].shape[-1]
        layer = self.layer(vocab_size, num_hiddens).to(inputs.dtype)
        Y, new_state = functional_call(layer, self.weights(params), (inputs, self.to_torch(state)))
        W_hq, b_q = params[-2:]
        return Y.reshape(-1, Y.shape[-1]) @ W_hq + b_q, self.from_torch(new_state)


def _stacked(state):
    return torch.stack(state)


def _unstacked(h_n):
    return tuple(h_n)


RNN = Oracle(lambda v, h: nn.RNN(v, h), rnn_weights, _stacked, _unstacked)
GRU = Oracle(lambda v, h: nn.GRU(v, h), gru_weights, _stacked, _unstacked)
LSTM = Oracle(
    lambda v, h: nn.LSTM(v, h),
    lstm_weights,
    lambda state: (state[0][None], state[1][None]),
    lambda hc: (hc[0][0], hc[1][0]),
)


def deep_rnn(num_layers: int) -> Oracle:
    return Oracle(
        lambda v, h: nn.RNN(v, h, num_layers=num_layers),
        lambda params: rnn_weights(params, [f"_l{i}" for i in range(num_layers)]),
        _stacked,
        _unstacked,
    )


BI_RNN = Oracle(
    lambda v, h: nn.RNN(v, h, bidirectional=True),
    lambda params: rnn_weights(params, ["_l0", "_l0_reverse"]),
    _stacked,
    _unstacked,
)


def random_params(get_params, vocab_size, num_hiddens, generator, scale=0.5):
    """float64 leaves of the shapes `get_params` makes, drawn large enough that the
    nonlinearities are far from linear (the book's 0.01 would hide a wrong gate)."""
    shapes = [p.shape for p in get_params(vocab_size, num_hiddens, "cpu")]
    return [
        (torch.randn(shape, dtype=torch.float64, generator=generator) * scale).requires_grad_()
        for shape in shapes
    ]


def random_state(init_state, batch_size, num_hiddens, generator):
    """float64 leaves of the shapes `init_state` makes, random rather than zero, so that the
    initial state's path through the model is tested too."""
    return [
        torch.randn(s.shape, dtype=torch.float64, generator=generator).requires_grad_()
        for s in init_state(batch_size, num_hiddens, "cpu")
    ]


def values_and_grads(fn, inputs, state, params, upstream, wrt=None):
    """`fn`'s outputs and final state, and the gradients that `upstream` (one tensor per output,
    then per state tensor) pulls back to `wrt` (default: inputs, state and params)."""
    outputs, new_state = fn(inputs, tuple(state), params)
    results = [outputs, *new_state]
    grads = torch.autograd.grad(results, wrt or [inputs, *state, *params], upstream)
    return results, grads


def assert_matches(fn, oracle, inputs, state, params, generator, wrt=None):
    """fn and the oracle agree on outputs, final states and every gradient."""
    ours_out, ours_state = fn(inputs, tuple(state), params)
    upstream = [
        torch.randn(t.shape, dtype=t.dtype, generator=generator) for t in (ours_out, *ours_state)
    ]
    got, got_grads = values_and_grads(fn, inputs, state, params, upstream, wrt)
    expected, expected_grads = values_and_grads(oracle, inputs, state, params, upstream, wrt)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        torch.testing.assert_close(g, e)
    for g, e in zip(got_grads, expected_grads):
        torch.testing.assert_close(g, e)


class Batches:
    """A re-iterable sampler over a fixed corpus, as SeqDataLoader is over the book's."""

    def __init__(self, corpus, batch_size, num_steps, random=False, seed=0):
        self.sampler = seq_data_iter_random if random else seq_data_iter_sequential
        self.args = (corpus, batch_size, num_steps)
        self.generator = torch.Generator().manual_seed(seed)

    def __iter__(self):
        return self.sampler(*self.args, generator=self.generator)


# a text that a small model learns in a few epochs
PERIODIC = Vocab(list("abcd"))
PERIODIC_CORPUS = PERIODIC[list("abcd" * 150)]
