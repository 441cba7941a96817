"""The plug-in point for the accuracy side of OFA and HAT (and any space without a shipped table).

OFA's ImageNet accuracy and HAT's BLEU need supernets and data sets that cannot ship, so the suite
never invents them. A user who has them supplies an *accuracy evaluator*:

    class MyOFAImageNet:                      # any object with these members
        name = "ofa-mbv3-imagenet-supernet"   # recorded in provenance
        space = "ofa"                         # the space it scores: "ofa", "hat-wmt14ende", ...
        dataset = "imagenet"                  # what the accuracy is measured on
        def evaluate(self, encodings: np.ndarray) -> np.ndarray:
            '''(N, n_features) encodings of the space -> (N,) accuracy in % (higher is better).'''

and passes it where a surrogate benchmark is made, or registers it once per process:

    bench = surrogates.load("ofa-surrogate", accuracy=MyOFAImageNet())
    # or
    surrogates.accuracy.register(MyOFAImageNet());  bench = surrogates.load("ofa-surrogate")

The benchmark then offers the metrics "accuracy" and "error" (= 100 - accuracy) next to latency,
so `bench.task(device)` and the search/baselines work on it. Evaluations are memoised per distinct
encoding (`MemoisedEvaluator`), since a real evaluator is costly, and every result is checked
(shape, finite, within [0, 100]) before it enters a table.

For HAT, "accuracy" can be BLEU (also a higher-is-better percentage); say so in `dataset`/`name`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from benchmarks.errors import ModnasBenchError, QueryError


class AccuracyEvaluatorError(ModnasBenchError):
    """An accuracy evaluator is missing, malformed, or returned something that is not an accuracy."""


@runtime_checkable
class AccuracyEvaluator(Protocol):
    name: str
    space: str
    dataset: str

    def evaluate(self, encodings: np.ndarray) -> np.ndarray: ...


_REGISTRY: dict[str, AccuracyEvaluator] = {}


def check_evaluator(evaluator, space: str) -> AccuracyEvaluator:
    if not isinstance(evaluator, AccuracyEvaluator):
        missing = [m for m in ("name", "space", "dataset", "evaluate") if not hasattr(evaluator, m)]
        raise AccuracyEvaluatorError(
            f"{type(evaluator).__name__} is not an accuracy evaluator: it lacks {', '.join(missing)} "
            "(see surrogates.accuracy for the interface)"
        )
    if evaluator.space != space:
        raise AccuracyEvaluatorError(f"evaluator {evaluator.name!r} scores space {evaluator.space!r}, not {space!r}")
    return evaluator


def register(evaluator: AccuracyEvaluator) -> None:
    """Make `evaluator` the default accuracy of its space for surrogate benchmarks made afterwards."""
    _REGISTRY[evaluator.space] = check_evaluator(evaluator, evaluator.space)


def unregister(space: str) -> None:
    _REGISTRY.pop(space, None)


def registered(space: str) -> AccuracyEvaluator | None:
    return _REGISTRY.get(space)


class MemoisedEvaluator:
    """Wraps an evaluator: validates its output and evaluates each distinct encoding once."""

    def __init__(self, evaluator: AccuracyEvaluator, space: str):
        self.inner = check_evaluator(evaluator, space)
        self.name, self.space, self.dataset = evaluator.name, evaluator.space, evaluator.dataset
        self._cache: dict[bytes, float] = {}

    def evaluate(self, encodings: np.ndarray) -> np.ndarray:
        encodings = np.ascontiguousarray(encodings, dtype=np.float64)
        if encodings.ndim != 2:
            raise QueryError(f"accuracy evaluation needs an (N, n_features) encoding array, got {encodings.shape}")
        keys = [row.tobytes() for row in encodings]
        todo = {k: i for i, k in enumerate(keys) if k not in self._cache}  # first row of each new encoding
        if todo:
            rows = np.array(list(todo.values()))
            values = np.asarray(self.inner.evaluate(encodings[rows]), dtype=np.float64)
            if values.shape != (len(rows),) or not np.isfinite(values).all() or (values < 0).any() or (values > 100).any():
                raise AccuracyEvaluatorError(
                    f"evaluator {self.name!r} must return {len(rows)} finite accuracies in [0, 100] %, "
                    f"got shape {values.shape}"
                    + (f", range [{values.min():g}, {values.max():g}]" if values.size and np.isfinite(values).all() else "")
                )
            self._cache.update(zip(todo, values.tolist()))
        return np.array([self._cache[k] for k in keys])

    @property
    def n_evaluated(self) -> int:
        return len(self._cache)
