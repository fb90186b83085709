"""Chapter 9 — modern recurrent networks: the exercises of 9.1 to 9.8.

The from-scratch GRU, LSTM, deep and bidirectional RNNs (9.1-9.4) are compared with
`d2lkit.modern_rnn` (itself tested against `nn.GRU`, `nn.LSTM` and `nn.RNN`): outputs, final
states, and the gradients of the inputs, the initial state and every parameter; torch's recurrent
built-ins are off limits. 9.5's text pipeline is compared with `d2lkit.data.fra_eng` on small texts; 9.6's
`EncoderDecoder` with recording stand-ins; 9.7's GRU encoder and decoder with `d2lkit.seq2seq`
after a state copy (outputs, the decoder's init_state and a second call with the state it
returned, parameter gradients), the mask and the masked loss values and gradients, greedy
prediction on a deterministic stand-in encoder-decoder, BLEU on hand-computed cases; 9.8's beam
search against `d2lkit.beam_search` on the same stand-in.

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch09 import (
    beam_search,
    bi_rnn,
    deep_rnn,
    encoder_decoder,
    gru,
    lstm,
    machine_translation,
    seq2seq,
)
from autograder.checks.ch09.beam_search import NB_BEAM
from autograder.checks.ch09.bi_rnn import NB_BI_RNN
from autograder.checks.ch09.deep_rnn import NB_DEEP_RNN
from autograder.checks.ch09.encoder_decoder import NB_ENCODER_DECODER
from autograder.checks.ch09.gru import NB_GRU
from autograder.checks.ch09.lstm import NB_LSTM
from autograder.checks.ch09.machine_translation import NB_NMT
from autograder.checks.ch09.seq2seq import NB_SEQ2SEQ

__all__ = [
    "EXERCISES", "NB_BEAM", "NB_BI_RNN", "NB_DEEP_RNN", "NB_ENCODER_DECODER", "NB_GRU",
    "NB_LSTM", "NB_NMT", "NB_SEQ2SEQ",
]  # fmt: skip

EXERCISES = [
    *gru.EXERCISES,
    *lstm.EXERCISES,
    *deep_rnn.EXERCISES,
    *bi_rnn.EXERCISES,
    *machine_translation.EXERCISES,
    *encoder_decoder.EXERCISES,
    *seq2seq.EXERCISES,
    *beam_search.EXERCISES,
]
