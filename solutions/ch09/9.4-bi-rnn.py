# %% [markdown]
# # 9.4 Bidirectional Recurrent Neural Networks — 双向循环神经网络
#
# To fill in a blank, "I am ___ hungry", the words after the gap matter as much as those
# before it. A bidirectional RNN runs two recurrent layers over the sequence: one from the first
# step to the last, one from the last to the first. At each step the output layer sees both
# states, so every position is summarised with its whole context. You will write its forward
# pass from scratch, then watch it fail at the task of chapter 8: predicting the next token,
# whose right-hand context is exactly what is not known at prediction time.
#
# The check cell runs the visible cases here; when your notebook is graded, hidden cases run as
# well. It compares the outputs, both final states, and the gradients of the inputs, the
# initial states and every parameter with the reference; `nn.RNN(bidirectional=True)` and the
# other recurrent built-ins are off limits.

# %%
import torch

from autograder import check
from d2lkit.data.timemachine import load_data_time_machine
from d2lkit.modern_rnn import init_bi_rnn_state
from d2lkit.rnn import RNNModelScratch, train_ch8

# %% [markdown]
# ## Two directions
#
# $$\overrightarrow{\mathbf{H}}_t = \tanh(\mathbf{X}_t \mathbf{W}_{xh}^{(f)} +
# \overrightarrow{\mathbf{H}}_{t-1} \mathbf{W}_{hh}^{(f)} + \mathbf{b}_h^{(f)}),
# \qquad
# \overleftarrow{\mathbf{H}}_t = \tanh(\mathbf{X}_t \mathbf{W}_{xh}^{(b)} +
# \overleftarrow{\mathbf{H}}_{t+1} \mathbf{W}_{hh}^{(b)} + \mathbf{b}_h^{(b)}),$$
# $$\mathbf{O}_t = [\overrightarrow{\mathbf{H}}_t, \overleftarrow{\mathbf{H}}_t]\, \mathbf{W}_{hq} + \mathbf{b}_q.$$
# The backward layer starts from its initial state at the **last** step and moves towards the
# first. Step $t$ concatenates the two states *of the same step* (feature dimension), so
# `W_hq` is `(2 * num_hiddens, vocab_size)`.
#
# The parameters (given) are `[W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b, W_hq, b_q]` and
# the state `(H_f, H_b)`. `bi_rnn(inputs, state, params)` returns the outputs of all steps
# concatenated on dimension 0, `(num_steps * batch_size, vocab_size)`, step 0 first, and the
# final states `(H_f after the last step, H_b after reading the first step)`, as
# `nn.RNN(bidirectional=True)` returns them.

# %%
def get_bi_rnn_params(vocab_size, num_hiddens, device):
    def normal(shape):
        return torch.randn(size=shape, device=device) * 0.01

    def three():
        return [
            normal((vocab_size, num_hiddens)),
            normal((num_hiddens, num_hiddens)),
            torch.zeros(num_hiddens, device=device),
        ]

    params = three() + three()
    params += [normal((2 * num_hiddens, vocab_size)), torch.zeros(vocab_size, device=device)]
    for param in params:
        param.requires_grad_(True)
    return params


# %% tags=["solution"]
def bi_rnn(inputs: torch.Tensor, state: tuple, params: list):
    """inputs: (num_steps, batch_size, vocab_size) -> (outputs: (num_steps * batch_size,
    vocab_size), (H_f, H_b))."""
    ### BEGIN SOLUTION
    W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b, W_hq, b_q = params
    H_f, H_b = state
    forward_states, backward_states = [], []
    for X in inputs:
        H_f = torch.tanh(X @ W_xh_f + H_f @ W_hh_f + b_h_f)
        forward_states.append(H_f)
    for X in reversed(inputs):
        H_b = torch.tanh(X @ W_xh_b + H_b @ W_hh_b + b_h_b)
        backward_states.append(H_b)
    backward_states.reverse()
    outputs = [
        torch.cat((h_f, h_b), dim=1) @ W_hq + b_q
        for h_f, h_b in zip(forward_states, backward_states)
    ]
    return torch.cat(outputs, dim=0), (H_f, H_b)
    ### END SOLUTION


# %%
check("ch09.bi_rnn", bi_rnn)

# %% [markdown]
# ## The wrong tool for next-token prediction (not graded)
#
# Trained as a language model, the backward layer reads the very token the model must
# predict: during training the right-hand context is there, so the loss falls fast. When
# generating text there is no right-hand context, and the predictions are nonsense.

# %%
torch.set_num_threads(1)  # layers this small run fastest on one thread, steadily on a shared CPU
torch.manual_seed(0)
train_iter, vocab = load_data_time_machine(batch_size=32, num_steps=35)
net = RNNModelScratch(len(vocab), 64, "cpu", get_bi_rnn_params, init_bi_rnn_state, bi_rnn)
history = train_ch8(net, train_iter, vocab, lr=1, num_epochs=8, device="cpu")
print(f"training perplexity {history['perplexity'][-1]:.1f} (it can peek at the answer)")
print(history["predictions"][0])

# %% [markdown] tags=["written"]
# Why is a bidirectional RNN a poor language model for generating text left to right?

# %% [markdown] tags=["answer"]
# Its prediction for a position uses the tokens after it. When generating, those tokens do not
# exist yet; in training, seeing them leaks the answer, so the model learns nothing useful for
# generation.

# %% [markdown] tags=["written"]
# Name a task where a bidirectional RNN helps, and explain why.

# %% [markdown] tags=["answer"]
# Tagging each word (parts of speech, named entities) or filling in a blank: the right label
# depends on the words on both sides, and the whole sentence is known.
