"""How `runs.classifier.fit` runs fast: mixed precision, memory format, the CPU allocator, no syncs.

`choose_speedups` turns a run's settings (None: auto) into the autocast dtype and the memory
format; `autocast`, `to_device`, `grad_scaler` and `channels_last_grads` are what the training
loop applies; `keep_freed_memory` stops glibc from handing the memory of every CPU step back to
the kernel; `EpochClock` times an epoch on a GPU without waiting for it. The CPU measures are
kept because benchmarks/bench_lenet.py measured each of them helping.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import platform
import time
from collections.abc import Iterator
from typing import NamedTuple

import torch
from torch import Tensor, nn

from d2lkit.errors import D2lkitError

__all__ = [
    "AMP_DTYPES",
    "EpochClock",
    "Speedups",
    "autocast",
    "channels_last_grads",
    "check_amp_dtype",
    "choose_speedups",
    "grad_scaler",
    "is_conv_net",
    "keep_freed_memory",
    "memory_format",
    "to_device",
]

AMP_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


class Speedups(NamedTuple):
    """What `choose_speedups` decided: the autocast dtype (None: float32 throughout) and
    whether the 4-D weights and inputs are kept in channels-last (NHWC) memory order."""

    amp: torch.dtype | None
    channels_last: bool


def check_amp_dtype(name: str | None) -> None:
    """D2lkitError unless name is None or a key of `AMP_DTYPES`."""
    if name is not None and name not in AMP_DTYPES:
        raise D2lkitError(f"unknown AMP dtype {name!r}: expected 'bf16' or 'fp16'")


def is_conv_net(net: nn.Module) -> bool:
    """Whether net has a 2-D convolution anywhere."""
    return any(isinstance(m, nn.Conv2d) for m in net.modules())


def choose_speedups(
    net: nn.Module,
    device: torch.device,
    input_size: int,
    *,
    amp: bool | None = None,
    amp_dtype: str | None = None,
    channels_last: bool | None = None,
) -> Speedups:
    """The autocast dtype and memory format to train net with on device; None means auto.

    input_size is the side length of the (square) input images. Auto AMP is on only on CUDA,
    for conv nets fed at least 64x64 inputs (the book's 96- and 224-pixel chapter 7 runs,
    GFLOPs per example), and only in bf16: tensor cores run bf16 convolutions at about twice
    the TF32 rate and half the memory traffic, and bf16 keeps float32's range, so it needs no
    loss scaling (fp16's `GradScaler` reads an overflow flag back to the host every step).
    LeNet-sized nets are bound by kernel launches, which autocast's casts only add to. On the
    CPU the book's float32 stays: without AVX-512 BF16 or AMX, bf16 convolutions are emulated.

    Auto channels-last is on for every conv net on the CPU and, on CUDA, together with auto
    AMP. On the CPU, oneDNN's NHWC kernels beat its NCHW ones, above all on the weight gradient
    of a one-channel input conv (LeNet's first layer: 2x): LeNet's training step is 1.2-1.3x
    faster, and the chapter 7 nets' steps at batch 16-32 measured 1.0-1.7x (AMD EPYC, AVX2).
    On CUDA, cuDNN's tensor-core convolutions are NHWC kernels, while its float32 ones are
    NCHW. amp_dtype ('bf16' or 'fp16') picks the autocast type and turns AMP on unless amp is
    False.
    """
    check_amp_dtype(amp_dtype)
    conv_net = is_conv_net(net)
    if amp is None:
        amp = amp_dtype is not None or (
            device.type == "cuda"
            and input_size >= 64
            and conv_net
            and torch.cuda.is_bf16_supported()
        )
    dtype = AMP_DTYPES[amp_dtype or "bf16"] if amp else None
    if channels_last is None:
        channels_last = conv_net and (device.type == "cpu" or dtype is not None)
    return Speedups(dtype, channels_last)


def memory_format(channels_last: bool) -> torch.memory_format:
    """The format `Tensor.to` and `Module.to` take: channels-last, or whatever a tensor has."""
    return torch.channels_last if channels_last else torch.preserve_format


def to_device(X: Tensor, device: torch.device, channels_last: bool) -> Tensor:
    """X moved to device, in channels-last order if asked (for 4-D X: (batch_size, C, H, W)).

    Neither step copies when X is already there: the in-memory loaders keep the data on the
    device, and with one channel NCHW and NHWC are the same bytes.
    """
    return X.to(device, non_blocking=True, memory_format=memory_format(channels_last))


def autocast(device: torch.device, amp: torch.dtype | None) -> contextlib.AbstractContextManager:
    """Autocast to amp on device's type; nothing when amp is None."""
    return torch.autocast(device.type, dtype=amp) if amp is not None else contextlib.nullcontext()


def grad_scaler(device: torch.device, amp: torch.dtype | None) -> torch.amp.GradScaler | None:
    """A loss scaler for fp16, whose small gradients underflow without one; None otherwise
    (bf16 has float32's range)."""
    return torch.amp.GradScaler(device.type) if amp == torch.float16 else None


class _ChannelsLastGrad(torch.autograd.Function):
    """The identity, whose backward hands on the gradient in channels-last order."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, X: Tensor) -> Tensor:
        return X.view_as(X)

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, grad: Tensor) -> Tensor:
        return grad.contiguous(memory_format=torch.channels_last)


def _flatten_input(module: nn.Module, args: tuple[Tensor, ...]) -> tuple[Tensor, ...] | None:
    X = args[0]
    if X.dim() != 4 or not X.requires_grad:
        return None
    return (_ChannelsLastGrad.apply(X), *args[1:])


@contextlib.contextmanager
def channels_last_grads(net: nn.Module) -> Iterator[None]:
    """While open, the gradient that every `nn.Flatten` of net sends back is channels-last.

    Flatten reads a channels-last X: (batch_size, C, H, W) in NCHW order, so its gradient comes
    back NCHW; the layers below (pooling, activations, convolutions) then mix the two orders,
    and reorder tensors of the full activation size in every backward pass: LeNet loses 5-10%
    of its CPU step to that. Reordering the small gradient at the flatten costs little.
    """
    handles = [
        m.register_forward_pre_hook(_flatten_input)
        for m in net.modules()
        if isinstance(m, nn.Flatten)
    ]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


# glibc's mallopt parameters (malloc.h) and the largest mmap threshold it accepts on 64-bit
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_MAX = 32 << 20


@functools.cache
def keep_freed_memory() -> bool:
    """Make glibc's malloc keep freed memory for reuse rather than return it to the kernel.

    An eager training step allocates and frees its activations and gradients, megabytes each,
    every batch. By default glibc serves such blocks with fresh mmaps, or trims them off the
    heap once freed, so each step page-faults its memory back in, zero-filled by the kernel:
    LeNet's CPU step spends a third of its time there (4,000 page faults per batch). With
    blocks up to 32 MiB taken from the heap and trimming only past 1 GiB free, freed pages are
    reused. Process-wide, once per process; the process keeps its peak memory until it exits.
    Returns whether it applied (glibc only).
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    mallopt = ctypes.CDLL(None).mallopt
    return bool(
        mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX) and mallopt(_M_TRIM_THRESHOLD, 1 << 30)
    )


class EpochClock:
    """Times the training part of an epoch without waiting for the device.

    On CUDA, events are recorded in the stream and read after the epoch's one sync; on the CPU,
    kernels run synchronously, so the wall clock is exact.
    """

    def __init__(self, device: torch.device) -> None:
        # the stream of the training device, which need not be the current device
        self.stream = torch.cuda.current_stream(device) if device.type == "cuda" else None

    def start(self) -> None:
        if self.stream is not None:
            self.begin = torch.cuda.Event(enable_timing=True)
            self.begin.record(self.stream)
        else:
            self.begin_s = time.perf_counter()

    def stop(self) -> None:
        if self.stream is not None:
            self.end = torch.cuda.Event(enable_timing=True)
            self.end.record(self.stream)
        else:
            self.end_s = time.perf_counter()

    def seconds(self) -> float:
        """Length of the interval; call after the device has caught up."""
        if self.stream is not None:
            return self.begin.elapsed_time(self.end) / 1000
        return self.end_s - self.begin_s
