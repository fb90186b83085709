"""Chapter 7: scratch batch norm against nn.BatchNorm, the book's block shapes and shape
traces, and a forward+backward of every model at its training input size."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from d2lkit.batch_norm import BatchNorm, batch_norm, lenet_bn, lenet_bn_concise
from d2lkit.modern_cnn import (
    INPUT_SIZES,
    STAGE_SHAPES,
    DenseBlock,
    Inception,
    Residual,
    alexnet,
    count_parameters,
    densenet,
    googlenet,
    nin,
    nin_block,
    resnet18,
    stage_shapes,
    transition_block,
    vgg11,
    vgg_block,
)

torch.set_num_threads(1)

BUILDERS = {
    "alexnet": alexnet,
    "vgg11": vgg11,
    "nin": nin,
    "googlenet": googlenet,
    "lenet_bn": lenet_bn,
    "lenet_bn_concise": lenet_bn_concise,
    "resnet18": resnet18,
    "densenet": densenet,
}


# ---------------------------------------------------------------- 7.5 batch normalization
def _pair_of_bns(num_features: int, num_dims: int):
    """A scratch BatchNorm set up to track torch's running statistics, and the torch layer,
    sharing random gamma and beta."""
    torch_bn = (nn.BatchNorm1d if num_dims == 2 else nn.BatchNorm2d)(num_features, momentum=0.1)
    bn = BatchNorm(num_features, num_dims, momentum=0.9, unbiased_running_var=True)
    with torch.no_grad():
        torch_bn.weight.copy_(torch.rand(num_features) + 0.5)
        torch_bn.bias.copy_(torch.randn(num_features))
        bn.gamma.copy_(torch_bn.weight.reshape(bn.gamma.shape))
        bn.beta.copy_(torch_bn.bias.reshape(bn.beta.shape))
    return bn, torch_bn


@pytest.mark.parametrize(("num_dims", "shape"), [(2, (8, 5)), (4, (4, 3, 5, 6))])
def test_batchnorm_matches_torch_in_train_and_eval(num_dims, shape):
    torch.manual_seed(0)
    bn, torch_bn = _pair_of_bns(shape[1], num_dims)
    for step in range(4):
        X = torch.randn(shape) * (step + 1) + step
        upstream = torch.randn(shape)
        grads = []
        for layer, gamma in ((bn, bn.gamma), (torch_bn, torch_bn.weight)):
            X_ = X.clone().requires_grad_()
            Y = layer(X_)
            grads.append((Y, *torch.autograd.grad(Y, (X_, gamma), upstream)))
        (Y, dX, dgamma), (Y_ref, dX_ref, dgamma_ref) = grads
        torch.testing.assert_close(Y, Y_ref, atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(dX, dX_ref, atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(dgamma.reshape(-1), dgamma_ref, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(bn.moving_mean.reshape(-1), torch_bn.running_mean)
    torch.testing.assert_close(bn.moving_var.reshape(-1), torch_bn.running_var)
    bn.eval(), torch_bn.eval()
    X = torch.randn(shape)
    torch.testing.assert_close(bn(X), torch_bn(X), atol=1e-5, rtol=1e-5)


def test_batch_norm_book_convention_uses_biased_variance():
    torch.manual_seed(0)
    X = torch.randn(6, 3, 2, 2)
    ones, zeros = torch.ones(1, 3, 1, 1), torch.zeros(1, 3, 1, 1)
    _, mean, var = batch_norm(X, ones, zeros, zeros, ones, 1e-5, 0.9, training=True)
    torch.testing.assert_close(mean.reshape(-1), 0.1 * X.mean(dim=(0, 2, 3)))
    torch.testing.assert_close(var.reshape(-1), 0.9 + 0.1 * X.var(dim=(0, 2, 3), correction=0))
    _, _, var = batch_norm(X, ones, zeros, zeros, ones, 1e-5, 0.9, True, unbiased_running_var=True)
    torch.testing.assert_close(var.reshape(-1), 0.9 + 0.1 * X.var(dim=(0, 2, 3), correction=1))


def test_batch_norm_eval_uses_moving_statistics_and_keeps_them():
    X = torch.randn(4, 2)
    gamma, beta = torch.full((1, 2), 2.0), torch.full((1, 2), 1.0)
    mean, var = torch.tensor([[1.0, -1.0]]), torch.tensor([[4.0, 0.25]])
    Y, new_mean, new_var = batch_norm(X, gamma, beta, mean, var, 0.0, 0.9, training=False)
    torch.testing.assert_close(Y, 2 * (X - mean) / var.sqrt() + 1)
    assert new_mean is mean and new_var is var


def test_batch_norm_rejects_3d_input():
    with pytest.raises(ValueError, match="2-D or 4-D"):
        batch_norm(torch.zeros(2, 3, 4), *[torch.ones(1, 3, 1)] * 4, 1e-5, 0.9, training=True)


def test_batchnorm_statistics_are_buffers():
    bn = BatchNorm(3, num_dims=4)
    assert {name for name, _ in bn.named_parameters()} == {"gamma", "beta"}
    bn(torch.randn(2, 3, 4, 4))
    assert set(bn.state_dict()) == {"gamma", "beta", "moving_mean", "moving_var"}
    assert not bn.moving_mean.requires_grad and bn.moving_mean.shape == (1, 3, 1, 1)


def test_lenet_bn_matches_concise_version():
    torch.manual_seed(0)
    net, ref = lenet_bn(), lenet_bn_concise()
    with torch.no_grad():
        for layer, ref_layer in zip(net, ref):
            if isinstance(layer, BatchNorm):
                layer.momentum, layer.unbiased_running_var = 0.9, True
                layer.gamma.copy_(torch.rand(layer.gamma.shape) + 0.5)
                ref_layer.weight.copy_(layer.gamma.reshape(-1))
            elif isinstance(layer, (nn.Conv2d, nn.Linear)):
                layer.load_state_dict(ref_layer.state_dict())
    X = torch.rand(4, 1, 28, 28)
    torch.testing.assert_close(net(X), ref(X), atol=1e-5, rtol=1e-4)
    net.eval(), ref.eval()
    torch.testing.assert_close(net(X), ref(X), atol=1e-5, rtol=1e-4)


# ---------------------------------------------------------------- blocks
def test_block_shapes():
    X = torch.rand(4, 3, 6, 6)
    assert Residual(3, 3)(X).shape == (4, 3, 6, 6)
    assert Residual(3, 6, use_1x1conv=True, strides=2)(X).shape == (4, 6, 3, 3)
    X = torch.randn(4, 3, 8, 8)
    Y = DenseBlock(2, 3, 10)(X)
    assert Y.shape == (4, 23, 8, 8)
    assert transition_block(23, 10)(Y).shape == (4, 10, 4, 4)
    assert vgg_block(2, 3, 8)(X).shape == (4, 8, 4, 4)
    assert nin_block(3, 5, kernel_size=3, strides=2, padding=1)(X).shape == (4, 5, 4, 4)
    X = torch.randn(2, 192, 12, 12)
    assert Inception(192, 64, (96, 128), (16, 32), 32)(X).shape == (2, 256, 12, 12)


def test_dense_block_keeps_its_input_channels():
    X = torch.randn(2, 3, 4, 4)
    assert torch.equal(DenseBlock(2, 3, 10)(X)[:, :3], X)


def test_vgg11_ratio_divides_channels():
    with torch.device("meta"):
        net = vgg11()
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [16, 32, 64, 64, 128, 128, 128, 128]
    assert net[6].in_features == 128 * 7 * 7 and net[-1].out_features == 10


# ---------------------------------------------------------------- whole networks
@pytest.mark.parametrize("name", sorted(STAGE_SHAPES))
def test_stage_shapes_match_the_books_traces(name):
    input_shape, expected = STAGE_SHAPES[name]
    # the traces need shapes only: the meta device skips allocation and arithmetic
    with torch.device("meta"):
        net = vgg11(ratio=1) if name == "vgg11" else BUILDERS[name]()
        assert stage_shapes(net, torch.empty(input_shape)) == expected


def test_parameter_counts():
    with torch.device("meta"):
        # conv1..5: 11712 + 614656 + 885120 + 1327488 + 884992;
        # fc: 6400*4096+4096 + 4096*4096+4096 + 4096*10+10
        assert count_parameters(alexnet()) == 46_764_746
        assert count_parameters(lenet_bn()) == count_parameters(lenet_bn_concise()) == 44_878
        # torchvision's ResNet-18 less its 3-channel stem and 1000-way fc, plus conv biases,
        # minus the BN on its downsampling shortcuts
        assert count_parameters(resnet18()) == 11_178_378


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_forward_backward_at_input_size(name):
    torch.manual_seed(0)
    net = BUILDERS[name]()
    size = INPUT_SIZES[name]
    X = torch.rand(2, 1, size, size)
    y_hat = net(X)
    assert y_hat.shape == (2, 10)
    y_hat.sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.eval()
    with torch.no_grad():
        assert net(X[:1]).shape == (1, 10)


def test_resnet18_options():
    with torch.device("meta"):
        net = resnet18(num_classes=7, in_channels=3)
        assert net(torch.empty(2, 3, 96, 96)).shape == (2, 7)
    assert net[0][0].kernel_size == (7, 7)
    assert isinstance(net[0][-1], nn.MaxPool2d)
