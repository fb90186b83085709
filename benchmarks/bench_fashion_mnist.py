"""Time one pass over the Fashion-MNIST training set: d2l's pipeline against ``TensorBatches``.

d2l's ``load_data_fashion_mnist`` is torchvision's ``FashionMNIST`` with ``ToTensor`` applied per
example, batched by a shuffling ``DataLoader`` with worker processes. Both sides read the files of
the d2lkit data root (``D2LKIT_DATA``) and are timed after loading, each as the best of
``--repeats`` shuffled passes.

    python benchmarks/bench_fashion_mnist.py [--workers 4] [--batch-size 256] [--device cuda]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from d2lkit.data import TensorBatches, fashion_mnist_tensors, get_path


def best_pass(batches: Iterable[tuple[torch.Tensor, torch.Tensor]], repeats: int) -> float:
    """Seconds of the fastest of ``repeats`` full passes, each ending with its last batch ready."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        # Exhaust the pass keeping only its last batch.
        ((X, _),) = deque(batches, maxlen=1)
        if X.is_cuda:
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return best


def d2l_seconds(batch_size: int, workers: int, repeats: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        # torchvision accepts .gz files already in <root>/FashionMNIST/raw and only unpacks them.
        raw = Path(tmp) / "FashionMNIST" / "raw"
        raw.mkdir(parents=True)
        for gz in get_path("fashion-mnist").glob("*.gz"):
            (raw / gz.name).symlink_to(gz)
        train = datasets.FashionMNIST(
            tmp, train=True, transform=transforms.ToTensor(), download=True
        )
        loader = DataLoader(train, batch_size, shuffle=True, num_workers=workers)
        return best_pass(loader, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="DataLoader workers of d2l's side")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--device", default="cpu", help="where TensorBatches keeps the data")
    parser.add_argument("--repeats", type=int, default=3, help="passes timed; the best counts")
    args = parser.parse_args()

    start = time.perf_counter()
    images, labels = fashion_mnist_tensors(train=True)
    load = time.perf_counter() - start
    ours = TensorBatches(images, labels, args.batch_size, shuffle=True, device=args.device)
    n = ours.num_examples
    ours_s = best_pass(ours, args.repeats)
    d2l_s = d2l_seconds(args.batch_size, args.workers, args.repeats)

    print(f"Fashion-MNIST training set: {n} examples, batch size {args.batch_size}")
    print(f"TensorBatches load (first call in this process): {load:.2f} s")
    print(f"d2l DataLoader ({args.workers} workers): {n / d2l_s:>12,.0f} examples/s")
    print(f"TensorBatches ({args.device}):{'':<14}{n / ours_s:>12,.0f} examples/s")
    print(f"speed-up: {d2l_s / ours_s:.1f}x")


if __name__ == "__main__":
    main()
