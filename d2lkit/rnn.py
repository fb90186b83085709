"""8.5-8.6 recurrent neural networks: a character-level RNN from scratch, its training harness, and
the concise `RNNModel` around torch's recurrent layers.

Inputs are time-major, as in the book: a minibatch `X: (batch_size, num_steps)` of token indices
becomes one-hot `inputs: (num_steps, batch_size, vocab_size)`, and a model's outputs are the
logits of every step stacked, `(num_steps * batch_size, vocab_size)`, step 0 first.

Where the time is spent. In `rnn`, the input and output projections do not depend on the hidden
state, so each is one matrix product over all steps, and only `H @ W_hh` stays in the loop. The
recurrence's gradient is back-propagation through time (8.7) written out in `_TanhRecurrence`:
autograd would accumulate the gradient of `W_hh` one step at a time, 35 small products and
35 additions of a 512 x 512 matrix per minibatch, where the written-out backward forms it in one
product over all steps. `train_epoch_ch8` keeps its sums on the device and reads them once per
epoch, and `grad_clipping` scales without asking the host whether the norm exceeds theta.
`benchmarks/bench_rnn.py` times an epoch against d2l's own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.autograd.function import FunctionCtx, once_differentiable

from d2lkit import speedups
from d2lkit.linear import sgd
from d2lkit.text import Vocab
from d2lkit.utils import Timer

__all__ = [
    "RNNModel",
    "RNNModelScratch",
    "get_params",
    "grad_clipping",
    "init_rnn_state",
    "predict_ch8",
    "rnn",
    "tanh_recurrence",
    "train_ch8",
    "train_epoch_ch8",
]

Device = torch.device | str
State = Tensor | tuple[Tensor, ...]
Params = Sequence[Tensor]
ForwardFn = Callable[[Tensor, tuple[Tensor, ...], Params], tuple[Tensor, tuple[Tensor, ...]]]
Updater = torch.optim.Optimizer | Callable[[int], None]


# ---------------------------------------------------------------- 8.5 the model from scratch
def get_params(vocab_size: int, num_hiddens: int, device: Device) -> list[Tensor]:
    """The RNN's parameters `[W_xh, W_hh, b_h, W_hq, b_q]`, requiring gradients.

    W_xh: (vocab_size, num_hiddens), W_hh: (num_hiddens, num_hiddens), W_hq: (num_hiddens,
    vocab_size), drawn from N(0, 0.01^2); b_h: (num_hiddens,) and b_q: (vocab_size,) zeros.
    Inputs and outputs are both one token, hence vocab_size on both sides.
    """

    def normal(shape: tuple[int, ...]) -> Tensor:
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


def init_rnn_state(batch_size: int, num_hiddens: int, device: Device) -> tuple[Tensor]:
    """The initial state: a one-tuple holding zeros `H: (batch_size, num_hiddens)`.

    A tuple, because an LSTM's state has two tensors and the harness treats every model alike.
    """
    return (torch.zeros((batch_size, num_hiddens), device=device),)


class _TanhRecurrence(torch.autograd.Function):
    """`H_t = tanh(XW_t + H_{t-1} W_hh)` for every step, and its back-propagation through time.

    Backward: with `dH_t` the gradient reaching H_t from the outputs and from step t + 1,
    `dZ_t = dH_t * (1 - H_t^2)` is the gradient of the pre-activation; step t passes
    `dZ_t W_hh^T` back to H_{t-1}; XW's gradient is dZ itself, and W_hh's is the sum over steps
    of `H_{t-1}^T dZ_t`, one product once every dZ_t is known.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, XW: Tensor, H0: Tensor, W_hh: Tensor) -> Tensor:
        # each step adds into its slice of one buffer: no allocation inside the loop
        Hs = XW.clone(memory_format=torch.contiguous_format)
        H = H0
        for t in range(Hs.shape[0]):
            H = Hs[t].addmm_(H, W_hh).tanh_()
        ctx.save_for_backward(H0, W_hh, Hs)
        return Hs

    @staticmethod
    @once_differentiable
    def backward(ctx: FunctionCtx, dHs: Tensor) -> tuple[Tensor, Tensor | None, Tensor | None]:
        H0, W_hh, Hs = ctx.saved_tensors
        num_steps, num_hiddens = Hs.shape[0], Hs.shape[-1]
        # contiguous: BLAS runs the step's product about a third faster than on a transposed view
        W_hh_T = W_hh.t().contiguous()
        # tanh'(Z_t) = 1 - H_t^2 for all steps in one pass, turned into dZ_t in place
        dZ = Hs.square().neg_().add_(1)
        dH = dHs.clone(memory_format=torch.contiguous_format)
        dZ[-1].mul_(dH[-1])
        for t in range(num_steps - 2, -1, -1):
            dZ[t].mul_(dH[t].addmm_(dZ[t + 1], W_hh_T))
        dH0 = dZ[0] @ W_hh_T if ctx.needs_input_grad[1] else None
        dW_hh = None
        if ctx.needs_input_grad[2]:
            # the sum over steps of H_{t-1}^T dZ_t, as two products rather than a concatenation
            dW_hh = torch.addmm(
                H0.t() @ dZ[0],
                Hs[:-1].reshape(-1, num_hiddens).t(),
                dZ[1:].reshape(-1, num_hiddens),
            )
        return dZ, dH0, dW_hh


def tanh_recurrence(XW: Tensor, H0: Tensor, W_hh: Tensor) -> Tensor:
    """Every hidden state of a tanh RNN layer, given its input terms for all steps at once.

    XW: (num_steps, batch_size, num_hiddens), the input projections with the bias already added;
    H0: (batch_size, num_hiddens); W_hh: (num_hiddens, num_hiddens)
    -> Hs: (num_steps, batch_size, num_hiddens), `Hs[t] = tanh(XW[t] + Hs[t-1] @ W_hh)`.
    Differentiable once (no double backward) with respect to all three.
    """
    return _TanhRecurrence.apply(XW, H0, W_hh)


def rnn(inputs: Tensor, state: tuple[Tensor], params: Params) -> tuple[Tensor, tuple[Tensor]]:
    """The RNN over a minibatch: `H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)`, `O_t = H_t W_hq + b_q`.

    inputs: (num_steps, batch_size, vocab_size); state: `(H,)` with H: (batch_size, num_hiddens);
    params as `get_params` returns them -> (outputs: (num_steps * batch_size, vocab_size),
    `(H_last,)`).
    """
    W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    num_steps, batch_size, _ = inputs.shape
    XW = torch.addmm(b_h, inputs.reshape(num_steps * batch_size, -1), W_xh)
    Hs = tanh_recurrence(XW.reshape(num_steps, batch_size, -1), H, W_hh)
    outputs = torch.addmm(b_q, Hs.reshape(num_steps * batch_size, -1), W_hq)
    # a copy, not a view of Hs: d2l's harness detaches the state in place, which a view refuses
    return outputs, (Hs[-1].clone(),)


class RNNModelScratch:
    """A recurrent model from scratch: its parameters and the functions that use them.

    `get_params(vocab_size, num_hiddens, device)` makes `params`;
    `init_state(batch_size, num_hiddens, device)` the initial state; `forward_fn(inputs, state,
    params)` runs one-hot inputs through the model. Calling the model with `X: (batch_size,
    num_steps)` token indices and a state returns `(outputs: (num_steps * batch_size,
    vocab_size), state)`.
    """

    def __init__(
        self,
        vocab_size: int,
        num_hiddens: int,
        device: Device,
        get_params: Callable[[int, int, Device], list[Tensor]],
        init_state: Callable[[int, int, Device], tuple[Tensor, ...]],
        forward_fn: ForwardFn,
    ) -> None:
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X: Tensor, state: tuple[Tensor, ...]) -> tuple[Tensor, tuple[Tensor, ...]]:
        inputs = F.one_hot(X.T.long(), self.vocab_size).to(self.params[0].dtype)
        return self.forward_fn(inputs, state, self.params)

    def begin_state(self, batch_size: int, device: Device) -> tuple[Tensor, ...]:
        """The initial state for `batch_size` sequences."""
        return self.init_state(batch_size, self.num_hiddens, device)


def _parameters(net: nn.Module | RNNModelScratch) -> list[Tensor]:
    params = net.parameters() if isinstance(net, nn.Module) else net.params
    return [p for p in params if p.requires_grad and p.grad is not None]


def grad_clipping(net: nn.Module | RNNModelScratch, theta: float) -> None:
    """Scale all gradients in place so that their global L2 norm is at most theta.

    The norm is taken over every parameter's gradient together (of `net.parameters()` for an
    nn.Module, of `net.params` otherwise). Gradients are multiplied by `min(1, theta / norm)`,
    computed on the device: no host round trip to ask whether norm > theta.
    """
    grads = [p.grad for p in _parameters(net)]
    if not grads:
        return
    norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    scale = (theta / norm).clamp_(max=1.0)  # a zero norm gives inf, clamped to 1
    for g in grads:
        g.mul_(scale)


def predict_ch8(
    prefix: str, num_preds: int, net: nn.Module | RNNModelScratch, vocab: Vocab, device: Device
) -> str:
    """The prefix followed by num_preds greedily generated tokens, as one string.

    The prefix warms up the state in a single call; then each prediction (the most likely next
    token) is fed back as the next input.
    """
    state = net.begin_state(batch_size=1, device=device)
    indices = [vocab[token] for token in prefix]
    with torch.no_grad():
        if len(indices) > 1:
            _, state = net(torch.tensor([indices[:-1]], device=device), state)
        for _ in range(num_preds):
            y, state = net(torch.tensor([[indices[-1]]], device=device), state)
            indices.append(int(y.argmax(dim=1).reshape(-1)[-1]))
    return "".join(vocab.to_tokens(indices))


def _detach(state: State) -> State:
    if isinstance(state, Tensor):
        return state.detach()
    return tuple(s.detach() for s in state)


def train_epoch_ch8(
    net: nn.Module | RNNModelScratch,
    train_iter: Iterable[tuple[Tensor, Tensor]],
    loss: Callable[[Tensor, Tensor], Tensor],
    updater: Updater,
    device: Device,
    use_random_iter: bool,
    *,
    theta: float = 1.0,
) -> tuple[float, float]:
    """One epoch of language-model training; returns `(perplexity, tokens_per_sec)`.

    Batches are `X, Y: (batch_size, num_steps)` token indices. With random sampling the state
    starts afresh at every minibatch; with sequential partitioning it carries over, detached so
    that gradients stop at the minibatch boundary. `loss` is a mean (`nn.CrossEntropyLoss()`);
    gradients are clipped to norm `theta` (the book's 1), then an optimizer steps, or a scratch
    updater is called with batch_size 1 since the loss is already averaged. Perplexity is `exp`
    of the mean loss per token.
    """
    device = torch.device(device)
    if device.type == "cpu":
        # process-wide, as in `d2lkit train`: every step allocates and frees megabytes of
        # activations, which glibc would otherwise hand back and page-fault in again
        speedups.keep_freed_memory()
    if isinstance(net, nn.Module):
        net.train()
    state = None
    loss_sum = torch.zeros((), device=device)
    num_tokens = 0
    timer = Timer()
    for X, Y in train_iter:
        if state is None or use_random_iter:
            state = net.begin_state(batch_size=X.shape[0], device=device)
        else:
            state = _detach(state)
        X, y = X.to(device), Y.T.reshape(-1).to(device)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.backward()
            grad_clipping(net, theta)
            updater.step()
        else:
            l.backward()
            grad_clipping(net, theta)
            updater(1)
        loss_sum += l.detach() * y.numel()
        num_tokens += y.numel()
    # .item() waits for the device, so the timer covers all the queued work
    perplexity = math.exp(loss_sum.item() / num_tokens)
    return perplexity, num_tokens / timer.stop()


def train_ch8(
    net: nn.Module | RNNModelScratch,
    train_iter: Iterable[tuple[Tensor, Tensor]],
    vocab: Vocab,
    lr: float,
    num_epochs: int,
    device: Device,
    use_random_iter: bool = False,
    *,
    verbose: bool = False,
) -> dict:
    """Train a character-level language model as d2l's `train_ch8` does: mean cross-entropy,
    gradients clipped to norm 1, `torch.optim.SGD(lr)` for an nn.Module or `sgd(net.params, lr)`
    for a scratch model.

    Returns `{'perplexity': [one per epoch], 'tokens_per_sec': speed of the last epoch,
    'predictions': [50 tokens after 'time traveller', after 'traveller']}`. Nothing is plotted;
    with `verbose` the book's final lines are printed.
    """
    loss = nn.CrossEntropyLoss()
    if isinstance(net, nn.Module):
        updater: Updater = torch.optim.SGD(net.parameters(), lr)
    else:

        def updater(batch_size: int) -> None:
            sgd(net.params, lr, batch_size)

    perplexities, speed = [], float("nan")
    for _ in range(num_epochs):
        ppl, speed = train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter)
        perplexities.append(ppl)
    predictions = [predict_ch8(p, 50, net, vocab, device) for p in ("time traveller", "traveller")]
    if verbose:
        print(f"perplexity {perplexities[-1]:.1f}, {speed:.1f} tokens/sec on {device}")
        print("\n".join(predictions))
    return {"perplexity": perplexities, "tokens_per_sec": speed, "predictions": predictions}


# ---------------------------------------------------------------- 8.6 the concise model
class RNNModel(nn.Module):
    """A torch recurrent layer (`nn.RNN`, `nn.GRU` or `nn.LSTM`, any number of layers, one or two
    directions) with a linear output layer over the one-hot tokens.

    forward: `inputs: (batch_size, num_steps)` token indices and a state ->
    `(outputs: (num_steps * batch_size, vocab_size), state)`.
    """

    def __init__(self, rnn_layer: nn.RNNBase, vocab_size: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = rnn_layer.hidden_size
        self.num_directions = 2 if rnn_layer.bidirectional else 1
        self.linear = nn.Linear(self.num_hiddens * self.num_directions, vocab_size)

    def forward(self, inputs: Tensor, state: State) -> tuple[Tensor, State]:
        X = F.one_hot(inputs.T.long(), self.vocab_size).to(self.linear.weight.dtype)
        Y, state = self.rnn(X, state)
        return self.linear(Y.reshape(-1, Y.shape[-1])), state

    def begin_state(self, device: Device, batch_size: int = 1) -> State:
        """Zeros of `(num_directions * num_layers, batch_size, num_hiddens)`; for an LSTM, the
        pair `(H, C)` of them."""
        shape = (self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens)
        dtype = self.linear.weight.dtype
        if isinstance(self.rnn, nn.LSTM):
            return (
                torch.zeros(shape, device=device, dtype=dtype),
                torch.zeros(shape, device=device, dtype=dtype),
            )
        return torch.zeros(shape, device=device, dtype=dtype)
