"""The HAT Transformer latency benchmark: 2000 measured SubTransformers per device (WMT'14 En-De / En-Fr).

HAT sampled every device separately, so each device has its *own* 2000 SubTransformers: row i of
device A and row i of device B are different architectures. Rows are therefore per device:
`features(device)` gives the (2000, 10) SubTransformer features of that device's rows, and
`table(metric, device)` / `query(rows, metric, device)` read that device's measurements. Every metric
is a latency (ms), so a device is always required:

    latency              encoder + decoder mean latency (what MODNAS and HAT optimise)
    latency_encoder      mean encoder latency
    latency_decoder      mean decoder latency (30 autoregressive steps, as HAT measured on WMT)
    latency_std_encoder  std of the encoder measurements
    latency_std_decoder  std of the decoder measurements

The BLEU side needs the WMT data and HAT's SuperTransformer (see `surrogates.accuracy`).
Names: "hat" and "hat-wmt14ende" (WMT'14 En-De, the MODNAS setting), "hat-wmt14enfr" (En-Fr).
"""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

from benchmarks.errors import ArchitectureError, QueryError, UnknownMetricError
from benchmarks.hat import build as builder
from benchmarks.hat.devices import ALL_DEVICES, REFERENCE_FEATURES, hat_registry, reference_latency
from benchmarks.hat.space import HATSpace
from benchmarks.nb201.devices import DeviceRegistry

METRICS = ("latency", *builder.LATENCY_COLUMNS.values())
DEVICE_METRICS = METRICS


class HATBenchmark:
    metrics = METRICS
    device_metrics = DEVICE_METRICS
    units = builder.UNITS

    def __init__(self, path: Path, task: str):
        self.task_name = builder.check_task(task)
        self.name = f"hat-{task}"
        with h5py.File(path, "r") as h5:
            self._features = {d: h5[f"{d}/features"][()] for d in ALL_DEVICES}
            self._metrics = {
                d: {m: h5[f"{d}/{m}"][()] for m in builder.LATENCY_COLUMNS.values()} for d in ALL_DEVICES
            }
            self.provenance = {
                "benchmark": self.name,
                "builder_version": str(h5.attrs["builder_version"]),
                "inputs": json.loads(h5.attrs["inputs"]),
            }
        for device, columns in self._metrics.items():
            columns["latency"] = columns["latency_encoder"] + columns["latency_decoder"]
            for array in (*columns.values(), self._features[device]):
                array.setflags(write=False)
        self.space = HATSpace()
        self.devices: DeviceRegistry = hat_registry(
            task, self._features, {d: self._metrics[d]["latency"] for d in ALL_DEVICES}
        )
        self.reference_features = REFERENCE_FEATURES
        self.path = path

    def __len__(self) -> int:
        """Measured SubTransformers per device (the same 2000 count on every device, different archs)."""
        return builder.N_ROWS

    def reference_latency(self, device: str) -> np.ndarray:
        """The estimated latency (ms) of the 10 reference SubTransformers behind the device's embedding."""
        self.devices[device]
        return reference_latency(self._features[device], self._metrics[device]["latency"])

    def features(self, device: str) -> np.ndarray:
        """(2000, 10) features of the SubTransformers measured on `device` (its rows)."""
        self.devices[device]
        return self._features[device]

    def to_rows(self, rows) -> np.ndarray:
        array = np.asarray(rows)
        if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
            raise ArchitectureError(
                f"{self.name} rows are integer indices 0..{len(self) - 1} of a device's measured SubTransformers, "
                f"got dtype {array.dtype}; to predict other SubTransformers use surrogates.load('{self.name}-surrogate')"
            )
        bad = (array < 0) | (array >= len(self))
        if bad.any():
            raise ArchitectureError(f"{self.name} row {int(array[bad].flat[0])} out of range; valid rows are 0..{len(self) - 1}")
        return array.astype(np.int64, copy=False)

    def table(self, metric: str, device: str | None = None, dataset: str | None = None) -> np.ndarray:
        """The read-only (2000,) column of a metric over the device's own measured rows."""
        if metric not in METRICS:
            raise UnknownMetricError(metric, METRICS, f"for {self.name} (no BLEU is measured; see surrogates.accuracy)")
        if device is None:
            raise QueryError(f"metric {metric!r} needs a device; valid devices: {', '.join(self.devices.names())}")
        if dataset not in (None, self.task_name):
            raise QueryError(f"{self.name} is measured on {self.task_name} only; got dataset {dataset!r}")
        self.devices[device]  # raises UnknownDeviceError listing the valid ones
        if metric == "latency":
            return self._latency_table(device)
        return self._metrics[device][metric]

    def _latency_table(self, device: str) -> np.ndarray:
        # The single point through which latency tables are read (search code can guard it).
        return self._metrics[device]["latency"]

    def query(self, rows, metric: str, device: str | None = None, dataset: str | None = None):
        """Metric values of the device's measured rows (shape preserved)."""
        column = self.table(metric, device, dataset)
        values = column[self.to_rows(rows)]
        return float(values) if values.ndim == 0 else values


def load_hat(task: str = "wmt14ende", rebuild: bool = False) -> HATBenchmark:
    path = builder.built_path(task)
    if rebuild or not builder.is_current(path, task):
        builder.build(task, path)
    return HATBenchmark(path, task)
