"""Chapters 8-9 models: the character-level language models of 8.5-9.4 and the seq2seq
translator of 9.7.

The language models train on the first 10,000 characters of The Time Machine, batch 32, 35 steps,
500 epochs, gradients clipped to norm 1, as `d2l.train_ch8` trains them: the from-scratch models
(the plain names) with the scratch `sgd`, the `nn` ones (`-concise`) with `torch.optim.SGD`.
`bi-lstm` is the book's demonstration that a bidirectional model is the wrong tool for predicting
the next token: its perplexity is low, its generated text is not. `book` holds the perplexity and
tokens/sec the zh v2 notebooks print on a V100 (the curriculum inventory).
"""

from __future__ import annotations

import torch
from torch import nn

from d2lkit.models.registry import register
from d2lkit.modern_rnn import (
    get_gru_params,
    get_lstm_params,
    gru,
    init_gru_state,
    init_lstm_state,
    lstm,
)
from d2lkit.rnn import RNNModel, RNNModelScratch, get_params, init_rnn_state, rnn
from d2lkit.runs.classifier import ScratchSGD
from d2lkit.runs.spec import ModelSpec
from d2lkit.seq2seq import EncoderDecoder, MaskedSoftmaxCELoss, Seq2SeqDecoder, Seq2SeqEncoder

__all__ = ["concise", "scratch", "seq2seq"]


def scratch(get_params, init_state, forward_fn, num_hiddens: int):
    """build(vocab_size, device) of an `RNNModelScratch` with these functions."""

    def build(vocab_size: int, device) -> RNNModelScratch:
        return RNNModelScratch(vocab_size, num_hiddens, device, get_params, init_state, forward_fn)

    return build


def concise(layer: type[nn.RNNBase], num_hiddens: int, **kwargs):
    """build(vocab_size, device) of an `RNNModel` around `layer(vocab_size, num_hiddens, **kwargs)`."""

    def build(vocab_size: int, device) -> RNNModel:
        return RNNModel(layer(vocab_size, num_hiddens, **kwargs), vocab_size)

    return build


def _book(perplexity: float, tokens_per_sec: float) -> dict[str, float]:
    return {"perplexity": perplexity, "tokens_per_sec": tokens_per_sec}


# (name, section, description, build, optimizer, lr, book)
_LANGUAGE_MODELS = (
    ("rnn", "8.5", "RNN from scratch, 512 hidden units, one-hot characters",
     scratch(get_params, init_rnn_state, rnn, 512), ScratchSGD, 1.0, _book(1.0, 67212.6)),
    ("rnn-concise", "8.6", "nn.RNN(28, 256) in RNNModel",
     concise(nn.RNN, 256), torch.optim.SGD, 1.0, _book(1.3, 404413.8)),
    ("gru", "9.1", "GRU from scratch, 256 hidden units",
     scratch(get_gru_params, init_gru_state, gru, 256), ScratchSGD, 1.0, _book(1.1, 19911.5)),
    ("gru-concise", "9.1", "nn.GRU(28, 256) in RNNModel",
     concise(nn.GRU, 256), torch.optim.SGD, 1.0, _book(1.0, 109423.8)),
    ("lstm", "9.2", "LSTM from scratch, 256 hidden units",
     scratch(get_lstm_params, init_lstm_state, lstm, 256), ScratchSGD, 1.0, _book(1.3, 17736.0)),
    ("lstm-concise", "9.2", "nn.LSTM(28, 256) in RNNModel",
     concise(nn.LSTM, 256), torch.optim.SGD, 1.0, _book(1.1, 234815.0)),
    ("deep-lstm", "9.3", "nn.LSTM(28, 256, num_layers=2)",
     concise(nn.LSTM, 256, num_layers=2), torch.optim.SGD, 2.0, _book(1.0, 186005.7)),
    ("bi-lstm", "9.4", "nn.LSTM(28, 256, 2, bidirectional=True): low perplexity, useless text",
     concise(nn.LSTM, 256, num_layers=2, bidirectional=True), torch.optim.SGD, 1.0,
     _book(1.1, 131129.2)),
)  # fmt: skip

for _name, _section, _description, _build, _optimizer, _lr, _results in _LANGUAGE_MODELS:
    register(
        ModelSpec(
            name=_name,
            section=_section,
            description=_description,
            build=_build,
            loss=nn.CrossEntropyLoss,
            optimizer=_optimizer,
            lr=_lr,
            batch_size=32,
            epochs=500,
            kind="language-model",
            dataset="timemachine",
            num_steps=35,
            grad_clip=1.0,
            book=_results,
        )
    )


# ---------------------------------------------------------------- 9.7 sequence to sequence

EMBED_SIZE, NUM_HIDDENS, NUM_LAYERS, DROPOUT = 32, 32, 2, 0.1


def seq2seq(src_vocab_size: int, tgt_vocab_size: int) -> EncoderDecoder:
    """The book's GRU encoder-decoder: embeddings of 32, 32 hidden units, 2 layers, dropout 0.1."""
    return EncoderDecoder(
        Seq2SeqEncoder(src_vocab_size, EMBED_SIZE, NUM_HIDDENS, NUM_LAYERS, DROPOUT),
        Seq2SeqDecoder(tgt_vocab_size, EMBED_SIZE, NUM_HIDDENS, NUM_LAYERS, DROPOUT),
    )


register(
    ModelSpec(
        name="seq2seq",
        section="9.7",
        description="GRU encoder-decoder (32, 32, 2 layers, dropout 0.1), English to French",
        build=seq2seq,
        loss=MaskedSoftmaxCELoss,
        optimizer=torch.optim.Adam,
        lr=0.005,
        batch_size=64,
        epochs=300,
        kind="seq2seq",
        dataset="fra-eng",
        num_steps=10,
        grad_clip=1.0,
        book={"train_loss": 0.019, "tokens_per_sec": 12745.1, "mean_bleu": 0.776},
    )
)
