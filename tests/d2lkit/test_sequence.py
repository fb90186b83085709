"""8.1: the noisy sine series, its lagged features, and one-step against k-step prediction."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from d2lkit.sequence import (
    get_net,
    k_step_preds,
    lagged_features,
    load_sine_data,
    multistep_preds,
    onestep_preds,
    sine_series,
    train,
)

torch.set_num_threads(1)


def test_sine_series_is_the_books():
    time, x = sine_series(generator=torch.Generator().manual_seed(0))
    assert time.shape == x.shape == (1000,) and x.dtype == torch.float32
    assert time[0] == 1 and time[-1] == 1000
    noise = x - torch.sin(0.01 * time)
    assert abs(noise.mean()) < 0.03 and noise.std().item() == pytest.approx(0.2, rel=0.1)
    _, clean = sine_series(5, noise=0.0)
    torch.testing.assert_close(clean, torch.sin(0.01 * torch.arange(1.0, 6.0)))


@pytest.mark.parametrize(("T", "tau"), [(1000, 4), (10, 1), (7, 6)])
def test_lagged_features_pair_tau_predecessors_with_the_next_value(T, tau):
    x = torch.arange(float(T))
    features, labels = lagged_features(x, tau)
    assert features.shape == (T - tau, tau) and labels.shape == (T - tau, 1)
    # row i holds x[i], ..., x[i + tau - 1] and its label is x[i + tau]
    expected = torch.arange(float(T - tau))[:, None] + torch.arange(float(tau))
    assert torch.equal(features, expected)
    assert torch.equal(labels[:, 0], torch.arange(float(tau), float(T)))


def test_get_net_is_the_books_mlp():
    net = get_net()
    assert [type(m) for m in net] == [nn.Linear, nn.ReLU, nn.Linear]
    assert net[0].weight.shape == (10, 4) and net[2].weight.shape == (1, 10)
    bound = (6 / (4 + 10)) ** 0.5  # xavier uniform
    assert net[0].weight.abs().max() <= bound


class Shift(nn.Module):
    """A 'net' that predicts the last of its inputs plus one: its forecasts are easy to write."""

    def forward(self, X):
        return X[:, -1:] + 1


def test_multistep_preds_feed_predictions_back():
    x = torch.zeros(12)
    preds = multistep_preds(Shift(), x, tau=2, n_train=3)
    assert torch.equal(preds[:5], x[:5])
    assert torch.equal(preds[5:], torch.arange(1.0, 8.0))


def test_k_step_preds_columns_are_k_steps_ahead():
    x = torch.arange(20.0) * 10
    tau, max_steps = 3, 4
    features = k_step_preds(Shift(), x, tau, max_steps)
    assert features.shape == (20 - tau - max_steps + 1, tau + max_steps)
    assert torch.equal(features[:, :tau], torch.stack([x[i : i + 14] for i in range(tau)], 1))
    for k in range(1, max_steps + 1):
        # k-step prediction from the last observation x[i + tau - 1]
        assert torch.equal(features[:, tau + k - 1], x[tau - 1 : tau - 1 + 14] + k)


def test_k_step_with_one_step_is_onestep_preds():
    torch.manual_seed(0)
    net = get_net()
    x = torch.randn(50)
    features, _ = lagged_features(x, 4)
    torch.testing.assert_close(k_step_preds(net, x, 4, 1)[:, 4], onestep_preds(net, features)[:, 0])


def test_training_fits_one_step_and_errors_grow_with_k():
    torch.manual_seed(0)
    x, features, labels, train_iter = load_sine_data(generator=torch.Generator().manual_seed(0))
    net = get_net()
    losses = train(net, train_iter, nn.MSELoss(reduction="none"), 2, 0.01)
    assert len(losses) == 2 and losses[-1] < 0.1  # the book: 0.0516 after 5 epochs
    one_step = ((onestep_preds(net, features) - labels) ** 2).mean()
    assert one_step < 0.1  # about the noise variance, 0.04
    preds = k_step_preds(net, x, 4, 64)
    errors = [((preds[:, 4 + k - 1] - x[3 + k : 3 + k + len(preds)]) ** 2).mean() for k in (1, 64)]
    assert errors[0] == pytest.approx(one_step.item(), rel=0.2) and errors[1] > 2 * errors[0]
