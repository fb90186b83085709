"""Plausible wrong implementations of the chapter-12 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import multi_gpu, ring

MUTANTS = {**multi_gpu.MUTANTS, **ring.MUTANTS}
