"""8.2 text preprocessing: wrong implementations, each rejected by its check."""

import collections


def tokenize_split_space(lines, token="word"):
    if token == "word":
        return [line.split(" ") for line in lines]
    return [list(line) for line in lines]


def tokenize_char_words(lines, token="word"):
    return [line.split() for line in lines]


def _count_always_flatten(tokens):
    return collections.Counter(t for line in tokens for t in line)


def corpus_counts_always_flatten(tokens):
    return dict(_count_always_flatten(tokens))


def count_corpus(tokens):
    tokens = list(tokens)
    if tokens and isinstance(tokens[0], list):
        tokens = [token for line in tokens for token in line]
    return collections.Counter(tokens)


class _Vocab:
    """The book's Vocab with switches for the mistakes."""

    unk_first = True
    by_frequency = True
    use_min_freq = True
    unknown_raises = False

    def __init__(self, tokens=None, min_freq=0, reserved_tokens=None):
        counter = count_corpus(tokens or [])
        if self.by_frequency:
            self._token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        else:
            self._token_freqs = sorted(counter.items())
        reserved = list(reserved_tokens or [])
        self.idx_to_token = ["<unk>", *reserved] if self.unk_first else [*reserved, "<unk>"]
        self.token_to_idx = {t: i for i, t in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if self.use_min_freq and freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            if self.unknown_raises:
                return self.token_to_idx[tokens]
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        if isinstance(indices, (list, tuple)):
            return [self.idx_to_token[index] for index in indices]
        return self.idx_to_token[indices]

    @property
    def unk(self):
        return self.token_to_idx["<unk>"]

    @property
    def token_freqs(self):
        return self._token_freqs


def _probe(vocab_class):
    def use_vocab(tokens, min_freq, reserved_tokens, queries, indices):
        vocab = vocab_class(tokens, min_freq=min_freq, reserved_tokens=reserved_tokens)
        return {
            "len": len(vocab),
            "idx_to_token": [vocab.to_tokens(i) for i in range(len(vocab))],
            "unk": vocab.unk,
            "one_index": vocab[queries[0]],
            "indices": vocab[queries],
            "one_token": vocab.to_tokens(indices[0]),
            "tokens": vocab.to_tokens(indices),
            "token_freqs": [list(pair) for pair in vocab.token_freqs],
        }

    return use_vocab


class _ReservedFirst(_Vocab):
    unk_first = False


class _Alphabetical(_Vocab):
    by_frequency = False


class _NoMinFreq(_Vocab):
    use_min_freq = False


class _UnknownRaises(_Vocab):
    unknown_raises = True


MUTANTS = {
    "ch08.tokenize": [
        ("split(' ')", tokenize_split_space, "split on runs of whitespace"),
        (
            "words for 'char'",
            tokenize_char_words,
            "token='char' asks for a list of the line's characters",
        ),
    ],
    "ch08.count_corpus": [
        (
            "flattens a flat list too",
            corpus_counts_always_flatten,
            "a flat list of tokens is counted as it is",
        ),
    ],
    "ch08.Vocab": [
        ("reserved tokens before <unk>", _probe(_ReservedFirst), "'<unk>' is index 0"),
        ("alphabetical order", _probe(_Alphabetical), "order the corpus's tokens by frequency"),
        ("min_freq ignored", _probe(_NoMinFreq), "leave out the tokens seen fewer than min_freq"),
        ("unknown tokens raise", _probe(_UnknownRaises), "KeyError"),
    ],
}
