"""9.1-9.4 modern recurrent networks from scratch: GRU, LSTM, a deep RNN and a bidirectional RNN.

Each model is three functions that plug into `d2lkit.rnn.RNNModelScratch`: its parameters
`get_*_params(vocab_size, num_hiddens, device)`, its initial state `init_*_state(batch_size,
num_hiddens, device)` and its forward pass `f(inputs, state, params)`, where inputs are one-hot
`(num_steps, batch_size, vocab_size)` and the outputs `(num_steps * batch_size, vocab_size)`
logits, as for `d2lkit.rnn.rnn`.

The book names the GRU's parameter function `get_params`, like the plain RNN's in 8.5; here it is
`get_gru_params`, so both can be imported side by side. The deep RNN (9.3) and the bidirectional
RNN (9.4) are the sections' exercises done from scratch, on tanh layers like 8.5's.

In every forward pass the input terms `X W_x* + b_*` do not depend on the state, so they are
computed for all steps in one product per gate before the loop over time.
"""

from __future__ import annotations

import torch
from torch import Tensor

from d2lkit.rnn import Device, Params, tanh_recurrence

__all__ = [
    "bi_rnn",
    "deep_rnn",
    "get_bi_rnn_params",
    "get_deep_rnn_params",
    "get_gru_params",
    "get_lstm_params",
    "gru",
    "init_bi_rnn_state",
    "init_deep_rnn_state",
    "init_gru_state",
    "init_lstm_state",
    "lstm",
]


def _normal(shape: tuple[int, ...], device: Device) -> Tensor:
    return torch.randn(size=shape, device=device) * 0.01


def _gate(num_inputs: int, num_hiddens: int, device: Device) -> list[Tensor]:
    """`[W_x: (num_inputs, num_hiddens), W_h: (num_hiddens, num_hiddens), b: (num_hiddens,)]`."""
    return [
        _normal((num_inputs, num_hiddens), device),
        _normal((num_hiddens, num_hiddens), device),
        torch.zeros(num_hiddens, device=device),
    ]


def _with_output(
    layers: list[Tensor], num_hiddens: int, vocab_size: int, device: Device
) -> list[Tensor]:
    params = [
        *layers,
        _normal((num_hiddens, vocab_size), device),
        torch.zeros(vocab_size, device=device),
    ]
    for param in params:
        param.requires_grad_(True)
    return params


def _input_terms(inputs: Tensor, W_x: Tensor, b: Tensor) -> Tensor:
    """`inputs: (num_steps, batch_size, d) -> X W_x + b: (num_steps, batch_size, num_hiddens)`."""
    num_steps, batch_size, _ = inputs.shape
    return torch.addmm(b, inputs.reshape(num_steps * batch_size, -1), W_x).reshape(
        num_steps, batch_size, -1
    )


def _steps(inputs: Tensor, W_x: Tensor, b: Tensor) -> tuple[Tensor, ...]:
    """The input terms of each step, `X_t W_x + b`, for a loop over time.

    unbind rather than indexing step t in the loop: the gradient of `terms[t]` would be a zero
    tensor of all steps' size with one step filled in, for every step; unbind's gathers them in one.
    """
    return _input_terms(inputs, W_x, b).unbind(0)


def _output(Hs: Tensor, W_hq: Tensor, b_q: Tensor) -> Tensor:
    """Hidden states `(num_steps, batch_size, h)` -> logits `(num_steps * batch_size, q)`."""
    return torch.addmm(b_q, Hs.reshape(-1, Hs.shape[-1]), W_hq)


# ---------------------------------------------------------------- 9.1 GRU
def get_gru_params(vocab_size: int, num_hiddens: int, device: Device) -> list[Tensor]:
    """The GRU's parameters (the book's `get_params` of 9.1), requiring gradients:
    `[W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q]`: update gate, reset gate,
    candidate state, output layer. W_x*: (vocab_size, num_hiddens), W_h*: (num_hiddens,
    num_hiddens), W_hq: (num_hiddens, vocab_size), weights from N(0, 0.01^2), biases zero.
    """
    layers = [p for _ in range(3) for p in _gate(vocab_size, num_hiddens, device)]
    return _with_output(layers, num_hiddens, vocab_size, device)


def init_gru_state(batch_size: int, num_hiddens: int, device: Device) -> tuple[Tensor]:
    """`(H,)`, H: (batch_size, num_hiddens) zeros."""
    return (torch.zeros((batch_size, num_hiddens), device=device),)


def gru(inputs: Tensor, state: tuple[Tensor], params: Params) -> tuple[Tensor, tuple[Tensor]]:
    """The GRU: `Z = sigmoid(X W_xz + H W_hz + b_z)`, `R = sigmoid(X W_xr + H W_hr + b_r)`,
    `H~ = tanh(X W_xh + (R * H) W_hh + b_h)`, `H = Z * H + (1 - Z) * H~`.

    The reset gate scales H before the product with W_hh, as in the book (and Cho et al. 2014);
    torch's `nn.GRU` scales the product instead, `R * (H W_hh + b_hh)`, so the two agree only
    when W_hh is diagonal.
    inputs: (num_steps, batch_size, vocab_size); state `(H,)` -> (outputs, `(H,)`).
    """
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    XZ, XR, XH = _steps(inputs, W_xz, b_z), _steps(inputs, W_xr, b_r), _steps(inputs, W_xh, b_h)
    Hs = []
    for t in range(inputs.shape[0]):
        Z = torch.sigmoid(XZ[t] + H @ W_hz)
        R = torch.sigmoid(XR[t] + H @ W_hr)
        H_tilde = torch.tanh(XH[t] + (R * H) @ W_hh)
        H = Z * H + (1 - Z) * H_tilde
        Hs.append(H)
    return _output(torch.stack(Hs), W_hq, b_q), (H,)


# ---------------------------------------------------------------- 9.2 LSTM
def get_lstm_params(vocab_size: int, num_hiddens: int, device: Device) -> list[Tensor]:
    """The LSTM's parameters, requiring gradients:
    `[W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q]`: input,
    forget and output gates, candidate memory, output layer; shapes and initialisation as for
    `get_gru_params`.
    """
    layers = [p for _ in range(4) for p in _gate(vocab_size, num_hiddens, device)]
    return _with_output(layers, num_hiddens, vocab_size, device)


def init_lstm_state(batch_size: int, num_hiddens: int, device: Device) -> tuple[Tensor, Tensor]:
    """`(H, C)`, both (batch_size, num_hiddens) zeros: the hidden state and the memory cell."""
    return (
        torch.zeros((batch_size, num_hiddens), device=device),
        torch.zeros((batch_size, num_hiddens), device=device),
    )


def lstm(
    inputs: Tensor, state: tuple[Tensor, Tensor], params: Params
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """The LSTM: gates `I, F, O = sigmoid(X W_x* + H W_h* + b_*)`, candidate
    `C~ = tanh(X W_xc + H W_hc + b_c)`, memory `C = F * C + I * C~`, hidden `H = O * tanh(C)`.

    inputs: (num_steps, batch_size, vocab_size); state `(H, C)` -> (outputs, `(H, C)`).
    """
    W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q = params
    H, C = state
    XI, XF = _steps(inputs, W_xi, b_i), _steps(inputs, W_xf, b_f)
    XO, XC = _steps(inputs, W_xo, b_o), _steps(inputs, W_xc, b_c)
    Hs = []
    for t in range(inputs.shape[0]):
        I = torch.sigmoid(XI[t] + H @ W_hi)
        F = torch.sigmoid(XF[t] + H @ W_hf)
        O = torch.sigmoid(XO[t] + H @ W_ho)
        C_tilde = torch.tanh(XC[t] + H @ W_hc)
        C = F * C + I * C_tilde
        H = O * torch.tanh(C)
        Hs.append(H)
    return _output(torch.stack(Hs), W_hq, b_q), (H, C)


# ---------------------------------------------------------------- 9.3 deep RNN
def get_deep_rnn_params(
    vocab_size: int, num_hiddens: int, device: Device, num_layers: int = 2
) -> list[Tensor]:
    """A stack of tanh RNN layers: `[W_xh, W_hh, b_h]` for each layer, bottom first, then
    `[W_hq, b_q]`. The bottom layer reads the one-hot tokens (W_xh: (vocab_size, num_hiddens)),
    each layer above the hidden states of the one below (W_xh: (num_hiddens, num_hiddens)).
    For other than two layers, pass `functools.partial(get_deep_rnn_params, num_layers=L)` to
    `RNNModelScratch` (and the same to `init_deep_rnn_state`).
    """
    layers = [
        p
        for layer in range(num_layers)
        for p in _gate(vocab_size if layer == 0 else num_hiddens, num_hiddens, device)
    ]
    return _with_output(layers, num_hiddens, vocab_size, device)


def init_deep_rnn_state(
    batch_size: int, num_hiddens: int, device: Device, num_layers: int = 2
) -> tuple[Tensor, ...]:
    """One zero state (batch_size, num_hiddens) per layer, bottom first."""
    return tuple(torch.zeros((batch_size, num_hiddens), device=device) for _ in range(num_layers))


def deep_rnn(
    inputs: Tensor, state: tuple[Tensor, ...], params: Params
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """A deep RNN: layer l's states `H^l_t = tanh(H^(l-1)_t W_xh^l + H^l_(t-1) W_hh^l + b_h^l)`,
    with `H^0_t` the input tokens; the output layer reads the top layer.

    The number of layers is read from params (3 per layer, plus 2). Each layer runs over all
    steps before the next starts, which computes the same states as going step by step.
    inputs: (num_steps, batch_size, vocab_size); state: one H per layer -> (outputs, new states).
    """
    num_layers = (len(params) - 2) // 3
    X, new_state = inputs, []
    for layer in range(num_layers):
        W_xh, W_hh, b_h = params[3 * layer : 3 * layer + 3]
        X = tanh_recurrence(_input_terms(X, W_xh, b_h), state[layer], W_hh)
        new_state.append(X[-1].clone())
    W_hq, b_q = params[-2:]
    return _output(X, W_hq, b_q), tuple(new_state)


# ---------------------------------------------------------------- 9.4 bidirectional RNN
def get_bi_rnn_params(vocab_size: int, num_hiddens: int, device: Device) -> list[Tensor]:
    """`[W_xh, W_hh, b_h]` of the forward direction, the same of the backward direction, then
    `W_hq: (2 * num_hiddens, vocab_size)` and `b_q`: the output layer reads both directions."""
    layers = _gate(vocab_size, num_hiddens, device) + _gate(vocab_size, num_hiddens, device)
    return _with_output(layers, 2 * num_hiddens, vocab_size, device)


def init_bi_rnn_state(batch_size: int, num_hiddens: int, device: Device) -> tuple[Tensor, Tensor]:
    """`(H_forward, H_backward)`, both (batch_size, num_hiddens) zeros."""
    return (
        torch.zeros((batch_size, num_hiddens), device=device),
        torch.zeros((batch_size, num_hiddens), device=device),
    )


def bi_rnn(
    inputs: Tensor, state: tuple[Tensor, Tensor], params: Params
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """A bidirectional RNN: one tanh layer reads the steps first to last, another last to first,
    and step t's output is computed from their two states at t concatenated, `[H_fwd_t, H_bwd_t]`
    of width 2 * num_hiddens.

    inputs: (num_steps, batch_size, vocab_size); state `(H_forward, H_backward)` -> (outputs,
    `(H_forward after the last step, H_backward after the first step)`), the final states of
    each direction, as `nn.RNN(bidirectional=True)` returns them in `h_n`.
    """
    W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b, W_hq, b_q = params
    H_f, H_b = state
    Hs_f = tanh_recurrence(_input_terms(inputs, W_xh_f, b_h_f), H_f, W_hh_f)
    Hs_b = tanh_recurrence(_input_terms(inputs, W_xh_b, b_h_b).flip(0), H_b, W_hh_b).flip(0)
    outputs = _output(torch.cat((Hs_f, Hs_b), dim=2), W_hq, b_q)
    return outputs, (Hs_f[-1].clone(), Hs_b[0].clone())
