"""Time softmax regression (3.7) on Fashion-MNIST: the book's loop against ``classifier.fit``.

Both sides train the concise model with the book's settings on the same ``TensorBatches`` (kept on
``--device``), from the same initial weights. The book's loop, ``train_epoch_ch3`` plus
``evaluate_accuracy``, reads the loss and the correct count back to the host after every batch;
``classifier.fit`` reads them once per epoch. On a CPU the two are close; on a GPU each read-back
stalls the device.

    python benchmarks/bench_softmax_regression.py [--epochs 3] [--device cuda]
"""

from __future__ import annotations

import argparse
import copy
import time

import torch
from torch import nn

from d2lkit.data import load_data_fashion_mnist
from d2lkit.linear import evaluate_accuracy, softmax_regression_concise, train_epoch_ch3
from d2lkit.runs.classifier import fit
from d2lkit.runs.spec import seed_everything
from d2lkit.utils import resolve_device


def book_loop(net: nn.Module, train_iter, test_iter, num_epochs: int, device) -> float:
    """Seconds of the book's loop (training and evaluation, as `train_ch3` runs them)."""
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    loss = nn.CrossEntropyLoss(reduction="none")
    start = time.perf_counter()
    for _ in range(num_epochs):
        train_epoch_ch3(net, train_iter, loss, optimizer)
        evaluate_accuracy(net, test_iter)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    args = parser.parse_args()
    device = resolve_device(args.device)

    train_iter, test_iter = load_data_fashion_mnist(256, device=device, seed=0)
    seed_everything(0)
    book_net = softmax_regression_concise().to(device)
    our_net = copy.deepcopy(book_net)

    book_s = book_loop(book_net, train_iter, test_iter, args.epochs, device)
    history = fit(
        our_net,
        train_iter,
        test_iter,
        num_epochs=args.epochs,
        optimizer=torch.optim.SGD(our_net.parameters(), lr=0.1),
        loss=nn.CrossEntropyLoss(reduction="none"),
        device=device,
        progress=False,
    )
    n = train_iter.num_examples * args.epochs
    print(f"softmax regression, {args.epochs} epochs of {train_iter.num_examples} on {device}")
    print(f"book loop (train_epoch_ch3):  {book_s:6.2f} s, {n / book_s:>10,.0f} examples/s")
    print(
        f"classifier.fit:                   {history.seconds:6.2f} s, {n / history.seconds:>10,.0f} "
        f"examples/s (training only: {history.examples_per_sec:,.0f})"
    )
    print(f"speed-up: {book_s / history.seconds:.2f}x; final test acc {history.test_acc[-1]:.3f}")


if __name__ == "__main__":
    main()
