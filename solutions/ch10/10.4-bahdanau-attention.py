# %% [markdown]
# # 10.4 Bahdanau Attention — Bahdanau 注意力
#
# The decoder of 9.7 read the same context, the encoder's final state, at every step. Bahdanau
# attention lets each step choose its own context: the decoder's current hidden state is the
# query, the encoder's outputs at every source position are both keys and values, and additive
# attention pools them into that step's context. You will write this decoder; the encoder is
# 9.7's `Seq2SeqEncoder` and the scoring layer 10.3's `AdditiveAttention`, both taken from
# `d2lkit`.
#
# The check cell runs the visible cases here; when your notebook is graded, hidden cases run as
# well. It copies the reference's parameters into your decoder (so keep the names below), then
# compares `init_state`, the output of a call, the output of a second call with the state that
# call returned, and the gradients of every parameter and of the state's tensors.

# %%
import torch
from torch import nn

from autograder import check
from d2lkit.attention import AdditiveAttention, AttentionDecoder, show_heatmaps
from d2lkit.data.fra_eng import load_data_nmt
from d2lkit.seq2seq import EncoderDecoder, Seq2SeqEncoder, predict_seq2seq, train_seq2seq

# %% [markdown]
# ## The decoder
#
# Parts (the names matter): `attention = AdditiveAttention(num_hiddens, num_hiddens,
# num_hiddens, dropout)`, `embedding = nn.Embedding(vocab_size, embed_size)`,
# `rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)`,
# `dense = nn.Linear(num_hiddens, vocab_size)`.
#
# - `init_state(enc_outputs, enc_valid_lens)`: the encoder returns time-major `(outputs,
#   hidden_state)`; return `(outputs` permuted to `(batch_size, num_steps, num_hiddens)`,
#   `hidden_state, enc_valid_lens)`.
# - `forward(X, state)`: embed `X` and walk over its steps. At each step the query is the last
#   layer's hidden state, `(batch_size, 1, num_hiddens)`; the context it pools comes **first**
#   in the GRU's input, then the token's embedding. Run the GRU for one step, keep its output,
#   and record the step's attention weights in a list. At the end apply `dense` to all the
#   outputs and return `(logits (batch_size, num_steps, vocab_size), (enc_outputs, new_hidden,
#   enc_valid_lens))`.
# - `attention_weights` is a property returning that list.


# %% tags=["solution"]
class Seq2SeqAttentionDecoder(AttentionDecoder):
    """forward X: (batch_size, num_steps) int64, state -> (logits, new state)."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.attention = AdditiveAttention(num_hiddens, num_hiddens, num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)
        self._weights = []
        ### END SOLUTION

    def init_state(self, enc_outputs, enc_valid_lens=None, *args):
        ### BEGIN SOLUTION
        outputs, hidden_state = enc_outputs
        return outputs.transpose(0, 1), hidden_state, enc_valid_lens
        ### END SOLUTION

    def forward(self, X, state):
        ### BEGIN SOLUTION
        enc_outputs, hidden, enc_valid_lens = state
        embedded = self.embedding(X)
        outputs, self._weights = [], []
        for t in range(embedded.shape[1]):
            query = hidden[-1][:, None, :]
            context = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            step = torch.cat([context, embedded[:, t : t + 1, :]], dim=2)
            output, hidden = self.rnn(step.transpose(0, 1), hidden)
            outputs.append(output[0])
            self._weights.append(self.attention.attention_weights)
        logits = self.dense(torch.stack(outputs, dim=1))
        return logits, (enc_outputs, hidden, enc_valid_lens)
        ### END SOLUTION

    @property
    def attention_weights(self):
        ### BEGIN SOLUTION
        return self._weights
        ### END SOLUTION


# %%
check("ch10.Seq2SeqAttentionDecoder", Seq2SeqAttentionDecoder)

# %% [markdown]
# The book's shape check: vocabulary 10, embeddings 8, 16 hidden units, 2 layers, a batch of 4
# sequences of 7 steps.

# %%
encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2)
decoder = Seq2SeqAttentionDecoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2)
encoder.eval(), decoder.eval()
X = torch.zeros((4, 7), dtype=torch.long)
output, state = decoder(X, decoder.init_state(encoder(X), None))
print(output.shape, len(state), state[0].shape, len(state[1]), state[1][0].shape)

# %% [markdown]
# A short training on fra-eng (the book trains 250 epochs: `d2lkit train seq2seq-attention`),
# then the attention weights of one translation.

# %% tags=["demo"]
torch.manual_seed(0)
train_iter, src_vocab, tgt_vocab = load_data_nmt(batch_size=64, num_steps=10)
net = EncoderDecoder(
    Seq2SeqEncoder(len(src_vocab), 32, 32, 2, 0.1),
    Seq2SeqAttentionDecoder(len(tgt_vocab), 32, 32, 2, 0.1),
)
history = train_seq2seq(net, train_iter, 0.005, 10, tgt_vocab, "cpu", verbose=True)
translation, steps = predict_seq2seq(
    net, "i'm home .", src_vocab, tgt_vocab, 10, "cpu", save_attention_weights=True
)
print(translation)
weights = torch.cat([step[0] for step in steps], dim=1)[:, :, :4]
show_heatmaps(weights.reshape(1, 1, len(steps), 4), "key positions", "query positions")

# %% [markdown] tags=["written"]
# In Bahdanau attention, what does the decoder use as the query, and how does this remove the
# bottleneck of the plain encoder-decoder?

# %% [markdown] tags=["answer"]
# The decoder's previous hidden state. At every step it computes a new weighted average of all the
# encoder's hidden states, so it is not limited to one fixed summary of the input.

# %% [markdown] tags=["written"]
# What would you expect to see when plotting a trained translation model's attention weights?

# %% [markdown] tags=["answer"]
# Roughly a diagonal: each output word attends to the input words it translates, with departures
# where the two languages order words differently.
