# %% [markdown]
# # 8.6 Concise Implementation of Recurrent Neural Networks — 循环神经网络的简洁实现
#
# PyTorch's `nn.RNN` runs the recurrence of 8.5 for all time steps in one call (as do `nn.GRU`
# and `nn.LSTM` of chapter 9). It has no output layer: it returns the hidden states of the last
# layer at every step, `Y: (num_steps, batch_size, num_hiddens)`, and the final state,
# `(num_layers, batch_size, num_hiddens)`. You will wrap such a layer into a language model.
#
# The check cell runs the visible cases here; when your notebook is graded, hidden cases run as
# well.

# %%
import torch
import torch.nn.functional as F
from torch import nn

from autograder import check
from d2lkit.data import load_data_time_machine
from d2lkit.rnn import predict_ch8, train_ch8

# %%
batch_size, num_steps, num_hiddens = 32, 35, 256
train_iter, vocab = load_data_time_machine(batch_size, num_steps, seed=0)
rnn_layer = nn.RNN(len(vocab), num_hiddens)
state = torch.zeros((1, batch_size, num_hiddens))
X = torch.rand(size=(num_steps, batch_size, len(vocab)))
Y, state_new = rnn_layer(X, state)
print(Y.shape, state_new.shape)

# %% [markdown]
# ## The model
#
# `RNNModel(rnn_layer, vocab_size)` keeps the recurrent layer as `self.rnn` and adds an output
# layer `self.linear`: `nn.Linear(num_hiddens * num_directions, vocab_size)`, where
# `num_directions` is 2 for a bidirectional layer and 1 otherwise (keep these two names: the
# check loads weights by them).
#
# - `forward(inputs, state)`: `inputs` are `(batch_size, num_steps)` token indices; one-hot
#   encode `inputs.T` as float32, run the layer, flatten `Y` to `(num_steps * batch_size,
#   width)` and apply the linear layer; return `(outputs, state)`, outputs being
#   `(num_steps * batch_size, vocab_size)` as in 8.5.
# - `begin_state(device, batch_size=1)`: zeros of `(num_directions * num_layers, batch_size,
#   num_hiddens)` (read them from `self.rnn`); for an `nn.LSTM`, the pair of two such tensors
#   `(H, C)`.


# %% tags=["solution"]
class RNNModel(nn.Module):
    """A torch recurrent layer with a linear output layer over one-hot tokens."""

    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        self.num_directions = 2 if self.rnn.bidirectional else 1
        self.linear = nn.Linear(self.num_hiddens * self.num_directions, self.vocab_size)
        ### END SOLUTION

    def forward(self, inputs, state):
        ### BEGIN SOLUTION
        X = F.one_hot(inputs.T.long(), self.vocab_size).to(torch.float32)
        Y, state = self.rnn(X, state)
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state
        ### END SOLUTION

    def begin_state(self, device, batch_size=1):
        ### BEGIN SOLUTION
        shape = (self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens)
        if not isinstance(self.rnn, nn.LSTM):
            return torch.zeros(shape, device=device)
        return (torch.zeros(shape, device=device), torch.zeros(shape, device=device))
        ### END SOLUTION


# %% [markdown]
# The check builds your model around the layer a case supplies (an `nn.RNN`, `nn.GRU` or
# `nn.LSTM`, with one or two layers, one or two directions), through the cell below (leave it
# as it is), which loads the output layer's weights and calls the model from `begin_state`.
# It compares the outputs and both states, the gradients of every parameter, and a second call
# that continues from the state the first returned.


# %%
def run_rnn_model(rnn_layer, vocab_size, X, linear_state):
    """Build RNNModel around rnn_layer, load its output layer, call it once from begin_state."""
    net = RNNModel(rnn_layer, vocab_size)
    net.linear.load_state_dict(linear_state)
    state = net.begin_state(device="cpu", batch_size=X.shape[0])
    Y, new_state = net(X, state)
    return Y, new_state, state


# %%
check("ch08.RNNModel", run_rnn_model)

# %% [markdown]
# ## Training
#
# Untrained, the model babbles; a few epochs with the book's `train_ch8` (lr 1, gradients
# clipped to norm 1) already lower the perplexity. The book trains 500 epochs
# (`d2lkit train rnn-concise` for the full run).

# %%
torch.manual_seed(0)
net = RNNModel(nn.RNN(len(vocab), num_hiddens), vocab_size=len(vocab))
print(predict_ch8("time traveller", 10, net, vocab, "cpu"))
history = train_ch8(net, train_iter, vocab, lr=1, num_epochs=3, device="cpu")
print([round(p, 1) for p in history["perplexity"]])
print(history["predictions"][0])

# %% [markdown] tags=["written"]
# `nn.RNN` returns the hidden states, not predictions. Why does the model need its own output
# layer, and what shape does that layer receive?

# %% [markdown] tags=["answer"]
# The RNN layer only computes hidden states of shape (num_steps, batch_size, num_hiddens); a
# linear layer maps each one to vocabulary scores, after reshaping to (num_steps × batch_size,
# num_hiddens).

# %% [markdown] tags=["written"]
# The concise model trains much faster than the one written from scratch. Where does the speed
# come from?

# %% [markdown] tags=["answer"]
# The library runs the whole sequence in fused, optimised kernels (cuDNN on a GPU) instead of many
# small operations launched one by one from Python.
