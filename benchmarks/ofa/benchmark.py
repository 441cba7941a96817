"""The OFA MobileNetV3 latency benchmark: HELP's 5000 measured subnets on 12 GPU settings.

Rows are HELP's subnet order (index i = `ofa_archs.pt`'s arch i). Only latency is measured; the
accuracy side needs the OFA supernet and ImageNet (see `surrogates.accuracy` for the plug-in).
"""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

from benchmarks.errors import ArchitectureError, QueryError, UnknownMetricError
from benchmarks.nb201.devices import DeviceRegistry
from benchmarks.ofa import build as builder
from benchmarks.ofa.devices import ALL_DEVICES, ofa_registry
from benchmarks.ofa.space import OFASpace

METRICS = ("latency",)
DEVICE_METRICS = ("latency",)


class OFABenchmark:
    name = "ofa"
    metrics = METRICS
    device_metrics = DEVICE_METRICS
    units = builder.UNITS

    def __init__(self, path: Path):
        with h5py.File(path, "r") as h5:
            self.features = h5["arch/features"][()]
            self._raw_archs = {key: h5[f"arch/{key}"][()] for key in ("ks", "e", "d", "r")}
            self._latency = {d: h5[f"latency/{d}"][()] for d in ALL_DEVICES}
            self.embedding_archs = h5["embedding_archs"][()]
            self.provenance = {
                "benchmark": self.name,
                "builder_version": str(h5.attrs["builder_version"]),
                "inputs": json.loads(h5.attrs["inputs"]),
            }
        for array in (self.features, *self._latency.values()):
            array.setflags(write=False)
        self.space = OFASpace()
        self.devices: DeviceRegistry = ofa_registry(self._latency, self.embedding_archs)
        self.path = path

    def __len__(self) -> int:
        return len(self.features)

    def arch(self, index: int) -> dict:
        """Subnet `index` as HELP stored it (skipped blocks included)."""
        i = int(self.to_indices(index))
        r = self._raw_archs
        return {"ks": r["ks"][i].tolist(), "e": r["e"][i].tolist(), "d": r["d"][i].tolist(), "r": int(r["r"][i])}

    def to_indices(self, archs) -> np.ndarray:
        array = np.asarray(archs)
        if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
            raise ArchitectureError(
                f"ofa rows are integer indices 0..{len(self) - 1} of the measured subnets, got dtype {array.dtype}; "
                "to predict other subnets use a surrogate (surrogates.load('ofa-surrogate'))"
            )
        bad = (array < 0) | (array >= len(self))
        if bad.any():
            raise ArchitectureError(f"ofa index {int(array[bad].flat[0])} out of range; valid indices are 0..{len(self) - 1}")
        return array.astype(np.int64, copy=False)

    def table(self, metric: str, device: str | None = None, dataset: str | None = None) -> np.ndarray:
        """The read-only (5000,) column of a metric (latency in ms; a device is required)."""
        if metric not in METRICS:
            raise UnknownMetricError(
                metric, METRICS, "for ofa (no accuracy is measured; plug in an evaluator, see surrogates.accuracy)"
            )
        if device is None:
            raise QueryError(f"metric {metric!r} needs a device; valid devices: {', '.join(self.devices.names())}")
        if dataset not in (None, "imagenet"):
            raise QueryError(f"ofa latency is measured on ImageNet-sized inputs only; got dataset {dataset!r}")
        self.devices[device]  # raises UnknownDeviceError listing the valid ones
        return self._latency_table(device)

    def _latency_table(self, device: str) -> np.ndarray:
        # The single point through which latency tables are read (search code can guard it).
        return self._latency[device]

    def query(self, archs, metric: str, device: str | None = None, dataset: str | None = None):
        """Metric values of measured subnet indices (shape preserved)."""
        column = self.table(metric, device, dataset)
        values = column[self.to_indices(archs)]
        return float(values) if values.ndim == 0 else values


def load_ofa(rebuild: bool = False) -> OFABenchmark:
    path = builder.built_path()
    if rebuild or not builder.is_current(path):
        builder.build(path)
    return OFABenchmark(path)
