"""Load downloaded `torch.save` files without ever executing pickled code."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from benchmarks.errors import DataError


def load_torch_file(path: Path):
    """`torch.load(weights_only=True)` with exactly the numpy types HELP's files contain allowed.

    `ofa_archs.pt` stores numpy int64 scalars (pickled under numpy 1's module name), so the scalar
    reconstructor and the int64 dtype are allow-listed; nothing else is.
    """
    import torch  # heavy; only builders need it

    allowed = [
        (np._core.multiarray.scalar, "numpy.core.multiarray.scalar"),
        np.dtype,
        np.dtypes.Int64DType,
    ]
    try:
        with torch.serialization.safe_globals(allowed):
            return torch.load(path, weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as exc:
        reason = str(exc).split("\n\n")[1] if "\n\n" in str(exc) else str(exc)
        raise DataError(
            f"refusing to load {path}: it holds pickled objects other than plain data and numpy scalars "
            f"({reason.strip()}); downloaded files are never unpickled with code execution"
        ) from None


class _PlainDataUnpickler(pickle.Unpickler):
    """Rebuilds only containers, numbers, strings and numpy arrays; any other global is refused."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"global {module}.{name} is not plain data")
        return getattr(np, name) if module == "numpy" else getattr(np._core.multiarray, name)


def load_plain_pickle(path: Path):
    """Read a plain-data pickle (e.g. HW-NAS-Bench's) without executing any pickled code."""
    try:
        with open(path, "rb") as handle:
            return _PlainDataUnpickler(handle).load()
    except pickle.UnpicklingError as exc:
        raise DataError(f"refusing to load {path}: {exc}; downloaded files are never unpickled with code execution") from None
