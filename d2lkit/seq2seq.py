"""9.6 the encoder-decoder interfaces and 9.7 sequence-to-sequence learning with GRUs.

The RNN layers are time-major, as in the book: inside the encoder and the decoder a batch is
``(num_steps, batch_size, ...)``; the modules take and return batch-major tensors.

One deliberate difference from d2l-zh v2's `Seq2SeqDecoder`: there the decoder's state is its GRU
state alone and the context is re-read from it (``state[-1]``) on every call, so while predicting
token by token the "context" becomes the decoder's own last hidden state after the first step.
Here the state is the pair ``(context, hidden)``, so the encoder's final state stays the context
for every step, which is what the section describes (and what later editions of the book do).
Training, which decodes the whole target in one call, is the same either way.
"""

from __future__ import annotations

import collections
import math
import time
from collections.abc import Iterable
from typing import Any

import torch
from torch import Tensor, nn

from d2lkit.data.fra_eng import truncate_pad
from d2lkit.rnn import grad_clipping
from d2lkit.text import Vocab

__all__ = [
    "Decoder",
    "Encoder",
    "EncoderDecoder",
    "MaskedSoftmaxCELoss",
    "Seq2SeqDecoder",
    "Seq2SeqEncoder",
    "bleu",
    "predict_seq2seq",
    "sequence_mask",
    "train_seq2seq",
]


# ---------------------------------------------------------------- 9.6 the interfaces
class Encoder(nn.Module):
    """The encoder of an encoder-decoder: ``forward(X, *args)`` maps a batch of source sequences
    to whatever its decoder's ``init_state`` takes."""

    def forward(self, X: Tensor, *args: Any) -> Any:
        raise NotImplementedError


class Decoder(nn.Module):
    """The decoder of an encoder-decoder.

    ``init_state(enc_outputs, *args)`` turns the encoder's outputs into the decoder's first state;
    ``forward(X, state)`` maps target inputs ``X`` and a state to ``(output, new_state)``. A state
    may be a tensor or any nesting of tuples and lists of them.
    """

    def init_state(self, enc_outputs: Any, *args: Any) -> Any:
        raise NotImplementedError

    def forward(self, X: Tensor, state: Any) -> tuple[Tensor, Any]:
        raise NotImplementedError


class EncoderDecoder(nn.Module):
    """An encoder and a decoder run one after the other: ``forward(enc_X, dec_X, *args)`` returns
    the decoder's ``(output, state)``; ``args`` (such as the source valid lengths) go to both the
    encoder and ``init_state``."""

    def __init__(self, encoder: Encoder, decoder: Decoder) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X: Tensor, dec_X: Tensor, *args: Any) -> tuple[Tensor, Any]:
        enc_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder(dec_X, dec_state)


# ---------------------------------------------------------------- 9.7 the GRU encoder and decoder
class Seq2SeqEncoder(Encoder):
    """Token embeddings read by a multi-layer GRU.

    forward X: (batch_size, num_steps) int64 -> ``(output, state)`` with
    ``output: (num_steps, batch_size, num_hiddens)``, the last layer's hidden state at every step,
    and ``state: (num_layers, batch_size, num_hiddens)``, every layer's final hidden state.
    Extra arguments (the valid lengths) are accepted and ignored: padding is encoded like any token.
    """

    def __init__(
        self,
        vocab_size: int,
        embed_size: int,
        num_hiddens: int,
        num_layers: int,
        dropout: float = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)

    def forward(self, X: Tensor, *args: Any) -> tuple[Tensor, Tensor]:
        X = self.embedding(X).permute(1, 0, 2)
        return self.rnn(X)


class Seq2SeqDecoder(Decoder):
    """A GRU decoder whose every input step is the token's embedding concatenated with a context:
    the encoder's last-layer final hidden state. The GRU starts from the encoder's final state,
    so both must have ``num_layers`` layers of ``num_hiddens`` units.

    ``init_state(enc_outputs)`` -> ``(context: (batch_size, num_hiddens), hidden: (num_layers,
    batch_size, num_hiddens))``.
    forward X: (batch_size, num_steps) int64 -> ``(output: (batch_size, num_steps, vocab_size)``
    logits, ``(context, new_hidden))``: call it again with the new state to continue decoding.
    """

    def __init__(
        self,
        vocab_size: int,
        embed_size: int,
        num_hiddens: int,
        num_layers: int,
        dropout: float = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs: tuple[Tensor, Tensor], *args: Any) -> tuple[Tensor, Tensor]:
        enc_state = enc_outputs[1]
        return enc_state[-1], enc_state

    def forward(
        self, X: Tensor, state: tuple[Tensor, Tensor]
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        context, hidden = state
        X = self.embedding(X).permute(1, 0, 2)
        context_per_step = context.unsqueeze(0).expand(X.shape[0], -1, -1)
        output, hidden = self.rnn(torch.cat((X, context_per_step), dim=2), hidden)
        return self.dense(output).permute(1, 0, 2), (context, hidden)


# ---------------------------------------------------------------- 9.7 the masked loss
def sequence_mask(X: Tensor, valid_len: Tensor, value: float = 0) -> Tensor:
    """``X`` with every position at or past its row's valid length set to ``value``.

    X: (batch_size, num_steps, ...); valid_len: (batch_size,) -> same shape and dtype as ``X``.
    Unlike the book's, which writes into ``X``, this returns a new tensor and leaves ``X`` alone,
    so it also works on tensors that autograd needs unchanged.
    """
    steps = torch.arange(X.shape[1], device=X.device)
    keep = steps[None, :] < valid_len.to(X.device)[:, None]
    keep = keep.reshape(keep.shape + (1,) * (X.dim() - 2))
    return torch.where(keep, X, torch.as_tensor(value, dtype=X.dtype, device=X.device))


class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):
    """Softmax cross-entropy that ignores padding: one loss per sequence.

    forward pred: (batch_size, num_steps, vocab_size) logits, label: (batch_size, num_steps),
    valid_len: (batch_size,) -> (batch_size,): the sum of the token losses at positions below the
    valid length, divided by ``num_steps`` (the padded positions count in the mean as zeros, as in
    the book).
    """

    def __init__(self) -> None:
        super().__init__(reduction="none")

    def forward(self, pred: Tensor, label: Tensor, valid_len: Tensor) -> Tensor:
        weights = sequence_mask(torch.ones_like(label, dtype=pred.dtype), valid_len)
        # cross_entropy wants the classes on dimension 1
        unweighted = super().forward(pred.permute(0, 2, 1), label)
        return (unweighted * weights).mean(dim=1)


# ---------------------------------------------------------------- 9.7 training and prediction
def _xavier_init(m: nn.Module) -> None:
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
    elif isinstance(m, nn.GRU):
        for name, param in m.named_parameters():
            if "weight" in name:
                nn.init.xavier_uniform_(param)


def train_seq2seq(
    net: EncoderDecoder,
    data_iter: Iterable[tuple[Tensor, Tensor, Tensor, Tensor]],
    lr: float,
    num_epochs: int,
    tgt_vocab: Vocab,
    device: torch.device | str,
    verbose: bool = False,
) -> dict:
    """Train a translation model as the book does: xavier-uniform weights on every Linear and GRU,
    Adam(lr), the masked loss summed over the batch, gradients clipped to global norm 1, and
    teacher forcing (the decoder reads ``<bos>`` then the target shifted right).

    Batches are ``(X, X_valid_len, Y, Y_valid_len)`` as made by `load_data_nmt`.
    returns ``{'loss': [...], 'tokens_per_sec': x}``: per epoch, the summed sequence losses
    divided by the number of valid target tokens (the book's printed loss); tokens per second over
    all epochs. With ``verbose``, prints the book's summary line at the end.
    """
    device = torch.device(device)
    net.apply(_xavier_init)
    net.to(device)
    params = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    loss = MaskedSoftmaxCELoss()
    bos = tgt_vocab["<bos>"]
    history: dict = {"loss": []}
    total_tokens, total_time = 0, 0.0
    net.train()
    for _ in range(num_epochs):
        loss_sum = torch.zeros((), device=device)
        num_tokens = torch.zeros((), dtype=torch.int64, device=device)
        start = time.perf_counter()
        for batch in data_iter:
            X, X_valid_len, Y, Y_valid_len = (t.to(device) for t in batch)
            dec_input = torch.cat([torch.full_like(Y[:, :1], bos), Y[:, :-1]], dim=1)
            optimizer.zero_grad()
            Y_hat, _ = net(X, dec_input, X_valid_len)
            l = loss(Y_hat, Y, Y_valid_len)
            l.sum().backward()
            grad_clipping(net, 1.0)
            optimizer.step()
            loss_sum += l.detach().sum()
            num_tokens += Y_valid_len.sum()
        # .item() waits for the device, so the epoch's time covers all its queued work
        epoch_loss, epoch_tokens = loss_sum.item(), num_tokens.item()
        total_time += time.perf_counter() - start
        total_tokens += epoch_tokens
        history["loss"].append(epoch_loss / max(epoch_tokens, 1))
    history["tokens_per_sec"] = total_tokens / total_time if total_time > 0 else float("nan")
    if verbose and num_epochs:
        print(
            f"loss {history['loss'][-1]:.3f}, {history['tokens_per_sec']:.1f} tokens/sec on {device}"
        )
    return history


def _source_tensors(
    src_sentence: str, src_vocab: Vocab, num_steps: int, device: torch.device | str
) -> tuple[Tensor, Tensor]:
    """The sentence as the book's predictor feeds it: lower-cased, split on spaces, ``<eos>``
    appended, cut or padded to ``num_steps``.

    returns ``enc_X: (1, num_steps)`` int64 and ``enc_valid_len: (1,)``.
    """
    tokens = [*src_vocab[src_sentence.lower().split(" ")], src_vocab["<eos>"]]
    # the book passes the uncut length; capping it changes nothing for an RNN and keeps an
    # attention mask within the padded length
    valid_len = torch.tensor([min(len(tokens), num_steps)], device=device)
    padded = truncate_pad(tokens, num_steps, src_vocab["<pad>"])
    return torch.tensor([padded], dtype=torch.int64, device=device), valid_len


def _initial_decoder_state(
    net: EncoderDecoder, src_sentence: str, src_vocab: Vocab, num_steps: int, device: Any
) -> Any:
    """The decoder's state after encoding one source sentence (batch size 1)."""
    enc_X, enc_valid_len = _source_tensors(src_sentence, src_vocab, num_steps, device)
    enc_outputs = net.encoder(enc_X, enc_valid_len)
    return net.decoder.init_state(enc_outputs, enc_valid_len)


def predict_seq2seq(
    net: EncoderDecoder,
    src_sentence: str,
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    num_steps: int,
    device: torch.device | str,
    save_attention_weights: bool = False,
) -> tuple[str, list]:
    """Greedy translation: feed ``<bos>``, then each step's most likely token, for at most
    ``num_steps`` steps, stopping (without it) at ``<eos>``.

    returns ``(translation, attention_weight_seq)``: the predicted tokens joined by spaces, and,
    with ``save_attention_weights``, the decoder's ``attention_weights`` after every step (an
    attention decoder of chapter 10 must have that attribute). The net is evaluated in eval
    mode without gradients and left in the mode it was in.
    """
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            state = _initial_decoder_state(net, src_sentence, src_vocab, num_steps, device)
            dec_X = torch.tensor([[tgt_vocab["<bos>"]]], dtype=torch.int64, device=device)
            eos = tgt_vocab["<eos>"]
            output_seq, attention_weight_seq = [], []
            for _ in range(num_steps):
                Y, state = net.decoder(dec_X, state)
                dec_X = Y.argmax(dim=2)
                pred = int(dec_X.item())
                if save_attention_weights:
                    attention_weight_seq.append(net.decoder.attention_weights)
                if pred == eos:
                    break
                output_seq.append(pred)
    finally:
        net.train(was_training)
    return " ".join(tgt_vocab.to_tokens(output_seq)), attention_weight_seq


# ---------------------------------------------------------------- 9.7 BLEU
def bleu(pred_seq: str, label_seq: str, k: int) -> float:
    """The book's BLEU of a prediction against one label, both space-separated token strings:
    ``exp(min(0, 1 - len_label / len_pred)) * prod_{n=1..k} p_n ** (1 / 2**n)``, where ``p_n``
    is the fraction of the prediction's n-grams that match a label n-gram, each label n-gram
    matching at most as many times as it occurs in the label.

    An order ``n`` longer than the prediction has no n-gram to judge; where the book divides by
    zero, it is left out of the product here (so a one-token exact match scores 1).
    """
    pred_tokens, label_tokens = pred_seq.split(" "), label_seq.split(" ")
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0.0, 1 - len_label / len_pred))
    for n in range(1, k + 1):
        num_pred_ngrams = len_pred - n + 1
        if num_pred_ngrams <= 0:
            break
        label_ngrams = collections.Counter(
            tuple(label_tokens[i : i + n]) for i in range(len_label - n + 1)
        )
        pred_ngrams = collections.Counter(
            tuple(pred_tokens[i : i + n]) for i in range(num_pred_ngrams)
        )
        num_matches = sum(min(c, label_ngrams[g]) for g, c in pred_ngrams.items())
        score *= (num_matches / num_pred_ngrams) ** (0.5**n)
    return score
