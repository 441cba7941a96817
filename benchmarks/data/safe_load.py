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
