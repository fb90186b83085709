"""Chapter 9 — modern recurrent networks: the exercises of 9.5 to 9.8.

9.5's text pipeline is compared with `d2lkit.data.fra_eng` on small texts; 9.6's
`EncoderDecoder` with recording stand-ins; 9.7's GRU encoder and decoder with `d2lkit.seq2seq`
after a state copy (outputs, the decoder's init_state and a second call with the state it
returned, parameter gradients), the mask and the masked loss values and gradients, greedy
prediction on a deterministic stand-in encoder-decoder, BLEU on hand-computed cases; 9.8's beam
search against `d2lkit.beam_search` on the same stand-in.

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch09 import beam_search, encoder_decoder, machine_translation, seq2seq
from autograder.checks.ch09.beam_search import NB_BEAM
from autograder.checks.ch09.encoder_decoder import NB_ENCODER_DECODER
from autograder.checks.ch09.machine_translation import NB_NMT
from autograder.checks.ch09.seq2seq import NB_SEQ2SEQ

__all__ = ["EXERCISES", "NB_BEAM", "NB_ENCODER_DECODER", "NB_NMT", "NB_SEQ2SEQ"]

EXERCISES = [
    *machine_translation.EXERCISES,
    *encoder_decoder.EXERCISES,
    *seq2seq.EXERCISES,
    *beam_search.EXERCISES,
]
