"""Chapter 12 models: 12.6's ResNet-18 for 28x28 images, trained data-parallel (`--nproc N`).

The book trains it with `nn.DataParallel` for 10 epochs, N(0, 0.01^2) init, SGD: on one GPU with
batch 256 and lr 0.1 (test acc 0.93, 12.2 s/epoch), on two with batch 512 and lr 0.2 (0.67 printed
at the last epoch; en 0.17 got 0.89). The spec holds the one-GPU settings; `--batch-size 512
--lr 0.2 --nproc 2` is the two-GPU run.
"""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from d2lkit.models.registry import register
from d2lkit.multi_device import init_normal, resnet18_small
from d2lkit.runs.spec import ModelSpec


def _resnet18_small() -> nn.Module:
    """12.6's ResNet-18 with its N(0, 0.01^2) init."""
    return resnet18_small(10, 1).apply(init_normal)


register(
    ModelSpec(
        name="resnet18-small",
        section="12.6",
        description="ResNet-18 for 28x28: 3x3 stem, no max-pool (12.6; train with --nproc N)",
        build=_resnet18_small,
        loss=partial(nn.CrossEntropyLoss, reduction="none"),
        optimizer=torch.optim.SGD,
        lr=0.1,
        batch_size=256,
        epochs=10,
        book={"test_acc": 0.93},
    )
)
