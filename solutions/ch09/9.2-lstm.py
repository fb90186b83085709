# %% [markdown]
# # 9.2 Long Short-Term Memory (LSTM) — 长短期记忆网络（LSTM）
#
# The LSTM is older than the GRU and has one more idea: beside the hidden state it carries a
# **memory cell** $\mathbf{C}_t$ that gates write into, erase and read from. You will write its
# parameters, its two-tensor initial state and its forward pass from scratch, then train it
# briefly on *The Time Machine*.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run
# as well. The forward pass is compared with the reference on its outputs, its final `(H, C)`,
# and the gradients of the inputs, the initial state and every parameter. `nn.LSTM`,
# `torch.lstm_cell` and friends are off limits.

# %%
import torch

from autograder import check
from d2lkit.data.timemachine import load_data_time_machine
from d2lkit.rnn import RNNModelScratch, train_ch8

# %% [markdown]
# ## Gates, memory and state
#
# Three gates read the input and the previous hidden state,
# $$\mathbf{I}_t = \sigma(\mathbf{X}_t \mathbf{W}_{xi} + \mathbf{H}_{t-1} \mathbf{W}_{hi} + \mathbf{b}_i),\quad
# \mathbf{F}_t = \sigma(\mathbf{X}_t \mathbf{W}_{xf} + \mathbf{H}_{t-1} \mathbf{W}_{hf} + \mathbf{b}_f),\quad
# \mathbf{O}_t = \sigma(\mathbf{X}_t \mathbf{W}_{xo} + \mathbf{H}_{t-1} \mathbf{W}_{ho} + \mathbf{b}_o),$$
# and a candidate memory $\tilde{\mathbf{C}}_t = \tanh(\mathbf{X}_t \mathbf{W}_{xc} +
# \mathbf{H}_{t-1} \mathbf{W}_{hc} + \mathbf{b}_c)$. The **forget** gate scales the old memory,
# the **input** gate the candidate:
# $\mathbf{C}_t = \mathbf{F}_t \odot \mathbf{C}_{t-1} + \mathbf{I}_t \odot \tilde{\mathbf{C}}_t$.
# The **output** gate reads the squashed memory into the hidden state,
# $\mathbf{H}_t = \mathbf{O}_t \odot \tanh(\mathbf{C}_t)$, and the output layer reads
# $\mathbf{H}_t$: $\mathbf{O}_t' = \mathbf{H}_t \mathbf{W}_{hq} + \mathbf{b}_q$.
#
# ## Parameters and state
#
# `get_lstm_params(vocab_size, num_hiddens, device)` returns
# `[W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q]` (this
# order), shaped and initialised as the GRU's of 9.1: `W_x*` `(vocab_size, num_hiddens)`,
# `W_h*` `(num_hiddens, num_hiddens)`, `W_hq` `(num_hiddens, vocab_size)` from
# $\mathcal{N}(0, 0.01^2)$, biases zeros, all float32 and requiring gradients.
# `init_lstm_state(batch_size, num_hiddens, device)` returns `(H, C)`, two tensors of zeros
# `(batch_size, num_hiddens)`: the hidden state first, then the memory.


# %% tags=["solution"]
def get_lstm_params(vocab_size: int, num_hiddens: int, device) -> list:
    """The LSTM's 14 parameters, requiring gradients."""
    ### BEGIN SOLUTION
    def normal(shape):
        return torch.randn(size=shape, device=device) * 0.01

    def three():
        return (
            normal((vocab_size, num_hiddens)),
            normal((num_hiddens, num_hiddens)),
            torch.zeros(num_hiddens, device=device),
        )

    W_xi, W_hi, b_i = three()
    W_xf, W_hf, b_f = three()
    W_xo, W_ho, b_o = three()
    W_xc, W_hc, b_c = three()
    W_hq = normal((num_hiddens, vocab_size))
    b_q = torch.zeros(vocab_size, device=device)
    params = [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params
    ### END SOLUTION


# %%
check("ch09.get_lstm_params", get_lstm_params)


# %% tags=["solution"]
def init_lstm_state(batch_size: int, num_hiddens: int, device) -> tuple:
    """(H, C), both (batch_size, num_hiddens) zeros."""
    ### BEGIN SOLUTION
    return (
        torch.zeros((batch_size, num_hiddens), device=device),
        torch.zeros((batch_size, num_hiddens), device=device),
    )
    ### END SOLUTION


# %%
check("ch09.init_lstm_state", init_lstm_state)

# %% [markdown]
# ## The forward pass
#
# `lstm(inputs, state, params)` runs the equations over `inputs: (num_steps, batch_size,
# vocab_size)` from the state `(H, C)`. It returns the outputs of all steps concatenated on
# dimension 0, `(num_steps * batch_size, vocab_size)`, and the final state `(H, C)`.


# %% tags=["solution"]
def lstm(inputs: torch.Tensor, state: tuple, params: list):
    """inputs: (num_steps, batch_size, vocab_size) -> (outputs: (num_steps * batch_size,
    vocab_size), (H, C))."""
    ### BEGIN SOLUTION
    W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q = params
    H, C = state
    outputs = []
    for X in inputs:
        I = torch.sigmoid((X @ W_xi) + (H @ W_hi) + b_i)
        F = torch.sigmoid((X @ W_xf) + (H @ W_hf) + b_f)
        O = torch.sigmoid((X @ W_xo) + (H @ W_ho) + b_o)
        C_tilde = torch.tanh((X @ W_xc) + (H @ W_hc) + b_c)
        C = F * C + I * C_tilde
        H = O * torch.tanh(C)
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), (H, C)
    ### END SOLUTION


# %%
check("ch09.lstm", lstm)

# %% [markdown]
# ## Training (a short demo)
#
# Fifteen epochs with 64 hidden units take a few seconds, too few to spell; the book trains
# 500 epochs with 256 units (perplexity about 1.1).

# %%
torch.set_num_threads(1)  # layers this small run fastest on one thread, steadily on a shared CPU
torch.manual_seed(0)
train_iter, vocab = load_data_time_machine(batch_size=32, num_steps=35)
net = RNNModelScratch(len(vocab), 64, "cpu", get_lstm_params, init_lstm_state, lstm)
history = train_ch8(net, train_iter, vocab, lr=1, num_epochs=15, device="cpu")
print(f"perplexity {history['perplexity'][-1]:.1f}")
print(history["predictions"][0])

# %% [markdown] tags=["written"]
# The LSTM updates its memory cell by adding to it. Why does that help gradients over long
# sequences?

# %% [markdown] tags=["answer"]
# C_t = F_t ⊙ C_{t-1} + I_t ⊙ C~_t: along the cell the gradient is multiplied only by the forget
# gate, not by a weight matrix and an activation's derivative each step, so with F near 1 it does
# not vanish.

# %% [markdown] tags=["written"]
# Compare the parameters of an LSTM and a GRU with the same hidden size. When would you choose the
# GRU?

# %% [markdown] tags=["answer"]
# An LSTM has four weight sets (three gates and the candidate), a GRU three: about 3/4 of the
# parameters and work. The GRU is often as accurate and faster, so it is a good choice when
# compute or data is limited.
