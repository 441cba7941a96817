"""Built benchmark files (HDF5 in the cache): staleness check and atomic writing, shared by all builders."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import h5py
from filelock import FileLock

from benchmarks.data import cache


def is_current(path: Path, builder_version: str, inputs: dict[str, str]) -> bool:
    """True when `path` exists and was built by `builder_version` from exactly these pinned inputs."""
    if not path.is_file():
        return False
    try:
        with h5py.File(path, "r") as h5:
            return h5.attrs.get("builder_version") == builder_version and json.loads(h5.attrs.get("inputs", "{}")) == inputs
    except (OSError, ValueError):
        return False  # unreadable (e.g. a foreign file): rebuild


@contextmanager
def atomic_h5(path: Path, builder_version: str, inputs: dict[str, str]) -> Iterator[h5py.File]:
    """An HDF5 file open for writing that appears at `path` only if the block completes.

    The provenance attributes (`builder_version`, `inputs` = artifact -> checksum) are written too.
    """
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.part-")
    os.close(handle)
    temp = Path(temp_name)
    try:
        with h5py.File(temp, "w") as h5:
            yield h5
            h5.attrs["builder_version"] = builder_version
            h5.attrs["inputs"] = json.dumps(inputs, sort_keys=True)
        os.chmod(temp, 0o644)  # mkstemp makes 0600 files
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def build_once(
    path: Path, builder_version: str, inputs: dict[str, str], manifest, write: Callable[[h5py.File, dict], None]
) -> Path:
    """Build `path` from the artifacts `inputs` names, unless it is current; one builder at a time.

    `write(h5, raw)` fills the file from `raw` = {artifact name: verified cached path}; if it raises,
    nothing appears at `path`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if is_current(path, builder_version, inputs):
            return path  # another process built it while we waited
        raw = cache.ensure([manifest[name] for name in inputs])
        with atomic_h5(path, builder_version, inputs) as h5:
            write(h5, raw)
    return path
