"""Chapter 4: each from-scratch item against the torch built-in it re-derives, values and
gradients, plus short runs of the 4.4 / 4.5 experiments."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from d2lkit.mlp import (
    DropoutMLPScratch,
    MLPScratch,
    dropout_layer,
    dropout_mlp_concise,
    evaluate_loss,
    fan_in_and_fan_out,
    grad_via_autograd,
    l1_penalty,
    l2_penalty,
    make_polynomial_data,
    manual_backprop,
    mlp_concise,
    polynomial_features,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
    train_polynomial,
    train_weight_decay,
    train_weight_decay_concise,
    xavier_normal_,
    xavier_uniform_,
)

torch.set_num_threads(1)
pytestmark = pytest.mark.usefixtures("seeded")


# the book's plotting range, plus large inputs where a naive exp overflows
X_ACT = torch.cat((torch.arange(-8.0, 8.0, 0.1), torch.tensor([-100.0, -30.0, 30.0, 100.0])))
ACTIVATIONS = [
    (relu, relu_grad, torch.relu),
    (sigmoid, sigmoid_grad, torch.sigmoid),
    (tanh, tanh_grad, torch.tanh),
]


# ---------------------------------------------------------------- 4.1
@pytest.mark.parametrize(("fn", "fn_grad", "ref"), ACTIVATIONS)
def test_activation_values_and_grads_match_torch(fn, fn_grad, ref):
    X = X_ACT[X_ACT != 0]  # relu's kink is tested on its own below
    torch.testing.assert_close(fn(X), ref(X))
    ref_grad = grad_via_autograd(ref, X)
    torch.testing.assert_close(grad_via_autograd(fn, X), ref_grad)
    torch.testing.assert_close(fn_grad(X), ref_grad)
    assert torch.isfinite(grad_via_autograd(fn, X)).all()


@pytest.mark.parametrize(("fn", "fn_grad", "ref"), ACTIVATIONS)
def test_activation_grads_in_float64(fn, fn_grad, ref):
    X = torch.randn(200, dtype=torch.float64) * 5
    torch.testing.assert_close(fn(X), ref(X))
    torch.testing.assert_close(fn_grad(X), grad_via_autograd(ref, X))


def test_relu_at_zero():
    zero = torch.zeros(1)
    assert relu_grad(zero).item() == 0 == grad_via_autograd(torch.relu, zero).item()
    # torch.max splits the gradient of a tie between its two arguments
    assert grad_via_autograd(relu, zero).item() == 0.5


def test_derivative_maxima_and_tanh_sigmoid_identity():
    zero = torch.zeros(1)
    assert sigmoid_grad(zero).item() == pytest.approx(0.25)
    assert tanh_grad(zero).item() == pytest.approx(1.0)
    assert grad_via_autograd(sigmoid, zero).item() == pytest.approx(0.25)
    assert grad_via_autograd(tanh, zero).item() == pytest.approx(1.0)
    torch.testing.assert_close(tanh(X_ACT) + 1, 2 * sigmoid(2 * X_ACT))


# ---------------------------------------------------------------- 4.2 / 4.3
def _copy_into_sequential(scratch: MLPScratch) -> nn.Sequential:
    ref = mlp_concise(784, 10, 256)
    with torch.no_grad():
        ref[1].weight.copy_(scratch.W1.T)
        ref[1].bias.copy_(scratch.b1)
        ref[3].weight.copy_(scratch.W2.T)
        ref[3].bias.copy_(scratch.b2)
    return ref


def test_mlp_scratch_matches_sequential():
    net = MLPScratch()
    assert {n: tuple(p.shape) for n, p in net.named_parameters()} == {
        "W1": (784, 256),
        "b1": (256,),
        "W2": (256, 10),
        "b2": (10,),
    }
    with torch.no_grad():  # non-zero biases, so that the bias gradients are exercised
        net.b1.normal_()
        net.b2.normal_()
    ref = _copy_into_sequential(net)
    X, y = torch.rand(8, 1, 28, 28), torch.randint(0, 10, (8,))
    torch.testing.assert_close(net(X), ref(X))
    F.cross_entropy(net(X), y).backward()
    F.cross_entropy(ref(X), y).backward()
    torch.testing.assert_close(net.W1.grad, ref[1].weight.grad.T)
    torch.testing.assert_close(net.b1.grad, ref[1].bias.grad)
    torch.testing.assert_close(net.W2.grad, ref[3].weight.grad.T)
    torch.testing.assert_close(net.b2.grad, ref[3].bias.grad)


def test_mlp_init_scales():
    net = MLPScratch()
    assert net.W1.std().item() == pytest.approx(0.01, rel=0.05)
    assert torch.all(net.b1 == 0)
    assert mlp_concise()[1].weight.std().item() == pytest.approx(0.01, rel=0.05)


# ---------------------------------------------------------------- 4.4
def test_polynomial_features_formula():
    x = torch.tensor([[-1.5], [0.0], [2.0]], dtype=torch.float64)
    feats = polynomial_features(x, 5)
    ref = torch.cat([x**i / [1, 1, 2, 6, 24][i] for i in range(5)], dim=1)
    torch.testing.assert_close(feats, ref)


def test_make_polynomial_data_labels():
    data = make_polynomial_data(generator=torch.Generator().manual_seed(1))
    assert data.poly_features.shape == (200, 20) and data.labels.shape == (200,)
    assert data.true_w[:4].tolist() == pytest.approx([5, 1.2, -3.4, 5.6])
    noise = data.labels - data.poly_features @ data.true_w
    assert noise.std().item() == pytest.approx(0.1, rel=0.2)


def test_evaluate_loss_is_mean_loss():
    X, y = torch.randn(23, 3), torch.randn(23)
    net = nn.Linear(3, 1)
    batches = [(X[i : i + 5], y[i : i + 5]) for i in range(0, 23, 5)]
    ref = F.mse_loss(net(X), y.reshape(-1, 1)).item()
    assert evaluate_loss(net, batches, nn.MSELoss(reduction="none")) == pytest.approx(ref)


def test_polynomial_fit_and_underfit():
    data = make_polynomial_data(generator=torch.Generator().manual_seed(0))
    f, y = data.poly_features, data.labels
    good = train_polynomial(f[:100, :4], f[100:, :4], y[:100], y[100:], num_epochs=200)
    assert good["weight"].shape == (1, 4)
    torch.testing.assert_close(good["weight"][0], data.true_w[:4], atol=0.3, rtol=0)
    assert good["test_loss"][-1] < 0.05
    under = train_polynomial(f[:100, :2], f[100:, :2], y[:100], y[100:], num_epochs=40)
    assert under["train_loss"][-1] > 1  # a line cannot fit the cubic
    assert under["epochs"] == [1, 20, 40]


# ---------------------------------------------------------------- 4.5
def test_penalties():
    w = torch.randn(7, 3)
    torch.testing.assert_close(l2_penalty(w), 0.5 * torch.sum(w**2))
    torch.testing.assert_close(l1_penalty(w), w.abs().sum())


def test_l2_penalty_step_equals_sgd_weight_decay():
    """Scratch: sum over the batch of (loss_i + lambd l2(w)), sgd divides by the batch size.
    torch: the mean loss with SGD(weight_decay=lambd). One step must give the same w."""
    lambd, lr, batch_size = 3.0, 0.1, 5
    X, y = torch.randn(batch_size, 4), torch.randn(batch_size, 1)
    w0 = torch.randn(4, 1)
    w = w0.clone().requires_grad_()
    l = (X @ w - y) ** 2 / 2 + lambd * l2_penalty(w)
    l.sum().backward()
    with torch.no_grad():
        w -= lr * w.grad / batch_size
    w_ref = w0.clone().requires_grad_()
    opt = torch.optim.SGD([w_ref], lr=lr, weight_decay=lambd)
    (((X @ w_ref - y) ** 2 / 2).mean()).backward()
    opt.step()
    torch.testing.assert_close(w.detach(), w_ref.detach())


@pytest.mark.parametrize("train_fn", [train_weight_decay, train_weight_decay_concise])
def test_weight_decay_shrinks_w(train_fn):
    free = train_fn(0)  # the book: a norm of about 13 (scratch) / 14 (concise)
    decayed = train_fn(3)  # the book: about 0.36 / 0.39
    assert free["w_norm"] > 5 and decayed["w_norm"] < 1
    assert decayed["test_loss"][-1] < free["test_loss"][-1]
    assert free["epochs"][-1] == 100 and len(free["train_loss"]) == 20


def test_l1_penalty_trains():
    result = train_weight_decay(3, num_epochs=50, penalty=l1_penalty)
    assert result["w_norm"] < train_weight_decay(0, num_epochs=50)["w_norm"]


# ---------------------------------------------------------------- 4.6
def test_dropout_extremes_and_book_demo():
    X = torch.arange(16, dtype=torch.float32).reshape(2, 8)
    assert dropout_layer(X, 0) is X
    assert torch.equal(dropout_layer(X, 1), torch.zeros_like(X))
    out = dropout_layer(X, 0.5)
    assert torch.all((out == 0) | (out == 2 * X))
    with pytest.raises(AssertionError):
        dropout_layer(X, 1.5)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_statistics_and_nn_dropout_semantics(p):
    X = torch.rand(200, 500) + 0.5  # no zeros, so that a zero output means dropped
    out = dropout_layer(X, p)
    assert (out == 0).float().mean().item() == pytest.approx(p, abs=0.01)
    kept = out != 0
    torch.testing.assert_close(out[kept], X[kept] / (1 - p))
    ref = nn.Dropout(p).train()(X)  # same semantics: dropped -> 0, kept -> X / (1 - p)
    torch.testing.assert_close(ref[ref != 0], X[ref != 0] / (1 - p))
    # the expectation is preserved: the mean over many draws approaches X
    x = torch.full((100_000,), 2.0)
    assert dropout_layer(x, p).mean().item() == pytest.approx(2.0, rel=0.03)


def test_dropout_mlp_eval_is_deterministic_and_equals_no_dropout():
    net = DropoutMLPScratch(784, 10, 256, 256, 0.2, 0.5)
    plain = DropoutMLPScratch(784, 10, 256, 256, 0.0, 0.0)
    plain.load_state_dict(net.state_dict())
    concise = dropout_mlp_concise()
    concise_keys = [f"{i}.{k}" for i in (1, 4, 7) for k in ("weight", "bias")]
    concise.load_state_dict(dict(zip(concise_keys, net.state_dict().values())))
    X = torch.rand(4, 1, 28, 28)
    net.eval()
    concise.eval()
    torch.testing.assert_close(net(X), net(X))
    torch.testing.assert_close(net(X), plain(X))
    torch.testing.assert_close(net(X), concise(X))
    net.train()
    assert not torch.equal(net(X), net(X))
    torch.testing.assert_close(plain.train()(X), plain.eval()(X))


# ---------------------------------------------------------------- 4.7
@pytest.mark.parametrize("lambd", [0.0, 0.1])
def test_manual_backprop_matches_autograd(lambd):
    n, d, h, q = 6, 5, 7, 3
    X, y = torch.randn(n, d, dtype=torch.float64), torch.randint(0, q, (n,))
    W1 = torch.randn(d, h, dtype=torch.float64, requires_grad=True)
    W2 = torch.randn(h, q, dtype=torch.float64, requires_grad=True)
    manual = manual_backprop(X, y, W1, W2, lambd)
    J = F.cross_entropy(torch.relu(X @ W1) @ W2, y) + lambd / 2 * ((W1**2).sum() + (W2**2).sum())
    dW1, dW2 = torch.autograd.grad(J, [W1, W2])
    torch.testing.assert_close(manual["loss"], J.detach())
    torch.testing.assert_close(manual["dW1"], dW1)
    torch.testing.assert_close(manual["dW2"], dW2)
    assert manual["dW1"].shape == (d, h) and manual["dW2"].shape == (h, q)


# ---------------------------------------------------------------- 4.8
@pytest.mark.parametrize("shape", [(300, 200), (64, 16, 3, 3), (32, 8, 5)])
def test_fan_in_and_fan_out_matches_torch(shape):
    w = torch.empty(shape)
    assert fan_in_and_fan_out(w) == nn.init._calculate_fan_in_and_fan_out(w)


@pytest.mark.parametrize("shape", [(300, 200), (64, 16, 3, 3)])
@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier_statistics_match_nn_init(shape, gain):
    w, w_ref = torch.empty(shape), torch.empty(shape)
    fan_in, fan_out = fan_in_and_fan_out(w)
    var = gain**2 * 2 / (fan_in + fan_out)
    bound = (3 * var) ** 0.5
    assert xavier_uniform_(w, gain=gain) is w
    nn.init.xavier_uniform_(w_ref, gain=gain)
    for t in (w, w_ref):
        assert t.abs().max().item() <= bound
        assert t.mean().item() == pytest.approx(0, abs=0.05 * var**0.5)
        assert t.var().item() == pytest.approx(var, rel=0.05)
    assert xavier_normal_(w, gain=gain) is w
    nn.init.xavier_normal_(w_ref, gain=gain)
    for t in (w, w_ref):
        assert t.mean().item() == pytest.approx(0, abs=0.05 * var**0.5)
        assert t.var().item() == pytest.approx(var, rel=0.05)
        assert t.abs().max().item() > bound  # normal tails pass the uniform bound


def test_xavier_generator_is_reproducible():
    a = xavier_uniform_(torch.empty(5, 4), generator=torch.Generator().manual_seed(3))
    b = xavier_uniform_(torch.empty(5, 4), generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)
    with pytest.raises(ValueError):
        fan_in_and_fan_out(torch.empty(5))
