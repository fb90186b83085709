"""The grader's static "from scratch" judge: it reads the student's code and runs none of it.

The kernel records what a graded call reaches (`autograder.harvest`), and code in the same kernel can
blind that record. This module judges the source instead, in the grader's process, with `ast` only:

- (a) in the code reachable from the exercise's target (its def or class and, transitively, the
  notebook's functions, classes and names it refers to): a forbidden torch API reached by name or
  attribute, the `@` operator where `__matmul__` is forbidden, the exercise's reference or a
  forbidden d2lkit module used or imported;
- (b) anywhere in the student's code, since it acts kernel-wide: what could blind the record or reach
  the grader — names computed at run time and looked up on torch, d2lkit, autograder or sys;
  `eval`/`exec`/`compile`/`__import__`, `importlib`, `builtins`; profilers and tracers; torch's
  dispatch internals; `autograder` beyond `from autograder import check`; attributes of those modules
  replaced; dunder and frame poking.

`student_cells` tells the student's cells from the release's; `scan` returns `Finding`s.
"""

from __future__ import annotations

import ast
import builtins
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from autograder.scratch_rules import Rules, constant_str

Cells = Sequence[tuple[int, str]]


@dataclass(frozen=True)
class Finding:
    """One construct the exercise does not allow: where it is and why, in words."""

    cell: int
    line: int
    source: str
    reason: str

    def __str__(self) -> str:
        return f"cell {self.cell}, line {self.line}: {self.source.strip()}\n  {self.reason}"


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.splitlines()).strip("\n")


def student_cells(submitted: list[str], given: list[str]) -> list[tuple[int, str]]:
    """The student's own code: (index in `submitted`, source) of every non-blank code cell that is not,
    up to trailing whitespace, the source of a cell of the release (`given`)."""
    released = {_normal(source) for source in given}
    return [
        (i, source)
        for i, source in enumerate(submitted)
        if _normal(source) and _normal(source) not in released
    ]


def scan(
    cells: Cells,
    *,
    target: str,
    forbidden: Sequence[str],
    reference: str,
    given: Cells = (),
) -> list[Finding]:
    """What in the student's `cells` (index, source) breaks the exercise's "from scratch" rule.

    `forbidden` is `Exercise.forbidden` (torch function names, or dotted d2lkit names), `reference` the
    qualified name of the exercise's reference (`d2lkit.linear.softmax`). `given` are the notebook's
    other code cells (index, source): read to follow the target through given code (a wrapper the
    check calls) and to know the notebook's imports, never reported. Cells that do not parse (after
    IPython's magics are blanked) are skipped: they fail at run time anyway.
    """
    notebook = _notebook(
        tuple((i, s, True) for i, s in cells) + tuple((i, s, False) for i, s in given)
    )
    rules = Rules(notebook, tuple(forbidden), reference)
    found = rules.reachable(target) + rules.blinding()
    unique = {(f.cell, f.line, f.reason): f for f in found}
    return sorted(unique.values(), key=lambda f: (f.cell, f.line, f.reason))


# IPython: cell magics whose body is Python, line magics whose argument is a statement
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}
_STATEMENT_MAGIC = re.compile(r"^(\s*)%(?:time|timeit|prun|debug)\b(?:\s+-\w+(?:\s+\d+)?)*\s+")
_MAGIC_ASSIGNMENT = re.compile(r"^(\s*[\w.\[\], ]+=\s*)[%!].*$")


def python_source(source: str) -> str | None:
    """`source` with IPython's syntax blanked, line for line (`%`, `!`, `x = !ls`, `obj?`), or None
    for a cell magic whose body is not Python (`%%bash`)."""
    lines = source.splitlines()
    out = []
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if number == 0 and stripped.startswith("%%"):
            if stripped[2:].split(maxsplit=1)[:1] not in ([m] for m in _PYTHON_CELL_MAGICS):
                return None
            out.append("")
        elif match := _STATEMENT_MAGIC.match(line):
            out.append(match.group(1) + line[match.end() :])
        elif stripped.startswith(("%", "!")) or (stripped.endswith("?") and stripped[:1] != "#"):
            out.append(indent + "pass")
        elif match := _MAGIC_ASSIGNMENT.match(line):
            out.append(match.group(1) + "None")
        else:
            out.append(line)
    return "\n".join(out)


@functools.lru_cache(maxsize=4096)
def _parse(source: str) -> ast.Module | None:
    text = python_source(source)
    if text is None:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


@dataclass(frozen=True)
class Cell:
    index: int
    lines: tuple[str, ...]
    tree: ast.Module
    student: bool

    def finding(self, node: ast.AST, reason: str) -> Finding:
        line = getattr(node, "lineno", 1)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Finding(self.index, line, text.strip(), reason)


@dataclass(frozen=True)
class Binding:
    """A module-level name's definition: a def, a class, an assignment, an import or a mutation."""

    cell: Cell
    node: ast.AST


class Notebook:
    """The parsed cells, with what the judge needs to resolve names: module-level bindings, every
    name's origins (`F` -> `torch.nn.functional`), and the attribute names the notebook defines."""

    def __init__(self, cells: tuple[tuple[int, str, bool], ...]) -> None:
        self.cells: list[Cell] = []
        for index, source, student in sorted(cells, key=lambda c: c[0]):
            tree = _parse(source)
            if tree is not None:
                self.cells.append(Cell(index, tuple(source.splitlines()), tree, student))
        self.bindings: dict[str, list[Binding]] = {}
        self.mutations: dict[str, list[Binding]] = {}
        self.defined: set[str] = set()
        self.origins: dict[str, set[str]] = {}
        self.given_only: dict[str, set[str]] = {}  # origins only the release's cells bring in
        self._student_origins: dict[str, set[str]] = {}
        self.stars: set[str] = set()
        self.attributes: set[str] = set()
        self.parents: dict[int, ast.AST] = {}
        for cell in self.cells:
            for statement in _module_level(cell.tree.body):
                self._bind(cell, statement)
            for node in ast.walk(cell.tree):
                for child in ast.iter_child_nodes(node):
                    self.parents[id(child)] = node
                self._note(node, cell.student)
        for _ in range(3):  # aliases of aliases: `nn = torch.nn`, then `F = nn.functional`
            for cell in self.cells:
                for node in ast.walk(cell.tree):
                    if isinstance(node, ast.Assign) and len(node.targets) == 1:
                        self._alias(node.targets[0], node.value, cell.student)
        for name, gifts in self.given_only.items():
            last = max(
                (
                    (
                        b.cell.index,
                        b.cell.student and not isinstance(b.node, ast.Import | ast.ImportFrom),
                    )
                    for b in self.bindings.get(name, [])
                ),
                default=(0, False),
            )
            if (
                gifts and last[1]
            ):  # the student's own definition, run last, replaces the release's import
                self.origins[name] -= gifts

    def _bind(self, cell: Cell, statement: ast.stmt) -> None:
        names: list[str] = []
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [statement.name]
            self.defined.add(statement.name)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in statement.names]
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        names.append(node.id)
                        self.defined.add(node.id)
                    elif isinstance(node, (ast.Attribute, ast.Subscript)):
                        base = _base_name(node)
                        if base:
                            self.mutations.setdefault(base, []).append(Binding(cell, statement))
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            if _called_name(call) in {"setattr", "delattr"} and call.args:
                base = _base_name(call.args[0])
                if base:
                    self.mutations.setdefault(base, []).append(Binding(cell, statement))
        for name in names:
            self.bindings.setdefault(name, []).append(Binding(cell, statement))

    def _origin(self, name: str, origins: set[str], student: bool) -> None:
        self.origins.setdefault(name, set()).update(origins)
        if student:
            self._student_origins.setdefault(name, set()).update(origins)
        self.given_only[name] = self.origins[name] - self._student_origins.get(name, set())

    def _note(self, node: ast.AST, student: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                self._origin(alias.asname or top, {alias.name if alias.asname else top}, student)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if alias.name == "*":
                    self.stars.add(node.module)
                else:
                    name = alias.asname or alias.name
                    self._origin(name, {f"{node.module}.{alias.name}"}, student)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            self.attributes.add(node.attr)
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.attributes.add(statement.name)
                elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                    targets = (
                        statement.targets
                        if isinstance(statement, ast.Assign)
                        else [statement.target]
                    )
                    self.attributes.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.defined.add(node.name)

    def _alias(self, target: ast.AST, value: ast.AST, student: bool) -> None:
        if isinstance(target, ast.Name):
            found = self.resolve(value)
            if found:
                self._origin(target.id, found, student)

    def resolve(self, node: ast.AST) -> set[str]:
        """The dotted origins an expression may stand for (`F.relu` -> {`torch.nn.functional.relu`}),
        empty when it is not reached from an import (a local tensor, `self.net`)."""
        if isinstance(node, ast.Name):
            found = set(self.origins.get(node.id, ()))
            if not found and node.id not in self.defined and not hasattr(builtins, node.id):
                found = {f"{star}.{node.id}" for star in self.stars}
            return found
        if isinstance(node, ast.Attribute):
            return {f"{o}.{node.attr}" for o in self.resolve(node.value)}
        if isinstance(node, ast.Call) and _called_name(node) == "getattr" and len(node.args) >= 2:
            name = constant_str(node.args[1])
            return {f"{o}.{name}" for o in self.resolve(node.args[0])} if name else set()
        if isinstance(node, ast.Call) and _called_name(node) == "type" and len(node.args) == 1:
            return {"<type>"}
        return set()

    def resolve_import(
        self, node: ast.Import | ast.ImportFrom, name: str | None = None
    ) -> set[str]:
        """The dotted names an import brings in (`from torch import nn` -> {`torch.nn`}), or only
        the one it binds to `name`."""
        if isinstance(node, ast.ImportFrom) and (node.level or not node.module):
            return set()
        found = set()
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            if name is None or bound == name or alias.name == "*":
                if isinstance(node, ast.Import):
                    found.add(alias.name)
                else:
                    found.add(node.module if alias.name == "*" else f"{node.module}.{alias.name}")
        return found

    def is_builtin(self, node: ast.AST, names: Iterable[str]) -> str | None:
        """The builtin `node` names (`eval`, `builtins.getattr`), if it is one of `names`."""
        own = isinstance(node, ast.Name) and (node.id in self.defined or node.id in self.origins)
        if isinstance(node, ast.Name) and node.id in names and not own:
            return node.id
        for origin in self.resolve(node):
            head, _, name = origin.rpartition(".")
            if head == "builtins" and name in names:
                return name
        return None


def _module_level(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """The statements of a module's body, through `if`/`try`/`with`/loops but not into defs."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            for field in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(statement, field, []))
            for handler in getattr(statement, "handlers", []):
                yield from _module_level(handler.body)


def _base_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


@functools.lru_cache(maxsize=64)
def _notebook(cells: tuple[tuple[int, str, bool], ...]) -> Notebook:
    return Notebook(cells)
