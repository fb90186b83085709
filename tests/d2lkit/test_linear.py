"""Chapter 3 references against the torch built-ins they re-derive, and the ch3 training loop."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from d2lkit import linear as L
from tests.helpers import assert_same_values_and_grads

FAST = settings(max_examples=30, deadline=None)


def separable_data(num_examples=600, seed=0, num_inputs=20, num_classes=3):
    """Gaussian clusters around fixed far-apart centres: a linear classifier reaches ~100%.
    Different seeds draw different examples of the same clusters."""
    centres = torch.randn(num_classes, num_inputs, generator=torch.Generator().manual_seed(0)) * 3
    generator = torch.Generator().manual_seed(seed)
    y = torch.randint(0, num_classes, (num_examples,), generator=generator)
    X = centres[y] + torch.randn(num_examples, num_inputs, generator=generator)
    return X, y


def batches(X, y, batch_size):
    """A fixed list of minibatches: two training runs see the same data in the same order."""
    return list(zip(X.split(batch_size), y.split(batch_size)))


# ---------------------------------------------------------------- 3.2


@pytest.mark.parametrize(("num_examples", "batch_size"), [(1000, 10), (7, 3), (5, 8)])
def test_data_iter_covers_every_example_once(num_examples, batch_size):
    features = torch.arange(num_examples).unsqueeze(1) * torch.ones(1, 2)
    labels = torch.arange(num_examples)
    got = list(L.data_iter(batch_size, features, labels))
    sizes = [len(X) for X, _ in got]
    full, rest = divmod(num_examples, batch_size)
    assert sizes == [batch_size] * full + ([rest] if rest else [])
    for X, y in got:
        assert torch.equal(X[:, 0].long(), y)  # features and labels stay paired
    seen = torch.cat([y for _, y in got])
    assert torch.equal(seen.sort().values, labels)


def test_data_iter_shuffles_reproducibly():
    features, labels = torch.arange(100.0).unsqueeze(1), torch.arange(100)
    order_1 = [
        y for _, y in L.data_iter(10, features, labels, generator=torch.Generator().manual_seed(3))
    ]
    order_2 = [
        y for _, y in L.data_iter(10, features, labels, generator=torch.Generator().manual_seed(3))
    ]
    assert all(torch.equal(a, b) for a, b in zip(order_1, order_2))
    assert not torch.equal(torch.cat(order_1), labels)


@FAST
@given(st.integers(1, 8), st.integers(1, 5))
def test_linreg_matches_f_linear(batch_size, num_inputs):
    X = torch.randn(batch_size, num_inputs, dtype=torch.float64)
    w = torch.randn(num_inputs, 1, dtype=torch.float64)
    b = torch.randn(1, dtype=torch.float64)
    assert_same_values_and_grads(L.linreg, lambda X, w, b: F.linear(X, w.T, b), X, w, b)


@FAST
@given(st.integers(1, 8), st.booleans(), st.sampled_from([1.0, 1e3]))
def test_squared_loss_matches_mse_none(batch_size, flat_labels, scale):
    y_hat = torch.randn(batch_size, 1, dtype=torch.float64) * scale
    y = torch.randn(batch_size, dtype=torch.float64) * scale
    if not flat_labels:
        y = y.reshape(-1, 1)
    loss = L.squared_loss(y_hat, y)
    assert loss.shape == (batch_size, 1)  # no (batch_size, batch_size) broadcast
    assert_same_values_and_grads(
        L.squared_loss,
        lambda y_hat, y: F.mse_loss(y_hat, y.reshape(y_hat.shape), reduction="none") / 2,
        y_hat,
        y,
    )


def test_sgd_matches_torch_sgd_on_the_mean_loss():
    X, y = torch.randn(40, 3, dtype=torch.float64), torch.randn(40, dtype=torch.float64)
    w = torch.randn(3, 1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    w_ref, b_ref = (p.detach().clone().requires_grad_(True) for p in (w, b))
    optimizer = torch.optim.SGD([w_ref, b_ref], lr=0.03)
    for X_batch, y_batch in batches(X, y, batch_size=8):
        L.squared_loss(L.linreg(X_batch, w, b), y_batch).sum().backward()
        L.sgd([w, b], lr=0.03, batch_size=len(X_batch))
        optimizer.zero_grad()
        L.squared_loss(L.linreg(X_batch, w_ref, b_ref), y_batch).mean().backward()
        optimizer.step()
        assert torch.equal(w.grad, torch.zeros_like(w))  # sgd clears the gradients
    torch.testing.assert_close(w, w_ref)
    torch.testing.assert_close(b, b_ref)


# ---------------------------------------------------------------- 3.6


@FAST
@given(st.integers(1, 8), st.integers(1, 12), st.sampled_from([1e-3, 1.0, 30.0]))
def test_softmax_matches_torch_softmax(batch_size, num_outputs, scale):
    X = torch.randn(batch_size, num_outputs, dtype=torch.float64) * scale
    assert_same_values_and_grads(L.softmax, lambda X: torch.softmax(X, dim=1), X)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_softmax_large_inputs_do_not_overflow(dtype):
    X = (torch.randn(16, 10) * 1e3).to(dtype)
    X[0] = 1e3  # all equal and huge: exp would overflow without the shift
    probs = L.softmax(X)
    assert not probs.isnan().any()
    torch.testing.assert_close(probs, torch.softmax(X, dim=1))
    torch.testing.assert_close(probs[0], torch.full((10,), 0.1, dtype=dtype))


@FAST
@given(st.integers(1, 8), st.integers(2, 10))
def test_cross_entropy_matches_nll_of_log(batch_size, num_classes):
    probs = torch.softmax(torch.randn(batch_size, num_classes, dtype=torch.float64), dim=1)
    y = torch.randint(0, num_classes, (batch_size,))
    assert_same_values_and_grads(
        lambda p: L.cross_entropy(p, y),
        lambda p: F.nll_loss(torch.log(p), y, reduction="none"),
        probs,
    )


@FAST
@given(st.integers(1, 8), st.integers(2, 10), st.sampled_from([1.0, 10.0]))
def test_softmax_then_cross_entropy_matches_f_cross_entropy(batch_size, num_classes, scale):
    logits = torch.randn(batch_size, num_classes, dtype=torch.float64) * scale
    y = torch.randint(0, num_classes, (batch_size,))
    assert_same_values_and_grads(
        lambda o: L.cross_entropy(L.softmax(o), y),
        lambda o: F.cross_entropy(o, y, reduction="none"),
        logits,
    )


def test_book_toy_values():
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = torch.tensor([0, 2])
    torch.testing.assert_close(
        L.cross_entropy(y_hat, y), torch.tensor([2.3026, 0.6931]), atol=1e-4, rtol=0
    )
    assert L.accuracy(y_hat, y) == 1.0  # a count: the book divides by len(y) to get 0.5


@FAST
@given(st.integers(1, 20), st.integers(2, 6))
def test_accuracy_counts_argmax_hits(batch_size, num_classes):
    y_hat = torch.randn(batch_size, num_classes)
    y = torch.randint(0, num_classes, (batch_size,))
    expected = float((y_hat.argmax(dim=1) == y).sum())
    assert L.accuracy(y_hat, y) == expected
    assert L.accuracy(y_hat.argmax(dim=1), y) == expected  # already class indices


def test_evaluate_accuracy_is_a_fraction_in_eval_mode():
    X, y = separable_data(num_examples=50)
    net = nn.Sequential(nn.Linear(20, 3), nn.Dropout(0.9))
    net.train()
    expected = float((net.eval()(X).argmax(dim=1) == y).float().mean())
    net.train()
    assert L.evaluate_accuracy(net, batches(X, y, 16)) == pytest.approx(expected)
    assert not net.training


def test_init_softmax_params():
    torch.manual_seed(0)
    W, b = L.init_softmax_params(784, 10, sigma=0.01)
    assert W.shape == (784, 10) and b.shape == (10,)
    assert W.requires_grad and b.requires_grad
    assert torch.equal(b, torch.zeros(10))
    assert W.std().item() == pytest.approx(0.01, rel=0.05)


def test_scratch_and_concise_models_agree():
    torch.manual_seed(0)
    scratch, concise = L.SoftmaxRegressionScratch(), L.softmax_regression_concise()
    assert [type(m) for m in concise] == [nn.Flatten, nn.Linear]
    assert concise[1].weight.std().item() == pytest.approx(0.01, rel=0.05)
    with torch.no_grad():
        concise[1].weight.copy_(scratch.W.T)
        concise[1].bias.copy_(torch.randn(10))
        scratch.b.copy_(concise[1].bias)
    X, y = torch.rand(8, 1, 28, 28), torch.randint(0, 10, (8,))
    torch.testing.assert_close(scratch(X), torch.softmax(concise(X), dim=1))
    loss_scratch = L.cross_entropy(scratch(X), y)
    loss_concise = nn.CrossEntropyLoss(reduction="none")(concise(X), y)
    torch.testing.assert_close(loss_scratch, loss_concise)
    upstream = torch.randn(8)
    grad_W, grad_b = torch.autograd.grad(loss_scratch, [scratch.W, scratch.b], upstream)
    grad_weight, grad_bias = torch.autograd.grad(
        loss_concise, list(concise[1].parameters()), upstream
    )
    torch.testing.assert_close(grad_W, grad_weight.T)
    torch.testing.assert_close(grad_b, grad_bias)


def test_train_epoch_ch3_scratch_updater_and_optimizer_agree():
    X, y = separable_data()
    train_iter = batches(X, y, batch_size=32)
    torch.manual_seed(0)
    net = L.SoftmaxRegressionScratch(num_inputs=20, num_outputs=3)
    net_ref = L.SoftmaxRegressionScratch(num_inputs=20, num_outputs=3)
    net_ref.load_state_dict(net.state_dict())
    before = L.evaluate_accuracy(net, train_iter)

    result = L.train_epoch_ch3(
        net,
        train_iter,
        L.cross_entropy,
        lambda batch_size: L.sgd(net.parameters(), 0.1, batch_size),
    )
    result_ref = L.train_epoch_ch3(
        net_ref, train_iter, L.cross_entropy, torch.optim.SGD(net_ref.parameters(), lr=0.1)
    )
    assert result == pytest.approx(result_ref)
    for param, param_ref in zip(net.parameters(), net_ref.parameters()):
        torch.testing.assert_close(param, param_ref)
    train_loss, train_acc = result
    assert train_loss < 0.5 and train_acc > 0.8 > before
    assert L.evaluate_accuracy(net, train_iter) > 0.95


def test_train_ch3_returns_the_history():
    X, y = separable_data(num_examples=400)
    X_test, y_test = separable_data(num_examples=200, seed=1)
    torch.manual_seed(0)
    net = L.softmax_regression_concise(num_inputs=20, num_outputs=3)
    history = L.train_ch3(
        net,
        batches(X, y, 32),
        batches(X_test, y_test, 64),
        nn.CrossEntropyLoss(reduction="none"),
        num_epochs=3,
        updater=torch.optim.SGD(net.parameters(), lr=0.1),
        plot=False,
    )
    assert set(history) == {"train_loss", "train_acc", "test_acc"}
    assert all(len(values) == 3 for values in history.values())
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert history["test_acc"][-1] > 0.95


def test_train_ch3_plots(monkeypatch):
    drawn = []
    monkeypatch.setattr("d2lkit.plotting.plot_curves", lambda history: drawn.append(history))
    X, y = separable_data(num_examples=64)
    net = L.SoftmaxRegressionScratch(num_inputs=20, num_outputs=3)
    history = L.train_ch3(
        net,
        batches(X, y, 32),
        batches(X, y, 32),
        L.cross_entropy,
        2,
        lambda batch_size: L.sgd(net.parameters(), 0.1, batch_size),
    )
    assert drawn == [history]


def test_predict_ch3_titles_true_and_predicted_labels(monkeypatch):
    shown = {}
    monkeypatch.setattr(
        "d2lkit.plotting.show_images",
        lambda imgs, num_rows, num_cols, titles=None: shown.update(shape=imgs.shape, titles=titles),
    )
    net = L.SoftmaxRegressionScratch()
    with torch.no_grad():
        net.W.zero_()
        net.b.copy_(torch.arange(10.0))  # always predicts class 9, "ankle boot"
    X, y = torch.rand(8, 1, 28, 28), torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])
    titles = L.predict_ch3(net, [(X, y)], n=3)
    assert titles == ["t-shirt\nankle boot", "trouser\nankle boot", "pullover\nankle boot"]
    assert shown == {"shape": (3, 28, 28), "titles": titles}
