"""Chapter 4 models: the MLP (4.2, 4.3), dropout (4.6) and the Kaggle house-price baseline (4.10).

The Fashion-MNIST MLPs train as `d2l.train_ch3` trains them: `nn.CrossEntropyLoss` per example,
`torch.optim.SGD` on its mean (4.2's "scratch" is the model only; the book uses the built-in loss
and optimizer there too). Their `book` results are read off the zh v2 notebooks' final plots.

`kaggle-house` is not a classifier: it is a "k-fold-regression" run (`d2lkit.runs.kfold`), the
book's 5-fold cross-validation of the linear baseline, then a fit on every training house.
"""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from d2lkit.kaggle_house import get_net
from d2lkit.mlp import DropoutMLPScratch, MLPScratch, dropout_mlp_concise, mlp_concise
from d2lkit.models.registry import register
from d2lkit.runs.spec import ModelSpec


def _book(train_loss: float, train_acc: float, test_acc: float) -> dict[str, float]:
    return {"train_loss": train_loss, "train_acc": train_acc, "test_acc": test_acc}


# (name, section, description, builder, lr, book: loss, train acc, test acc); every one runs
# 10 epochs of batch 256
_MLPS = (
    ("mlp", "4.2", "MLP from scratch: 784-256-10, relu(X W1 + b1) W2 + b2", MLPScratch,
     0.1, _book(0.385, 0.863, 0.823)),
    ("mlp-concise", "4.3", "MLP with nn layers: Flatten, Linear(784, 256), ReLU, Linear(256, 10)",
     mlp_concise, 0.1, _book(0.382, 0.865, 0.838)),
    # the book's scratch Net keeps nn.Linear's default init; only the concise net is N(0, 0.01^2)
    ("mlp-dropout", "4.6", "MLP 784-256-256-10 with the scratch dropout_layer (0.2, 0.5)",
     partial(DropoutMLPScratch, 784, 10, 256, 256, 0.2, 0.5), 0.5, _book(0.330, 0.877, 0.857)),
    ("mlp-dropout-concise", "4.6", "MLP 784-256-256-10 with nn.Dropout(0.2), nn.Dropout(0.5)",
     dropout_mlp_concise, 0.5, _book(0.344, 0.875, 0.844)),
)  # fmt: skip

for _name, _section, _description, _build, _lr, _results in _MLPS:
    register(
        ModelSpec(
            name=_name,
            section=_section,
            description=_description,
            build=_build,
            loss=partial(nn.CrossEntropyLoss, reduction="none"),
            optimizer=torch.optim.SGD,
            lr=_lr,
            batch_size=256,
            epochs=10,
            book=_results,
        )
    )


# ---------------------------------------------------------------- 4.10 Kaggle house prices

NUM_FEATURES = 331  # the book's preprocessed feature count

register(
    ModelSpec(
        name="kaggle-house",
        section="4.10",
        description="linear regression of house prices, Adam, 5-fold log RMSE, submission.csv",
        build=partial(get_net, NUM_FEATURES),
        loss=partial(nn.MSELoss, reduction="none"),
        optimizer=torch.optim.Adam,
        lr=5.0,
        batch_size=64,
        epochs=100,
        dataset="kaggle-house",
        book={
            "train_log_rmse": 0.165458,
            "valid_log_rmse": 0.170293,
            "full_train_log_rmse": 0.162354,
        },
        kind="k-fold-regression",
    )
)
