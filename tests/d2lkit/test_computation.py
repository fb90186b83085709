"""Chapter 5: custom blocks and layers against the nn built-ins they re-derive, initialisers,
tied parameters, deferred initialisation and save/load round trips."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from d2lkit import utils
from d2lkit.computation import (
    MLP,
    CenteredLayer,
    FixedHiddenMLP,
    LazyMLP,
    MyLinear,
    MySequential,
    NestMLP,
    block2,
    chimera,
    init_42,
    init_constant,
    init_normal,
    init_xavier,
    load_params,
    my_init,
    named_parameter_shapes,
    save_load_roundtrip,
    save_params,
    shared_layer_net,
    try_all_gpus,
    try_gpu,
)

torch.set_num_threads(1)
pytestmark = pytest.mark.usefixtures("seeded")


# ---------------------------------------------------------------- 5.1
def test_mlp_matches_sequential_with_same_layers():
    net = MLP()
    ref = nn.Sequential(net.hidden, nn.ReLU(), net.out)
    X = torch.rand(2, 20)
    torch.testing.assert_close(net(X), ref(X))
    assert net(X).shape == (2, 10)


def test_my_sequential_equals_nn_sequential_values_and_grads():
    layers = [nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10)]
    mine, ref = MySequential(*layers), nn.Sequential(*layers)
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in ref.named_parameters()]
    assert list(mine.state_dict()) == list(ref.state_dict())
    X = torch.rand(2, 20)
    torch.testing.assert_close(mine(X), ref(X))
    (g_mine,) = torch.autograd.grad(mine(X).sum(), [layers[0].weight])
    (g_ref,) = torch.autograd.grad(ref(X).sum(), [layers[0].weight])
    torch.testing.assert_close(g_mine, g_ref)


def test_fixed_hidden_mlp_constant_weight_and_halving():
    net = FixedHiddenMLP()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["linear.weight", "linear.bias"]  # rand_weight is no parameter
    assert "rand_weight" not in net.state_dict()
    X = torch.rand(2, 20)
    out = net(X)
    assert out.ndim == 0
    # direct re-computation: same layer twice, then halve until the L1 norm is at most 1
    Y = net.linear(F.relu(net.linear(X) @ net.rand_weight + 1))
    while Y.abs().sum() > 1:
        Y = Y / 2
    torch.testing.assert_close(out, Y.sum())
    out.backward()
    assert net.linear.weight.grad is not None


def test_nest_mlp_and_chimera_shapes():
    X = torch.rand(2, 20)
    assert NestMLP()(X).shape == (2, 16)
    assert chimera()(X).ndim == 0


# ---------------------------------------------------------------- 5.2
def test_named_parameter_shapes():
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    assert named_parameter_shapes(net) == {
        "0.weight": (8, 4),
        "0.bias": (8,),
        "2.weight": (1, 8),
        "2.bias": (1,),
    }
    shapes = named_parameter_shapes(block2())
    assert shapes["block 3.2.bias"] == (4,) and len(shapes) == 16


def test_initialisers():
    net = nn.Sequential(nn.Linear(400, 300), nn.ReLU(), nn.Linear(300, 1))
    net.apply(init_normal)
    assert abs(net[0].weight.std().item() - 0.01) < 1e-3
    assert torch.all(net[0].bias == 0)
    net.apply(init_constant)
    assert torch.all(net[0].weight == 1) and torch.all(net[2].bias == 0)
    net.apply(init_42)
    assert torch.all(net[2].weight == 42)
    net.apply(init_xavier)
    bound = (6 / (400 + 300)) ** 0.5
    assert net[0].weight.abs().max() <= bound
    assert abs(net[0].weight.var().item() - bound**2 / 3) < 0.1 * bound**2 / 3


def test_my_init_zeroes_small_weights():
    net = nn.Sequential(nn.Linear(400, 300))
    net.apply(my_init)
    w = net[0].weight
    nonzero = w[w != 0]
    assert torch.all(nonzero.abs() >= 5) and torch.all(nonzero.abs() <= 10)
    assert abs((w == 0).float().mean().item() - 0.5) < 0.01


def test_shared_layer_gradient_is_sum_of_both_uses():
    net = shared_layer_net()
    assert net[2] is net[4]
    assert len(list(net.parameters())) == 6  # the shared layer is counted once
    X = torch.rand(3, 4)
    net(X).sum().backward()
    # rebuild with two independent copies of the shared layer: their grads must add up
    first, second = nn.Linear(8, 8), nn.Linear(8, 8)
    for copy in (first, second):
        copy.load_state_dict(net[2].state_dict())
    untied = nn.Sequential(net[0], nn.ReLU(), first, nn.ReLU(), second, nn.ReLU(), net[6])
    untied(X).sum().backward()
    torch.testing.assert_close(net[2].weight.grad, first.weight.grad + second.weight.grad)
    torch.testing.assert_close(net[2].bias.grad, first.bias.grad + second.bias.grad)


# ---------------------------------------------------------------- 5.3
def test_lazy_mlp_materialises_on_first_forward():
    net = LazyMLP()
    assert isinstance(net.net[0].weight, nn.parameter.UninitializedParameter)
    out = net(torch.rand(2, 20))
    assert out.shape == (2, 10)
    assert named_parameter_shapes(net) == {
        "net.0.weight": (256, 20),
        "net.0.bias": (256,),
        "net.2.weight": (10, 256),
        "net.2.bias": (10,),
    }


# ---------------------------------------------------------------- 5.4
def test_centered_layer():
    out = CenteredLayer()(torch.tensor([1.0, 2, 3, 4, 5]))
    torch.testing.assert_close(out, torch.tensor([-2.0, -1, 0, 1, 2]))
    net = nn.Sequential(nn.Linear(8, 128), CenteredLayer())
    assert abs(net(torch.rand(4, 8)).mean().item()) < 1e-6


def test_my_linear_matches_functional():
    layer = MyLinear(5, 3)
    assert named_parameter_shapes(layer) == {"weight": (5, 3), "bias": (3,)}
    X = torch.randn(4, 5)
    out = layer(X)
    ref = F.relu(F.linear(X, layer.weight.T, layer.bias))
    torch.testing.assert_close(out, ref)
    upstream = torch.randn(4, 3)
    grads = torch.autograd.grad(out, [layer.weight, layer.bias], upstream)
    grads_ref = torch.autograd.grad(ref, [layer.weight, layer.bias], upstream)
    for g, g_ref in zip(grads, grads_ref):
        torch.testing.assert_close(g, g_ref)


# ---------------------------------------------------------------- 5.5
def test_save_load_roundtrip_containers(tmp_path):
    x, y = torch.arange(4.0), torch.zeros(4)
    assert torch.equal(save_load_roundtrip(x, tmp_path / "x-file"), x)
    x2, y2 = save_load_roundtrip([x, y], tmp_path / "x-files")
    assert torch.equal(x2, x) and torch.equal(y2, y)
    mydict = save_load_roundtrip({"x": x, "y": y}, tmp_path / "mydict")
    assert torch.equal(mydict["x"], x) and torch.equal(mydict["y"], y)


def test_state_dict_roundtrip_clone_equals_original(tmp_path):
    net = MLP()
    save_params(net, tmp_path / "mlp.params")
    clone = load_params(MLP(), tmp_path / "mlp.params")
    X = torch.randn(2, 20)
    assert torch.equal(clone(X), net(X))
    state = save_load_roundtrip(net.state_dict(), tmp_path / "state")
    assert all(torch.equal(state[k], v) for k, v in net.state_dict().items())


# ---------------------------------------------------------------- 5.6
def test_devices_are_the_utils_ones():
    assert try_gpu is utils.try_gpu and try_all_gpus is utils.try_all_gpus
    device = try_gpu()
    net = MLP().to(device)
    X = torch.ones(2, 20, device=device)
    assert net(X).device == X.device
