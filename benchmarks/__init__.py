"""Data layer: verified public tables, one vectorised query API, devices and the evaluation protocol.

    >>> import benchmarks
    >>> nb201 = benchmarks.load("nb201")
    >>> nb201.query([0, 1], "latency", device="pixel3")
"""

from __future__ import annotations

from benchmarks.errors import ModnasBenchError, UnknownBenchmarkError


def _load_nb201(rebuild: bool = False):
    from benchmarks.nb201 import load_nb201

    return load_nb201(rebuild=rebuild)


def _load_ofa(rebuild: bool = False):
    from benchmarks.ofa import load_ofa

    return load_ofa(rebuild=rebuild)


def _hat_loader(task: str):
    def load_hat_task(rebuild: bool = False):
        from benchmarks.hat import load_hat

        return load_hat(task, rebuild=rebuild)

    return load_hat_task


# "hat" is WMT'14 En-De (the MODNAS setting); "hat-wmt14enfr" selects En-Fr.
LOADERS = {
    "nb201": _load_nb201,
    "ofa": _load_ofa,
    "hat": _hat_loader("wmt14ende"),
    "hat-wmt14ende": _hat_loader("wmt14ende"),
    "hat-wmt14enfr": _hat_loader("wmt14enfr"),
}


def available() -> tuple[str, ...]:
    return tuple(LOADERS)


def load(name: str, rebuild: bool = False):
    """The benchmark `name`, fetching and building its data on first use."""
    try:
        loader = LOADERS[name]
    except KeyError:
        raise UnknownBenchmarkError(name, LOADERS) from None
    return loader(rebuild=rebuild)


__all__ = ["LOADERS", "ModnasBenchError", "available", "load"]
