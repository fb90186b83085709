# %% [markdown]
# # 9.1 Gated Recurrent Units (GRU) — 门控循环单元（GRU）
#
# A plain RNN overwrites its hidden state at every step, so an early token's influence fades (or
# its gradient explodes) over long sequences. A GRU adds two **gates**, vectors of numbers in
# $(0, 1)$ computed from the input and the previous state, that decide how much of the state to
# use and how much to keep. You will write its parameters, its initial state and its forward
# pass from scratch, then train it briefly on *The Time Machine* with chapter 8's harness.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases
# (other sizes, float64, long sequences) run as well. The forward pass is compared with the
# reference on its outputs, its final state, and the gradients of the inputs, the initial state
# and every parameter. `nn.GRU`, `torch.gru_cell` and friends are off limits.

# %%
import torch

from autograder import check
from d2lkit.data.timemachine import load_data_time_machine
from d2lkit.rnn import RNNModelScratch, train_ch8

# %% [markdown]
# ## The gates and the candidate state
#
# For a minibatch $\mathbf{X}_t \in \mathbb{R}^{n \times d}$ and the previous state
# $\mathbf{H}_{t-1} \in \mathbb{R}^{n \times h}$:
# $$\mathbf{R}_t = \sigma(\mathbf{X}_t \mathbf{W}_{xr} + \mathbf{H}_{t-1} \mathbf{W}_{hr} + \mathbf{b}_r),
# \qquad
# \mathbf{Z}_t = \sigma(\mathbf{X}_t \mathbf{W}_{xz} + \mathbf{H}_{t-1} \mathbf{W}_{hz} + \mathbf{b}_z),$$
# $$\tilde{\mathbf{H}}_t = \tanh\big(\mathbf{X}_t \mathbf{W}_{xh} + (\mathbf{R}_t \odot \mathbf{H}_{t-1}) \mathbf{W}_{hh} + \mathbf{b}_h\big),
# \qquad
# \mathbf{H}_t = \mathbf{Z}_t \odot \mathbf{H}_{t-1} + (1 - \mathbf{Z}_t) \odot \tilde{\mathbf{H}}_t.$$
# The **reset** gate $\mathbf{R}_t$ decides how much of the old state enters the candidate
# $\tilde{\mathbf{H}}_t$ (it scales $\mathbf{H}_{t-1}$ *before* the product with
# $\mathbf{W}_{hh}$; torch's `nn.GRU` scales the product instead, a slightly different model).
# The **update** gate $\mathbf{Z}_t$ decides how much of the old state is kept as it is: near 1,
# the state carries over unchanged. The output layer is the RNN's,
# $\mathbf{O}_t = \mathbf{H}_t \mathbf{W}_{hq} + \mathbf{b}_q$.
#
# ## Parameters
#
# `get_gru_params(vocab_size, num_hiddens, device)` returns the list
# `[W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q]` (this order), with inputs and
# outputs one-hot tokens (`num_inputs = num_outputs = vocab_size`): `W_x*` `(vocab_size,
# num_hiddens)`, `W_h*` `(num_hiddens, num_hiddens)`, `W_hq` `(num_hiddens, vocab_size)`, drawn
# from $\mathcal{N}(0, 0.01^2)$ (`torch.randn(shape) * 0.01`); the biases zeros; every tensor
# float32 and requiring gradients. (The book calls this function `get_params`.)


# %% tags=["solution"]
def get_gru_params(vocab_size: int, num_hiddens: int, device) -> list:
    """The GRU's 11 parameters, requiring gradients."""
    ### BEGIN SOLUTION
    def normal(shape):
        return torch.randn(size=shape, device=device) * 0.01

    def three():
        return (
            normal((vocab_size, num_hiddens)),
            normal((num_hiddens, num_hiddens)),
            torch.zeros(num_hiddens, device=device),
        )

    W_xz, W_hz, b_z = three()
    W_xr, W_hr, b_r = three()
    W_xh, W_hh, b_h = three()
    W_hq = normal((num_hiddens, vocab_size))
    b_q = torch.zeros(vocab_size, device=device)
    params = [W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params
    ### END SOLUTION


# %%
check("ch09.get_gru_params", get_gru_params)

# %% [markdown]
# ## The initial state
#
# `init_gru_state(batch_size, num_hiddens, device)` returns a **tuple** holding one tensor of
# zeros, `(H,)` with `H: (batch_size, num_hiddens)`: the harness treats every model's state as
# a tuple (the LSTM's has two tensors).


# %% tags=["solution"]
def init_gru_state(batch_size: int, num_hiddens: int, device) -> tuple:
    """(H,), H: (batch_size, num_hiddens) zeros."""
    ### BEGIN SOLUTION
    return (torch.zeros((batch_size, num_hiddens), device=device),)
    ### END SOLUTION


# %%
check("ch09.init_gru_state", init_gru_state)

# %% [markdown]
# ## The forward pass
#
# `gru(inputs, state, params)` runs the equations over `inputs: (num_steps, batch_size,
# vocab_size)`, one step after another from the state `(H,)`. It returns the outputs of all
# steps concatenated on dimension 0, `(num_steps * batch_size, vocab_size)`, step 0 first, and
# the final state `(H,)`. Keep every step on the autograd graph (no `.detach()`).


# %% tags=["solution"]
def gru(inputs: torch.Tensor, state: tuple, params: list):
    """inputs: (num_steps, batch_size, vocab_size) -> (outputs: (num_steps * batch_size,
    vocab_size), (H,))."""
    ### BEGIN SOLUTION
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    outputs = []
    for X in inputs:
        Z = torch.sigmoid((X @ W_xz) + (H @ W_hz) + b_z)
        R = torch.sigmoid((X @ W_xr) + (H @ W_hr) + b_r)
        H_tilde = torch.tanh((X @ W_xh) + ((R * H) @ W_hh) + b_h)
        H = Z * H + (1 - Z) * H_tilde
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), (H,)
    ### END SOLUTION


# %%
check("ch09.gru", gru)

# %% [markdown]
# ## Training (a short demo)
#
# `RNNModelScratch` (8.5) turns the three functions into a language model, and `train_ch8`
# trains it on characters. Fifteen epochs with 64 hidden units take a few seconds, too few to
# spell (expect spaces and common letters); the book trains 500 epochs with 256 units
# (perplexity about 1.1).

# %%
torch.set_num_threads(1)  # layers this small run fastest on one thread, steadily on a shared CPU
torch.manual_seed(0)
train_iter, vocab = load_data_time_machine(batch_size=32, num_steps=35)
net = RNNModelScratch(len(vocab), 64, "cpu", get_gru_params, init_gru_state, gru)
history = train_ch8(net, train_iter, vocab, lr=1, num_epochs=15, device="cpu")
print(f"perplexity {history['perplexity'][-1]:.1f}")
print(history["predictions"][0])

# %% [markdown] tags=["written"]
# What happens when a GRU's update gate stays close to 1 for many steps? How does that help with
# long-range dependencies?

# %% [markdown] tags=["answer"]
# The hidden state is copied almost unchanged from step to step, so information from early steps
# survives, and the gradient flows back through those steps without shrinking.

# %% [markdown] tags=["written"]
# What do a reset gate near 0 and near 1 mean? Which simpler models does a GRU become at the
# extremes of its gates?

# %% [markdown] tags=["answer"]
# Near 0 the candidate state ignores the previous state (as if the sequence restarted); near 1 it
# uses it fully. With reset 1 and update 0 the GRU is a plain RNN.
