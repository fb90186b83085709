"""9.8 beam search over a 9.7-style encoder-decoder (the book describes it without code).

At every step each of the (at most ``beam_size``) live candidates is extended by every token of
the target vocabulary, and the ``beam_size`` extensions with the highest log-probability survive.
An extension ending in ``<eos>`` is finished and leaves the beam, which shrinks by one; the search
stops when the beam is empty or after ``num_steps`` tokens, when the live candidates finish as
they are. Among the finished candidates the winner maximises the book's length-normalised score

    (1 / L**alpha) * sum_{t=1..L} log P(y_t | y_1, ..., y_{t-1}, c),

where ``L`` counts the generated tokens, ``<eos>`` included when it was generated. All extensions
at one step have the same length, so ranking them by log-probability or by this score is the same;
the normalisation only matters between candidates that finished at different steps.

A beam of 1 is greedy search (`predict_seq2seq`). A beam wide enough to keep every extension is
exhaustive search; on a tiny vocabulary a beam as wide as the vocabulary already is, for short
outputs.

Each candidate is decoded on its own (batch size 1), so the decoder's state may be any nesting of
tensors, tuples and lists, whatever its batch dimension: a step costs up to ``beam_size``
decoder calls, which is cheap for the book's small models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from d2lkit.seq2seq import EncoderDecoder, _initial_decoder_state
from d2lkit.text import Vocab

__all__ = ["beam_search", "sequence_score"]


@dataclass
class _Candidate:
    tokens: list[int]  # generated so far, without <bos> and without <eos>
    log_prob: float  # the sum of the log-probabilities of every generated token, <eos> included
    length: int  # tokens generated: len(tokens), plus 1 once <eos> has been generated
    state: Any = None  # the decoder's state after reading every token but the last


def sequence_score(log_prob: float, length: int, alpha: float = 0.75) -> float:
    """The book's length-normalised score ``log_prob / length**alpha`` of a sequence of ``length``
    generated tokens whose log-probabilities sum to ``log_prob``."""
    return log_prob / length**alpha


def _fresh_containers(state: Any) -> Any:
    """A copy of the tuples, lists and dicts of ``state``, sharing its tensors: some decoders
    (d2l's transformer) write their caches into the state's lists, and sibling candidates must not
    see each other's writes."""
    if isinstance(state, tuple):
        return tuple(_fresh_containers(s) for s in state)
    if isinstance(state, list):
        return [_fresh_containers(s) for s in state]
    if isinstance(state, dict):
        return {k: _fresh_containers(v) for k, v in state.items()}
    return state


def beam_search(
    net: EncoderDecoder,
    src_sentence: str,
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    num_steps: int,
    beam_size: int,
    device: torch.device | str,
    alpha: float = 0.75,
) -> tuple[str, float]:
    """Translate ``src_sentence`` (prepared as `predict_seq2seq` does) by beam search.

    returns ``(translation, score)``: the winning tokens joined by spaces (without ``<eos>``) and
    its length-normalised score (see the module's docstring). The net is evaluated in eval mode
    without gradients and left in the mode it was in.
    """
    if beam_size < 1:
        raise ValueError(f"beam_size must be at least 1, got {beam_size}")
    if num_steps < 1:
        raise ValueError(f"num_steps must be at least 1, got {num_steps}")
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            finished = _search(
                net, src_sentence, src_vocab, tgt_vocab, num_steps, beam_size, device
            )
    finally:
        net.train(was_training)
    # max keeps the first of equal scores: the one that finished first
    best = max(finished, key=lambda c: sequence_score(c.log_prob, c.length, alpha))
    translation = " ".join(tgt_vocab.to_tokens(best.tokens))
    return translation, sequence_score(best.log_prob, best.length, alpha)


def _search(
    net: EncoderDecoder,
    src_sentence: str,
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    num_steps: int,
    beam_size: int,
    device: torch.device | str,
) -> list[_Candidate]:
    """Every finished candidate, in the order they finished."""
    bos, eos = tgt_vocab["<bos>"], tgt_vocab["<eos>"]
    state = _initial_decoder_state(net, src_sentence, src_vocab, num_steps, device)
    beam = [_Candidate([], 0.0, 0, state)]
    finished: list[_Candidate] = []
    for _ in range(num_steps):
        scores, next_states = [], []
        for cand in beam:
            last = cand.tokens[-1] if cand.tokens else bos
            dec_X = torch.tensor([[last]], dtype=torch.int64, device=device)
            Y, next_state = net.decoder(dec_X, _fresh_containers(cand.state))
            # float64, so that a beam of 1 ranks tokens exactly as argmax over the logits does
            scores.append(cand.log_prob + Y[0, -1].double().log_softmax(dim=-1))
            next_states.append(next_state)
        flat = torch.cat(scores)
        # stable: equal scores keep candidate-then-token order, as argmax keeps the first maximum
        order = torch.sort(flat, descending=True, stable=True).indices[:beam_size]
        vocab_size = len(scores[0])
        beam_next = []
        for i in order.tolist():
            parent, token = beam[i // vocab_size], i % vocab_size
            log_prob = float(flat[i])
            if token == eos:
                finished.append(_Candidate(parent.tokens, log_prob, parent.length + 1))
            else:
                child = _Candidate([*parent.tokens, token], log_prob, parent.length + 1)
                child.state = next_states[i // vocab_size]
                beam_next.append(child)
        beam = beam_next
        if not beam:
            break
    return finished + beam
