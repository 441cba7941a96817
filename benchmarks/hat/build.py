"""Build `hat-<task>.h5` once from HAT's verified latency CSVs; rebuild when the pinned inputs change."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.data import built, cache
from benchmarks.data.manifest import Manifest, load_manifest
from benchmarks.errors import ArchitectureError, BuildError, UnknownNameError
from benchmarks.hat.devices import ALL_DEVICES, TASKS
from benchmarks.hat.space import FEATURE_NAMES, check_features

BUILDER_VERSION = "1"
N_ROWS = 2000
# CSV column -> metric name of the benchmark
LATENCY_COLUMNS = {
    "latency_mean_encoder": "latency_encoder",
    "latency_mean_decoder": "latency_decoder",
    "latency_std_encoder": "latency_std_encoder",
    "latency_std_decoder": "latency_std_decoder",
}
UNITS = {
    "latency": "ms (mean encoder + mean decoder latency of one translation, HAT's measurement)",
    "latency_encoder": "ms (mean over HAT's timed runs, 10%-90% trimmed)",
    "latency_decoder": "ms (mean over HAT's timed runs of 30 autoregressive steps, 10%-90% trimmed)",
    "latency_std_encoder": "ms (std over the same runs)",
    "latency_std_decoder": "ms (std over the same runs)",
}


def check_task(task: str) -> str:
    if task not in TASKS:
        raise UnknownNameError(task, TASKS, "(HAT task)")
    return task


def input_names(task: str) -> list[str]:
    return [f"hat/latency/{check_task(task)}_{device}" for device in ALL_DEVICES]


def expected_inputs(task: str, manifest: Manifest | None = None) -> dict[str, str]:
    manifest = manifest or load_manifest()
    return {name: manifest[name].checksum[1] for name in input_names(task)}


def built_path(task: str) -> Path:
    return cache.data_home() / "built" / f"hat-{check_task(task)}.h5"


def is_current(path: Path, task: str, manifest: Manifest | None = None) -> bool:
    """True when the built file exists and was built from exactly the pinned inputs by this builder."""
    return built.is_current(path, BUILDER_VERSION, expected_inputs(task, manifest))


def read_csv(name: str, path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(features (2000, 10), {metric: (2000,)}) of one HAT latency CSV, validated."""
    table = pd.read_csv(path)
    expected = list(FEATURE_NAMES) + list(LATENCY_COLUMNS)
    if list(table.columns) != expected or len(table) != N_ROWS:
        raise BuildError(f"artifact {name!r}: expected {N_ROWS} rows with columns {expected}, got {list(table.columns)}")
    features = table[list(FEATURE_NAMES)].to_numpy(np.float64)
    try:
        check_features(features)
    except ArchitectureError as exc:
        raise BuildError(f"artifact {name!r}: {exc}") from None
    metrics = {metric: table[column].to_numpy(np.float64) for column, metric in LATENCY_COLUMNS.items()}
    if not all(np.isfinite(v).all() and (v >= 0).all() for v in metrics.values()):
        raise BuildError(f"artifact {name!r}: latencies must be finite and non-negative")
    return features, metrics


def build(task: str, path: Path | None = None, manifest: Manifest | None = None) -> Path:
    """Fetch (verifying) the task's CSVs and write the HDF5 file atomically. Returns its path."""
    manifest = manifest or load_manifest()
    path = path or built_path(task)

    def write(h5, raw) -> None:
        for device in ALL_DEVICES:
            name = f"hat/latency/{task}_{device}"
            features, metrics = read_csv(name, raw[name])
            h5.create_dataset(f"{device}/features", data=features)
            for metric, values in metrics.items():
                h5.create_dataset(f"{device}/{metric}", data=values)
        h5.attrs["task"] = task
        h5.attrs["units"] = json.dumps(UNITS)

    return built.build_once(path, BUILDER_VERSION, expected_inputs(task, manifest), manifest, write)
