"""Downloaded .pt files are read with weights_only: pickled code is refused, HELP's numpy scalars allowed."""

import numpy as np
import pytest
import torch

from benchmarks.data import load_manifest, raw_path
from benchmarks.data.safe_load import load_torch_file
from benchmarks.errors import DataError


class _Payload:
    def __reduce__(self):
        import os

        return (os.system, ("echo pwned > /dev/null",))


def test_pickled_code_is_refused(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"x": _Payload()}, path)
    with pytest.raises(DataError, match="refusing to load .*evil.pt.*posix.system"):
        load_torch_file(path)


def test_ofa_archs_with_numpy_scalars_load(nb201):
    manifest = load_manifest()
    from benchmarks.data import ensure

    path = ensure([manifest["ofa/archs"]])["ofa/archs"]
    archs = load_torch_file(path)["arch"]
    assert len(archs) == 5000 and isinstance(archs[0]["r"], np.integer)
    assert raw_path(manifest["ofa/archs"]) == path
