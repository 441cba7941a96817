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


LOADERS = {"nb201": _load_nb201}


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
