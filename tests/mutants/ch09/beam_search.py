"""9.8 beam search: wrong implementations, each rejected by its check."""

import torch

from ._common import _initial_state


def _beam(net, src_sentence, src_vocab, tgt_vocab, num_steps, beam_size, device, alpha=0.75,
          normalise=True, count_eos=True, greedy=False):  # fmt: skip
    net.eval()
    bos, eos = tgt_vocab["<bos>"], tgt_vocab["<eos>"]
    beam = [([], 0.0, _initial_state(net, src_sentence, src_vocab, num_steps, device))]
    finished = []
    width = 1 if greedy else beam_size
    with torch.no_grad():
        for _ in range(num_steps):
            options = []
            for tokens, log_prob, state in beam:
                last = tokens[-1] if tokens else bos
                Y, new_state = net.decoder(torch.tensor([[last]], device=device), state)
                log_probs = Y[0, -1].double().log_softmax(dim=-1)
                for token, lp in enumerate(log_probs.tolist()):
                    options.append((log_prob + lp, tokens, token, new_state))
            options.sort(key=lambda o: -o[0])
            beam = []
            for log_prob, tokens, token, state in options[:width]:
                if token == eos:
                    finished.append((tokens, log_prob, len(tokens) + (1 if count_eos else 0)))
                else:
                    beam.append((tokens + [token], log_prob, state))
            if not beam:
                break
    finished += [(tokens, log_prob, len(tokens)) for tokens, log_prob, _ in beam]

    def score(candidate):
        tokens, log_prob, length = candidate
        return log_prob / max(length, 1) ** alpha if normalise else log_prob

    best = max(finished, key=score)
    return " ".join(tgt_vocab.to_tokens(best[0])), score(best)


def beam_search_unnormalised(net, src_sentence, src_vocab, tgt_vocab, num_steps, beam_size,
                             device, alpha=0.75):  # fmt: skip
    return _beam(net, src_sentence, src_vocab, tgt_vocab, num_steps, beam_size, device, alpha,
                 normalise=False)  # fmt: skip


def beam_search_length_without_eos(net, src_sentence, src_vocab, tgt_vocab, num_steps,
                                   beam_size, device, alpha=0.75):  # fmt: skip
    return _beam(net, src_sentence, src_vocab, tgt_vocab, num_steps, beam_size, device, alpha,
                 count_eos=False)  # fmt: skip


def beam_search_always_greedy(net, src_sentence, src_vocab, tgt_vocab, num_steps, beam_size,
                              device, alpha=0.75):  # fmt: skip
    return _beam(net, src_sentence, src_vocab, tgt_vocab, num_steps, beam_size, device, alpha,
                 greedy=True)  # fmt: skip


def beam_search_correct_for_reference(*args, **kwargs):
    return _beam(*args, **kwargs)


MUTANTS = {
    "ch09.beam_search": [
        ("unnormalised score", beam_search_unnormalised, "divide the summed log-probabilities"),
        ("L without <eos>", beam_search_length_without_eos, "L counts '<eos>' too"),
        ("a beam of one whatever beam_size", beam_search_always_greedy, "output[0]: expected"),
    ],
}
