"""Typed errors of the suite. Every message says what was wrong and what would have been valid."""

from __future__ import annotations

from collections.abc import Iterable


class ModnasBenchError(Exception):
    """Base class of every error the suite raises on purpose."""


# --- data pipeline ----------------------------------------------------------------------------


class DataError(ModnasBenchError):
    """Something is wrong with a data artifact, the manifest or the cache."""


class ManifestError(DataError):
    """The data manifest is malformed or does not name what was asked for."""


class ChecksumMismatchError(DataError):
    """A file's content is not the content the manifest pins."""

    def __init__(self, name: str, path: str, algorithm: str, expected: str, actual: str, detail: str = ""):
        self.name, self.path, self.algorithm = name, path, algorithm
        self.expected, self.actual = expected, actual
        message = (
            f"checksum mismatch for artifact {name!r} ({path}): "
            f"expected {algorithm} {expected}, got {actual}"
        )
        if detail:
            message += f" ({detail})"
        super().__init__(message)


class DataUnavailableError(DataError):
    """An artifact could be neither downloaded nor found in the local mirror."""


class BuildError(DataError):
    """Raw files were valid but could not be turned into a benchmark."""


# --- queries ----------------------------------------------------------------------------------


def _listing(valid: Iterable[str]) -> str:
    return ", ".join(str(v) for v in valid)


class QueryError(ModnasBenchError, ValueError):
    """A query asked for something the benchmark does not have."""


class UnknownNameError(QueryError):
    kind = "name"

    def __init__(self, name: object, valid: Iterable[str], context: str = ""):
        self.name, self.valid = name, tuple(valid)
        where = f" {context}" if context else ""
        super().__init__(f"unknown {self.kind} {name!r}{where}; valid: {_listing(self.valid)}")


class UnknownBenchmarkError(UnknownNameError):
    kind = "benchmark"


class UnknownDeviceError(UnknownNameError):
    kind = "device"


class UnknownMetricError(UnknownNameError):
    kind = "metric"


class UnknownDatasetError(UnknownNameError):
    kind = "dataset"


class ArchitectureError(QueryError):
    """A malformed architecture string, a bad op matrix or an out-of-range index."""
