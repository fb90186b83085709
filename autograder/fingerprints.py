"""Code normalised for the similarity check: tokens, k-gram hashes, winnowed fingerprints.

`tokens` reads a cell with Python's `tokenize` (IPython's syntax blanked first) and keeps what a
copier does not change by accident:

- dropped: comments, docstrings (a string that is a statement of its own), blank lines, the line
  breaks and spaces inside brackets, a trailing comma before a closing bracket;
- every number becomes `N` and every string `S` (`1.0`, `1.` and `1e0` are one token);
- a name becomes a placeholder `V<n>`, numbered by its first appearance, unless it carries meaning
  of its own: keywords, builtins (`sum`, `len`, `range`), attribute names after a dot
  (`torch.exp`, `.sum`, `self.W`), keyword-argument names (`keepdim=`), and the libraries a
  notebook imports (`torch`, `nn`, `F`, `np`, `math`, `random`, `self`). So renaming a local
  changes nothing, while calling another API does;
- statement structure stays: a new statement, an indent and a dedent are tokens of their own.

`kgrams` hashes every run of `k` consecutive tokens; within a run the placeholders are renumbered
by their first appearance in that run, so that a variable added elsewhere in the code does not
change the run's hash, while the run still says which of its names are the same. `winnow` keeps,
of every `window` consecutive hashes, the smallest (Schleimer, Wilkerson and Aiken's winnowing, as
in MOSS): any shared run of at least `window + k - 1` tokens leaves a shared fingerprint.

`canonical` is the exact form of one definition (the exercise's target), for the comparison with
the kit's reference: its syntax tree without docstrings and annotations, unparsed, as tokens.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import io
import keyword
import textwrap
import tokenize
from collections.abc import Iterable

from autograder.scratch_source import python_source

K = 5
"""Tokens per hashed run: about one short expression (`X . sum ( V1`)."""
WINDOW = 4
"""Hashes per winnowing window: a shared run of K + WINDOW - 1 = 8 tokens is always seen."""

LIBRARIES = frozenset(
    {"torch", "nn", "F", "np", "numpy", "math", "random", "self", "d2l", "d2lkit"}
)
_KEPT = frozenset(dir(builtins)) | LIBRARIES
_DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_STRUCTURE = {tokenize.NEWLINE: ";", tokenize.INDENT: ">", tokenize.DEDENT: "<"}
_FSTRING = (getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -1))
PLACEHOLDER = "V"


def _raw(source: str) -> list[tokenize.TokenInfo]:
    """The tokens of `source`, up to the first place it stops being Python."""
    found: list[tokenize.TokenInfo] = []
    text = python_source(source)
    if text is None:
        return found
    try:
        for token in tokenize.generate_tokens(io.StringIO(text + "\n").readline):
            found.append(token)
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # the tokens so far
    return found


def _significant(source: str) -> list[tokenize.TokenInfo]:
    """The tokens with comments, blank lines and f-strings' insides gone (an f-string is one
    string)."""
    kept: list[tokenize.TokenInfo] = []
    depth = 0
    for token in _raw(source):
        if token.type == _FSTRING[0]:
            depth += 1
            if depth == 1:
                kept.append(token._replace(type=tokenize.STRING))
            continue
        if token.type == _FSTRING[1]:
            depth -= 1
            continue
        if depth or token.type in _DROPPED:
            continue
        kept.append(token)
    return kept


def tokens(source: str) -> list[str]:
    """The normalised tokens of `source` (see the module's docstring); names become `V0`, `V1`, …
    by first appearance."""
    raw = _significant(source)
    names: dict[str, str] = {}
    out: list[str] = []
    depth = 0
    for i, token in enumerate(raw):
        previous = raw[i - 1] if i else None
        following = raw[i + 1] if i + 1 < len(raw) else None
        kind, text = token.type, token.string
        if kind == tokenize.STRING:
            statement_start = previous is None or previous.type in _STRUCTURE
            if statement_start and (following is None or following.type == tokenize.NEWLINE):
                continue  # a docstring, or a bare string used as a comment
            out.append("S")
        elif kind == tokenize.NEWLINE:
            if out and out[-1] not in _STRUCTURE.values():
                out.append(";")
        elif kind in _STRUCTURE:
            out.append(_STRUCTURE[kind])
        elif kind == tokenize.NUMBER:
            out.append("N")
        elif kind == tokenize.NAME:
            attribute = previous is not None and previous.string == "."
            argument = (
                depth > 0
                and following is not None
                and following.string == "="
                and previous is not None
                and previous.string in ("(", ",")
            )
            if keyword.iskeyword(text) or text in _KEPT or attribute or argument:
                out.append(text)
            else:
                out.append(names.setdefault(text, f"{PLACEHOLDER}{len(names)}"))
        elif kind == tokenize.OP:
            if text in ("(", "[", "{"):
                depth += 1
            elif text in (")", "]", "}"):
                depth = max(depth - 1, 0)
                if out and out[-1] == ",":
                    out.pop()
            out.append(text)
        else:
            out.append(text)
    return out


def body_size(stream: list[str]) -> int:
    """The number of tokens after the first statement (a definition's `def` or `class` line, its
    signature however annotated): how much code the answer itself is."""
    return len(stream) - stream.index(";") - 1 if ";" in stream else 0


def _local(run: Iterable[str]) -> str:
    """A run of tokens with its placeholders renumbered by first appearance within it."""
    names: dict[str, str] = {}
    parts = []
    for token in run:
        if token.startswith(PLACEHOLDER) and token[1:].isdigit():
            token = names.setdefault(token, f"{PLACEHOLDER}{len(names)}")
        parts.append(token)
    return " ".join(parts)


def kgrams(stream: list[str], k: int = K) -> list[int]:
    """The hash of every run of `k` consecutive tokens, in order (one run when the stream is
    shorter than `k`, none when it is empty)."""
    runs = [stream[i : i + k] for i in range(max(len(stream) - k + 1, 1))] if stream else []
    return [
        int.from_bytes(hashlib.blake2b(_local(run).encode(), digest_size=8).digest(), "big")
        for run in runs
    ]


def winnow(hashes: list[int], window: int = WINDOW) -> set[int]:
    """The fingerprints of a hash sequence: the smallest hash of every `window` consecutive ones
    (all of a sequence shorter than a window: its smallest)."""
    if not hashes:
        return set()
    if len(hashes) <= window:
        return {min(hashes)}
    return {min(hashes[i : i + window]) for i in range(len(hashes) - window + 1)}


def fingerprints(source: str, base: set[int] = frozenset()) -> set[int]:
    """The winnowed fingerprints of `source`, leaving out every k-gram of `base` (the release's
    stub and the kit's reference, whose code is nobody's own)."""
    return winnow([h for h in kgrams(tokens(source)) if h not in base])


class _Plain(ast.NodeTransformer):
    """Docstrings and annotations out."""

    def _body(self, node: ast.AST) -> ast.AST:
        self.generic_visit(node)
        body = node.body
        first = body[0] if body else None
        docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        if docstring and isinstance(first.value.value, str):
            node.body = body[1:] or [ast.Pass()]
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.returns = None
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            arg.annotation = None
        for arg in (node.args.vararg, node.args.kwarg):
            if arg is not None:
                arg.annotation = None
        return self._body(node)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = _body

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is None:
            return ast.Pass()
        return ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)


def canonical(source: str, target: str) -> list[str] | None:
    """The normalised tokens of the top-level definition of `target` in `source`, without
    docstrings and annotations; None when `source` does not parse or does not define it."""
    text = python_source(textwrap.dedent(source))
    try:
        tree = ast.parse(text or "")
        defined = [
            node
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.name == target
        ]
        if not defined:
            return None
        node = _Plain().visit(defined[-1])
        node.decorator_list = []
        return tokens(ast.unparse(ast.fix_missing_locations(node)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # not Python, or nested beyond what the parser or the unparser take
