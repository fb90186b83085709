"""Fashion-MNIST as in-memory uint8 tensors, batched by indexing.

d2l's loader turns every example into a PIL image and back (``ToTensor``) and collates 256 small
tensors per batch in worker processes. Here a whole split (60,000 x 28 x 28 bytes = 47 MB) is one
uint8 tensor, and a batch is one index into it plus one conversion to float: no per-example Python,
no workers, and on a GPU no host-to-device copy per batch.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
from torch import Tensor
from torch.nn import functional as F

from d2lkit.data.registry import DataError, cache_root, dataset, extract_archive, get_path

TEXT_LABELS = (
    "t-shirt",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle boot",
)

_SPLITS = {
    True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


def fashion_mnist_tensors(train: bool = True) -> tuple[Tensor, Tensor]:
    """The training (n = 60,000) or test (n = 10,000) split.

    Returns ``images: (n, 28, 28)`` uint8 and ``labels: (n,)`` int64.

    Loaded once per process and shared between callers: do not modify them in place.
    """
    return _read_split(*_SPLITS[train])


@functools.cache
def _read_split(images: str, labels: str) -> tuple[Tensor, Tensor]:
    """Parsed by torchvision once, then kept in the cache as a tensor file: later processes (every
    notebook kernel) load it without importing torchvision."""
    for name in (images, labels):
        get_path("fashion-mnist", name)
    cached = _cache_folder(images) / f"{images.removesuffix('-idx3-ubyte.gz')}.pt"
    if cached.is_file():
        return torch.load(cached, weights_only=True)
    from torchvision.datasets.mnist import read_image_file, read_label_file

    split = read_image_file(str(_decompressed(images))), read_label_file(str(_decompressed(labels)))
    with tempfile.NamedTemporaryFile(dir=cached.parent, suffix=".tmp", delete=False) as tmp:
        torch.save(split, tmp.name)
    os.replace(tmp.name, cached)
    return split


def _cache_folder(name: str) -> Path:
    return cache_root() / "fashion-mnist" / dataset("fashion-mnist").file(name).digest


def _decompressed(name: str) -> Path:
    """The decompressed copy of a verified ``.gz``, made once in the cache, since the data root may
    be read-only. The folder is named by the ``.gz``'s md5, so every root with the same file shares
    it; the copy is moved in whole, so a concurrent or interrupted run never sees a partial file."""
    gz = get_path("fashion-mnist", name)
    folder = _cache_folder(name)
    out = folder / name.removesuffix(".gz")
    if out.is_file():
        return out
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".extract-") as tmp:
            os.replace(extract_archive(gz, tmp), out)
    except OSError as e:
        raise DataError(
            f"cannot write the decompressed {name} to {folder} ({e}); "
            "set D2LKIT_CACHE to a writable folder"
        ) from e
    return out


class TensorBatches:
    """Minibatches ``(X, y)`` of an in-memory uint8 image tensor, cut by indexing.

    ``images: (n, H, W)`` or ``(n, C, H, W)`` uint8, ``labels: (n,)``. Each batch is
    ``X: (b, C, H, W)`` float32 in [0, 1] (``C = 1`` for 3-d images; ``(H, W)`` becomes ``resize``
    when given) and ``y: (b,)`` int64, with ``b = batch_size`` except possibly the last batch.

    With ``shuffle``, every pass draws a new order from ``generator`` (or a generator seeded with
    ``seed``; with neither, torch's global generator, so ``torch.manual_seed`` applies). ``device``
    moves the whole dataset there once; ``limit`` keeps the first ``limit`` examples.
    """

    def __init__(
        self,
        images: Tensor,
        labels: Tensor,
        batch_size: int,
        *,
        shuffle: bool = False,
        resize: int | tuple[int, int] | None = None,
        device: torch.device | str | None = None,
        limit: int | None = None,
        drop_last: bool = False,
        generator: torch.Generator | None = None,
        seed: int | None = None,
    ) -> None:
        if images.dtype != torch.uint8 or images.dim() not in (3, 4):
            raise ValueError(
                f"images must be (n, H, W) or (n, C, H, W) uint8, got {images.dtype} "
                f"{tuple(images.shape)}"
            )
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        if limit is not None:
            if limit < 1:
                raise ValueError(f"limit must be positive, got {limit}")
            images, labels = images[:limit], labels[:limit]
        if images.dim() == 3:
            images = images.unsqueeze(1)
        self.images = images.to(device) if device is not None else images
        self.labels = labels.to(device=self.images.device, dtype=torch.int64)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.size = None if resize is None else _size(resize)
        if generator is None and seed is not None:
            generator = torch.Generator().manual_seed(seed)
        self.generator = generator

    @property
    def num_examples(self) -> int:
        """Examples per pass (after ``limit``), including those a ``drop_last`` pass leaves out."""
        return len(self.labels)

    def __len__(self) -> int:
        """Batches per pass."""
        if self.drop_last:
            return self.num_examples // self.batch_size
        return -(-self.num_examples // self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        order = None
        if self.shuffle:
            device = self.generator.device if self.generator is not None else "cpu"
            order = torch.randperm(self.num_examples, generator=self.generator, device=device)
            order = order.to(self.images.device)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            if order is None:
                X = self.images[start : start + self.batch_size]
                y = self.labels[start : start + self.batch_size]
            else:
                # index_select, not X[idx]: advanced indexing is several times slower on CPU.
                idx = order[start : start + self.batch_size]
                X, y = self.images.index_select(0, idx), self.labels.index_select(0, idx)
            # The same arithmetic as torchvision's ToTensor, on the batch only.
            X = X.float().div_(255)
            if self.size is not None:
                # what torchvision's tensor resize does, without importing torchvision
                X = F.interpolate(X, size=self.size, mode="bilinear", antialias=True)
            yield X, y


def _size(resize: int | tuple[int, int]) -> tuple[int, int]:
    return (resize, resize) if isinstance(resize, int) else (int(resize[0]), int(resize[1]))


def load_data_fashion_mnist(
    batch_size: int,
    resize: int | tuple[int, int] | None = None,
    *,
    device: torch.device | str | None = None,
    limit: int | None = None,
    seed: int | None = None,
) -> tuple[TensorBatches, TensorBatches]:
    """``(train_iter, test_iter)`` over Fashion-MNIST; the training set is reshuffled every pass.

    Batches are ``X: (b, 1, 28, 28)`` (or ``(b, 1, *resize)``) float32 in [0, 1], ``y: (b,)`` int64.
    ``limit`` keeps the first ``limit`` examples of each split; ``seed`` fixes the shuffling.
    """
    train_iter = TensorBatches(
        *fashion_mnist_tensors(True),
        batch_size,
        shuffle=True,
        seed=seed,
        resize=resize,
        device=device,
        limit=limit,
    )
    test_iter = TensorBatches(
        *fashion_mnist_tensors(False), batch_size, resize=resize, device=device, limit=limit
    )
    return train_iter, test_iter


def get_fashion_mnist_labels(labels: Tensor | Sequence[int]) -> list[str]:
    """The text labels of numeric labels: ``labels: (n,)`` tensor or ints -> ``n`` names."""
    return [TEXT_LABELS[i] for i in torch.as_tensor(labels).reshape(-1).tolist()]
