# %% [markdown]
# # 8.5 Implementation of Recurrent Neural Networks from Scratch — 循环神经网络的从零开始实现
#
# A recurrent neural network keeps a hidden state $\mathbf{H}_t$ that summarises the tokens seen
# so far. At each step it reads one token $\mathbf{X}_t$ (one-hot), updates the state and
# predicts the next token:
#
# $$\mathbf{H}_t = \tanh(\mathbf{X}_t \mathbf{W}_{xh} + \mathbf{H}_{t-1} \mathbf{W}_{hh} +
# \mathbf{b}_h), \qquad \mathbf{O}_t = \mathbf{H}_t \mathbf{W}_{hq} + \mathbf{b}_q.$$
#
# You will write a character-level RNN language model from its parameters up, the gradient
# clipping that keeps its training stable, greedy text generation, and one training epoch; then
# train it briefly on The Time Machine.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run
# as well.

# %%
import math
import time

import torch
import torch.nn.functional as F
from torch import nn

from autograder import check
from d2lkit.data import load_data_time_machine
from d2lkit.linear import sgd

# %%
batch_size, num_steps = 32, 35
train_iter, vocab = load_data_time_machine(batch_size, num_steps, seed=0)
print(len(vocab), "tokens:", vocab.idx_to_token[:8], "...")

# %% [markdown]
# ## One-hot inputs
#
# A minibatch `X` is `(batch_size, num_steps)` token indices. The model reads it one time step
# at a time, so it is transposed first and each index becomes a one-hot vector of length
# `vocab_size`: `F.one_hot(X.T, vocab_size)` is `(num_steps, batch_size, vocab_size)`.

# %%
X = torch.arange(10).reshape((2, 5))
print(F.one_hot(X.T, 28).shape)

# %% [markdown]
# ## The parameters
#
# `get_params(vocab_size, num_hiddens, device)` returns `[W_xh, W_hh, b_h, W_hq, b_q]`, each
# requiring gradients: `W_xh` is `(vocab_size, num_hiddens)`, `W_hh` `(num_hiddens,
# num_hiddens)`, `W_hq` `(num_hiddens, vocab_size)`, each drawn from $\mathcal{N}(0, 0.01^2)$
# (`torch.randn(shape) * 0.01`); the biases `b_h: (num_hiddens,)` and `b_q: (vocab_size,)` are
# zeros. Inputs and outputs are both one token, hence `vocab_size` on both sides. The check
# looks at the shapes, the zeros and the spread of the weights, not at their values.


# %% tags=["solution"]
def get_params(vocab_size: int, num_hiddens: int, device) -> list[torch.Tensor]:
    """[W_xh (V, h), W_hh (h, h), b_h (h,), W_hq (h, V), b_q (V,)], requiring gradients."""

    ### BEGIN SOLUTION
    def normal(shape):
        return torch.randn(size=shape, device=device) * 0.01

    params = [
        normal((vocab_size, num_hiddens)),
        normal((num_hiddens, num_hiddens)),
        torch.zeros(num_hiddens, device=device),
        normal((num_hiddens, vocab_size)),
        torch.zeros(vocab_size, device=device),
    ]
    for param in params:
        param.requires_grad_(True)
    return params
    ### END SOLUTION


# %%
check("ch08.get_params", get_params)

# %% [markdown]
# ## The state
#
# `init_rnn_state(batch_size, num_hiddens, device)` returns the initial state: a **tuple**
# holding one tensor of zeros, `(batch_size, num_hiddens)`. A tuple, because an LSTM (9.2)
# carries two tensors, and the training code treats every model alike.


# %% tags=["solution"]
def init_rnn_state(batch_size: int, num_hiddens: int, device) -> tuple[torch.Tensor]:
    """(H,) with H: (batch_size, num_hiddens) zeros."""
    ### BEGIN SOLUTION
    return (torch.zeros((batch_size, num_hiddens), device=device),)
    ### END SOLUTION


# %%
check("ch08.init_rnn_state", init_rnn_state)

# %% [markdown]
# ## The forward pass
#
# `rnn(inputs, state, params)` loops over the time steps of `inputs: (num_steps, batch_size,
# vocab_size)`, applies the two equations above, and returns the outputs of all steps
# concatenated along dimension 0, `(num_steps * batch_size, vocab_size)` (step 0 first), with
# the last state as a tuple `(H,)`. Write the loop yourself: `nn.RNN`, `torch.rnn_tanh` and
# friends are off limits. The check compares the outputs, the last state and the gradients of
# the inputs, the initial state and every parameter with the reference's.


# %% tags=["solution"]
def rnn(inputs: torch.Tensor, state: tuple[torch.Tensor], params: list[torch.Tensor]):
    """inputs: (num_steps, batch_size, V); state: (H,) -> (outputs: (num_steps * batch_size, V), (H,))."""
    ### BEGIN SOLUTION
    W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    outputs = []
    for X in inputs:
        H = torch.tanh(X @ W_xh + H @ W_hh + b_h)
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), (H,)
    ### END SOLUTION


# %%
check("ch08.rnn", rnn)

# %% [markdown]
# ## The model
#
# `RNNModelScratch` bundles the parameters with the functions that use them: the constructor
# calls `get_params(vocab_size, num_hiddens, device)` and keeps `params`, `init_state` and
# `forward_fn`; `begin_state(batch_size, device)` calls
# `init_state(batch_size, num_hiddens, device)`; calling the model with `X: (batch_size,
# num_steps)` token indices and a state one-hot encodes `X.T` as float32 and returns
# `forward_fn(inputs, state, params)`.


# %% tags=["solution"]
class RNNModelScratch:
    """A recurrent model from scratch: net(X, state) -> (outputs: (num_steps * batch_size, V), state)."""

    def __init__(self, vocab_size, num_hiddens, device, get_params, init_state, forward_fn):
        ### BEGIN SOLUTION
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn
        ### END SOLUTION

    def __call__(self, X, state):
        ### BEGIN SOLUTION
        X = F.one_hot(X.T, self.vocab_size).type(torch.float32)
        return self.forward_fn(X, state, self.params)
        ### END SOLUTION

    def begin_state(self, batch_size, device):
        ### BEGIN SOLUTION
        return self.init_state(batch_size, self.num_hiddens, device)
        ### END SOLUTION


# %% [markdown]
# The check builds your class around stand-ins of `get_params`, `init_state` and `forward_fn`
# that record what they receive, through the cell below (leave it as it is).


# %%
def run_rnn_model_scratch(X, vocab_size, num_hiddens, get_params, init_state, forward_fn):
    """Build RNNModelScratch around the given functions and call it once from begin_state."""
    net = RNNModelScratch(vocab_size, num_hiddens, "cpu", get_params, init_state, forward_fn)
    state = net.begin_state(X.shape[0], "cpu")
    return net(X, state)


# %%
check("ch08.RNNModelScratch", run_rnn_model_scratch)

# %%
num_hiddens = 512
net = RNNModelScratch(len(vocab), num_hiddens, "cpu", get_params, init_rnn_state, rnn)
state = net.begin_state(X.shape[0], "cpu")
Y, new_state = net(X, state)
print(Y.shape, len(new_state), new_state[0].shape)

# %% [markdown]
# ## Gradient clipping
#
# Back-propagation through many time steps can make gradients explode. Clipping rescales all
# gradients together so that their global norm is at most $\theta$:
#
# $$\mathbf{g} \leftarrow \min\left(1, \frac{\theta}{\|\mathbf{g}\|}\right) \mathbf{g},$$
#
# where $\mathbf{g}$ stacks the gradients of every parameter (`net.parameters()` for an
# `nn.Module`, `net.params` for a scratch model) and $\|\mathbf{g}\|$ is the square root of the
# sum of all their squared entries: compute it from the squared entries yourself
# (`nn.utils.clip_grad_norm_` and `torch.linalg.vector_norm` are off limits). Scale the `.grad`
# tensors **in place**, and leave them as they are when the norm is at most $\theta$.


# %% tags=["solution"]
def grad_clipping(net, theta: float) -> None:
    """Scale every parameter's .grad in place so that their global L2 norm is at most theta."""
    ### BEGIN SOLUTION
    params = net.parameters() if isinstance(net, nn.Module) else net.params
    params = [p for p in params if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum(p.grad**2) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    ### END SOLUTION


# %%
check("ch08.grad_clipping", grad_clipping)

# %% [markdown]
# ## Prediction
#
# `predict_ch8(prefix, num_preds, net, vocab, device)` generates text greedily. Start from
# `net.begin_state(batch_size=1, device=device)`; feed the prefix's characters through the net
# to warm the state up (the outputs of this phase are not used: the next character is known);
# then repeat `num_preds` times: feed the last character, take the most likely next token
# (`argmax`) and append it. Return the prefix followed by the `num_preds` predicted tokens as
# one string. No gradients are needed.


# %% tags=["solution"]
def predict_ch8(prefix: str, num_preds: int, net, vocab, device) -> str:
    """The prefix followed by num_preds greedily predicted tokens."""
    ### BEGIN SOLUTION
    state = net.begin_state(batch_size=1, device=device)
    outputs = [vocab[prefix[0]]]

    def get_input():
        return torch.tensor([outputs[-1]], device=device).reshape((1, 1))

    with torch.no_grad():
        for y in prefix[1:]:  # warm-up
            _, state = net(get_input(), state)
            outputs.append(vocab[y])
        for _ in range(num_preds):
            y, state = net(get_input(), state)
            outputs.append(int(y.argmax(dim=1).reshape(1)))
    return "".join([vocab.idx_to_token[i] for i in outputs])
    ### END SOLUTION


# %%
check("ch08.predict_ch8", predict_ch8)

# %%
print(predict_ch8("time traveller ", 10, net, vocab, "cpu"))  # untrained: gibberish

# %% [markdown]
# ## One training epoch
#
# `train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter)` runs one pass over
# `train_iter`, whose minibatches are `X, Y: (batch_size, num_steps)`:
#
# - the state: with random sampling (`use_random_iter`), every minibatch starts from
#   `net.begin_state(batch_size=X.shape[0], device=device)`; with sequential partitioning only
#   the first does, and each later minibatch continues from the state the previous one returned,
#   **detached** (`state.detach_()` for a tensor, each tensor of a tuple otherwise) so that
#   gradients stop at the minibatch boundary;
# - the labels: the outputs are time-major, so `y = Y.T.reshape(-1)`;
# - the loss `l = loss(y_hat, y.long()).mean()` (a mean per token);
# - the update: if `updater` is a `torch.optim.Optimizer`, zero its gradients, back-propagate,
#   `grad_clipping(net, 1)`, and `step()`; otherwise back-propagate, clip, and call
#   `updater(batch_size=1)` (the loss is already a mean);
# - return `(perplexity, tokens_per_sec)`: the perplexity is $\exp$ of the mean loss per token
#   over the epoch, $\exp\left(\sum_b l_b n_b / \sum_b n_b\right)$ with $n_b$ the number of
#   tokens of minibatch $b$.


# %% tags=["solution"]
def train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter: bool):
    """One epoch; returns (perplexity, tokens per second)."""
    ### BEGIN SOLUTION
    state, start = None, time.time()
    loss_sum, num_tokens = 0.0, 0
    for X, Y in train_iter:
        if state is None or use_random_iter:
            state = net.begin_state(batch_size=X.shape[0], device=device)
        elif isinstance(net, nn.Module) and not isinstance(state, tuple):
            state.detach_()
        else:
            for s in state:
                s.detach_()
        y = Y.T.reshape(-1)
        X, y = X.to(device), y.to(device)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.backward()
            grad_clipping(net, 1)
            updater.step()
        else:
            l.backward()
            grad_clipping(net, 1)
            updater(batch_size=1)
        loss_sum += float(l) * y.numel()
        num_tokens += y.numel()
    return math.exp(loss_sum / num_tokens), num_tokens / max(time.time() - start, 1e-9)
    ### END SOLUTION


# %%
check("ch08.train_epoch_ch8", train_epoch_ch8)

# %% [markdown]
# ## Training
#
# The book's `train_ch8` (given here, not graded) trains with the mean cross-entropy, a
# scratch SGD updater (or `torch.optim.SGD` for an `nn.Module`) and your epoch. The book runs
# 500 epochs; a few show the perplexity falling (`d2lkit train rnn`, or
# `d2lkit.rnn.train_ch8`, for the full run).


# %%
def train_ch8(net, train_iter, vocab, lr, num_epochs, device, use_random_iter=False):
    loss = nn.CrossEntropyLoss()
    if isinstance(net, nn.Module):
        updater = torch.optim.SGD(net.parameters(), lr)
    else:

        def updater(batch_size):
            sgd(net.params, lr, batch_size)

    for epoch in range(num_epochs):
        ppl, speed = train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter)
        print(f"epoch {epoch + 1}: perplexity {ppl:.1f}, {speed:.0f} tokens/sec")
    print(predict_ch8("time traveller", 50, net, vocab, device))


# %%
torch.manual_seed(0)
net = RNNModelScratch(len(vocab), num_hiddens, "cpu", get_params, init_rnn_state, rnn)
train_ch8(net, train_iter, vocab, lr=1, num_epochs=2, device="cpu")

# %% [markdown] tags=["written"]
# Why does an RNN need gradient clipping? What does clipping the gradient's norm to theta do to
# its direction and size?

# %% [markdown] tags=["answer"]
# Backpropagation through time multiplies by the recurrent weights once per step, so gradients can
# explode over long sequences. Clipping rescales the whole gradient to norm theta when it is
# larger: the direction is kept, the step is bounded.

# %% [markdown] tags=["written"]
# Perplexity is the exponential of the average cross-entropy per token. What do a perplexity of 1
# and a perplexity equal to the vocabulary size mean?

# %% [markdown] tags=["answer"]
# It is the effective number of tokens the model hesitates between. 1: the model is always sure
# and right. The vocabulary size: as good as uniform guessing.
