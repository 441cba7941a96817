"""Load downloaded `torch.save` files without ever executing pickled code."""

from __future__ import annotations

from pathlib import Path

import numpy as np


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
    with torch.serialization.safe_globals(allowed):
        return torch.load(path, weights_only=True, map_location="cpu")
