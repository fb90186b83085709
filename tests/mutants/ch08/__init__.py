"""Plausible wrong implementations of the chapter-8 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import lm_dataset, rnn_concise, rnn_scratch, sequence, text_preprocessing

MUTANTS = {
    **sequence.MUTANTS,
    **text_preprocessing.MUTANTS,
    **lm_dataset.MUTANTS,
    **rnn_scratch.MUTANTS,
    **rnn_concise.MUTANTS,
}
