"""Plausible wrong implementations of the chapter-7 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).
The networks are written out in full: a mutant that called d2lkit would be refused for that alone.
"""

import torch
import torch.nn.functional as F
from torch import nn

# 7.1 AlexNet ---------------------------------------------------------------------------------------


def _alexnet(pool_stride=2, first_padding=1, classifier_act=nn.ReLU):
    return nn.Sequential(
        nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=first_padding), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=pool_stride),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=pool_stride),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=pool_stride),
        nn.Flatten(),
        nn.Linear(6400, 4096), classifier_act(), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), classifier_act(), nn.Dropout(p=0.5),
        nn.Linear(4096, 10),
    )  # fmt: skip


def alexnet_pool_default_stride(in_channels=1, num_classes=10):
    return _alexnet(pool_stride=None)


def alexnet_no_first_padding(in_channels=1, num_classes=10):
    return _alexnet(first_padding=0)


def alexnet_sigmoid_classifier(in_channels=1, num_classes=10):
    return _alexnet(classifier_act=nn.Sigmoid)


# 7.2 VGG -------------------------------------------------------------------------------------------


def vgg_block_no_padding(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3), nn.ReLU()]
        in_channels = out_channels
    return nn.Sequential(*layers, nn.MaxPool2d(kernel_size=2, stride=2))


def vgg_block_avg_pool(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    return nn.Sequential(*layers, nn.AvgPool2d(kernel_size=2, stride=2))


def vgg_block_pool_after_each_conv(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        in_channels = out_channels
    return nn.Sequential(*layers)


def _vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    return nn.Sequential(*layers, nn.MaxPool2d(kernel_size=2, stride=2))


def _classifier(features, num_classes):
    return [
        nn.Flatten(),
        nn.Linear(features, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, num_classes),
    ]  # fmt: skip


def vgg_channels_not_chained(conv_arch, in_channels=1, num_classes=10):
    blocks = [_vgg_block(n, in_channels, c) for n, c in conv_arch]
    return nn.Sequential(*blocks, *_classifier(conv_arch[-1][1] * 7 * 7, num_classes))


def vgg_hardcoded_classifier(conv_arch, in_channels=1, num_classes=10):
    blocks = []
    for num_convs, out_channels in conv_arch:
        blocks.append(_vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(*blocks, *_classifier(512 * 7 * 7, num_classes))


# 7.3 NiN -------------------------------------------------------------------------------------------


def nin_block_last_relu_missing(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
    )  # fmt: skip


def nin_block_all_full_kernels(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size, padding=padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size, padding=padding), nn.ReLU(),
    )  # fmt: skip


def _nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
    )  # fmt: skip


def nin_pool_default_stride(in_channels=1, num_classes=10):
    return nn.Sequential(
        _nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0), nn.MaxPool2d(3),
        _nin_block(96, 256, kernel_size=5, strides=1, padding=2), nn.MaxPool2d(3),
        _nin_block(256, 384, kernel_size=3, strides=1, padding=1), nn.MaxPool2d(3),
        nn.Dropout(0.5),
        _nin_block(384, num_classes, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
    )  # fmt: skip


def nin_without_dropout(in_channels=1, num_classes=10):
    return nn.Sequential(
        _nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0), nn.MaxPool2d(3, stride=2),
        _nin_block(96, 256, kernel_size=5, strides=1, padding=2), nn.MaxPool2d(3, stride=2),
        _nin_block(256, 384, kernel_size=3, strides=1, padding=1), nn.MaxPool2d(3, stride=2),
        _nin_block(384, num_classes, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
    )  # fmt: skip


# 7.4 GoogLeNet -------------------------------------------------------------------------------------


class _Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4, pool_padding=1, relu4=True, dim=1):
        super().__init__()
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=pool_padding)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)
        self.relu4, self.dim = relu4, dim

    def forward(self, X):
        p1 = F.relu(self.p1_1(X))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(X))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(X))))
        p4 = self.p4_2(self.p4_1(X))
        return torch.cat((p1, p2, p3, F.relu(p4) if self.relu4 else p4), dim=self.dim)


class InceptionPoolWithoutPadding(_Inception):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__(in_channels, c1, c2, c3, c4, pool_padding=0)


class InceptionNoReluOnPath4(_Inception):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__(in_channels, c1, c2, c3, c4, relu4=False)


def _googlenet(b1_pool_padding=1, b2_relu=True):
    b1 = nn.Sequential(
        nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=b1_pool_padding),
    )  # fmt: skip
    b2 = nn.Sequential(
        nn.Conv2d(64, 64, kernel_size=1), nn.ReLU() if b2_relu else nn.Identity(),
        nn.Conv2d(64, 192, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )  # fmt: skip
    b3 = nn.Sequential(
        _Inception(192, 64, (96, 128), (16, 32), 32),
        _Inception(256, 128, (128, 192), (32, 96), 64),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )
    b4 = nn.Sequential(
        _Inception(480, 192, (96, 208), (16, 48), 64),
        _Inception(512, 160, (112, 224), (24, 64), 64),
        _Inception(512, 128, (128, 256), (24, 64), 64),
        _Inception(512, 112, (144, 288), (32, 64), 64),
        _Inception(528, 256, (160, 320), (32, 128), 128),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )
    b5 = nn.Sequential(
        _Inception(832, 256, (160, 320), (32, 128), 128),
        _Inception(832, 384, (192, 384), (48, 128), 128),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
    )
    return nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))


def googlenet_b1_pool_without_padding(in_channels=1, num_classes=10):
    return _googlenet(b1_pool_padding=0)


def googlenet_b2_without_relu(in_channels=1, num_classes=10):
    return _googlenet(b2_relu=False)


# 7.5 batch normalization ---------------------------------------------------------------------------


def _batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training, *, swap=False,
                eval_batch=False, unbiased=False, dims=None, detach=True):  # fmt: skip
    if not training and not eval_batch:
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
        return gamma * X_hat + beta, moving_mean, moving_var
    if dims is None:
        dims = (0,) if X.dim() == 2 else (0, 2, 3)
    mean = X.mean(dim=dims, keepdim=True)
    var = X.var(dim=dims, keepdim=True, unbiased=unbiased)
    X_hat = (X - mean) / torch.sqrt(var + eps)
    if not training:
        return gamma * X_hat + beta, moving_mean, moving_var
    if detach:
        mean, var = mean.detach(), var.detach()
    if swap:
        new_mean = (1.0 - momentum) * moving_mean + momentum * mean
        new_var = (1.0 - momentum) * moving_var + momentum * var
    else:
        new_mean = momentum * moving_mean + (1.0 - momentum) * mean
        new_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, new_mean, new_var


def batch_norm_torch_momentum(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    return _batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training, swap=True)


def batch_norm_batch_stats_in_eval(
    X, gamma, beta, moving_mean, moving_var, eps, momentum, training
):
    return _batch_norm(
        X, gamma, beta, moving_mean, moving_var, eps, momentum, training, eval_batch=True
    )


def batch_norm_unbiased(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    return _batch_norm(
        X, gamma, beta, moving_mean, moving_var, eps, momentum, training, unbiased=True
    )


def batch_norm_conv_over_batch_only(
    X, gamma, beta, moving_mean, moving_var, eps, momentum, training
):
    return _batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training, dims=(0,))


def batch_norm_statistics_keep_gradients(
    X, gamma, beta, moving_mean, moving_var, eps, momentum, training
):
    return _batch_norm(
        X, gamma, beta, moving_mean, moving_var, eps, momentum, training, detach=False
    )


def batch_norm_builtin(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    shape = moving_mean.shape
    mean, var = moving_mean.reshape(-1).clone(), moving_var.reshape(-1).clone()
    Y = F.batch_norm(X, mean, var, gamma.reshape(-1), beta.reshape(-1), training, 1 - momentum, eps)
    return Y, mean.reshape(shape), var.reshape(shape)


def _ok_batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    return _batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training)


class _BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims, mode="self.training", store=True):
        super().__init__()
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))
        self.mode, self.store = mode, store

    def forward(self, X):
        training = {
            "self.training": self.training,
            "always": True,
            "grad enabled": torch.is_grad_enabled(),
        }[self.mode]
        Y, moving_mean, moving_var = _ok_batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, 1e-5, 0.9, training
        )
        if self.store:
            self.moving_mean, self.moving_var = moving_mean, moving_var
        return Y


class BatchNormAlwaysTraining(_BatchNorm):
    def __init__(self, num_features, num_dims):
        super().__init__(num_features, num_dims, mode="always")


class BatchNormGradEnabled(_BatchNorm):
    def __init__(self, num_features, num_dims):
        super().__init__(num_features, num_dims, mode="grad enabled")


class BatchNormForgetsStatistics(_BatchNorm):
    def __init__(self, num_features, num_dims):
        super().__init__(num_features, num_dims, store=False)


class BatchNormPlainAttributes(nn.Module):
    def __init__(self, num_features, num_dims):
        super().__init__()
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        Y, self.moving_mean, self.moving_var = _ok_batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, 1e-5, 0.9, self.training
        )
        return Y


class BatchNormBuiltin(_BatchNorm):
    def forward(self, X):
        return F.batch_norm(
            X, self.moving_mean.reshape(-1), self.moving_var.reshape(-1), self.gamma.reshape(-1),
            self.beta.reshape(-1), self.training, 0.1, 1e-5,
        )  # fmt: skip


def lenet_bn_after_sigmoid():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.Sigmoid(), _BatchNorm(6, 4),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), _BatchNorm(16, 4),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), nn.Sigmoid(), _BatchNorm(120, 2),
        nn.Linear(120, 84), nn.Sigmoid(), _BatchNorm(84, 2),
        nn.Linear(84, 10),
    )  # fmt: skip


def lenet_bn_padded_first_conv():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), _BatchNorm(6, 4), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), _BatchNorm(16, 4), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), _BatchNorm(120, 2), nn.Sigmoid(),
        nn.Linear(120, 84), _BatchNorm(84, 2), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip


def lenet_bn_torch_layers():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )  # fmt: skip


# 7.6 ResNet ----------------------------------------------------------------------------------------


class _Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1, *,
                 shortcut=True, relu_after_add=True, strided_1x1=True):  # fmt: skip
        super().__init__()
        self.conv1 = nn.Conv2d(
            input_channels, num_channels, kernel_size=3, padding=1, stride=strides
        )
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = (
            nn.Conv2d(
                input_channels, num_channels, kernel_size=1, stride=strides if strided_1x1 else 1
            )
            if use_1x1conv
            else None
        )
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)
        self.shortcut, self.relu_after_add = shortcut, relu_after_add

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.conv3(X)
        if not self.shortcut:
            return F.relu(Y)
        return F.relu(Y + X) if self.relu_after_add else F.relu(Y) + X


class ResidualWithoutShortcut(_Residual):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__(input_channels, num_channels, use_1x1conv, strides, shortcut=False)


class ResidualReluBeforeAdd(_Residual):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__(input_channels, num_channels, use_1x1conv, strides, relu_after_add=False)


class ResidualUnstrided1x1(_Residual):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__(input_channels, num_channels, use_1x1conv, strides, strided_1x1=False)


def resnet_block_ignores_first_block(
    input_channels, num_channels, num_residuals, first_block=False
):
    blk = []
    for i in range(num_residuals):
        if i == 0:
            blk.append(_Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(_Residual(num_channels, num_channels))
    return nn.Sequential(*blk)


def resnet_block_input_channels_everywhere(
    input_channels, num_channels, num_residuals, first_block=False
):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(_Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(_Residual(input_channels, num_channels))
    return nn.Sequential(*blk)


def _resnet_block(input_channels, num_channels, num_residuals, first_block=False):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(_Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(_Residual(num_channels, num_channels))
    return nn.Sequential(*blk)


def resnet18_stem_without_max_pool(num_classes=10, in_channels=1):
    return nn.Sequential(
        nn.Sequential(
            nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3),
            nn.BatchNorm2d(64), nn.ReLU(),
        ),
        _resnet_block(64, 64, 2, first_block=True),
        _resnet_block(64, 128, 2),
        _resnet_block(128, 256, 2),
        _resnet_block(256, 512, 2),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, num_classes),
    )  # fmt: skip


# 7.7 DenseNet --------------------------------------------------------------------------------------


def conv_block_post_activation(input_channels, num_channels):
    return nn.Sequential(
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1),
        nn.BatchNorm2d(num_channels), nn.ReLU(),
    )  # fmt: skip


def conv_block_no_padding(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3),
    )  # fmt: skip


def _conv_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1),
    )  # fmt: skip


class DenseBlockNewestFirst(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super().__init__()
        self.net = nn.Sequential(
            *(
                _conv_block(num_channels * i + input_channels, num_channels)
                for i in range(num_convs)
            )
        )

    def forward(self, X):
        for blk in self.net:
            X = torch.cat((blk(X), X), dim=1)
        return X


class DenseBlockNoConcatenation(DenseBlockNewestFirst):
    def forward(self, X):
        for blk in self.net:
            X = blk(X)
        return X


def transition_block_max_pool(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.MaxPool2d(kernel_size=2, stride=2),
    )  # fmt: skip


def transition_block_pool_stride_1(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=1),
    )  # fmt: skip


class _DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super().__init__()
        self.net = nn.Sequential(
            *(
                _conv_block(num_channels * i + input_channels, num_channels)
                for i in range(num_convs)
            )
        )

    def forward(self, X):
        for blk in self.net:
            X = torch.cat((X, blk(X)), dim=1)
        return X


def _densenet(num_channels, growth_rate, num_convs_in_dense_blocks, in_channels, num_classes,
              halve=True, final_bn=True):  # fmt: skip
    stem = nn.Sequential(
        nn.Conv2d(in_channels, num_channels, kernel_size=7, stride=2, padding=3),
        nn.BatchNorm2d(num_channels), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )  # fmt: skip
    blks = []
    for i, num_convs in enumerate(num_convs_in_dense_blocks):
        blks.append(_DenseBlock(num_convs, num_channels, growth_rate))
        num_channels += num_convs * growth_rate
        if i != len(num_convs_in_dense_blocks) - 1:
            out = num_channels // 2 if halve else num_channels
            blks.append(nn.Sequential(
                nn.BatchNorm2d(num_channels), nn.ReLU(),
                nn.Conv2d(num_channels, out, kernel_size=1), nn.AvgPool2d(kernel_size=2, stride=2),
            ))  # fmt: skip
            num_channels = out
    tail = [nn.BatchNorm2d(num_channels), nn.ReLU()] if final_bn else []
    return nn.Sequential(
        stem,
        *blks,
        *tail,
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
        nn.Linear(num_channels, num_classes),
    )


def densenet_transitions_keep_channels(
    num_channels=64,
    growth_rate=32,
    num_convs_in_dense_blocks=(4, 4, 4, 4),
    in_channels=1,
    num_classes=10,
):
    return _densenet(
        num_channels, growth_rate, num_convs_in_dense_blocks, in_channels, num_classes, halve=False
    )


def densenet_no_final_bn(num_channels=64, growth_rate=32, num_convs_in_dense_blocks=(4, 4, 4, 4),
                         in_channels=1, num_classes=10):  # fmt: skip
    return _densenet(num_channels, growth_rate, num_convs_in_dense_blocks, in_channels, num_classes,
                     final_bn=False)  # fmt: skip


MUTANTS = {
    "ch07.alexnet": [
        ("max-pool with the default stride (3)", alexnet_pool_default_stride, "in_features=6400"),
        ("no padding in the first conv", alexnet_no_first_padding, "expected"),
        (
            "sigmoid in the classifier",
            alexnet_sigmoid_classifier,
            "is a Sigmoid where the reference has a ReLU",
        ),
    ],
    "ch07.vgg_block": [
        ("3x3 convs without padding", vgg_block_no_padding, "padding and stride"),
        (
            "average pooling",
            vgg_block_avg_pool,
            "is an AvgPool2d where the reference has a MaxPool2d",
        ),
        ("pools after every conv", vgg_block_pool_after_each_conv, "named"),
    ],
    "ch07.vgg": [
        ("in_channels not carried to the next block", vgg_channels_not_chained, "has shape"),
        ("classifier sized for 512 channels", vgg_hardcoded_classifier, "has shape"),
    ],
    "ch07.nin_block": [
        ("no ReLU after the last 1x1 conv", nin_block_last_relu_missing, "expected"),
        ("full-size kernels instead of 1x1", nin_block_all_full_kernels, "has shape"),
    ],
    "ch07.nin": [
        ("max-pool with the default stride (3)", nin_pool_default_stride, "layer `1` (MaxPool2d)"),
        ("no dropout layer", nin_without_dropout, "named"),
    ],
    "ch07.Inception": [
        (
            "max-pool path without padding",
            InceptionPoolWithoutPadding,
            "in the network's own forward",
        ),
        ("no ReLU on the pooling path", InceptionNoReluOnPath4, "expected"),
    ],
    "ch07.googlenet": [
        (
            "b1's max-pool without padding",
            googlenet_b1_pool_without_padding,
            "layer `0.2` (MaxPool2d)",
        ),
        (
            "no ReLU after b2's 1x1 conv",
            googlenet_b2_without_relu,
            "layer `1.1` (Identity) outputs values",
        ),
    ],
    "ch07.batch_norm": [
        ("torch's momentum convention", batch_norm_torch_momentum, "momentum weighs the old value"),
        (
            "batch statistics in evaluation",
            batch_norm_batch_stats_in_eval,
            "not the batch's statistics",
        ),
        ("unbiased variance", batch_norm_unbiased, "biased variance"),
        ("conv statistics over the batch only", batch_norm_conv_over_batch_only, "dims (0, 2, 3)"),
        (
            "statistics keep their gradients",
            batch_norm_statistics_keep_gradients,
            "torch.no_grad()",
        ),
        ("calls F.batch_norm", batch_norm_builtin, "uses batch_norm"),
    ],
    "ch07.BatchNorm": [
        ("always in training mode", BatchNormAlwaysTraining, "use the moving statistics"),
        (
            "the book's torch.is_grad_enabled() switch",
            BatchNormGradEnabled,
            "training=self.training",
        ),
        ("never stores the new statistics", BatchNormForgetsStatistics, "did not change"),
        ("statistics as plain attributes", BatchNormPlainAttributes, "named"),
        ("calls F.batch_norm", BatchNormBuiltin, "uses batch_norm"),
    ],
    "ch07.lenet_bn": [
        (
            "batch norm after the sigmoid",
            lenet_bn_after_sigmoid,
            "named",
        ),
        ("LeNet's padded first conv", lenet_bn_padded_first_conv, "in_features=256"),
        ("nn.BatchNorm2d/1d", lenet_bn_torch_layers, "named"),
    ],
    "ch07.Residual": [
        ("no shortcut", ResidualWithoutShortcut, "expected"),
        ("ReLU before the addition", ResidualReluBeforeAdd, "expected"),
        ("1x1 conv without the stride", ResidualUnstrided1x1, "in the network's own forward"),
    ],
    "ch07.resnet_block": [
        ("halves even the first block", resnet_block_ignores_first_block, "named"),
        (
            "every residual built from input_channels",
            resnet_block_input_channels_everywhere,
            "has shape",
        ),
    ],
    "ch07.resnet18": [
        ("stem without max-pool", resnet18_stem_without_max_pool, "layer `0` (Sequential)"),
    ],
    "ch07.conv_block": [
        ("conv-BN-ReLU order", conv_block_post_activation, "named"),
        ("3x3 conv without padding", conv_block_no_padding, "padding and stride"),
    ],
    "ch07.DenseBlock": [
        ("newest output first", DenseBlockNewestFirst, "expected"),
        ("no concatenation", DenseBlockNoConcatenation, "ShapeError"),
    ],
    "ch07.transition_block": [
        (
            "max pooling",
            transition_block_max_pool,
            "is a MaxPool2d where the reference has an AvgPool2d",
        ),
        ("pooling with stride 1", transition_block_pool_stride_1, "layer `3` (AvgPool2d)"),
    ],
    "ch07.densenet": [
        ("transitions keep the channels", densenet_transitions_keep_channels, "has shape"),
        ("no BN-ReLU before pooling", densenet_no_final_bn, "named"),
    ],
}
