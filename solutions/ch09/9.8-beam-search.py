# %% [markdown]
# # 9.8 Beam Search — 束搜索
#
# 9.7's `predict_seq2seq` is **greedy**: at every step it commits to the single most likely
# token. The most likely *sequence* can start with a less likely token, and greedy search never
# looks back. **Exhaustive** search scores every possible output, $|\mathcal{Y}|^{T}$ sequences
# of length $T$: exact but out of reach. **Beam search** sits between them: it keeps the `k`
# best partial sequences (the beam) at every step. A beam of 1 is greedy search; a beam wide
# enough to keep every prefix is exhaustive search.
#
# The check cell runs the visible cases here; when your notebook is graded, hidden cases (other
# sources, beam widths, `alpha = 0`) run as well.

# %%
import math

import torch

from autograder import check
from d2lkit.data.fra_eng import truncate_pad
from d2lkit.seq2seq import Decoder, Encoder, EncoderDecoder, predict_seq2seq
from d2lkit.text import Vocab

# %% [markdown]
# ## The score
#
# Longer sequences multiply more probabilities, so comparing raw log-probabilities favours
# short outputs. The book ranks the finished candidates by the length-normalised score
# $$\frac{1}{L^\alpha} \sum_{t=1}^{L} \log P(y_t \mid y_1, \ldots, y_{t-1}, \mathbf{c}),
# \qquad \alpha = 0.75,$$
# where $L$ counts the tokens the candidate generated, **`<eos>` included** when it generated
# one.
#
# ## The search
#
# `beam_search(net, src_sentence, src_vocab, tgt_vocab, num_steps, beam_size, device,
# alpha=0.75)` prepares and encodes the source exactly as `predict_seq2seq` does (lower case,
# split on spaces, `<eos>`, `truncate_pad`; evaluation mode, no gradients), starts one empty
# candidate from the decoder's initial state, then for at most `num_steps` steps:
#
# 1. feed each live candidate's last token (`<bos>` for the empty one) with **its own** state,
#    a batch of one: `Y, new_state = net.decoder(dec_X, state)`, and add the log-probabilities
#    of every next token (`log_softmax` of `Y[0, -1]`, in float64) to the candidate's sum;
# 2. among all (candidate, token) extensions keep the `beam_size` with the highest sums; on
#    equal sums the earlier candidate, then the smaller token index, comes first (a stable
#    sort of the flattened sums);
# 3. an extension whose token is `<eos>` is **finished**: it leaves the beam (which shrinks by
#    one) with $L$ = its tokens + 1; the others are the new beam, each with its new state;
# 4. stop when the beam is empty. After `num_steps` steps the live candidates finish as they
#    are ($L$ = their number of tokens).
#
# Return `(translation, score)` for the finished candidate with the highest score (the first
# to finish among equal scores): its tokens without `<eos>`, joined by spaces, and its score.
# The check compares both with the reference on a small deterministic encoder-decoder, for
# beams of 1 (which must give `predict_seq2seq`'s translation) to 6 (as wide as a tiny
# vocabulary, where beam search finds what exhaustive search finds).


# %% tags=["solution"]
def beam_search(net, src_sentence, src_vocab, tgt_vocab, num_steps, beam_size, device,
                alpha=0.75):  # fmt: skip
    """-> (translation: str, score: float), the book's length-normalised score."""
    ### BEGIN SOLUTION
    net.eval()
    bos, eos = tgt_vocab["<bos>"], tgt_vocab["<eos>"]
    src_tokens = src_vocab[src_sentence.lower().split(" ")] + [src_vocab["<eos>"]]
    enc_valid_len = torch.tensor([min(len(src_tokens), num_steps)], device=device)
    enc_X = torch.tensor([truncate_pad(src_tokens, num_steps, src_vocab["<pad>"])], device=device)
    finished = []  # (tokens, summed log-probability, L)
    with torch.no_grad():
        state = net.decoder.init_state(net.encoder(enc_X, enc_valid_len), enc_valid_len)
        beam = [([], 0.0, state)]
        for _ in range(num_steps):
            sums, states = [], []
            for tokens, log_prob, state in beam:
                dec_X = torch.tensor([[tokens[-1] if tokens else bos]], device=device)
                Y, new_state = net.decoder(dec_X, state)
                sums.append(log_prob + Y[0, -1].double().log_softmax(dim=-1))
                states.append(new_state)
            flat = torch.cat(sums)
            vocab_size = len(sums[0])
            best = torch.sort(flat, descending=True, stable=True).indices[:beam_size]
            next_beam = []
            for i in best.tolist():
                tokens, token = beam[i // vocab_size][0], i % vocab_size
                if token == eos:
                    finished.append((tokens, float(flat[i]), len(tokens) + 1))
                else:
                    next_beam.append((tokens + [token], float(flat[i]), states[i // vocab_size]))
            beam = next_beam
            if not beam:
                break
    finished += [(tokens, log_prob, len(tokens)) for tokens, log_prob, _ in beam]
    scores = [log_prob / length**alpha for _, log_prob, length in finished]
    winner = max(range(len(finished)), key=lambda i: scores[i])
    return " ".join(tgt_vocab.to_tokens(finished[winner][0])), scores[winner]
    ### END SOLUTION


# %%
check("ch09.beam_search", beam_search)

# %% [markdown]
# ## Where greedy search goes wrong
#
# A decoder whose next-token probabilities are a fixed table: after `<bos>`, `a` (0.5), `b`
# (0.4) or `<eos>` (0.1); after `a` the three are about equally likely; after `b`, `<eos>` has
# 0.9. Greedy search takes `a` and never finds a likely end; `b <eos>` is far more probable.

# %%
class NullEncoder(Encoder):
    def forward(self, X, *args):
        return X


class TableDecoder(Decoder):
    """Logits looked up by the previous token: table[prev]."""

    def __init__(self, probs):
        super().__init__()
        self.register_buffer("table", probs.log().clamp(min=-50))

    def init_state(self, enc_outputs, *args):
        return ()

    def forward(self, X, state):
        return self.table[X], state


vocab = Vocab([["a", "a", "a", "b", "b"]], reserved_tokens=["<pad>", "<bos>", "<eos>"])
BOS, EOS, A, B = vocab["<bos>"], vocab["<eos>"], vocab["a"], vocab["b"]
probs = torch.full((len(vocab), len(vocab)), 1e-30)
probs[BOS, [EOS, A, B]] = torch.tensor([0.1, 0.5, 0.4])
probs[A, [EOS, A, B]] = torch.tensor([0.33, 0.34, 0.33])
probs[B, [EOS, A, B]] = torch.tensor([0.9, 0.05, 0.05])
probs[EOS, EOS] = 1.0
net = EncoderDecoder(NullEncoder(), TableDecoder(probs))

print("greedy:", predict_seq2seq(net, "x", vocab, vocab, 3, "cpu")[0])
for beam_size in (1, 2, 3):
    translation, score = beam_search(net, "x", vocab, vocab, 3, beam_size, "cpu")
    print(f"beam {beam_size}: {translation!r}, score {score:.3f}")
print("score of 'b <eos>':", (math.log(0.4) + math.log(0.9)) / 2**0.75)

# %% [markdown] tags=["written"]
# Compare greedy search, exhaustive search and beam search (beam k) for a vocabulary of size V and
# outputs of length T: cost, and whether they find the most likely sequence.

# %% [markdown] tags=["answer"]
# Greedy: about V × T, not guaranteed best. Exhaustive: V^T, always best, infeasible. Beam: about
# k × V × T, better than greedy, still not guaranteed; k = 1 is greedy.

# %% [markdown] tags=["written"]
# Why is a candidate's log-probability divided by a power of its length? What happens without it?

# %% [markdown] tags=["answer"]
# Every token adds a negative log-probability, so longer sequences score lower and the search
# prefers short outputs; the normalisation compares candidates per token.
