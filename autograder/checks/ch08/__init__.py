"""Chapter 8 — recurrent neural networks: the exercises of 8.1, 8.2, 8.3, 8.5 and 8.6.

Lagged features and k-step prediction (8.1); tokens, counts and the vocabulary (8.2); the two
minibatch samplers, judged by their properties over several epochs (8.3); the RNN from scratch,
compared with `d2lkit.rnn` values and gradients, with gradient clipping, greedy prediction and
one training epoch (8.5); `RNNModel` around torch's recurrent layers (8.6). 8.4 and 8.7 define
nothing to grade.

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch08 import (
    lm_dataset,
    rnn_concise,
    rnn_scratch,
    rnn_training,
    sequence,
    text_preprocessing,
)
from autograder.checks.ch08.lm_dataset import NB_LM_DATASET
from autograder.checks.ch08.rnn_concise import NB_RNN_CONCISE
from autograder.checks.ch08.rnn_scratch import NB_RNN_SCRATCH
from autograder.checks.ch08.sequence import NB_SEQUENCE
from autograder.checks.ch08.text_preprocessing import NB_TEXT

__all__ = [
    "EXERCISES",
    "NB_LM_DATASET",
    "NB_RNN_CONCISE",
    "NB_RNN_SCRATCH",
    "NB_SEQUENCE",
    "NB_TEXT",
]

EXERCISES = [
    *sequence.EXERCISES,
    *text_preprocessing.EXERCISES,
    *lm_dataset.EXERCISES,
    *rnn_scratch.EXERCISES,
    *rnn_training.EXERCISES,
    *rnn_concise.EXERCISES,
]
