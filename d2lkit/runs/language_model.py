"""The language-model run of `d2lkit train` (8.5-9.4): a character-level model of The Time
Machine, trained as d2l's `train_ch8` trains it.

Mean cross-entropy per token, gradients clipped to `spec.grad_clip` (the book's 1), the spec's
optimizer (`ScratchSGD` over a scratch model's `params`, `torch.optim.SGD` over an nn.Module); the
state carries over between minibatches, detached, unless `--random-iter` samples them at random
positions. It reports the perplexity of every epoch, the tokens per second, and the text the model
generates from the prefix `time traveller`.
"""

from __future__ import annotations

import math
import time

from torch import nn

from d2lkit.data.timemachine import load_data_time_machine
from d2lkit.errors import D2lkitError
from d2lkit.rnn import predict_ch8, train_epoch_ch8
from d2lkit.runs.spec import (
    Capped,
    ModelSpec,
    Report,
    TrainConfig,
    metrics,
    seed_everything,
    write_outputs,
)

__all__ = ["MAX_TOKENS", "PREFIX", "run"]

MAX_TOKENS = 10000  # the book trains on the first 10,000 characters
PREFIX = "time traveller"
NUM_PREDS = 50


def run(spec: ModelSpec, config: TrainConfig) -> Report:
    """Train `spec` (its `build(vocab_size, device)` makes the net) under `config`; with
    `config.out_dir`, write `metrics.json` and `curves.png` (perplexity per epoch)."""
    if spec.num_steps is None:
        raise D2lkitError(f"model {spec.name!r} has no num_steps")
    seed_everything(config.seed)
    train_iter, vocab = load_data_time_machine(
        config.batch_size,
        spec.num_steps,
        use_random_iter=config.random_iter,
        max_tokens=config.limit or MAX_TOKENS,
        seed=config.seed,
    )
    net = spec.build(len(vocab), config.device)
    if isinstance(net, nn.Module):
        net.to(config.device)
    params = net.parameters() if isinstance(net, nn.Module) else net.params
    optimizer = spec.optimizer(params, config.lr)
    loss = spec.loss()
    batches = Capped(train_iter, config.max_batches)
    perplexities: list[float] = []
    speed = math.nan
    start = time.perf_counter()
    for _ in range(config.epochs):
        ppl, speed = train_epoch_ch8(
            net, batches, loss, optimizer, config.device, config.random_iter, theta=spec.grad_clip
        )
        perplexities.append(ppl)
    seconds = time.perf_counter() - start
    sample = predict_ch8(PREFIX, NUM_PREDS, net, vocab, config.device)
    report = metrics(
        spec,
        config,
        device=str(config.device),
        seconds=seconds,
        settings={
            "num_steps": spec.num_steps,
            "random_iter": config.random_iter,
            "max_tokens": config.limit or MAX_TOKENS,
            "max_batches": config.max_batches,
            "grad_clip": spec.grad_clip,
        },
        results={
            "train_loss": math.log(perplexities[-1]),
            "perplexity": perplexities[-1],
            # the last epoch's, as the book prints it
            "tokens_per_sec": speed,
            "sample": sample,
        },
        history={"perplexity": perplexities},
    )
    summary = (
        f"perplexity {perplexities[-1]:.1f}, {speed:.1f} tokens/sec on {config.device}\n{sample}"
    )
    files = []
    if config.out_dir is not None:
        curves = {"perplexity": perplexities}
        files = write_outputs(report, curves, config.out_dir, spec.name, yscale="log")
    return Report(report, summary, files)
