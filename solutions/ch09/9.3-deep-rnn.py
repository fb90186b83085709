# %% [markdown]
# # 9.3 Deep Recurrent Neural Networks — 深度循环神经网络
#
# Stacking recurrent layers gives a network depth in two directions: along time, as every RNN,
# and upwards, each layer reading the hidden states of the layer below at the same step. The
# book builds its deep RNN with `nn.GRU(num_layers=2)`; here you write a stack of tanh RNN
# layers from scratch, in chapter 8's three-function form.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run
# as well (one and three layers too). The forward pass is compared with the reference on its
# outputs, every layer's final state, and the gradients of the inputs, the initial states and
# every parameter; `nn.RNN` and the other recurrent built-ins are off limits.

# %%
import functools

import torch

from autograder import check
from d2lkit.data.timemachine import load_data_time_machine
from d2lkit.rnn import RNNModelScratch, train_ch8

# %% [markdown]
# ## The stack
#
# With $\mathbf{H}_t^{(0)} = \mathbf{X}_t$, layer $l = 1, \ldots, L$ computes
# $$\mathbf{H}_t^{(l)} = \tanh\big(\mathbf{H}_t^{(l-1)} \mathbf{W}_{xh}^{(l)} +
# \mathbf{H}_{t-1}^{(l)} \mathbf{W}_{hh}^{(l)} + \mathbf{b}_h^{(l)}\big),$$
# and the output layer reads the top one, $\mathbf{O}_t = \mathbf{H}_t^{(L)} \mathbf{W}_{hq}
# + \mathbf{b}_q$. Each layer has its own state.
#
# `get_deep_rnn_params(vocab_size, num_hiddens, device, num_layers=2)` returns
# `[W_xh, W_hh, b_h]` for each layer, bottom first, then `[W_hq, b_q]`: the bottom layer's
# `W_xh` is `(vocab_size, num_hiddens)`, every layer above reads `num_hiddens` features
# (`W_xh: (num_hiddens, num_hiddens)`); `W_hh` `(num_hiddens, num_hiddens)`, `W_hq`
# `(num_hiddens, vocab_size)`; weights from $\mathcal{N}(0, 0.01^2)$, biases zeros, all
# float32 and requiring gradients. `init_deep_rnn_state` (given) returns one zero state per
# layer.


# %% tags=["solution"]
def get_deep_rnn_params(vocab_size: int, num_hiddens: int, device, num_layers: int = 2) -> list:
    """[W_xh, W_hh, b_h] per layer (bottom first), then [W_hq, b_q]."""
    ### BEGIN SOLUTION
    def normal(shape):
        return torch.randn(size=shape, device=device) * 0.01

    params = []
    for layer in range(num_layers):
        num_inputs = vocab_size if layer == 0 else num_hiddens
        params += [
            normal((num_inputs, num_hiddens)),
            normal((num_hiddens, num_hiddens)),
            torch.zeros(num_hiddens, device=device),
        ]
    params += [normal((num_hiddens, vocab_size)), torch.zeros(vocab_size, device=device)]
    for param in params:
        param.requires_grad_(True)
    return params
    ### END SOLUTION


# %%
check("ch09.get_deep_rnn_params", get_deep_rnn_params)


# %%
def init_deep_rnn_state(batch_size, num_hiddens, device, num_layers=2):
    """One zero state (batch_size, num_hiddens) per layer, bottom first."""
    return tuple(torch.zeros((batch_size, num_hiddens), device=device) for _ in range(num_layers))


# %% [markdown]
# ## The forward pass
#
# `deep_rnn(inputs, state, params)`: `inputs: (num_steps, batch_size, vocab_size)`, `state` a
# tuple of one `(batch_size, num_hiddens)` tensor per layer. Read the number of layers from
# `params` (3 per layer, plus 2). Return the outputs of all steps concatenated on dimension 0,
# `(num_steps * batch_size, vocab_size)`, and a tuple of every layer's final state, bottom
# first. You may run the layers step by step or one whole layer after another: both compute
# the same states.


# %% tags=["solution"]
def deep_rnn(inputs: torch.Tensor, state: tuple, params: list):
    """inputs: (num_steps, batch_size, vocab_size) -> (outputs: (num_steps * batch_size,
    vocab_size), one final H per layer)."""
    ### BEGIN SOLUTION
    num_layers = (len(params) - 2) // 3
    W_hq, b_q = params[-2:]
    states = list(state)
    outputs = []
    for X in inputs:
        for layer in range(num_layers):
            W_xh, W_hh, b_h = params[3 * layer : 3 * layer + 3]
            states[layer] = torch.tanh(X @ W_xh + states[layer] @ W_hh + b_h)
            X = states[layer]
        outputs.append(X @ W_hq + b_q)
    return torch.cat(outputs, dim=0), tuple(states)
    ### END SOLUTION


# %%
check("ch09.deep_rnn", deep_rnn)

# %% [markdown]
# ## Training (a short demo)
#
# Two layers of 64 units for fifteen epochs (too few to spell); `functools.partial` fixes
# `num_layers` for other depths.

# %%
num_layers = 2
torch.set_num_threads(1)  # layers this small run fastest on one thread, steadily on a shared CPU
torch.manual_seed(0)
train_iter, vocab = load_data_time_machine(batch_size=32, num_steps=35)
net = RNNModelScratch(
    len(vocab), 64, "cpu",
    functools.partial(get_deep_rnn_params, num_layers=num_layers),
    functools.partial(init_deep_rnn_state, num_layers=num_layers),
    deep_rnn,
)  # fmt: skip
history = train_ch8(net, train_iter, vocab, lr=1, num_epochs=15, device="cpu")
print(f"perplexity {history['perplexity'][-1]:.1f}")
print(history["predictions"][0])

# %% [markdown] tags=["written"]
# In a deep RNN, what does the hidden state of layer l at time step t depend on? How is stacking
# layers different from unrolling over time?

# %% [markdown] tags=["answer"]
# On layer l - 1 at step t and layer l at step t - 1. Depth adds transformations within one step;
# time carries the state across steps with the same weights.

# %% [markdown] tags=["written"]
# Which adds more parameters to an RNN: doubling the number of layers, or doubling the hidden
# size? Why?

# %% [markdown] tags=["answer"]
# Doubling the hidden size: the recurrent weights grow with the square of the hidden size, so they
# quadruple, while extra layers of the same size add parameters linearly.
