"""The exercises of each chapter, as data: `chNN.py`, or a package `chNN/` with one module per
section whose `__init__.py` gathers their `EXERCISES` in the book's order (`autograder.registry`
reads only a chapter's top-level `EXERCISES`). A chapter imports no other chapter: what several
chapters share lives beside `autograder/compare.py` (`networks`, `hints`, `strategies`)."""
