"""9.1 GRU from scratch: wrong implementations, each rejected by its check."""

import torch

from ._rnn import gate, with_output


def get_gru_params_standard_normal(vocab_size, num_hiddens, device):
    layers = [p for _ in range(3) for p in gate(vocab_size, num_hiddens, device, scale=1.0)]
    return with_output(layers, num_hiddens, vocab_size, device, scale=1.0)


def get_gru_params_random_biases(vocab_size, num_hiddens, device):
    layers = [p for _ in range(3) for p in gate(vocab_size, num_hiddens, device, bias=True)]
    return with_output(layers, num_hiddens, vocab_size, device)


def init_gru_state_bare_tensor(batch_size, num_hiddens, device):
    return torch.zeros((batch_size, num_hiddens), device=device)


def _gru(inputs, state, params, reset_after=False, swap_update=False, detach=False):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    outputs = []
    for X in inputs:
        Z = torch.sigmoid(X @ W_xz + H @ W_hz + b_z)
        R = torch.sigmoid(X @ W_xr + H @ W_hr + b_r)
        recurrent = R * (H @ W_hh) if reset_after else (R * H) @ W_hh
        H_tilde = torch.tanh(X @ W_xh + recurrent + b_h)
        H = (1 - Z) * H + Z * H_tilde if swap_update else Z * H + (1 - Z) * H_tilde
        outputs.append(H @ W_hq + b_q)
        if detach:
            H = H.detach()
    return torch.cat(outputs, dim=0), (H,)


def gru_reset_after_the_product(inputs, state, params):
    return _gru(inputs, state, params, reset_after=True)


def gru_swapped_update(inputs, state, params):
    return _gru(inputs, state, params, swap_update=True)


def gru_detaches_the_state(inputs, state, params):
    return _gru(inputs, state, params, detach=True)


def gru_builtin_cell(inputs, state, params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    w_ih = torch.cat((W_xr, W_xz, W_xh), dim=1).T
    w_hh = torch.cat((W_hr, W_hz, W_hh), dim=1).T
    b_ih, b_hh = torch.cat((b_r, b_z, b_h)), torch.zeros(3 * H.shape[1], dtype=H.dtype)
    outputs = []
    for X in inputs:
        H = torch.gru_cell(X, H, w_ih, w_hh, b_ih, b_hh)
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), (H,)


MUTANTS = {
    "ch09.get_gru_params": [
        ("standard normal weights", get_gru_params_standard_normal, "N(0, 0.01^2)"),
        ("random biases", get_gru_params_random_biases, "b_z should start at zeros"),
    ],
    "ch09.init_gru_state": [
        ("a bare tensor", init_gru_state_bare_tensor, "return a tuple of tensors"),
    ],
    "ch09.gru": [
        ("reset after the product", gru_reset_after_the_product, "(R * H) @ W_hh"),
        ("update gate swapped", gru_swapped_update, "H = Z * H + (1 - Z) * H_tilde"),
        ("detaches the state each step", gru_detaches_the_state, "gradient of inputs"),
        ("torch.gru_cell", gru_builtin_cell, "uses gru_cell"),
    ],
}
