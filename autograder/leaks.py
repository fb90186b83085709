"""No answer in a given cell: a released notebook's given code must not contain a graded solution.

A *given* cell is a code cell of `assignments/chNN/*.ipynb` that is neither an nbgrader solution cell
nor a grade cell: the imports, helpers and demos a student receives. An *answer* is one solution
region (the statements between `### BEGIN SOLUTION` and `### END SOLUTION`) of a solution cell of
`solutions/chNN/*.ipynb`: the same chapter's notebooks, the given notebook's own included. A class
with several regions (`__init__` and `forward`) has several answers; each one counts alone.

Normalisation: code is compared as statements, so that layout, comments, docstrings, annotations and
the names a solution chooses for itself do not hide a copy.
- Both sides are parsed with `ast`; a statement that is a bare string (a docstring) is dropped, and
  every annotation is erased.
- A name is *local* when its scope binds it: the arguments and assigned names (targets of `=`,
  `for`, `with ... as`, comprehensions, `except ... as`) of the enclosing function, or, outside any
  function, every name of the cell but the notebook's globals (the builtins, and the names any of
  its cells imports or defines with `def` or `class`), since a cell's variables are often bound in
  an earlier cell. A lambda or a function nested in a function adds its own to the enclosing
  scope's locals (a closure). In a method, the class's *own attributes* (those its methods store
  on their first argument: `self.hidden = ...`) are the class's choice of names too.
- Locals are renamed `_0`, `_1`, ..., own attributes `_0`, `_1`, ... in their own series, each in
  order of first use within the compared statements. Every other name (`torch`, `corr2d`, `sum`)
  and every other attribute (`X.shape`, `nn.Linear`) stays as it is.

The rule: a given cell leaks an answer when some run of consecutive statements of one of its
statement lists (a module, function, class, loop or branch body, at any depth) equals, statement
for statement after normalisation,
- the whole answer, if the answer has at least `MIN_NODES` syntax nodes (contexts not counted):
  `return X` (2 nodes) or `return torch.relu(X)` (5) are everybody's, while
  `return torch.max(X, torch.zeros_like(X))` (9) is already the whole of 4.1's `relu`; or
- a part of it (consecutive statements of one region) of at least `FRAGMENT_NODES`: the double
  loop of 6.2's `corr2d` (42 nodes) gives the exercise away without its first and last lines,
  while a shared helper such as `def normal(shape): return torch.randn(...) * 0.01` (14) does not.
The answer may sit inside more code: a longer function that contains it still gives it away. A
given helper that needs an earlier exercise uses a torch built-in or imports d2lkit.
"""

from __future__ import annotations

import ast
import builtins
import copy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import registry

MIN_NODES = 8
"""The smallest whole answer looked for, in syntax nodes (`ast.expr_context` nodes not counted)."""
FRAGMENT_NODES = 20
"""The smallest part of an answer looked for, in the same nodes."""

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_MAGIC = re.compile(r"^\s*[%!]", re.MULTILINE)


@dataclass(frozen=True)
class Answer:
    """One solution region, or a part of one: the exercise it answers, the solution notebook it
    comes from, and its normalised statements."""

    exercise: str
    notebook: str
    statements: tuple[str, ...]
    whole: bool = True

    def describe(self) -> str:
        return f"{'' if self.whole else 'part of '}{self.exercise} ({self.notebook})"


def _parse(source: str) -> ast.Module | None:
    """The cell's syntax tree; None for a cell Python cannot parse (IPython magics, shell lines)."""
    try:
        return ast.parse(_MAGIC.sub("#", source))
    except SyntaxError:
        return None


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _bound(scope: ast.AST) -> frozenset[str]:
    """The names `scope` binds: its arguments and the names it stores or deletes."""
    names = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return frozenset(names)


@dataclass(frozen=True)
class Scope:
    """What normalisation renames in a scope: its locals, and in a method, the attributes its class
    stores on the method's first argument (`self.hidden = ...`: the class's own names)."""

    locals: frozenset[str]
    self_name: str | None = None
    own: frozenset[str] = frozenset()


def _own_attributes(cls: ast.ClassDef) -> frozenset[str]:
    """The attributes a class's methods store on their first argument."""
    names = set()
    for method in cls.body:
        if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.args.args:
            first = method.args.args[0].arg
            for node in ast.walk(method):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == first
                ):
                    names.add(node.attr)
    return frozenset(names)


def notebook_globals(sources: Iterable[str]) -> frozenset[str]:
    """The names a notebook's cells share: the builtins, and what any cell imports or defines."""
    names = set(dir(builtins))
    for tree in filter(None, map(_parse, sources)):
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
    return frozenset(names)


def _module_locals(tree: ast.Module, globals_: frozenset[str]) -> frozenset[str]:
    """Outside any function, every name but the notebook's globals: a cell's variables (`X`, `K`)
    are often bound by an earlier cell."""
    return (
        frozenset(
            n.id if isinstance(n, ast.Name) else n.arg
            for n in ast.walk(tree)
            if isinstance(n, (ast.Name, ast.arg))
        ).union(_bound(tree))
        - globals_
    )


def _bodies(tree: ast.Module, globals_: frozenset[str]) -> Iterator[tuple[list[ast.stmt], Scope]]:
    """Every statement list in the tree, docstrings dropped, with its scope."""

    def visit(node: ast.AST, scope: Scope, cls: ast.ClassDef | None, nested: bool) -> Iterator:
        if isinstance(node, ast.Lambda) or (nested and isinstance(node, _SCOPES)):
            # a closure: what it reads from the enclosing scope is local there
            scope = Scope(scope.locals | _bound(node), scope.self_name, scope.own)
        elif isinstance(node, _SCOPES):
            method = cls is not None and node.args.args
            scope = Scope(
                _bound(node),
                node.args.args[0].arg if method else None,
                _own_attributes(cls) if method else frozenset(),
            )
        nested = nested or isinstance(node, _SCOPES)
        cls = node if isinstance(node, ast.ClassDef) else None
        for _, field in ast.iter_fields(node):
            if isinstance(field, list) and field and isinstance(field[0], ast.stmt):
                yield [s for s in field if not _is_docstring(s)], scope
            for child in field if isinstance(field, list) else [field]:
                if isinstance(child, ast.AST):
                    yield from visit(child, scope, cls, nested)

    yield from visit(tree, Scope(_module_locals(tree, globals_)), None, False)


class _Normaliser(ast.NodeTransformer):
    """Renames locals in order of first use, erases annotations and docstrings."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.names: dict[str, str] = {}
        self.attributes: dict[str, str] = {}

    def _rename(self, name: str) -> str:
        if name not in self.scope.locals:
            return name
        return self.names.setdefault(name, f"_{len(self.names)}")

    def visit_Attribute(self, node: ast.Attribute) -> ast.Attribute:
        if (
            isinstance(node.value, ast.Name)
            and node.value.id == self.scope.self_name
            and node.attr in self.scope.own
        ):
            node.attr = self.attributes.setdefault(node.attr, f"_{len(self.attributes)}")
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self._rename(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg, node.annotation = self._rename(node.arg), None
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        node.name = node.name and self._rename(node.name)
        return self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.returns = None
        node.body = [s for s in node.body if not _is_docstring(s)] or [ast.Pass()]
        return self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AnnAssign:
        node.annotation = ast.Constant(None)
        return self.generic_visit(node)


def normalise(statements: list[ast.stmt], scope: Scope) -> tuple[str, ...]:
    """The statements as compared: one `ast.dump` each, locals renamed in order of first use."""
    normaliser = _Normaliser(scope)
    fresh = [normaliser.visit(copy.deepcopy(s)) for s in statements]
    return tuple(ast.dump(s, annotate_fields=False) for s in fresh)


def size(statements: list[ast.stmt]) -> int:
    """Syntax nodes in the statements, contexts (`Load`, `Store`) not counted."""
    return sum(1 for s in statements for n in ast.walk(s) if not isinstance(n, ast.expr_context))


def _regions(source: str) -> list[tuple[int, int]]:
    """(first, last) line numbers, 1-based, strictly inside each BEGIN/END pair of a cell."""
    found, start = [], None
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip() == BEGIN:
            start = number
        elif line.strip() == END and start is not None:
            found.append((start + 1, number - 1))
            start = None
    return found


def cell_answers(source: str, globals_: frozenset[str]) -> list[tuple[list[ast.stmt], Scope]]:
    """A solution cell's answers: each region's statements, with their scope. `globals_`: the
    solution notebook's (`notebook_globals`)."""
    tree = _parse(source)
    if tree is None:
        return []
    found = []
    for first, last in _regions(source):
        for body, scope in _bodies(tree, globals_):
            inside = [s for s in body if first <= s.lineno and s.end_lineno <= last]
            if inside:
                found.append((inside, scope))
                break
    return found


def _exercises_by_cell(nb: nbformat.NotebookNode, notebook: str) -> dict[str, list[str]]:
    """Solution cell grade id → the exercises it answers: the exercise named after the cell's
    definition, else the one whose grade cell follows it (as `tests/helpers.py` counts them)."""
    exercises = {e.grade_id: e for e in registry.for_notebook(notebook)}
    chapter = next(iter(exercises.values())).chapter if exercises else ""
    solution_ids = {
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    found: dict[str, list[str]] = {}
    last = None
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            last = meta["grade_id"]
        elif meta.get("grade") and meta["grade_id"] in exercises:
            exercise = exercises[meta["grade_id"]]
            named = f"{chapter}-{exercise.target}-solution"
            found.setdefault(named if named in solution_ids else last, []).append(exercise.id)
    return found


def _runs(statements: list[ast.stmt], scope: Scope) -> Iterator[tuple[tuple[str, ...], bool]]:
    """The normalised runs of an answer looked for: the whole (from `MIN_NODES`), and each proper
    run of consecutive statements (from `FRAGMENT_NODES`); (statements, whole)."""
    n = len(statements)
    if size(statements) >= MIN_NODES:
        yield normalise(statements, scope), True
    for start in range(n):
        for stop in range(start + 1, n + 1):
            part = statements[start:stop]
            if stop - start < n and size(part) >= FRAGMENT_NODES:
                yield normalise(part, scope), False


def answers(solutions: Path) -> list[Answer]:
    """What the given cells of one chapter (`solutions/chNN`) are searched for."""
    found = []
    for path in sorted(solutions.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        by_cell = _exercises_by_cell(nb, path.stem)
        globals_ = notebook_globals(c.source for c in nb.cells if c.cell_type == "code")
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("solution"):
                continue
            exercise = ", ".join(by_cell.get(meta["grade_id"], [meta["grade_id"]]))
            found += solution_answers(cell.source, exercise, path.stem, globals_)
    return found


def solution_answers(
    source: str, exercise: str, notebook: str, globals_: frozenset[str]
) -> list[Answer]:
    """What one solution cell's regions are searched for in given cells."""
    return [
        Answer(exercise, notebook, run, whole)
        for statements, scope in cell_answers(source, globals_)
        for run, whole in _runs(statements, scope)
    ]


def given_leaks(source: str, answers: list[Answer], globals_: frozenset[str]) -> list[Answer]:
    """The answers one given cell's code contains: one per exercise, a whole one before a part.
    `globals_`: the released notebook's (`notebook_globals`)."""
    tree = _parse(source)
    by_statements: dict[tuple[str, ...], list[Answer]] = {}
    for answer in answers:
        by_statements.setdefault(answer.statements, []).append(answer)
    lengths = sorted({len(a.statements) for a in answers})
    found: dict[str, Answer] = {}
    for body, scope in _bodies(tree, globals_) if tree else ():
        for n in lengths:
            for start in range(len(body) - n + 1):
                for hit in by_statements.get(normalise(body[start : start + n], scope), ()):
                    if hit.exercise not in found or hit.whole:
                        found[hit.exercise] = hit
    return list(found.values())


def is_given(cell: nbformat.NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and not meta.get("solution") and not meta.get("grade")


def check(root: Path) -> list[str]:
    """One line per given cell of a released notebook that gives an answer away."""
    problems = []
    for folder in sorted((root / "assignments").glob("ch*")):
        chapter_answers = answers(root / "solutions" / folder.name)
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            globals_ = notebook_globals(c.source for c in nb.cells if c.cell_type == "code")
            for index, cell in enumerate(nb.cells):
                if not is_given(cell):
                    continue
                for answer in given_leaks(cell.source, chapter_answers, globals_):
                    problems.append(
                        f"{path.relative_to(root)} cell {index} (id {cell.get('id', '?')}) "
                        f"gives away {answer.describe()}"
                    )
    return problems
