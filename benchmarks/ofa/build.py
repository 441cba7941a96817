"""Build `ofa.h5` once from the verified HELP files; rebuild when the pinned inputs change."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from benchmarks.data import built, cache
from benchmarks.data.manifest import Manifest, load_manifest
from benchmarks.data.safe_load import load_torch_file
from benchmarks.errors import ArchitectureError, BuildError
from benchmarks.ofa.devices import ALL_DEVICES
from benchmarks.ofa.space import encode

BUILDER_VERSION = "1"
N_ARCHS = 5000
UNITS = {"latency": "ms (HELP measurements, one MobileNetV3 subnet forward pass at the setting's batch size)"}


def input_names() -> list[str]:
    return ["ofa/archs", "ofa/hardware_embedding_index"] + [f"ofa/latency/{d}" for d in ALL_DEVICES]


def expected_inputs(manifest: Manifest | None = None) -> dict[str, str]:
    manifest = manifest or load_manifest()
    return {name: manifest[name].checksum[1] for name in input_names()}


def built_path() -> Path:
    return cache.data_home() / "built" / "ofa.h5"


def is_current(path: Path, manifest: Manifest | None = None) -> bool:
    """True when the built file exists and was built from exactly the pinned inputs by this builder."""
    return built.is_current(path, BUILDER_VERSION, expected_inputs(manifest))


def _read_archs(path: Path) -> tuple[list[dict], np.ndarray]:
    content = load_torch_file(path)
    archs = content.get("arch") if isinstance(content, dict) else None
    if not isinstance(archs, list) or len(archs) != N_ARCHS:
        raise BuildError(f"{path}: expected a dict whose 'arch' lists {N_ARCHS} subnets")
    archs = [{k: (int(v) if k == "r" else [int(x) for x in v]) for k, v in a.items()} for a in archs]
    try:
        features = encode(archs)
    except ArchitectureError as exc:
        raise BuildError(f"{path}: {exc}") from None
    return archs, features


def _read_latency(name: str, path: Path) -> np.ndarray:
    values = np.asarray(load_torch_file(path), dtype=np.float64)
    if values.shape != (N_ARCHS,) or not np.isfinite(values).all() or (values <= 0).any():
        raise BuildError(f"artifact {name!r}: expected {N_ARCHS} positive latencies, got shape {values.shape}")
    return values


def build(path: Path | None = None, manifest: Manifest | None = None) -> Path:
    """Fetch (verifying) the inputs and write the HDF5 file atomically. Returns its path."""
    manifest = manifest or load_manifest()
    path = path or built_path()

    def write(h5, raw) -> None:
        archs, features = _read_archs(raw["ofa/archs"])
        embedding_archs = np.asarray([int(i) for i in load_torch_file(raw["ofa/hardware_embedding_index"])])
        if embedding_archs.shape != (10,) or not ((embedding_archs >= 0) & (embedding_archs < N_ARCHS)).all():
            raise BuildError(f"ofa/hardware_embedding_index: expected 10 subnet indices, got {embedding_archs}")
        h5.create_dataset("arch/features", data=features)
        # The raw dicts as sampled (skipped blocks included), for exact round trips.
        for key in ("ks", "e", "d"):
            h5.create_dataset(f"arch/{key}", data=np.array([a[key] for a in archs], dtype=np.int16))
        h5.create_dataset("arch/r", data=np.array([a["r"] for a in archs], dtype=np.int16))
        for device in ALL_DEVICES:
            name = f"ofa/latency/{device}"
            h5.create_dataset(f"latency/{device}", data=_read_latency(name, raw[name]))
        h5.create_dataset("embedding_archs", data=embedding_archs)
        h5.attrs["units"] = json.dumps(UNITS)

    return built.build_once(path, BUILDER_VERSION, expected_inputs(manifest), manifest, write)
