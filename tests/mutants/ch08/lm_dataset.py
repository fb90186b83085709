"""8.3 the samplers: wrong implementations, each rejected by its check (run for several epochs, as
the notebook's `random_epochs` and `sequential_epochs` do)."""

import random

import torch


def _random(corpus, batch_size, num_steps, offset=True, shuffle=True, shift=1, stride=None):
    corpus = corpus[random.randint(0, num_steps - 1) :] if offset else corpus
    stride = stride or num_steps
    num_subseqs = (len(corpus) - 1 - num_steps) // stride + 1
    starts = list(range(0, num_subseqs * stride, stride))
    if shuffle:
        random.shuffle(starts)
    for i in range(0, num_subseqs // batch_size * batch_size, batch_size):
        chosen = starts[i : i + batch_size]
        X = [corpus[j : j + num_steps] for j in chosen]
        Y = [corpus[j + shift : j + shift + num_steps] for j in chosen]
        yield torch.tensor(X), torch.tensor(Y)


def _sequential(corpus, batch_size, num_steps, offset=True, shift=1, streams=True):
    start = random.randint(0, num_steps) if offset else 0
    num_tokens = (len(corpus) - start - 1) // batch_size * batch_size
    Xs = torch.tensor(corpus[start : start + num_tokens])
    Ys = torch.tensor(corpus[start + shift : start + shift + num_tokens])
    if streams:
        Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
        for i in range(0, Xs.shape[1] // num_steps * num_steps, num_steps):
            yield Xs[:, i : i + num_steps], Ys[:, i : i + num_steps]
    else:
        # consecutive pieces side by side: row r of a minibatch does not continue row r
        per_batch = batch_size * num_steps
        for i in range(0, num_tokens // per_batch * per_batch, per_batch):
            yield (
                Xs[i : i + per_batch].reshape(batch_size, num_steps),
                Ys[i : i + per_batch].reshape(batch_size, num_steps),
            )


def _epochs(sampler, **options):
    def run(corpus, batch_size, num_steps, num_epochs):
        return [list(sampler(corpus, batch_size, num_steps, **options)) for _ in range(num_epochs)]

    return run


MUTANTS = {
    "ch08.seq_data_iter_random": [
        (
            "labels equal the inputs",
            _epochs(_random, shift=0),
            "Y should be X shifted by one token",
        ),
        ("no random offset", _epochs(_random, offset=False), "every epoch started at offset 0"),
        (
            "no shuffling",
            _epochs(_random, shuffle=False),
            "visits the subsequences in corpus order",
        ),
        ("overlapping subsequences", _epochs(_random, stride=1), "non-overlapping pieces"),
    ],
    "ch08.seq_data_iter_sequential": [
        ("rows do not continue", _epochs(_sequential, streams=False), "it should continue row 0"),
        ("no random offset", _epochs(_sequential, offset=False), "every epoch started at offset 0"),
        (
            "labels equal the inputs",
            _epochs(_sequential, shift=0),
            "Y should be X shifted by one token",
        ),
    ],
}
