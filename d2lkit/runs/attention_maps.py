"""The attention weights of a trained translator as heatmaps (10.4, 10.7), drawn by the seq2seq
run beside `curves.png`.

The weights are those of greedy translation of one sentence. A Bahdanau decoder gives one
(1, 1, n_k) map per decoded step; a Transformer's encoder one (num_heads, n, n) map per block,
and its decoder per step two lists (self-attention over the prefix, attention over the source)
of (num_heads, 1, n_keys) maps per block. Each figure is a grid of heatmaps: rows are blocks,
columns heads, queries down, keys across.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from d2lkit.attention import show_heatmaps
from d2lkit.seq2seq import EncoderDecoder, predict_seq2seq
from d2lkit.text import Vocab

__all__ = ["attention_maps", "draw_attention"]


def _rows(steps: list[Tensor], num_keys: int) -> Tensor:
    """Per-step maps (heads, 1, keys_t) stacked into (heads, steps, num_keys), zero-padded on the
    right where a step saw fewer keys (a decoder's prefix grows one key per step)."""
    padded = [torch.nn.functional.pad(s, (0, num_keys - s.shape[-1])) for s in steps]
    return torch.cat(padded, dim=1)


def attention_maps(
    net: EncoderDecoder,
    source: str,
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    num_steps: int,
    device: Any,
) -> dict[str, Tensor]:
    """name -> (rows, cols, queries, keys) weights of translating ``source``, cut to the source's
    tokens (and ``<eos>``) and the translation's steps; empty if the decoder keeps none."""
    if not hasattr(type(net.decoder), "attention_weights"):
        return {}
    _, steps = predict_seq2seq(
        net, source, src_vocab, tgt_vocab, num_steps, device, save_attention_weights=True
    )
    src_len = min(len(source.split(" ")) + 1, num_steps)
    maps: dict[str, Tensor] = {}
    if not steps:
        return maps
    if isinstance(steps[0][0], Tensor):  # Bahdanau: [weights (1, 1, n_k)] per step
        weights = torch.cat([step[0] for step in steps], dim=1)
        maps["attention"] = weights[None, :, :, :src_len].cpu()
        return maps
    encoder_weights = getattr(net.encoder, "attention_weights", None)
    if encoder_weights:
        maps["attention-encoder"] = torch.stack(encoder_weights)[..., :src_len, :src_len].cpu()
    num_layers = len(steps[0][0])
    for kind, label in ((0, "attention-decoder-self"), (1, "attention-decoder-cross")):
        layers = [_rows([step[kind][i] for step in steps], num_steps) for i in range(num_layers)]
        keys = len(steps) if kind == 0 else src_len
        maps[label] = torch.stack(layers)[..., :keys].cpu()
    return maps


def draw_attention(maps: dict[str, Tensor], out_dir: Path) -> list[Path]:
    """One PNG per map in ``out_dir`` (named after it); returns the paths."""
    paths = []
    for name, weights in maps.items():
        path = out_dir / f"{name}.png"
        titles = (
            [f"head {h + 1}" for h in range(weights.shape[1])] if weights.shape[1] > 1 else None
        )
        show_heatmaps(weights, "key positions", "query positions", titles=titles, path=path)
        paths.append(path)
    return paths
