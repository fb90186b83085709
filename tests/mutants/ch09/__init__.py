"""Plausible wrong implementations of the chapter-9 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import (
    beam_search,
    bi_rnn,
    deep_rnn,
    encoder_decoder,
    gru,
    lstm,
    machine_translation,
    seq2seq,
)

MUTANTS = {
    **gru.MUTANTS,
    **lstm.MUTANTS,
    **deep_rnn.MUTANTS,
    **bi_rnn.MUTANTS,
    **machine_translation.MUTANTS,
    **encoder_decoder.MUTANTS,
    **seq2seq.MUTANTS,
    **beam_search.MUTANTS,
}
