"""The runs of `d2lkit train`, one module per kind of run.

`spec` describes a run (`ModelSpec`, `TrainConfig`, `Report`) and builds its metrics; each other
module trains one kind of model: `classifier` (images, chapters 3-7), `kfold` (k-fold regression,
4.10), `language_model` (the characters of The Time Machine, 8.5-9.4), `seq2seq` (translation,
9.7), `airfoil` (one optimiser on the airfoil regression, 11.5-11.10) and `scheduled` (a
classifier under a learning-rate schedule, 11.11). A model's `ModelSpec.kind` picks its runner
from `RUNNERS`. To add a kind of run, write its module with a `run(spec, config) -> Report` and
list it here.
"""

from __future__ import annotations

from collections.abc import Callable

from d2lkit.errors import D2lkitError
from d2lkit.runs import airfoil, classifier, kfold, language_model, scheduled, seq2seq
from d2lkit.runs.spec import ModelSpec, Report, TrainConfig

__all__ = ["RUNNERS", "ModelSpec", "Report", "TrainConfig", "train"]

RUNNERS: dict[str, Callable[[ModelSpec, TrainConfig], Report]] = {
    "image-classifier": classifier.run,
    "k-fold-regression": kfold.run,
    "language-model": language_model.run,
    "seq2seq": seq2seq.run,
    "optimizer-regression": airfoil.run,
    "scheduled-classifier": scheduled.run,
}


def train(spec: ModelSpec, config: TrainConfig) -> Report:
    """Run `spec` under `config` with the runner of its kind."""
    try:
        runner = RUNNERS[spec.kind]
    except KeyError:
        raise D2lkitError(
            f"model {spec.name!r} is of kind {spec.kind!r}; the runners: {', '.join(RUNNERS)}"
        ) from None
    return runner(spec, config)
