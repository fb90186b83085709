"""Plausible wrong implementations of the chapter-10 exercises; each must be rejected by its
check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import (
    attention_scoring,
    bahdanau_attention,
    multihead_attention,
    nadaraya_watson,
    positional_encoding,
    transformer,
)

MUTANTS = {
    **nadaraya_watson.MUTANTS,
    **attention_scoring.MUTANTS,
    **bahdanau_attention.MUTANTS,
    **multihead_attention.MUTANTS,
    **positional_encoding.MUTANTS,
    **transformer.MUTANTS,
}
