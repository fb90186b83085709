"""9.4 bidirectional RNN from scratch: wrong implementations, each rejected by its check."""

import torch

from ._rnn import tanh_layer


def _bi(inputs, state, params, flip_back=True, reverse=True, last_backward=False):
    W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b, W_hq, b_q = params
    H_f, H_b = state
    Hs_f = tanh_layer(inputs, H_f, W_xh_f, W_hh_f, b_h_f)
    Hs_b = tanh_layer(inputs.flip(0) if reverse else inputs, H_b, W_xh_b, W_hh_b, b_h_b)
    if reverse and flip_back:
        Hs_b = Hs_b.flip(0)
    Hs = torch.cat((Hs_f, Hs_b), dim=2)
    outputs = Hs.reshape(-1, Hs.shape[-1]) @ W_hq + b_q
    return outputs, (Hs_f[-1], Hs_b[-1] if last_backward else Hs_b[0])


def bi_rnn_backward_not_flipped_back(inputs, state, params):
    return _bi(inputs, state, params, flip_back=False)


def bi_rnn_backward_reads_forward(inputs, state, params):
    return _bi(inputs, state, params, reverse=False)


def bi_rnn_backward_state_of_the_last_step(inputs, state, params):
    return _bi(inputs, state, params, last_backward=True)


MUTANTS = {
    "ch09.bi_rnn": [
        ("backward states not flipped back", bi_rnn_backward_not_flipped_back, "flip the backward"),
        ("backward reads first to last", bi_rnn_backward_reads_forward, "last to first"),
        (
            "backward final state at the last step",
            bi_rnn_backward_state_of_the_last_step,
            "H_bwd after reading the first step",
        ),
    ],
}
