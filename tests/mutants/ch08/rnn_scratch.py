"""8.5 the RNN from scratch: wrong implementations, each rejected by its check."""

import math
import time

import torch
import torch.nn.functional as F
from torch import nn


def get_params_unit_normal(vocab_size, num_hiddens, device):
    shapes = [(vocab_size, num_hiddens), (num_hiddens, num_hiddens), (num_hiddens, vocab_size)]
    W_xh, W_hh, W_hq = (torch.randn(s, device=device) for s in shapes)
    params = [W_xh, W_hh, torch.zeros(num_hiddens), W_hq, torch.zeros(vocab_size)]
    return [p.requires_grad_(True) for p in params]


def get_params_transposed(vocab_size, num_hiddens, device):
    params = [
        torch.randn(num_hiddens, vocab_size) * 0.01,
        torch.randn(num_hiddens, num_hiddens) * 0.01,
        torch.zeros(num_hiddens),
        torch.randn(vocab_size, num_hiddens) * 0.01,
        torch.zeros(vocab_size),
    ]
    return [p.requires_grad_(True) for p in params]


def init_rnn_state_bare(batch_size, num_hiddens, device):
    return torch.zeros((batch_size, num_hiddens), device=device)


def init_rnn_state_transposed(batch_size, num_hiddens, device):
    return (torch.zeros((num_hiddens, batch_size), device=device),)


def _rnn(inputs, state, params, activation=torch.tanh, carry=True, detach=False, stack=False):
    W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    H0 = H
    outputs = []
    for X in inputs:
        H = activation(X @ W_xh + (H if carry else H0) @ W_hh + b_h)
        outputs.append(H @ W_hq + b_q)
        if detach:
            H = H.detach()
    return (torch.stack(outputs) if stack else torch.cat(outputs, dim=0)), (H,)


def rnn_relu(inputs, state, params):
    return _rnn(inputs, state, params, activation=torch.relu)


def rnn_initial_state_every_step(inputs, state, params):
    return _rnn(inputs, state, params, carry=False)


def rnn_detached_each_step(inputs, state, params):
    return _rnn(inputs, state, params, detach=True)


def rnn_stacked(inputs, state, params):
    return _rnn(inputs, state, params, stack=True)


def rnn_builtin(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    layer_out = torch.rnn_tanh(
        inputs, state[0].unsqueeze(0), [W_xh.T, W_hh.T, b_h, torch.zeros_like(b_h)],
        True, 1, 0.0, False, False, False,
    )  # fmt: skip
    Y, H = layer_out
    return Y.reshape(-1, Y.shape[-1]) @ W_hq + b_q, (H[0],)


class _Model:
    def __init__(
        self,
        vocab_size,
        num_hiddens,
        device,
        get_params,
        init_state,
        forward_fn,
        transpose=True,
        batch_first_state=False,
    ):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn
        self.transpose = transpose

    def __call__(self, X, state):
        X = X.T if self.transpose else X
        return self.forward_fn(
            F.one_hot(X, self.vocab_size).type(torch.float32), state, self.params
        )

    def begin_state(self, batch_size, device):
        return self.init_state(batch_size, self.num_hiddens, device)


def _run_model(**options):
    def run_rnn_model_scratch(X, vocab_size, num_hiddens, get_params, init_state, forward_fn):
        net = _Model(vocab_size, num_hiddens, "cpu", get_params, init_state, forward_fn, **options)
        state = net.begin_state(X.shape[0], "cpu")
        return net(X, state)

    return run_rnn_model_scratch


def run_model_swapped_state_args(X, vocab_size, num_hiddens, get_params, init_state, forward_fn):
    net = _Model(vocab_size, num_hiddens, "cpu", get_params, init_state, forward_fn)
    state = net.init_state(num_hiddens, X.shape[0], "cpu")
    return net(X, state)


def _params(net):
    return net.parameters() if isinstance(net, nn.Module) else net.params


def grad_clipping(net, theta):
    params = [p for p in _params(net) if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum(p.grad**2) for p in params))
    if norm > theta:
        for p in params:
            p.grad[:] *= theta / norm


def grad_clipping_per_parameter(net, theta):
    for p in _params(net):
        norm = p.grad.norm()
        if norm > theta:
            p.grad[:] *= theta / norm


def grad_clipping_always(net, theta):
    params = [p for p in _params(net) if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum(p.grad**2) for p in params))
    for p in params:
        p.grad[:] *= theta / norm


def grad_clipping_not_in_place(net, theta):
    grads = [p.grad for p in _params(net) if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum(g**2) for g in grads))
    if norm > theta:
        grads = [g * (theta / norm) for g in grads]  # new tensors: the parameters never see them


def grad_clipping_builtin(net, theta):
    nn.utils.clip_grad_norm_(list(_params(net)), theta)


def grad_clipping_builtin_no_foreach(net, theta):
    nn.utils.clip_grad_norm_(list(_params(net)), theta, foreach=False)


def predict_ch8(prefix, num_preds, net, vocab, device, warm_up=True, fresh_state=False):
    state = net.begin_state(batch_size=1, device=device)
    outputs = [vocab[prefix[0]]]

    def get_input():
        return torch.tensor([outputs[-1]], device=device).reshape((1, 1))

    for y in prefix[1:]:
        if warm_up:
            _, state = net(get_input(), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):
        if fresh_state:
            state = net.begin_state(batch_size=1, device=device)
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return "".join([vocab.idx_to_token[i] for i in outputs])


def predict_no_warm_up(prefix, num_preds, net, vocab, device):
    return predict_ch8(prefix, num_preds, net, vocab, device, warm_up=False)


def predict_fresh_state(prefix, num_preds, net, vocab, device):
    return predict_ch8(prefix, num_preds, net, vocab, device, fresh_state=True)


def predict_without_prefix(prefix, num_preds, net, vocab, device):
    return predict_ch8(prefix, num_preds, net, vocab, device)[len(prefix) :]


def train_epoch_ch8(
    net,
    train_iter,
    loss,
    updater,
    device,
    use_random_iter,
    detach=True,
    restart=False,
    clip=True,
    ppl_mean=False,
):
    state, timer = None, time.time()
    total, tokens, ppls = 0.0, 0, []
    for X, Y in train_iter:
        if state is None or use_random_iter or restart:
            state = net.begin_state(batch_size=X.shape[0], device=device)
        elif detach:
            if isinstance(net, nn.Module) and not isinstance(state, tuple):
                state.detach_()
            else:
                for s in state:
                    s.detach_()
        y = Y.T.reshape(-1)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.backward()
            if clip:
                grad_clipping(net, 1)
            updater.step()
        else:
            l.backward()
            if clip:
                grad_clipping(net, 1)
            updater(batch_size=1)
        total += float(l) * y.numel()
        tokens += y.numel()
        ppls.append(math.exp(float(l)))
    ppl = sum(ppls) / len(ppls) if ppl_mean else math.exp(total / tokens)
    return ppl, tokens / max(time.time() - timer, 1e-9)


def train_not_detached(net, train_iter, loss, updater, device, use_random_iter):
    return train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter, detach=False)


def train_state_restarted(net, train_iter, loss, updater, device, use_random_iter):
    return train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter, restart=True)


def train_unclipped(net, train_iter, loss, updater, device, use_random_iter):
    return train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter, clip=False)


def train_mean_of_perplexities(net, train_iter, loss, updater, device, use_random_iter):
    return train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter, ppl_mean=True)


MUTANTS = {
    "ch08.get_params": [
        ("N(0, 1) weights", get_params_unit_normal, "should be drawn from N(0, 0.01^2)"),
        ("transposed weights", get_params_transposed, "W_xh should be a tensor of shape"),
    ],
    "ch08.init_rnn_state": [
        ("a bare tensor", init_rnn_state_bare, "return a tuple holding the tensor"),
        ("transposed", init_rnn_state_transposed, "output[0]: expected shape"),
    ],
    "ch08.rnn": [
        ("relu instead of tanh", rnn_relu, "output[0]["),
        ("the initial state at every step", rnn_initial_state_every_step, "output[0]["),
        ("the state detached at every step", rnn_detached_each_step, "gradient of inputs["),
        (
            "outputs stacked, not concatenated",
            rnn_stacked,
            "concatenate the steps' outputs on dimension 0",
        ),
        ("torch.rnn_tanh", rnn_builtin, "uses rnn_tanh"),
    ],
    "ch08.RNNModelScratch": [
        (
            "X not transposed",
            _run_model(transpose=False),
            "forward_fn takes one-hot inputs, time first",
        ),
        (
            "init_state's arguments swapped",
            run_model_swapped_state_args,
            "the arguments init_state received",
        ),
    ],
    "ch08.grad_clipping": [
        ("each gradient by its own norm", grad_clipping_per_parameter, "clip by the global norm"),
        ("scaled even below theta", grad_clipping_always, "leave the gradients as they are"),
        ("not in place", grad_clipping_not_in_place, "the gradient of parameter 0 after clipping"),
        ("clip_grad_norm_", grad_clipping_builtin, "uses _foreach_norm"),
        (
            "clip_grad_norm_(foreach=False)",
            grad_clipping_builtin_no_foreach,
            "uses linalg_vector_norm",
        ),
    ],
    "ch08.predict_ch8": [
        ("no warm-up on the prefix", predict_no_warm_up, "run the prefix through the net first"),
        ("a fresh state for every prediction", predict_fresh_state, "keep the state"),
        ("the predictions without the prefix", predict_without_prefix, "followed by num_preds"),
    ],
    "ch08.train_epoch_ch8": [
        ("state not detached", train_not_detached, "backward through the graph a second time"),
        ("state restarted at every minibatch", train_state_restarted, "the state carries over"),
        ("no gradient clipping", train_unclipped, "the parameters after the epoch"),
        (
            "mean of the minibatches' perplexities",
            train_mean_of_perplexities,
            "exp of the mean loss per token",
        ),
    ],
}
