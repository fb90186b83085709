"""9.5 machine translation and the dataset: preprocessing, tokens, padding, index arrays."""

from __future__ import annotations

import torch

from autograder.checks.ch09._common import _out
from autograder.compare import compare_values
from autograder.spec import Case, Compare, Exercise, Fixture
from d2lkit.data import fra_eng

NB_NMT = "9.5-machine-translation-and-dataset"
FORBIDDEN = ("d2lkit.data.fra_eng",)

# the first lines of fra.txt, as the file has them (narrow no-break spaces before ! and ?)
BOOK_HEAD = (
    "Go.\tVa !\nHi.\tSalut !\nRun!\tCours\u202f!\nRun!\tCourez\u202f!\n"
    "Who?\tQui ?\nWow!\tÇa alors\u202f!\n"
)


# ---------------------------------------------------------------- preprocess_nmt
def _preprocess_cases() -> list[Case]:
    return [
        Case("the first lines of fra.txt", (BOOK_HEAD,)),
        Case("capitals and a no-break space", ("I'm OK.\tJe vais BIEN\xa0!\n",)),
        Case("two marks in a row: 'What?!'", ("What?!\tQuoi\u202f?!",)),
        Case("a mark already after a space, and commas", ("Yes , sir.\tOui, Monsieur .",)),
        Case("a mark at the very start", ("!Hello, World.",), visible=False),
        Case("no punctuation at all", ("Go away\tVa-t'en",), visible=False),
        Case("an empty text", ("",), visible=False),
        Case(
            "several lines, digits, a no-break space after a mark",
            ("It's 5 o'clock.\tIl est 5\u202fheures.\nStop!\xa0Now.\tArrête\xa0! Maintenant.\n",),
            visible=False,
        ),
    ]


def _preprocess_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    if not isinstance(out, str):
        return "return the preprocessed text as one string"
    if "\u202f" in out or "\xa0" in out:
        return "replace the no-break spaces '\\u202f' and '\\xa0' with plain spaces"
    if out != want and out.lower() == want:
        return "lower-case the text"
    if "  " in out and "  " not in want:
        return "add a space only before a mark that does not already follow a space"
    if out.startswith(" ") and not want.startswith(" "):
        return "a mark at the very start of the text gets no space: there is no word before it"
    if out.replace(" ", "") == want.replace(" ", ""):
        return "insert a space before each ',', '.', '!' and '?' that follows a non-space character"
    return None


# ---------------------------------------------------------------- tokenize_nmt
_TEXT = "go .\tva !\nhi .\tsalut !\nrun !\tcours !\nwho ?\tqui ?\nwow !\tça alors !\n"


def _tokenize_cases() -> list[Case]:
    return [
        Case("the book's head, every line", (_TEXT,)),
        Case("num_examples=2 reads lines 0, 1 and 2", (_TEXT, 2)),
        Case("num_examples=1 as a keyword", (_TEXT,), {"num_examples": 1}),
        Case(
            "lines without exactly one tab are skipped",
            ("a b\tc\nno tab here\nd\te\tf\ng h .\ti j k .\n",),
        ),
        Case("num_examples=0 reads everything, as None does", (_TEXT, 0), visible=False),
        Case("num_examples beyond the text", (_TEXT, 50), visible=False),
        Case(
            "skipped lines still count towards num_examples",
            ("a\tb\nnot a pair\nc\td\ne\tf\n", 2),
            visible=False,
        ),
    ]


def _tokenize_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the pair (source, target): two lists of token lists"
    num_examples = case.args[1] if len(case.args) > 1 else case.kwargs.get("num_examples")
    if num_examples and len(out[0]) == len(want[0]) - 1:
        return (
            "the book's loop breaks only once the line index exceeds num_examples: it reads "
            "lines 0 to num_examples, one more than num_examples"
        )
    if len(out[0]) > len(want[0]):
        return "skip the lines that do not split into exactly two parts on '\\t'"
    return None


# ---------------------------------------------------------------- truncate_pad
def _truncate_pad_cases() -> list[Case]:
    return [
        Case("the book's example: 2 tokens to 10", ([47, 4], 10, 1)),
        Case("longer than num_steps: cut", ([5, 6, 7, 8, 9, 10], 4, 1)),
        Case("exactly num_steps long", ([3, 4, 5], 3, 0)),
        Case("string tokens", (["je", "suis", "."], 5, "<pad>")),
        Case("an empty line", ([], 3, 1), visible=False),
        Case("one step", ([7, 8], 1, 1), visible=False),
        Case("a tuple of tokens, padded", ((4, 5), 6, 1), visible=False),
    ]


def _truncate_pad_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    if isinstance(out, (list, tuple)) and len(out) != len(want):
        return f"return exactly num_steps = {case.args[1]} tokens, cut or padded"
    if not isinstance(out, list):
        return "return a list"
    return None


# ---------------------------------------------------------------- build_array_nmt
_CORPUS = [
    ["go", "."], ["i", "lost", "."], ["he's", "calm", "."], ["i", "won", "!"], ["go", "!"],
]  # fmt: skip


def _array_case(
    name: str, lines: list[list[str]], num_steps: int, min_freq: int = 0, visible: bool = True
) -> Case:
    params = {"lines": lines, "corpus": _CORPUS, "num_steps": num_steps, "min_freq": min_freq}
    return Case(name, fixture=Fixture("ch09.lines_and_vocab", params), visible=visible)


def _array_cases() -> list[Case]:
    return [
        _array_case("the corpus itself, num_steps 8", _CORPUS, 8),
        _array_case(
            "lines cut short (no room for <eos>) and one exactly filling num_steps",
            [["i", "lost", "he's", "calm", "."], ["go", "!"], ["i", "won", "."]],
            4,
        ),
        _array_case("unknown tokens and min_freq 2", [["i", "swim", "."], ["go", "home"]], 5, 2),
        _array_case("an empty line", [[], ["go", "."]], 3, visible=False),
        _array_case("one line of one step", [["go", "."]], 1, visible=False),
    ]


def _check_array(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the pair (array, valid_len)"
    problem = compare_values(want[0], out[0], Compare(), "output[0] (array)")
    if problem:
        return problem
    if isinstance(out[1], torch.Tensor) and out[1].is_floating_point():
        return "output[1] (valid_len) should be an integer tensor (int32 or int64)"
    return compare_values(want[1], out[1], Compare(dtype=False), "output[1] (valid_len)")


def _array_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    array, valid_len = out
    eos, pad = 3, 1
    if not bool((array == eos).any()) and bool((want[0] == eos).any()):
        return "append '<eos>' to every line before cutting or padding it"
    if torch.equal(array, want[0]) and torch.equal(
        valid_len.long(), (want[0] != pad).sum(1) - (want[0] == eos).sum(1)
    ):
        return "valid_len counts every entry that is not '<pad>', '<eos>' included"
    return None


EXERCISES = [
    Exercise(
        id="ch09.preprocess_nmt",
        target="preprocess_nmt",
        points=1,
        reference=fra_eng.preprocess_nmt,
        cases=_preprocess_cases,
        notebook=NB_NMT,
        forbidden=FORBIDDEN,
        hint=_preprocess_hint,
    ),
    Exercise(
        id="ch09.tokenize_nmt",
        target="tokenize_nmt",
        points=1,
        reference=fra_eng.tokenize_nmt,
        cases=_tokenize_cases,
        notebook=NB_NMT,
        forbidden=FORBIDDEN,
        hint=_tokenize_hint,
    ),
    Exercise(
        id="ch09.truncate_pad",
        target="truncate_pad",
        points=1,
        reference=fra_eng.truncate_pad,
        cases=_truncate_pad_cases,
        notebook=NB_NMT,
        forbidden=FORBIDDEN,
        hint=_truncate_pad_hint,
    ),
    Exercise(
        id="ch09.build_array_nmt",
        target="build_array_nmt",
        points=2,
        reference=fra_eng.build_array_nmt,
        cases=_array_cases,
        notebook=NB_NMT,
        compare=Compare(checker=_check_array),
        forbidden=FORBIDDEN,
        hint=_array_hint,
        description="padded index array with <eos>, and the valid lengths",
    ),
]
