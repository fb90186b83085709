"""9.5 machine translation and the dataset: wrong implementations, each rejected by its check."""

import torch

from ._common import _pad


def _preprocess(text, lower=True, nbsp=True, always=False, spaces=True):
    def no_space(char, prev_char):
        return char in set(",.!?") and (always or prev_char != " ")

    if nbsp:
        text = text.replace("\u202f", " ").replace("\xa0", " ")
    if lower:
        text = text.lower()
    if not spaces:
        return text
    out = [" " + c if i > 0 and no_space(c, text[i - 1]) else c for i, c in enumerate(text)]
    return "".join(out)


def preprocess_nmt_keeps_case(text):
    return _preprocess(text, lower=False)


def preprocess_nmt_keeps_no_break_spaces(text):
    return _preprocess(text, nbsp=False)


def preprocess_nmt_space_before_every_mark(text):
    return _preprocess(text, always=True)


def preprocess_nmt_no_spaces(text):
    return _preprocess(text, spaces=False)


def _tokenize(text, num_examples=None, first=0, loose=False):
    source, target = [], []
    for i, line in enumerate(text.split("\n")):
        if num_examples and i > num_examples - first:
            break
        parts = line.split("\t")
        if len(parts) == 2 or (loose and len(parts) > 2):
            source.append(parts[0].split(" "))
            target.append(parts[1].split(" "))
    return source, target


def tokenize_nmt_num_examples_lines(text, num_examples=None):
    return _tokenize(text, num_examples, first=1)


def tokenize_nmt_keeps_lines_with_two_tabs(text, num_examples=None):
    return _tokenize(text, num_examples, loose=True)


def truncate_pad_pads_on_the_left(line, num_steps, padding_token):
    line = list(line)
    return (
        line[:num_steps]
        if len(line) > num_steps
        else [padding_token] * (num_steps - len(line)) + line
    )


def truncate_pad_never_cuts(line, num_steps, padding_token):
    return list(line) + [padding_token] * (num_steps - len(line))


def _build(lines, vocab, num_steps, eos=True, count_eos=True):
    pad = vocab["<pad>"]
    rows = [
        _pad(vocab[list(line)] + ([vocab["<eos>"]] if eos else []), num_steps, pad)
        for line in lines
    ]
    array = torch.tensor(rows, dtype=torch.int64).reshape(len(rows), num_steps)
    valid_len = (array != pad).type(torch.int32).sum(1)
    if not count_eos:
        valid_len = valid_len - (array == vocab["<eos>"]).sum(1)
    return array, valid_len


def build_array_nmt_without_eos(lines, vocab, num_steps):
    return _build(lines, vocab, num_steps, eos=False)


def build_array_nmt_valid_len_without_eos(lines, vocab, num_steps):
    return _build(lines, vocab, num_steps, count_eos=False)


MUTANTS = {
    "ch09.preprocess_nmt": [
        ("keeps capitals", preprocess_nmt_keeps_case, "lower-case the text"),
        ("keeps no-break spaces", preprocess_nmt_keeps_no_break_spaces, "no-break spaces"),
        ("a space before every mark", preprocess_nmt_space_before_every_mark, "only before a mark"),
        ("no space before marks", preprocess_nmt_no_spaces, "insert a space before each"),
    ],
    "ch09.tokenize_nmt": [
        ("reads num_examples lines", tokenize_nmt_num_examples_lines, "one more than num_examples"),
        ("keeps lines with two tabs", tokenize_nmt_keeps_lines_with_two_tabs, "skip the lines"),
    ],
    "ch09.truncate_pad": [
        ("pads on the left", truncate_pad_pads_on_the_left, "output[0]: expected 47"),
        ("never cuts", truncate_pad_never_cuts, "return exactly num_steps"),
    ],
    "ch09.build_array_nmt": [
        ("no <eos>", build_array_nmt_without_eos, "append '<eos>'"),
        ("valid_len without <eos>", build_array_nmt_valid_len_without_eos, "'<eos>' included"),
    ],
}
