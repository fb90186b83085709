"""9.7 sequence-to-sequence learning: wrong implementations, each rejected by its check."""

import collections
import math

import torch
from torch import nn

from ._common import _initial_state


class Seq2SeqEncoderBatchMajor(nn.Module):
    """Feeds the GRU batch-major embeddings: the GRU takes the batch for time."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super().__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)

    def forward(self, X, *args):
        return self.rnn(self.embedding(X))


class Seq2SeqEncoderOtherNames(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super().__init__(**kwargs)
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.gru = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)

    def forward(self, X, *args):
        return self.gru(self.embed(X).permute(1, 0, 2))


class _Decoder(nn.Module):
    mistake = None

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super().__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, *args):
        return enc_outputs[1][-1], enc_outputs[1]

    def forward(self, X, state):
        context, hidden = state
        if self.mistake == "context from hidden":
            context = hidden[-1]  # d2l-zh v2: the context is re-read from the state every call
        X = self.embedding(X).permute(1, 0, 2)
        context_per_step = context.repeat(X.shape[0], 1, 1)
        output, hidden = self.rnn(torch.cat((X, context_per_step), 2), hidden)
        output = self.dense(output)
        if self.mistake != "time-major logits":
            output = output.permute(1, 0, 2)
        if self.mistake == "hidden only":
            return output, hidden
        return output, (context, hidden)


class Seq2SeqDecoderContextFromHidden(_Decoder):
    mistake = "context from hidden"


class Seq2SeqDecoderReturnsHiddenOnly(_Decoder):
    mistake = "hidden only"


class Seq2SeqDecoderTimeMajorLogits(_Decoder):
    mistake = "time-major logits"


def sequence_mask_in_place(X, valid_len, value=0):
    """The book's: writes into X."""
    maxlen = X.size(1)
    mask = torch.arange(maxlen, dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


def sequence_mask_one_too_many(X, valid_len, value=0):
    steps = torch.arange(X.shape[1])
    keep = (steps[None, :] <= valid_len[:, None]).reshape(X.shape[:2] + (1,) * (X.dim() - 2))
    return torch.where(keep, X, torch.as_tensor(value, dtype=X.dtype))


def _mask(shape, valid_len, dtype):
    return (torch.arange(shape[1])[None, :] < valid_len[:, None]).to(dtype)


class MaskedSoftmaxCELossMeanOverValid(nn.CrossEntropyLoss):
    def forward(self, pred, label, valid_len):
        self.reduction = "none"
        losses = super().forward(pred.permute(0, 2, 1), label)
        weights = _mask(label.shape, valid_len, pred.dtype)
        return (losses * weights).sum(dim=1) / valid_len.clamp(min=1)


class MaskedSoftmaxCELossNoMask(nn.CrossEntropyLoss):
    def forward(self, pred, label, valid_len):
        self.reduction = "none"
        return super().forward(pred.permute(0, 2, 1), label).mean(dim=1)


def _predict(net, src_sentence, src_vocab, tgt_vocab, num_steps, device,
             save_attention_weights=False, keep_eos=False, fresh_state=False):  # fmt: skip
    net.eval()
    state = _initial_state(net, src_sentence, src_vocab, num_steps, device)
    dec_X = torch.tensor([[tgt_vocab["<bos>"]]], device=device)
    output_seq, attention_weight_seq = [], []
    for _ in range(num_steps):
        if fresh_state:
            state = _initial_state(net, src_sentence, src_vocab, num_steps, device)
        Y, state = net.decoder(dec_X, state)
        dec_X = Y.argmax(dim=2)
        pred = int(dec_X.item())
        if save_attention_weights:
            attention_weight_seq.append(net.decoder.attention_weights)
        if pred == tgt_vocab["<eos>"]:
            if keep_eos:
                output_seq.append(pred)
            break
        output_seq.append(pred)
    return " ".join(tgt_vocab.to_tokens(output_seq)), attention_weight_seq


def predict_seq2seq_keeps_eos(net, src_sentence, src_vocab, tgt_vocab, num_steps, device,
                              save_attention_weights=False):  # fmt: skip
    return _predict(net, src_sentence, src_vocab, tgt_vocab, num_steps, device,
                    save_attention_weights, keep_eos=True)  # fmt: skip


def predict_seq2seq_fresh_state_every_step(net, src_sentence, src_vocab, tgt_vocab, num_steps,
                                           device, save_attention_weights=False):  # fmt: skip
    return _predict(net, src_sentence, src_vocab, tgt_vocab, num_steps, device,
                    save_attention_weights, fresh_state=True)  # fmt: skip


def _bleu(pred_seq, label_seq, k, clip=True, penalty=True, mean=False):
    pred_tokens, label_tokens = pred_seq.split(" "), label_seq.split(" ")
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred)) if penalty else 1.0
    for n in range(1, k + 1):
        if len_pred - n + 1 <= 0:
            break
        num_matches = 0
        label_subs = collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[" ".join(label_tokens[i : i + n])] += 1
        for i in range(len_pred - n + 1):
            gram = " ".join(pred_tokens[i : i + n])
            if label_subs[gram] > 0:
                num_matches += 1
                if clip:
                    label_subs[gram] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), 1 / k if mean else math.pow(0.5, n))
    return score


def bleu_no_clipping(pred_seq, label_seq, k):
    return _bleu(pred_seq, label_seq, k, clip=False)


def bleu_no_brevity_penalty(pred_seq, label_seq, k):
    return _bleu(pred_seq, label_seq, k, penalty=False)


def bleu_geometric_mean(pred_seq, label_seq, k):
    return _bleu(pred_seq, label_seq, k, mean=True)


MUTANTS = {
    "ch09.Seq2SeqEncoder": [
        ("batch-major GRU input", Seq2SeqEncoderBatchMajor, "the GRU is time-major"),
        ("other attribute names", Seq2SeqEncoderOtherNames, "parameters and buffers are named"),
    ],
    "ch09.Seq2SeqDecoder": [
        (
            "context from the hidden state",
            Seq2SeqDecoderContextFromHidden,
            "take the context from the state",
        ),
        (
            "returns the hidden state only",
            Seq2SeqDecoderReturnsHiddenOnly,
            "the pair (context, new_hidden)",
        ),
        ("time-major logits", Seq2SeqDecoderTimeMajorLogits, "batch-major"),
    ],
    "ch09.sequence_mask": [
        ("writes into X (the book's)", sequence_mask_in_place, "leave X as it is"),
        ("keeps one step too many", sequence_mask_one_too_many, "output[0, 1]"),
    ],
    "ch09.MaskedSoftmaxCELoss": [
        ("mean over the valid steps", MaskedSoftmaxCELossMeanOverValid, "divide by num_steps"),
        ("no mask", MaskedSoftmaxCELossNoMask, "weigh each step's loss by the mask"),
    ],
    "ch09.predict_seq2seq": [
        ("keeps <eos>", predict_seq2seq_keeps_eos, "leave it out of the translation"),
        ("a fresh state every step", predict_seq2seq_fresh_state_every_step, "output[0]: expected"),
    ],
    "ch09.bleu": [
        ("no clipping", bleu_no_clipping, "clip"),
        ("no brevity penalty", bleu_no_brevity_penalty, "brevity penalty"),
        ("geometric mean 1/k", bleu_geometric_mean, "the power 1 / 2**n"),
    ],
}
