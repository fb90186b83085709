"""Plausible wrong implementations of the chapter-7 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).
The networks are written out in full: a mutant that called d2lkit would be refused for that alone.

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import alexnet, batch_norm, densenet, googlenet, nin, resnet, vgg

MUTANTS = {
    **alexnet.MUTANTS,
    **vgg.MUTANTS,
    **nin.MUTANTS,
    **googlenet.MUTANTS,
    **batch_norm.MUTANTS,
    **resnet.MUTANTS,
    **densenet.MUTANTS,
}
