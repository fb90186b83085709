# %% [markdown]
# # 8.3 Language Models and the Dataset — 语言模型和数据集
#
# A language model estimates the probability of a token sequence,
# $P(x_1, \dots, x_T) = \prod_t P(x_t \mid x_1, \dots, x_{t-1})$. Training one means showing it
# many subsequences together with their next tokens. Here you write the two ways the book cuts
# a long corpus into minibatches of subsequences: **random sampling** and **sequential
# partitioning**.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run
# as well.

# %%
import random

import torch

from autograder import check
from d2lkit.data.timemachine import load_corpus_time_machine

# %% [markdown]
# Word frequencies in natural text follow Zipf's law: the $i$-th most frequent word occurs about
# $1/i^\alpha$ times as often as the first. A look at the character corpus of the book:

# %%
corpus, vocab = load_corpus_time_machine()
print(len(corpus), len(vocab), vocab.token_freqs[:5])

# %% [markdown]
# ## Random sampling
#
# `seq_data_iter_random(corpus, batch_size, num_steps)` (a generator) does, for each pass:
#
# 1. drop a random number of leading tokens, $o \in [0, \text{num\_steps} - 1]$, so that each
#    pass cuts the corpus at other places;
# 2. cut what is left into non-overlapping subsequences of `num_steps` tokens: there are
#    $m = \lfloor (\text{len} - 1) / \text{num\_steps} \rfloor$ of them (minus one: the last
#    subsequence needs one more token for its labels);
# 3. visit them in a random order, `batch_size` at a time, in $\lfloor m / \text{batch\_size}
#    \rfloor$ full minibatches; each subsequence appears at most once;
# 4. yield `X` and `Y`, both `(batch_size, num_steps)` integer tensors, where `Y` holds the
#    token after each token of `X` (the inputs shifted by one).
#
# Use Python's `random` or torch's generator, as you like.


# %% tags=["solution"]
def seq_data_iter_random(corpus, batch_size: int, num_steps: int):
    """Yield (X, Y): (batch_size, num_steps) each, Y = X shifted by one; subsequences in random order."""
    ### BEGIN SOLUTION
    corpus = corpus[random.randint(0, num_steps - 1) :]
    num_subseqs = (len(corpus) - 1) // num_steps
    initial_indices = list(range(0, num_subseqs * num_steps, num_steps))
    random.shuffle(initial_indices)
    num_batches = num_subseqs // batch_size
    for i in range(0, batch_size * num_batches, batch_size):
        starts = initial_indices[i : i + batch_size]
        X = [corpus[j : j + num_steps] for j in starts]
        Y = [corpus[j + 1 : j + 1 + num_steps] for j in starts]
        yield torch.tensor(X), torch.tensor(Y)
    ### END SOLUTION


# %% [markdown]
# A sampler's output depends on its random draws, so the check looks at its properties instead
# of its values: it runs the sampler for 8 epochs through the cell below (leave it as it is)
# on a corpus of distinct tokens, finds where each row comes from, and checks the shapes, the
# shift by one, the offset range, the number of minibatches, that no subsequence appears twice
# in an epoch, that the order is random and that the offset changes between epochs.


# %%
def random_epochs(corpus, batch_size, num_steps, num_epochs):
    """Every minibatch of num_epochs passes of seq_data_iter_random."""
    return [list(seq_data_iter_random(corpus, batch_size, num_steps)) for _ in range(num_epochs)]


# %%
check("ch08.seq_data_iter_random", random_epochs)

# %%
for X, Y in seq_data_iter_random(list(range(35)), batch_size=2, num_steps=5):
    print("X:", X.tolist(), "\nY:", Y.tolist())

# %% [markdown]
# ## Sequential partitioning
#
# With random sampling, neighbouring minibatches hold unrelated pieces of text. Sequential
# partitioning keeps them adjacent, so that a recurrent net can carry its hidden state from one
# minibatch to the next (8.5):
#
# 1. drop a random number of leading tokens, $o \in [0, \text{num\_steps}]$;
# 2. keep $n = \lfloor (\text{len} - o - 1) / \text{batch\_size} \rfloor \cdot
#    \text{batch\_size}$ tokens and reshape them into `batch_size` rows: `batch_size` streams of
#    $n / \text{batch\_size}$ consecutive tokens; the labels are the same from one token later;
# 3. walk along the streams `num_steps` columns at a time: minibatch $i$ takes columns
#    $[i \cdot \text{num\_steps}, (i + 1) \cdot \text{num\_steps})$ of every row, as long as a
#    full minibatch remains.
#
# Row $r$ of minibatch $i + 1$ thus continues row $r$ of minibatch $i$.


# %% tags=["solution"]
def seq_data_iter_sequential(corpus, batch_size: int, num_steps: int):
    """Yield (X, Y): (batch_size, num_steps) each; row r of minibatch i + 1 continues row r of minibatch i."""
    ### BEGIN SOLUTION
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = torch.tensor(corpus[offset : offset + num_tokens]).reshape(batch_size, -1)
    Ys = torch.tensor(corpus[offset + 1 : offset + 1 + num_tokens]).reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        yield Xs[:, i : i + num_steps], Ys[:, i : i + num_steps]
    ### END SOLUTION


# %% [markdown]
# Checked as the random sampler is, through the cell below (leave it as it is).


# %%
def sequential_epochs(corpus, batch_size, num_steps, num_epochs):
    """Every minibatch of num_epochs passes of seq_data_iter_sequential."""
    return [
        list(seq_data_iter_sequential(corpus, batch_size, num_steps)) for _ in range(num_epochs)
    ]


# %%
check("ch08.seq_data_iter_sequential", sequential_epochs)

# %%
for X, Y in seq_data_iter_sequential(list(range(35)), batch_size=2, num_steps=5):
    print("X:", X.tolist(), "\nY:", Y.tolist())

# %% [markdown]
# `d2lkit.data.load_data_time_machine(batch_size, num_steps, use_random_iter)` wraps both
# samplers over the book's first 10000 characters; 8.5 trains on it.

# %% [markdown] tags=["written"]
# Word frequencies follow Zipf's law. What does that imply for estimating n-gram probabilities by
# counting, and why does it get worse as n grows?

# %% [markdown] tags=["answer"]
# Most words, and far more n-grams, are rare: most possible n-grams never occur in the corpus and
# get probability 0 by counting. The number of possible n-grams grows exponentially with n, so
# counts get sparser; smoothing or neural models are needed.

# %% [markdown] tags=["written"]
# Random sampling and sequential partitioning make different minibatches. What can the hidden
# state carry from one minibatch to the next in each case?

# %% [markdown] tags=["answer"]
# Sequential partitioning continues each sequence in the next minibatch, so the final state can be
# passed on (detached from the graph). Random sampling draws unrelated subsequences, so the state
# must be reset for every minibatch.
