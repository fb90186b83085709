"""The seq2seq run of `d2lkit train` (9.7, with 9.8's beam search): English to French on the
first 600 pairs of fra-eng, trained as d2l's `train_seq2seq` trains it.

It reports the training loss per epoch (the summed masked cross-entropy over the valid target
tokens), the tokens per second, and the translations of the book's four sentences with their BLEU
(k = 2), decoded greedily or, with `--beam K`, by beam search. An attention model (chapter 10)
also draws the attention weights of its greedy translation of the last sentence
(`runs.attention_maps`).
"""

from __future__ import annotations

import time

from d2lkit.beam_search import beam_search
from d2lkit.data.fra_eng import load_data_nmt
from d2lkit.errors import D2lkitError
from d2lkit.runs.attention_maps import attention_maps, draw_attention
from d2lkit.runs.spec import (
    Capped,
    ModelSpec,
    Report,
    TrainConfig,
    metrics,
    seed_everything,
    write_outputs,
)
from d2lkit.seq2seq import bleu, predict_seq2seq, train_seq2seq

__all__ = ["NUM_EXAMPLES", "SENTENCES", "run"]

NUM_EXAMPLES = 600  # the book's load_data_nmt default
# the book's four test sentences and their references
SENTENCES = {
    "go .": "va !",
    "i lost .": "j'ai perdu .",
    "he's calm .": "il est calme .",
    "i'm home .": "je suis chez moi .",
}


def run(spec: ModelSpec, config: TrainConfig) -> Report:
    """Train `spec` (its `build(src_vocab_size, tgt_vocab_size)` makes the encoder-decoder) under
    `config`; with `config.out_dir`, write `metrics.json`, `curves.png` (loss per epoch) and, for
    an attention model, its heatmaps (`attention*.png`)."""
    if spec.num_steps is None:
        raise D2lkitError(f"model {spec.name!r} has no num_steps")
    seed_everything(config.seed)
    train_iter, src_vocab, tgt_vocab = load_data_nmt(
        config.batch_size, spec.num_steps, num_examples=config.limit or NUM_EXAMPLES
    )
    net = spec.build(len(src_vocab), len(tgt_vocab))
    start = time.perf_counter()
    history = train_seq2seq(
        net,
        Capped(train_iter, config.max_batches),
        config.lr,
        config.epochs,
        tgt_vocab,
        config.device,
    )
    seconds = time.perf_counter() - start
    translations = {}
    for source, reference in SENTENCES.items():
        if config.beam:
            translation, _ = beam_search(
                net, source, src_vocab, tgt_vocab, spec.num_steps, config.beam, config.device
            )
        else:
            translation, _ = predict_seq2seq(
                net, source, src_vocab, tgt_vocab, spec.num_steps, config.device
            )
        translations[source] = {"translation": translation, "bleu": bleu(translation, reference, 2)}
    report = metrics(
        spec,
        config,
        device=str(config.device),
        seconds=seconds,
        settings={
            "num_steps": spec.num_steps,
            "num_examples": config.limit or NUM_EXAMPLES,
            "max_batches": config.max_batches,
            "beam": config.beam,
        },
        results={
            "train_loss": history["loss"][-1],
            "tokens_per_sec": history["tokens_per_sec"],
            "translations": translations,
            "mean_bleu": sum(t["bleu"] for t in translations.values()) / len(translations),
        },
        history={"train_loss": history["loss"]},
    )
    lines = [
        f"loss {history['loss'][-1]:.3f}, {history['tokens_per_sec']:.1f} tokens/sec on "
        f"{config.device}",
        *(f"{s} => {t['translation']}, bleu {t['bleu']:.3f}" for s, t in translations.items()),
    ]
    files = []
    if config.out_dir is not None:
        files = write_outputs(report, {"train_loss": history["loss"]}, config.out_dir, spec.name)
        maps = attention_maps(
            net, list(SENTENCES)[-1], src_vocab, tgt_vocab, spec.num_steps, config.device
        )
        files += draw_attention(maps, config.out_dir)
    return Report(report, "\n".join(lines), files)
