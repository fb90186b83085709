"""Chapter 6: each scratch operator against the torch built-in it re-derives, plus the book's
printed toy results."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from d2lkit.cnn import (
    Conv2D,
    comp_conv2d,
    conv_output_shape,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    edge_detection_data,
    evaluate_accuracy_gpu,
    learn_edge_kernel,
    lenet,
    pool2d,
    train_ch6,
)
from tests.helpers import assert_same_values_and_grads

torch.set_num_threads(1)


# ---------------------------------------------------------------- 6.2
def test_corr2d_book_example():
    X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    assert torch.equal(corr2d(X, K), torch.tensor([[19.0, 25.0], [37.0, 43.0]]))


@pytest.mark.parametrize("seed", range(6))
def test_corr2d_matches_conv2d(seed):
    g = torch.Generator().manual_seed(seed)
    kh, kw = torch.randint(1, 4, (2,), generator=g).tolist()
    h, w = kh + torch.randint(0, 5, (1,), generator=g).item(), kw + 3
    X = torch.randn(h, w, dtype=torch.float64, generator=g)
    K = torch.randn(kh, kw, dtype=torch.float64, generator=g)
    assert_same_values_and_grads(
        corr2d, lambda X, K: F.conv2d(X[None, None], K[None, None])[0, 0], X, K
    )


def test_conv2d_module_is_corr2d_plus_bias():
    conv = Conv2D((1, 2))
    with torch.no_grad():
        conv.bias.fill_(0.5)
    X, _, _ = edge_detection_data()
    torch.testing.assert_close(conv(X), corr2d(X, conv.weight) + 0.5)


def test_edge_detection_data_is_the_books():
    X, K, Y = edge_detection_data()
    assert X.shape == (6, 8) and X[:, 2:6].sum() == 0 and X[:, :2].eq(1).all()
    assert torch.equal(K, torch.tensor([[1.0, -1.0]]))
    expected_row = torch.tensor([0.0, 1.0, 0.0, 0.0, 0.0, -1.0, 0.0])
    assert torch.equal(Y, expected_row.expand(6, 7))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_learn_edge_kernel_converges(seed):
    torch.manual_seed(seed)
    kernel, losses = learn_edge_kernel()
    assert kernel.shape == (1, 2) and len(losses) == 10
    assert all(a > b for a, b in zip(losses, losses[1:]))
    assert losses[-1] < 0.5
    torch.testing.assert_close(kernel, torch.tensor([[1.0, -1.0]]), atol=0.1, rtol=0)


# ---------------------------------------------------------------- 6.3
@pytest.mark.parametrize(
    ("kernel_size", "padding", "stride"),
    [(3, 1, 1), ((5, 3), (2, 1), 1), (3, 1, 2), ((3, 5), (0, 1), (3, 4))],
)
def test_book_padding_stride_examples(kernel_size, padding, stride):
    expected = {1: (8, 8), 2: (4, 4), (3, 4): (2, 2)}[stride]
    conv2d = nn.Conv2d(1, 1, kernel_size=kernel_size, padding=padding, stride=stride)
    assert comp_conv2d(conv2d, torch.rand(8, 8)).shape == expected
    assert conv_output_shape((8, 8), kernel_size, padding, stride) == expected


@settings(max_examples=60, deadline=None)
@given(
    n=st.tuples(st.integers(1, 12), st.integers(1, 12)),
    k=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    p=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    s=st.tuples(st.integers(1, 4), st.integers(1, 4)),
)
def test_conv_output_shape_matches_nn_conv2d(n, k, p, s):
    if any(ni + 2 * pi < ki for ni, ki, pi in zip(n, k, p)):
        return  # the window does not fit: nn.Conv2d raises
    conv2d = nn.Conv2d(1, 1, kernel_size=k, padding=p, stride=s)
    assert conv_output_shape(n, k, p, s) == tuple(conv2d(torch.zeros((1, 1) + n)).shape[2:])


# ---------------------------------------------------------------- 6.4
def test_corr2d_multi_in_book_example():
    X = torch.tensor([[[0.0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]])
    K = torch.tensor([[[0.0, 1], [2, 3]], [[1.0, 2], [3, 4]]])
    assert torch.equal(corr2d_multi_in(X, K), torch.tensor([[56.0, 72.0], [104.0, 120.0]]))
    K = torch.stack((K, K + 1, K + 2), 0)
    assert K.shape == (3, 2, 2, 2)
    Y = corr2d_multi_in_out(X, K)
    assert Y.shape == (3, 2, 2) and torch.equal(Y[0], corr2d_multi_in(X, K[0]))


@pytest.mark.parametrize("seed", range(4))
def test_multi_channel_corr2d_match_conv2d(seed):
    g = torch.Generator().manual_seed(seed)
    c_i, c_o, kh, kw = torch.randint(1, 4, (4,), generator=g).tolist()
    X = torch.randn(c_i, kh + 2, kw + 3, dtype=torch.float64, generator=g)
    K = torch.randn(c_o, c_i, kh, kw, dtype=torch.float64, generator=g)
    assert_same_values_and_grads(
        corr2d_multi_in, lambda X, K: F.conv2d(X[None], K[None])[0, 0], X, K[0]
    )
    assert_same_values_and_grads(corr2d_multi_in_out, lambda X, K: F.conv2d(X[None], K)[0], X, K)


@pytest.mark.parametrize("seed", range(3))
def test_1x1_matmul_matches_general_and_conv2d(seed):
    g = torch.Generator().manual_seed(seed)
    c_i, c_o = torch.randint(1, 5, (2,), generator=g).tolist()
    X = torch.normal(0, 1, (c_i, 3, 4), generator=g)
    K = torch.normal(0, 1, (c_o, c_i, 1, 1), generator=g)
    Y1, Y2 = corr2d_multi_in_out_1x1(X, K), corr2d_multi_in_out(X, K)
    assert float(torch.abs(Y1 - Y2).sum()) < 1e-5
    assert_same_values_and_grads(
        corr2d_multi_in_out_1x1, lambda X, K: F.conv2d(X[None], K)[0], X, K
    )


# ---------------------------------------------------------------- 6.5
def test_pool2d_book_examples():
    X = torch.arange(9.0).reshape(3, 3)
    assert torch.equal(pool2d(X, (2, 2)), torch.tensor([[4.0, 5.0], [7.0, 8.0]]))
    assert torch.equal(pool2d(X, (2, 2), "avg"), torch.tensor([[2.0, 3.0], [5.0, 6.0]]))
    X = torch.arange(16.0).reshape(1, 1, 4, 4)
    # nn.MaxPool2d(3): the stride defaults to the window
    assert torch.equal(pool2d(X, 3, stride=3), torch.tensor([[[[10.0]]]]))
    expected = torch.tensor([[[[5.0, 7.0], [13.0, 15.0]]]])
    assert torch.equal(pool2d(X, 3, padding=1, stride=2), expected)


def test_pool2d_rejects_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        pool2d(torch.zeros(2, 2), 2, mode="min")


@settings(max_examples=40, deadline=None)
@given(
    mode=st.sampled_from(["max", "avg"]),
    k=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    pad=st.tuples(st.booleans(), st.booleans()),
    extra=st.tuples(st.integers(0, 4), st.integers(0, 4)),
    seed=st.integers(0, 2**16),
)
def test_pool2d_matches_torch(mode, k, s, pad, extra, seed):
    # torch allows at most half the window as padding
    p = tuple(ki // 2 if use else 0 for ki, use in zip(k, pad))
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(2, 2, k[0] + extra[0], k[1] + extra[1], dtype=torch.float64, generator=g)
    torch_pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    assert_same_values_and_grads(
        lambda X: pool2d(X, k, mode, padding=p, stride=s),
        lambda X: torch_pool(X, k, stride=s, padding=p),
        X,
    )


# ---------------------------------------------------------------- 6.6
def test_lenet_shapes_and_parameters():
    net = lenet()
    X = torch.rand(1, 1, 28, 28)
    shapes = []
    for layer in net:
        X = layer(X)
        shapes.append(tuple(X.shape[1:]))
    assert shapes == [
        (6, 28, 28), (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 10, 10), (16, 5, 5),
        (400,), (120,), (120,), (84,), (84,), (10,),
    ]  # fmt: skip
    # 6*25+6 + 16*6*25+16 + 400*120+120 + 120*84+84 + 84*10+10
    assert sum(p.numel() for p in net.parameters()) == 61706


def test_evaluate_accuracy_gpu_counts_correct_predictions():
    net = nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        net.weight.copy_(torch.eye(2))
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [2.0, 1.0]])
    y = torch.tensor([0, 1, 1, 0])
    batches = [(X[:2], y[:2]), (X[2:], y[2:])]
    assert evaluate_accuracy_gpu(net, batches) == 0.75
    assert not net.training


def _tiny_dataset(num_examples: int, batch_size: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 10, (num_examples,), generator=g)
    # class-dependent brightness, so the task is learnable
    X = torch.rand(num_examples, 1, 28, 28, generator=g) * 0.5 + y[:, None, None, None] / 20
    starts = range(0, num_examples, batch_size)
    return [(X[i : i + batch_size], y[i : i + batch_size]) for i in starts]


def test_train_ch6_one_epoch(capsys):
    torch.manual_seed(0)
    train_iter, test_iter = _tiny_dataset(64, 16, 0), _tiny_dataset(32, 16, 1)
    history = train_ch6(lenet(), train_iter, test_iter, num_epochs=1, lr=0.9, device="cpu")
    assert set(history) == {"train_loss", "train_acc", "test_acc", "examples_per_sec"}
    assert len(history["train_loss"]) == len(history["train_acc"]) == 1
    assert len(history["test_acc"]) == 1
    assert 0 < history["train_loss"][0] < 10
    assert 0 <= history["train_acc"][0] <= 1 and 0 <= history["test_acc"][0] <= 1
    assert history["examples_per_sec"] > 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "training on cpu"
    assert out[1].startswith("loss ") and "train acc" in out[1] and "test acc" in out[1]
    assert out[2].endswith("examples/sec on cpu")


def test_train_ch6_loss_is_mean_cross_entropy_of_the_epoch():
    # with lr=0 the net is frozen after xavier init, so the epoch loss and accuracy can be
    # recomputed afterwards
    torch.manual_seed(0)
    train_iter = _tiny_dataset(48, 16, 2)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    history = train_ch6(net, train_iter, train_iter, 1, lr=0.0, device="cpu", verbose=False)
    X = torch.cat([X for X, _ in train_iter])
    y = torch.cat([y for _, y in train_iter])
    with torch.no_grad():
        y_hat = net(X)
    assert history["train_loss"][0] == pytest.approx(F.cross_entropy(y_hat, y).item(), rel=1e-5)
    accuracy = (y_hat.argmax(1) == y).float().mean().item()
    assert history["train_acc"][0] == pytest.approx(accuracy)
    assert history["test_acc"][0] == pytest.approx(accuracy)
