"""Chapter 10 — attention mechanisms: the exercises of 10.2 to 10.7.

Nadaraya-Watson pooling (10.2), the masked softmax and the two scoring functions (10.3), the
Bahdanau decoder (10.4), multi-head attention (10.5), the positional encoding (10.6) and the
Transformer's parts (10.7), each compared with `d2lkit.attention` / `d2lkit.transformer` (tested
against torch's softmax, `scaled_dot_product_attention`, `nn.MultiheadAttention`, `nn.LayerNorm`
and `nn.TransformerEncoderLayer`): outputs and the gradients of the inputs and, for modules,
of every parameter after the reference's parameters are loaded into the student's. The decoders
are also called a second time with the state they returned, in prediction mode, which is where
the Transformer decoder's key-value cache shows. 10.1 has nothing to grade.

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch10 import (
    attention_scoring,
    bahdanau_attention,
    multihead_attention,
    nadaraya_watson,
    positional_encoding,
    transformer,
    transformer_decoder,
)
from autograder.checks.ch10.attention_scoring import NB_SCORING
from autograder.checks.ch10.bahdanau_attention import NB_BAHDANAU
from autograder.checks.ch10.multihead_attention import NB_MULTIHEAD
from autograder.checks.ch10.nadaraya_watson import NB_NW
from autograder.checks.ch10.positional_encoding import NB_POSITIONAL
from autograder.checks.ch10.transformer import NB_TRANSFORMER

__all__ = [
    "EXERCISES", "NB_BAHDANAU", "NB_MULTIHEAD", "NB_NW", "NB_POSITIONAL", "NB_SCORING",
    "NB_TRANSFORMER",
]  # fmt: skip

EXERCISES = [
    *nadaraya_watson.EXERCISES,
    *attention_scoring.EXERCISES,
    *bahdanau_attention.EXERCISES,
    *multihead_attention.EXERCISES,
    *positional_encoding.EXERCISES,
    *transformer.EXERCISES,
    *transformer_decoder.EXERCISES,
]
