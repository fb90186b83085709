"""11.5-11.11: every scratch optimiser against the `torch.optim` one it re-derives, after the same
state set-up, over several steps (parameters and states); Yogi against its formula; the
schedulers against `torch.optim.lr_scheduler`; the airfoil data and the training loops."""

import math

import pytest
import torch

from d2lkit import optimizers as O
from d2lkit import schedulers as S
from d2lkit.data.airfoil import airfoil_tensors, get_data_ch11

FEATURES = 4
STEPS = 6


def _params(seed: int):
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(FEATURES, 1, generator=g, dtype=torch.float64)
    b = torch.randn(1, generator=g, dtype=torch.float64)
    return w, b


def _grads(seed: int):
    """A different, seeded gradient for each step."""
    g = torch.Generator().manual_seed(seed + 100)
    return [
        (torch.randn(FEATURES, 1, generator=g, dtype=torch.float64),
         torch.randn(1, generator=g, dtype=torch.float64))
        for _ in range(STEPS)
    ]  # fmt: skip


def _double(states):
    if isinstance(states, torch.Tensor):
        return states.double()
    return type(states)(_double(s) for s in states)


def _run_scratch(update, states, hyperparams, seed):
    params = [p.clone().requires_grad_() for p in _params(seed)]
    for grads in _grads(seed):
        for p, g in zip(params, grads):
            p.grad = g.clone()
        update(params, states, hyperparams)
        assert all(bool((p.grad == 0).all()) for p in params), "the gradients were not zeroed"
    return [p.detach() for p in params]


def _run_torch(make, seed):
    params = [p.clone().requires_grad_() for p in _params(seed)]
    optimizer = make(params)
    for grads in _grads(seed):
        for p, g in zip(params, grads):
            p.grad = g.clone()
        optimizer.step()
    return [p.detach() for p in params], optimizer


CASES = {
    "sgd": (O.sgd, None, {"lr": 0.05}, lambda p: torch.optim.SGD(p, lr=0.05), None),
    "momentum": (
        O.sgd_momentum,
        O.init_momentum_states,
        {"lr": 0.02, "momentum": 0.5},
        lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.5),
        lambda s, state: [state["momentum_buffer"]],
    ),
    "adagrad": (
        O.adagrad,
        O.init_adagrad_states,
        # torch adds eps outside the square root: a negligible one makes both the same update
        {"lr": 0.1, "eps": 1e-20},
        lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-10),
        lambda s, state: [state["sum"]],
    ),
    "rmsprop": (
        O.rmsprop,
        O.init_rmsprop_states,
        {"lr": 0.01, "gamma": 0.9, "eps": 1e-20},
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-10),
        lambda s, state: [state["square_avg"]],
    ),
    "adadelta": (
        O.adadelta,
        O.init_adadelta_states,
        {"rho": 0.9},
        lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-5),
        lambda s, state: [state["square_avg"], state["acc_delta"]],
    ),
    "adam": (
        O.adam,
        O.init_adam_states,
        {"lr": 0.01, "t": 1},
        lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-6),
        lambda s, state: [state["exp_avg"], state["exp_avg_sq"]],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_scratch_optimisers_match_torch_optim_over_several_steps(name):
    update, init, hyperparams, make, torch_states = CASES[name]
    states = None if init is None else _double(init(FEATURES))
    ours = _run_scratch(update, states, dict(hyperparams), seed=7)
    theirs, optimizer = _run_torch(make, seed=7)
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-12)
    if torch_states is not None:
        ours_flat = [t for s in states for t in ((s,) if isinstance(s, torch.Tensor) else s)]
        theirs_flat = [
            t for p in optimizer.param_groups[0]["params"]
            for t in torch_states(None, optimizer.state[p])
        ]  # fmt: skip
        for a, b in zip(ours_flat, theirs_flat):
            torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-12)


def test_adam_counts_its_steps_and_yogi_follows_its_formula():
    hyperparams = {"lr": 0.01, "t": 1}
    _run_scratch(O.adam, _double(O.init_adam_states(FEATURES)), hyperparams, seed=3)
    assert hyperparams["t"] == 1 + STEPS
    states = _double(O.init_adam_states(FEATURES))
    hyperparams = {"lr": 0.01, "t": 1}
    ours = _run_scratch(O.yogi, states, hyperparams, seed=5)
    # the formula, step by step, in plain float64 arithmetic
    params = [p.clone() for p in _params(5)]
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    for t, grads in enumerate(_grads(5), start=1):
        for i, (p, g) in enumerate(zip(params, grads)):
            v, s = moments[i]
            v = 0.9 * v + 0.1 * g
            s = s + 0.001 * torch.sign(g * g - s) * g * g
            moments[i] = (v, s)
            v_hat, s_hat = v / (1 - 0.9**t), s / (1 - 0.999**t)
            params[i] = p - 0.01 * v_hat / (torch.sqrt(s_hat) + 1e-3)
    for a, b in zip(ours, params):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-14)
    for (v, s), (v_want, s_want) in zip(states, moments):
        torch.testing.assert_close(v, v_want)
        torch.testing.assert_close(s, s_want)


# ---------------------------------------------------------------- schedulers


def _torch_lrs(make, epochs, base_lr):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
    scheduler = make(optimizer)
    lrs = []
    for _ in range(epochs):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def test_square_root_and_factor_schedulers_match_lambda_and_step_lr():
    ours = [S.SquareRootScheduler(lr=0.1)(t) for t in range(30)]
    want = _torch_lrs(
        lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda t: (t + 1) ** -0.5), 30, 0.1
    )
    assert ours == pytest.approx(want, rel=1e-12)
    factor = S.FactorScheduler(factor=0.9, stop_factor_lr=1e-2, base_lr=2.0)
    ours = [factor(t) for t in range(60)]
    want = _torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, 1, gamma=0.9), 61, 2.0)[1:]
    assert ours == pytest.approx([max(1e-2, lr) for lr in want], rel=1e-9)
    assert ours[-1] == 1e-2


def test_multi_factor_scheduler_matches_multi_step_lr():
    ours = [S.MultiFactorScheduler([15, 30], 0.5, 0.5)(t) for t in range(40)]
    want = _torch_lrs(
        lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[15, 30], gamma=0.5), 40, 0.5
    )
    assert ours == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("warmup", [0, 5])
def test_cosine_scheduler_matches_cosine_annealing_after_a_linear_warmup(warmup):
    scheduler = S.CosineScheduler(20, base_lr=0.3, final_lr=0.01, warmup_steps=warmup)
    ours = [scheduler(t) for t in range(30)]
    cosine = _torch_lrs(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=20 - warmup, eta_min=0.01),
        21 - warmup,
        0.3,
    )
    warm = [0.3 * t / warmup for t in range(warmup)]
    want = warm + cosine + [0.01] * (30 - 21)
    assert ours == pytest.approx(want, rel=1e-9, abs=1e-12)
    if warmup:
        # the warm-up and the cosine as one torch schedule: LinearLR then CosineAnnealingLR
        chained = _torch_lrs(
            lambda o: torch.optim.lr_scheduler.SequentialLR(
                o,
                [
                    torch.optim.lr_scheduler.LinearLR(o, 1e-9, 1.0, total_iters=warmup),
                    torch.optim.lr_scheduler.CosineAnnealingLR(o, 20 - warmup, eta_min=0.01),
                ],
                milestones=[warmup],
            ),
            21,
            0.3,
        )
        assert ours[: warmup + 1] == pytest.approx(chained[: warmup + 1], abs=1e-8)
        assert ours[warmup:21] == pytest.approx(chained[warmup:21], rel=1e-9)


# ---------------------------------------------------------------- data and training loops


def test_airfoil_is_the_first_1500_standardised_rows(data_root):
    X, y = airfoil_tensors()
    assert X.shape == (1500, 5) and y.shape == (1500,) and X.dtype == torch.float32
    # standardised over all 1,503 rows: the first 1,500 are close to, not exactly, mean 0, std 1
    assert X.mean(dim=0).abs().max() < 0.01 and (X.std(dim=0) - 1).abs().max() < 0.01
    data_iter, feature_dim = get_data_ch11(10)
    assert feature_dim == 5 and len(data_iter) == 150


def test_train_ch11_and_train_concise_ch11_learn_the_airfoil_regression(data_root):
    torch.manual_seed(0)
    data_iter, feature_dim = get_data_ch11(10)
    curve = O.train_ch11(O.sgd, None, {"lr": 0.05}, data_iter, feature_dim, num_epochs=1)
    # every 200 examples, then at the end
    assert len(curve.losses) == 8 and curve.epochs[-2:] == pytest.approx([1400 / 1500, 1.0])
    assert curve.losses[-1] < 0.3 and curve.seconds_per_epoch > 0
    curve = O.train_concise_ch11(torch.optim.Adam, {"lr": 0.01}, data_iter, num_epochs=1)
    assert curve.losses[-1] < 0.35 and not math.isnan(curve.seconds_per_epoch)
