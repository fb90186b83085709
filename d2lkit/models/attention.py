"""Chapter 10 models: the Bahdanau-attention translator of 10.4 and the Transformer of 10.7,
trained on the first 600 pairs of fra-eng as d2l's `train_seq2seq` trains them (the `seq2seq`
run). `book` holds the loss, tokens/sec and mean BLEU over the four test sentences the zh v2
notebooks print (the curriculum inventory).
"""

from __future__ import annotations

import torch

from d2lkit.attention import Seq2SeqAttentionDecoder
from d2lkit.models.registry import register
from d2lkit.runs.spec import ModelSpec
from d2lkit.seq2seq import EncoderDecoder, MaskedSoftmaxCELoss, Seq2SeqEncoder
from d2lkit.transformer import TransformerDecoder, TransformerEncoder

__all__ = ["seq2seq_attention", "transformer"]

# 10.4: the sizes of 9.7
EMBED_SIZE, NUM_HIDDENS, NUM_LAYERS, DROPOUT = 32, 32, 2, 0.1
# 10.7
FFN_NUM_HIDDENS, NUM_HEADS = 64, 4


def seq2seq_attention(src_vocab_size: int, tgt_vocab_size: int) -> EncoderDecoder:
    """9.7's GRU encoder with the additive-attention decoder: 32, 32, 2 layers, dropout 0.1."""
    return EncoderDecoder(
        Seq2SeqEncoder(src_vocab_size, EMBED_SIZE, NUM_HIDDENS, NUM_LAYERS, DROPOUT),
        Seq2SeqAttentionDecoder(tgt_vocab_size, EMBED_SIZE, NUM_HIDDENS, NUM_LAYERS, DROPOUT),
    )


def transformer(src_vocab_size: int, tgt_vocab_size: int) -> EncoderDecoder:
    """The book's Transformer: 32 hiddens, 2 layers, 4 heads, FFN 32-64-32, dropout 0.1."""
    sizes = (NUM_HIDDENS, NUM_HIDDENS, NUM_HIDDENS, NUM_HIDDENS, [NUM_HIDDENS], NUM_HIDDENS)
    return EncoderDecoder(
        TransformerEncoder(src_vocab_size, *sizes, FFN_NUM_HIDDENS, NUM_HEADS, NUM_LAYERS, DROPOUT),
        TransformerDecoder(tgt_vocab_size, *sizes, FFN_NUM_HIDDENS, NUM_HEADS, NUM_LAYERS, DROPOUT),
    )


# (name, section, description, build, epochs, book)
_TRANSLATORS = (
    ("seq2seq-attention", "10.4",
     "GRU encoder, Bahdanau (additive) attention decoder (32, 32, 2 layers, dropout 0.1)",
     seq2seq_attention, 250, {"train_loss": 0.021, "tokens_per_sec": 4948.7, "mean_bleu": 0.915}),
    ("transformer", "10.7",
     "Transformer encoder-decoder (32 hiddens, 2 layers, 4 heads, FFN 64, dropout 0.1)",
     transformer, 200, {"train_loss": 0.030, "tokens_per_sec": 5202.9, "mean_bleu": 1.0}),
)  # fmt: skip

for _name, _section, _description, _build, _epochs, _results in _TRANSLATORS:
    register(
        ModelSpec(
            name=_name,
            section=_section,
            description=_description,
            build=_build,
            loss=MaskedSoftmaxCELoss,
            optimizer=torch.optim.Adam,
            lr=0.005,
            batch_size=64,
            epochs=_epochs,
            kind="seq2seq",
            dataset="fra-eng",
            num_steps=10,
            grad_clip=1.0,
            book=_results,
        )
    )
