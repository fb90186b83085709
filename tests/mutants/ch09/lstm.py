"""9.2 LSTM from scratch: wrong implementations, each rejected by its check."""

import torch

from ._rnn import gate, with_output


def get_lstm_params_without_b_q(vocab_size, num_hiddens, device):
    layers = [p for _ in range(4) for p in gate(vocab_size, num_hiddens, device)]
    return with_output(layers, num_hiddens, vocab_size, device)[:-1]


def init_lstm_state_hidden_only(batch_size, num_hiddens, device):
    return (torch.zeros((batch_size, num_hiddens), device=device),)


def _lstm(inputs, state, params, tanh_memory=True, swap_forget=False, memory_first=False):
    W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q = params
    H, C = state
    outputs = []
    for X in inputs:
        I = torch.sigmoid(X @ W_xi + H @ W_hi + b_i)
        F = torch.sigmoid(X @ W_xf + H @ W_hf + b_f)
        O = torch.sigmoid(X @ W_xo + H @ W_ho + b_o)
        C_tilde = torch.tanh(X @ W_xc + H @ W_hc + b_c)
        C = I * C + F * C_tilde if swap_forget else F * C + I * C_tilde
        H = O * (torch.tanh(C) if tanh_memory else C)
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), ((C, H) if memory_first else (H, C))


def lstm_without_tanh_of_memory(inputs, state, params):
    return _lstm(inputs, state, params, tanh_memory=False)


def lstm_forget_and_input_swapped(inputs, state, params):
    return _lstm(inputs, state, params, swap_forget=True)


def lstm_returns_memory_first(inputs, state, params):
    return _lstm(inputs, state, params, memory_first=True)


def lstm_builtin_cell(inputs, state, params):
    W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q = params
    H, C = state
    w_ih = torch.cat((W_xi, W_xf, W_xc, W_xo), dim=1).T
    w_hh = torch.cat((W_hi, W_hf, W_hc, W_ho), dim=1).T
    b_ih = torch.cat((b_i, b_f, b_c, b_o))
    outputs = []
    for X in inputs:
        H, C = torch.lstm_cell(X, (H, C), w_ih, w_hh, b_ih, torch.zeros_like(b_ih))
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), (H, C)


MUTANTS = {
    "ch09.get_lstm_params": [
        ("no b_q", get_lstm_params_without_b_q, "return the list [W_xi"),
    ],
    "ch09.init_lstm_state": [
        ("H only", init_lstm_state_hidden_only, "output: expected 2 items, got 1"),
    ],
    "ch09.lstm": [
        ("H = O * C", lstm_without_tanh_of_memory, "H = O * tanh(C)"),
        (
            "forget and input gates swapped",
            lstm_forget_and_input_swapped,
            "C = F * C + I * C_tilde",
        ),
        ("returns (C, H)", lstm_returns_memory_first, "return the state as (H, C)"),
        ("torch.lstm_cell", lstm_builtin_cell, "uses lstm_cell"),
    ],
}
