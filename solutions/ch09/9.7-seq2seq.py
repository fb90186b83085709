# %% [markdown]
# # 9.7 Sequence to Sequence Learning — 序列到序列学习
#
# Sequence to sequence (seq2seq) fills 9.6's interfaces with recurrent networks: a GRU encoder
# reads the source and hands its final hidden state over; a GRU decoder starts from that state
# and, at every step, reads the previous target token together with a fixed **context**, the
# encoder's last-layer final state. You will write both modules, the mask and the loss that
# ignore padding, greedy prediction and the BLEU score, then train a small model for a few
# seconds.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run
# as well.

# %%
import collections
import math

import torch
from torch import nn

from autograder import check
from d2lkit.data.fra_eng import load_data_nmt, truncate_pad
from d2lkit.seq2seq import Decoder, Encoder, EncoderDecoder, train_seq2seq

# %% [markdown]
# ## The encoder
#
# An embedding layer `embedding` = `nn.Embedding(vocab_size, embed_size)` and a GRU `rnn` =
# `nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)`. Like the book's RNN layers the
# GRU is **time-major**: permute the embedded batch `(batch_size, num_steps, embed_size)` to
# `(num_steps, batch_size, embed_size)` before it. Return the GRU's pair `(output, state)`:
#
# - `output`: `(num_steps, batch_size, num_hiddens)`, the last layer's hidden state at each step;
# - `state`: `(num_layers, batch_size, num_hiddens)`, each layer's final hidden state.
#
# `forward(X, *args)` accepts the valid lengths and ignores them. Keep the names `embedding` and
# `rnn`: the check loads the reference's parameters into yours by name, then compares the
# outputs and the gradients of every parameter.


# %% tags=["solution"]
class Seq2SeqEncoder(Encoder):
    """X: (batch_size, num_steps) int64 -> (output: (num_steps, batch_size, num_hiddens),
    state: (num_layers, batch_size, num_hiddens))."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)
        ### END SOLUTION

    def forward(self, X, *args):
        ### BEGIN SOLUTION
        X = self.embedding(X).permute(1, 0, 2)
        return self.rnn(X)
        ### END SOLUTION


# %%
check("ch09.Seq2SeqEncoder", Seq2SeqEncoder)

# %%
encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2)
encoder.eval()
X = torch.zeros((4, 7), dtype=torch.long)
output, state = encoder(X)
print(output.shape, state.shape)

# %% [markdown]
# ## The decoder
#
# `embedding` = `nn.Embedding(vocab_size, embed_size)`, `rnn` = `nn.GRU(embed_size +
# num_hiddens, num_hiddens, num_layers, dropout=dropout)`, `dense` = `nn.Linear(num_hiddens,
# vocab_size)`, with these names.
#
# **The state is the pair `(context, hidden)`**:
#
# - `init_state(enc_outputs, *args)` returns `(enc_state[-1], enc_state)` where
#   `enc_state = enc_outputs[1]`: the context `(batch_size, num_hiddens)` is the encoder's
#   last-layer final state, and the GRU starts from all of the encoder's final states;
# - `forward(X, state)` embeds `X: (batch_size, num_steps)` (then time-major), concatenates
#   the context to the embedding at **every** step (feature dimension), runs the GRU from
#   `hidden`, and maps its output through `dense`. It returns `(output, (context, new_hidden))`:
#   the logits **batch-major** `(batch_size, num_steps, vocab_size)` and the state for the
#   next call, with the **same context** it was given.
#
# Carrying the context in the state matters when predicting token by token: each call then
# continues from where the last one stopped, with the encoder's context. (d2l-zh's code re-reads
# the context from the hidden state, `state[-1]`, on each call, so from the second prediction
# step on its "context" is the decoder's own last state; the book's text, and this reference,
# keep the encoder's.) The check compares `init_state`, the output and state of one call, the
# output of a second call made with the state your first call returned, and the gradients of
# every parameter and of the state you were given.


# %% tags=["solution"]
class Seq2SeqDecoder(Decoder):
    """X: (batch_size, num_steps) int64, state (context, hidden) ->
    (logits: (batch_size, num_steps, vocab_size), (context, new_hidden))."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)
        ### END SOLUTION

    def init_state(self, enc_outputs, *args):
        ### BEGIN SOLUTION
        enc_state = enc_outputs[1]
        return enc_state[-1], enc_state
        ### END SOLUTION

    def forward(self, X, state):
        ### BEGIN SOLUTION
        context, hidden = state
        X = self.embedding(X).permute(1, 0, 2)
        context_per_step = context.unsqueeze(0).expand(X.shape[0], -1, -1)
        output, hidden = self.rnn(torch.cat((X, context_per_step), dim=2), hidden)
        return self.dense(output).permute(1, 0, 2), (context, hidden)
        ### END SOLUTION


# %%
check("ch09.Seq2SeqDecoder", Seq2SeqDecoder)

# %%
decoder = Seq2SeqDecoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2)
decoder.eval()
output, (context, hidden) = decoder(X, decoder.init_state(encoder(X)))
print(output.shape, context.shape, hidden.shape)

# %% [markdown]
# ## Masking the padding
#
# `sequence_mask(X, valid_len, value=0)` returns a copy of `X: (batch_size, num_steps, ...)`
# in which every entry at a step $t \ge$ `valid_len[i]` of row $i$ is `value`. Return a **new**
# tensor and leave `X` as it is (the book writes into `X`; the check looks at `X` after the
# call): `torch.where` does it in one expression. Gradients flow to the kept entries only.


# %% tags=["solution"]
def sequence_mask(X: torch.Tensor, valid_len: torch.Tensor, value: float = 0) -> torch.Tensor:
    """X: (batch_size, num_steps, ...), valid_len: (batch_size,) -> X's shape and dtype."""
    ### BEGIN SOLUTION
    steps = torch.arange(X.shape[1], device=X.device)
    keep = steps[None, :] < valid_len.to(X.device)[:, None]
    keep = keep.reshape(keep.shape + (1,) * (X.dim() - 2))
    return torch.where(keep, X, torch.as_tensor(value, dtype=X.dtype, device=X.device))
    ### END SOLUTION


# %%
check("ch09.sequence_mask", sequence_mask)

# %%
print(sequence_mask(torch.tensor([[1, 2, 3], [4, 5, 6]]), torch.tensor([1, 2])))

# %% [markdown]
# ## The masked loss
#
# For logits `pred: (batch_size, num_steps, vocab_size)`, labels `label: (batch_size,
# num_steps)` and `valid_len: (batch_size,)`, the loss of sequence $i$ is
# $$\ell_i = \frac{1}{T}\sum_{t=1}^{T} m_{it}\, \mathrm{CE}(\text{pred}_{it}, \text{label}_{it}),
# \qquad m_{it} = [t \le \text{valid\_len}_i],$$
# with $T$ = `num_steps`: padded steps count as zeros in the mean, as in the book. Subclass
# `nn.CrossEntropyLoss` with `reduction='none'` (its `forward(input, target)` wants the classes
# on dimension 1) and weigh its token losses with `sequence_mask`. Return $(\ell_i)$, shape
# `(batch_size,)`.


# %% tags=["solution"]
class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):
    """forward(pred, label, valid_len) -> (batch_size,) per-sequence losses."""

    def forward(self, pred, label, valid_len):
        ### BEGIN SOLUTION
        weights = sequence_mask(torch.ones_like(label, dtype=pred.dtype), valid_len)
        self.reduction = "none"
        unweighted = super().forward(pred.permute(0, 2, 1), label)
        return (unweighted * weights).mean(dim=1)
        ### END SOLUTION


# %%
check("ch09.MaskedSoftmaxCELoss", MaskedSoftmaxCELoss)

# %%
loss = MaskedSoftmaxCELoss()
print(loss(torch.ones(3, 4, 10), torch.ones((3, 4), dtype=torch.long), torch.tensor([4, 2, 0])))

# %% [markdown]
# ## Training (a short demo)
#
# `d2lkit.seq2seq.train_seq2seq` is the book's loop: Xavier initialisation, Adam, the masked
# loss, gradient clipping, and **teacher forcing**: the decoder reads `<bos>` followed by the
# target shifted right. Ten epochs on the first 600 pairs, with small layers, take a few
# seconds and translate poorly; the book trains 300 epochs.

# %%
embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0.1
batch_size, num_steps, lr, num_epochs = 64, 10, 0.005, 10
torch.set_num_threads(1)  # layers this small run fastest on one thread, steadily on a shared CPU
torch.manual_seed(0)
train_iter, src_vocab, tgt_vocab = load_data_nmt(batch_size, num_steps)
net = EncoderDecoder(
    Seq2SeqEncoder(len(src_vocab), embed_size, num_hiddens, num_layers, dropout),
    Seq2SeqDecoder(len(tgt_vocab), embed_size, num_hiddens, num_layers, dropout),
)
history = train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, "cpu", verbose=True)

# %% [markdown]
# ## Greedy prediction
#
# `predict_seq2seq(net, src_sentence, src_vocab, tgt_vocab, num_steps, device,
# save_attention_weights=False)`:
#
# 1. lower-case the sentence, split it on spaces, map it to indices, append `<eos>`, and
#    `truncate_pad` it to `num_steps`: `enc_X` of shape `(1, num_steps)`; its valid length is
#    the number of tokens with `<eos>` (at most `num_steps`);
# 2. switch the net to evaluation mode (`net.eval()`), and work without gradients;
# 3. encode, `init_state`, then feed `<bos>` as `dec_X: (1, 1)`; at each of at most
#    `num_steps` steps, take the most likely token (`argmax`), feed it back with the state
#    the decoder returned, and stop **at** `<eos>` (it is not part of the translation);
# 4. with `save_attention_weights`, append `net.decoder.attention_weights` after every step
#    (chapter 10's decoders have them).
#
# Return `(translation, attention_weight_seq)`: the tokens joined by spaces, and that list
# (empty otherwise). The check runs it on a small deterministic encoder-decoder whose decoder
# keeps its state across calls, so the translation is the reference's only if your loop is.


# %% tags=["solution"]
def predict_seq2seq(net, src_sentence, src_vocab, tgt_vocab, num_steps, device,
                    save_attention_weights=False):  # fmt: skip
    """-> (translation: str, attention_weight_seq: list)."""
    ### BEGIN SOLUTION
    net.eval()
    src_tokens = src_vocab[src_sentence.lower().split(" ")] + [src_vocab["<eos>"]]
    enc_valid_len = torch.tensor([min(len(src_tokens), num_steps)], device=device)
    src_tokens = truncate_pad(src_tokens, num_steps, src_vocab["<pad>"])
    enc_X = torch.tensor([src_tokens], dtype=torch.long, device=device)
    output_seq, attention_weight_seq = [], []
    with torch.no_grad():
        enc_outputs = net.encoder(enc_X, enc_valid_len)
        dec_state = net.decoder.init_state(enc_outputs, enc_valid_len)
        dec_X = torch.tensor([[tgt_vocab["<bos>"]]], dtype=torch.long, device=device)
        for _ in range(num_steps):
            Y, dec_state = net.decoder(dec_X, dec_state)
            dec_X = Y.argmax(dim=2)
            pred = int(dec_X.squeeze(dim=0).item())
            if save_attention_weights:
                attention_weight_seq.append(net.decoder.attention_weights)
            if pred == tgt_vocab["<eos>"]:
                break
            output_seq.append(pred)
    return " ".join(tgt_vocab.to_tokens(output_seq)), attention_weight_seq
    ### END SOLUTION


# %%
check("ch09.predict_seq2seq", predict_seq2seq)

# %% [markdown]
# ## BLEU
#
# BLEU compares the $n$-grams of a prediction with those of the label:
# $$\mathrm{BLEU} = \exp\Big(\min\Big(0, 1 - \frac{\mathrm{len}_\text{label}}{\mathrm{len}_\text{pred}}\Big)\Big)
# \prod_{n=1}^{k} p_n^{1/2^n},$$
# where $p_n$ is the number of matched $n$-grams over the number of $n$-grams of the
# prediction. A label $n$-gram matches at most as many times as it occurs in the label
# (**clipping**: `the the the` against `the cat` matches one `the`). The first factor, the
# brevity penalty, punishes predictions shorter than the label; the weights $1/2^n$ give long
# matches more say. Sequences are space-separated token strings.
#
# One departure from the book: an order $n$ longer than the prediction has no $n$-gram (the
# book divides by zero there); leave such orders out of the product, so `bleu("va !", "va !",
# 3)` is 1. Return a Python float.


# %% tags=["solution"]
def bleu(pred_seq: str, label_seq: str, k: int) -> float:
    """The BLEU score of pred_seq against label_seq, n-grams up to k."""
    ### BEGIN SOLUTION
    pred_tokens, label_tokens = pred_seq.split(" "), label_seq.split(" ")
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, k + 1):
        if len_pred - n + 1 <= 0:
            break
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[" ".join(label_tokens[i : i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[" ".join(pred_tokens[i : i + n])] > 0:
                num_matches += 1
                label_subs[" ".join(pred_tokens[i : i + n])] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score
    ### END SOLUTION


# %%
check("ch09.bleu", bleu)

# %% [markdown]
# The book's four sentences, after this short training (`d2lkit.seq2seq` has the full run):

# %%
engs = ["go .", "i lost .", "he's calm .", "i'm home ."]
fras = ["va !", "j'ai perdu .", "il est calme .", "je suis chez moi ."]
for eng, fra in zip(engs, fras):
    translation, _ = predict_seq2seq(net, eng, src_vocab, tgt_vocab, num_steps, "cpu")
    print(f"{eng} => {translation}, bleu {bleu(translation, fra, k=2):.3f}")

# %% [markdown] tags=["written"]
# In training the decoder is fed the true previous token; at prediction time, its own previous
# output. What problem does this mismatch cause?

# %% [markdown] tags=["answer"]
# At prediction time the decoder meets its own mistakes, which it never saw in training, and
# errors compound along the output (exposure bias).

# %% [markdown] tags=["written"]
# Why does BLEU penalise predictions shorter than the reference, and why do longer n-gram matches
# weigh more?

# %% [markdown] tags=["answer"]
# Precision alone rewards short outputs: a single correct word has precision 1. Longer n-gram
# matches are rarer and harder, and show fluent, correct word order.
