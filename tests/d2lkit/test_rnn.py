"""8.5-8.6: the scratch RNN against nn.RNN (values and gradients), grad_clipping against
clip_grad_norm_, and the properties of the chapter 8 harness and RNNModel."""

from __future__ import annotations

import contextlib
import io
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from d2lkit.rnn import (
    RNNModel,
    RNNModelScratch,
    get_params,
    grad_clipping,
    init_rnn_state,
    predict_ch8,
    rnn,
    tanh_recurrence,
    train_ch8,
    train_epoch_ch8,
)
from d2lkit.text import Vocab
from tests.d2lkit import recurrent_oracles as oracles
from tests.d2lkit.recurrent_oracles import PERIODIC, PERIODIC_CORPUS, SHAPES, Batches

torch.set_num_threads(1)


# ---------------------------------------------------------------- the model against nn.RNN
@pytest.mark.parametrize(("num_steps", "batch_size", "vocab_size", "num_hiddens"), SHAPES)
def test_rnn_matches_nn_rnn(num_steps, batch_size, vocab_size, num_hiddens):
    g = torch.Generator().manual_seed(num_steps)
    params = oracles.random_params(get_params, vocab_size, num_hiddens, g)
    state = oracles.random_state(init_rnn_state, batch_size, num_hiddens, g)
    inputs = torch.randn(num_steps, batch_size, vocab_size, dtype=torch.float64, generator=g)
    oracles.assert_matches(rnn, oracles.RNN, inputs.requires_grad_(), state, params, g)


def test_tanh_recurrence_passes_gradcheck():
    g = torch.Generator().manual_seed(0)
    XW = torch.randn(4, 3, 5, dtype=torch.float64, generator=g, requires_grad=True)
    H0 = torch.randn(3, 5, dtype=torch.float64, generator=g, requires_grad=True)
    W_hh = torch.randn(5, 5, dtype=torch.float64, generator=g, requires_grad=True)
    assert torch.autograd.gradcheck(tanh_recurrence, (XW, H0, W_hh))


def test_tanh_recurrence_skips_gradients_nobody_asked_for():
    XW = torch.randn(3, 2, 4, requires_grad=True)
    H0, W_hh = torch.zeros(2, 4), torch.randn(4, 4)
    tanh_recurrence(XW, H0, W_hh).sum().backward()
    assert XW.grad is not None and H0.grad is None and W_hh.grad is None


def test_rnn_state_can_be_detached_in_place():
    # d2l's own train_epoch_ch8 calls s.detach_() on every state tensor
    params = get_params(5, 4, "cpu")
    _, state = rnn(torch.randn(3, 2, 5), init_rnn_state(2, 4, "cpu"), params)
    for s in state:
        s.detach_()
    assert state[0].grad_fn is None and state[0].shape == (2, 4)


def test_get_params_and_init_rnn_state():
    torch.manual_seed(0)
    W_xh, W_hh, b_h, W_hq, b_q = get_params(28, 512, "cpu")
    assert [p.shape for p in (W_xh, W_hh, b_h, W_hq, b_q)] == [
        (28, 512), (512, 512), (512,), (512, 28), (28,)
    ]  # fmt: skip
    assert all(p.requires_grad and p.is_leaf for p in (W_xh, W_hh, b_h, W_hq, b_q))
    assert W_hh.std().item() == pytest.approx(0.01, rel=0.02) and abs(W_hh.mean()) < 1e-3
    assert not b_h.any() and not b_q.any()
    (H,) = init_rnn_state(32, 512, "cpu")
    assert H.shape == (32, 512) and not H.any()


def test_rnn_model_scratch_one_hots_the_transposed_batch():
    torch.manual_seed(0)
    net = RNNModelScratch(6, 5, "cpu", get_params, init_rnn_state, rnn)
    X = torch.randint(0, 6, (2, 4))
    state = net.begin_state(batch_size=2, device="cpu")
    assert state[0].shape == (2, 5)
    Y, new_state = net(X, state)
    assert Y.shape == (4 * 2, 6) and new_state[0].shape == (2, 5)
    expected, _ = rnn(F.one_hot(X.T, 6).float(), state, net.params)
    torch.testing.assert_close(Y, expected)


# ---------------------------------------------------------------- grad_clipping
def _grads_set(params, scale, generator):
    for p in params:
        p.grad = torch.randn(p.shape, generator=generator) * scale


@pytest.mark.parametrize(
    ("kind", "scale", "theta"),
    [("scratch", 10.0, 1.0), ("scratch", 1e-3, 1.0), ("module", 5.0, 1.0), ("module", 1.0, 0.1),
     ("module", 0.0, 1.0)],
)  # fmt: skip
def test_grad_clipping_matches_clip_grad_norm(kind, scale, theta):
    g = torch.Generator().manual_seed(1)
    if kind == "scratch":
        net = RNNModelScratch(7, 6, "cpu", get_params, init_rnn_state, rnn)
        params = net.params
    else:
        net = RNNModel(nn.GRU(7, 6, num_layers=2), 7)
        params = list(net.parameters())
    _grads_set(params, scale, g)
    expected = [p.grad.clone() for p in params]
    reference = [torch.zeros_like(p).requires_grad_() for p in params]
    for r, e in zip(reference, expected):
        r.grad = e
    torch.nn.utils.clip_grad_norm_(reference, theta)
    grad_clipping(net, theta)
    for p, r in zip(params, reference):
        # clip_grad_norm_ divides by norm + 1e-6, the book by norm
        torch.testing.assert_close(p.grad, r.grad, rtol=1e-5, atol=1e-8)
    norm = torch.sqrt(sum((p.grad**2).sum() for p in params))
    assert norm <= theta * (1 + 1e-5)


def test_grad_clipping_skips_parameters_without_gradients():
    net = RNNModel(nn.RNN(4, 3), 4)
    net.linear.weight.grad = torch.full_like(net.linear.weight, 10.0)
    grad_clipping(net, 1.0)
    assert net.rnn.weight_hh_l0.grad is None
    assert net.linear.weight.grad.norm().item() == pytest.approx(1.0)


# ---------------------------------------------------------------- predict_ch8
VOCAB = Vocab(list("time traveller abcdefghijklmnopqrstuvwxyz"))


def _predict_step_by_step(prefix, num_preds, net, vocab):
    """The book's predict_ch8: warm up one prefix token at a time, then feed back argmaxes."""
    state = net.begin_state(batch_size=1, device="cpu")
    outputs = [vocab[prefix[0]]]
    with torch.no_grad():
        for y in prefix[1:]:
            _, state = net(torch.tensor([[outputs[-1]]]), state)
            outputs.append(vocab[y])
        for _ in range(num_preds):
            y, state = net(torch.tensor([[outputs[-1]]]), state)
            outputs.append(int(y.argmax(dim=1).reshape(1)))
    return "".join(vocab.idx_to_token[i] for i in outputs)


@pytest.mark.parametrize("kind", ["scratch", "lstm"])
@pytest.mark.parametrize("prefix", ["t", "time traveller "])
def test_predict_ch8_matches_feeding_the_prefix_token_by_token(kind, prefix):
    torch.manual_seed(3)
    if kind == "scratch":
        net = RNNModelScratch(len(VOCAB), 16, "cpu", get_params, init_rnn_state, rnn)
        with torch.no_grad():
            for p in net.params:
                p.normal_()  # a model that does not just repeat one token
    else:
        net = RNNModel(nn.LSTM(len(VOCAB), 16), len(VOCAB))
    text = predict_ch8(prefix, 10, net, VOCAB, "cpu")
    assert text.startswith(prefix) and len(text) == len(prefix) + 10
    assert text == _predict_step_by_step(prefix, 10, net, VOCAB)


# ---------------------------------------------------------------- train_epoch_ch8, train_ch8
def test_untrained_zero_model_has_perplexity_vocab_size():
    # zero weights give uniform predictions: perplexity is then the vocabulary's size (8.4)
    net = RNNModelScratch(len(PERIODIC), 8, "cpu", get_params, init_rnn_state, rnn)
    with torch.no_grad():
        for p in net.params:
            p.zero_()
    calls = []
    ppl, speed = train_epoch_ch8(
        net, Batches(PERIODIC_CORPUS, 4, 6), nn.CrossEntropyLoss(), calls.append, "cpu", False
    )
    assert ppl == pytest.approx(len(PERIODIC)) and speed > 0
    assert calls and set(calls) == {1}  # the loss is a mean: the scratch updater gets batch 1


@pytest.mark.parametrize("use_random_iter", [False, True])
def test_state_carries_over_only_with_sequential_partitioning(use_random_iter):
    torch.manual_seed(0)
    inner = RNNModelScratch(len(PERIODIC), 8, "cpu", get_params, init_rnn_state, rnn)
    seen = []

    class Recording:
        params = inner.params

        def __call__(self, X, state):
            seen.append(state)
            out, new_state = inner(X, state)
            seen.append(new_state)
            return out, new_state

        def begin_state(self, batch_size, device):
            return inner.begin_state(batch_size, device)

    batches = Batches(PERIODIC_CORPUS, 4, 6, random=use_random_iter)
    train_epoch_ch8(Recording(), batches, nn.CrossEntropyLoss(), lambda bs: None, "cpu",
                    use_random_iter)  # fmt: skip
    ins, outs = seen[2::2], seen[1:-1:2]
    assert len(ins) >= 3
    for state_in, previous_out in zip(ins, outs):
        (H_in,), (H_prev,) = state_in, previous_out
        assert H_in.grad_fn is None  # gradients stop at the minibatch boundary
        if use_random_iter:
            assert not H_in.any()
        else:
            assert torch.equal(H_in, H_prev)


def test_train_ch8_learns_a_periodic_text():
    torch.manual_seed(0)
    net = RNNModelScratch(len(PERIODIC), 16, "cpu", get_params, init_rnn_state, rnn)
    history = train_ch8(net, Batches(PERIODIC_CORPUS, 4, 6), PERIODIC, 1, 15, "cpu")
    ppl = history["perplexity"]
    assert len(ppl) == 15 and ppl[0] > 2 and ppl[-1] < 1.2
    assert history["tokens_per_sec"] > 0
    assert history["predictions"][0].startswith("<unk>")  # ' ' is not in this vocabulary


def test_train_ch8_concise_model_with_random_sampling_prints_the_book_summary():
    torch.manual_seed(0)
    net = RNNModel(nn.GRU(len(PERIODIC), 16), len(PERIODIC))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        history = train_ch8(net, Batches(PERIODIC_CORPUS, 8, 6, random=True), PERIODIC, 1, 4,
                            "cpu", use_random_iter=True, verbose=True)  # fmt: skip
    ppl = history["perplexity"]
    assert ppl[-1] < ppl[0] and math.isfinite(ppl[-1])
    first = out.getvalue().splitlines()[0]
    assert first.startswith(f"perplexity {ppl[-1]:.1f}, ") and first.endswith("tokens/sec on cpu")


# ---------------------------------------------------------------- RNNModel
@pytest.mark.parametrize(
    ("layer", "num_layers", "bidirectional"),
    [(nn.RNN, 1, False), (nn.GRU, 2, False), (nn.LSTM, 1, False), (nn.LSTM, 2, True),
     (nn.RNN, 3, True)],
)  # fmt: skip
def test_rnn_model_shapes_and_begin_state(layer, num_layers, bidirectional):
    vocab_size, num_hiddens, batch_size, num_steps = 28, 16, 3, 5
    net = RNNModel(layer(vocab_size, num_hiddens, num_layers, bidirectional=bidirectional),
                   vocab_size)  # fmt: skip
    directions = 2 if bidirectional else 1
    assert net.linear.in_features == directions * num_hiddens
    state = net.begin_state("cpu", batch_size=batch_size)
    shape = (directions * num_layers, batch_size, num_hiddens)
    if layer is nn.LSTM:
        assert isinstance(state, tuple) and [s.shape for s in state] == [shape, shape]
    else:
        assert isinstance(state, torch.Tensor) and state.shape == shape
    X = torch.randint(0, vocab_size, (batch_size, num_steps))
    Y, new_state = net(X, state)
    assert Y.shape == (num_steps * batch_size, vocab_size)
    assert type(new_state) is type(state)
    default = net.begin_state("cpu")
    assert (default[0] if layer is nn.LSTM else default).shape[1] == 1  # batch_size=1


def test_rnn_model_is_one_hot_then_layer_then_linear():
    torch.manual_seed(0)
    net = RNNModel(nn.RNN(6, 4), 6)
    X = torch.randint(0, 6, (2, 3))
    Y, _ = net(X, net.begin_state("cpu", batch_size=2))
    H, _ = net.rnn(F.one_hot(X.T, 6).float())
    torch.testing.assert_close(Y, net.linear(H.reshape(-1, 4)))
