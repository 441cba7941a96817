"""XGBoost surrogates of the tables, loaded through the same query interface as a table.

    >>> import surrogates
    >>> bench = surrogates.load("nb201-surrogate")            # trained on 10% of NB201 on first use
    >>> bench.task("pixel3").hv_true                          # same protocol as benchmarks.load("nb201")
    >>> ofa = surrogates.load("ofa-surrogate")                # latency of any valid OFA encoding
    >>> ofa.predict(ofa.space.sample(100_000, seed=0), "latency", device="v100_64")
    >>> surrogates.load("nb201")                              # plain tables are delegated to benchmarks.load

Names: the table names of `benchmarks.available()`, plus "nb201-surrogate", "ofa-surrogate",
"hat-surrogate" (= "hat-wmt14ende-surrogate") and "hat-wmt14enfr-surrogate". Options for surrogate
names: `train_fraction` (nb201 default 0.1, others 0.8), `seed` (0), `root` (model store, default
`data_home()/surrogates`); OFA/HAT also `pool` (None = measured archs, int = that many random ones)
and `accuracy` (an evaluator, see `surrogates.accuracy`). Training: `surrogates.training`; fidelity:
`surrogates.fidelity`; CLI: `modnas-bench surrogate train|eval`.
"""

from __future__ import annotations

import benchmarks
from benchmarks.errors import UnknownBenchmarkError
from surrogates.spaces import ALIASES, SPACES

SUFFIX = "-surrogate"
SURROGATE_NAMES = tuple(f"{space}{SUFFIX}" for space in (*SPACES, *ALIASES))


def available() -> tuple[str, ...]:
    return (*benchmarks.available(), *SURROGATE_NAMES)


def load(name: str, rebuild: bool = False, **options):
    """A benchmark by name: a plain table (delegated to `benchmarks.load`) or a surrogate benchmark."""
    if name in benchmarks.LOADERS:
        if options:
            raise UnknownBenchmarkError(name, available(), f"(table benchmarks take no options, got {sorted(options)})")
        return benchmarks.load(name, rebuild=rebuild)
    if name not in SURROGATE_NAMES:
        raise UnknownBenchmarkError(name, available())
    from surrogates.benchmark import make_surrogate_benchmark

    return make_surrogate_benchmark(name.removesuffix(SUFFIX), **options)


__all__ = ["SURROGATE_NAMES", "available", "load"]
