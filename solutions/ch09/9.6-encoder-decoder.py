# %% [markdown]
# # 9.6 The Encoder-Decoder Architecture — 编码器-解码器架构
#
# Translation reads a whole source sequence before it writes a target sequence of another
# length. The encoder-decoder architecture splits the model in two: an **encoder** maps the
# source to some encoded form, the **decoder** turns that into its initial **state** and then
# produces the target step by step, its state carrying what it has seen. Here you write the
# interfaces; 9.7 fills them with recurrent networks.
#
# The check cell runs the visible cases here; when your notebook is graded, hidden cases run as
# well.

# %%
import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## The interfaces
#
# An encoder is any module whose `forward(X, *args)` takes a batch of source sequences (and
# optional extras such as their valid lengths). A decoder has one more method,
# `init_state(enc_outputs, *args)`, which turns the encoder's outputs into its first state;
# its `forward(X, state)` returns `(output, new_state)`. A state can be a tensor or a tuple of
# tensors: whatever the decoder needs to carry from one call to the next.

# %%
class Encoder(nn.Module):
    """The encoder interface: forward(X, *args) -> enc_outputs."""

    def forward(self, X, *args):
        raise NotImplementedError


class Decoder(nn.Module):
    """The decoder interface: init_state(enc_outputs, *args) -> state;
    forward(X, state) -> (output, new_state)."""

    def init_state(self, enc_outputs, *args):
        raise NotImplementedError

    def forward(self, X, state):
        raise NotImplementedError


# %% [markdown]
# ## Putting them together
#
# `EncoderDecoder(encoder, decoder)` keeps both as submodules (`self.encoder`,
# `self.decoder`, so their parameters are the model's). Its `forward(enc_X, dec_X, *args)`
#
# 1. encodes: `enc_outputs = self.encoder(enc_X, *args)`;
# 2. starts the decoder: `dec_state = self.decoder.init_state(enc_outputs, *args)`;
# 3. decodes and returns whatever the decoder returns, the pair `(output, state)`.
#
# The extra arguments go to **both** the encoder and `init_state`.


# %% tags=["solution"]
class EncoderDecoder(nn.Module):
    """forward(enc_X, dec_X, *args) -> the decoder's (output, state)."""

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X, dec_X, *args):
        ### BEGIN SOLUTION
        enc_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder(dec_X, dec_state)
        ### END SOLUTION


# %% [markdown]
# A check case cannot build your class from plain numbers (it takes two modules), so the cell
# below, which you leave as it is, builds it around two recording stand-ins the check supplies
# and calls it. The check compares the output and the state with the reference's, and which
# method received which arguments, in which order.

# %%
def run_encoder_decoder(encoder, decoder, enc_X, dec_X, *args):
    """Your EncoderDecoder around the given encoder and decoder, called once."""
    return EncoderDecoder(encoder, decoder)(enc_X, dec_X, *args)


# %%
check("ch09.EncoderDecoder", run_encoder_decoder)

# %% [markdown]
# A toy pair: the encoder averages the source embeddings; the decoder adds that summary to each
# target embedding and counts the calls in its state.

# %%
class MeanEncoder(Encoder):
    def __init__(self, vocab_size, num_hiddens):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, num_hiddens)

    def forward(self, X, *args):
        return self.embedding(X).mean(dim=1)


class AddDecoder(Decoder):
    def __init__(self, vocab_size, num_hiddens):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, *args):
        return enc_outputs, 0

    def forward(self, X, state):
        summary, calls = state
        return self.dense(self.embedding(X) + summary[:, None, :]), (summary, calls + 1)


torch.manual_seed(0)
net = EncoderDecoder(MeanEncoder(10, 8), AddDecoder(12, 8))
output, (summary, calls) = net(torch.randint(0, 10, (4, 7)), torch.randint(0, 12, (4, 5)))
print(output.shape, summary.shape, calls)

# %% [markdown] tags=["written"]
# The encoder hands the decoder a state. What must it contain, and why is a fixed-size state a
# bottleneck for long inputs?

# %% [markdown] tags=["answer"]
# Everything the decoder needs about the input. A fixed size must compress any input into the same
# number of values, so details of long inputs are lost; attention lets the decoder look at all the
# encoder's outputs instead.

# %% [markdown] tags=["written"]
# Must the encoder and the decoder be the same kind of network? Give an example.

# %% [markdown] tags=["answer"]
# No, only the interface (the state) must fit: a CNN can encode an image and an RNN decode it into
# a caption.
