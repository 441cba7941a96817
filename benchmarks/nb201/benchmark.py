"""The NAS-Bench-201 tabular benchmark: accuracy, error, params and latency on 27 device settings."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

from benchmarks.errors import QueryError, UnknownDatasetError, UnknownDeviceError, UnknownMetricError
from benchmarks.nb201 import build as builder
from benchmarks.nb201.devices import ALL_DEVICES, DeviceRegistry, nb201_registry
from benchmarks.nb201.space import NB201Space

BASE_METRICS = ("accuracy", "error", "params", "latency")
DATASETS = builder.DATASETS
UNITS = builder.UNITS


class NB201Benchmark:
    """All 15625 cells, held in memory (a few MB), queried with vectorised lookups."""

    name = "nb201"

    def __init__(self, path: Path):
        with h5py.File(path, "r") as h5:
            self.space = NB201Space(h5["arch/ops"][()], h5["arch/str"][()].astype(str))
            self._latency = {d: h5[f"latency/{d}"][()] for d in ALL_DEVICES}
            self._accuracy = {ds: h5[f"accuracy/{ds}"][()] for ds in DATASETS}
            self._params = {ds: h5[f"params/{ds}"][()] for ds in DATASETS}
            self._energy = {d: h5[f"energy/{d}"][()] for d in h5.get("energy", {})}
            self.metad2a_candidates = {k: h5[f"metad2a/{k}"][()] for k in ("index", "accuracy", "value")}
            self.provenance = {
                "benchmark": self.name,
                "builder_version": str(h5.attrs["builder_version"]),
                "inputs": json.loads(h5.attrs["inputs"]),
            }
            embedding_archs = h5["embedding_archs"][()]
        # energy exists only when the optional HW-NAS-Bench file was cached before the build
        self.metrics = BASE_METRICS + (("energy",) if self._energy else ())
        self.device_metrics = ("latency", "energy") if self._energy else ("latency",)
        for table in (*self._latency.values(), *self._accuracy.values(), *self._params.values(), *self._energy.values()):
            table.setflags(write=False)
        self.devices: DeviceRegistry = nb201_registry(self._latency, embedding_archs)
        self.path = path

    def __len__(self) -> int:
        return len(self.space)

    datasets = DATASETS
    units = UNITS

    def table(self, metric: str, device: str | None = None, dataset: str | None = None) -> np.ndarray:
        """The full read-only column of a metric over all 15625 indices."""
        if metric not in self.metrics:
            hint = "" if metric != "energy" else " (energy needs the optional HW-NAS-Bench file: data fetch --optional)"
            raise UnknownMetricError(metric, self.metrics, "for nb201" + hint)
        if metric in self.device_metrics:
            valid = self.devices.names() if metric == "latency" else tuple(self._energy)
            if device is None:
                raise QueryError(f"metric {metric!r} needs a device; valid devices: {', '.join(valid)}")
            if dataset not in (None, "cifar10"):
                raise QueryError(f"nb201 {metric} is measured on CIFAR-10 inputs only; got dataset {dataset!r}")
            if metric == "energy":
                if device not in self._energy:
                    raise UnknownDeviceError(device, valid, "for nb201 energy")
                return self._energy[device]
            self.devices[device]  # raises UnknownDeviceError listing the valid ones
            return self._latency_table(device)
        if device is not None:
            raise QueryError(f"metric {metric!r} does not depend on a device; drop device={device!r}")
        dataset = "cifar10" if dataset is None else dataset
        if dataset not in DATASETS:
            raise UnknownDatasetError(dataset, DATASETS, "for nb201")
        if metric == "accuracy":
            return self._accuracy[dataset]
        if metric == "error":
            return 100.0 - self._accuracy[dataset]
        return self._params[dataset]

    def _latency_table(self, device: str) -> np.ndarray:
        # The single point through which latency tables are read (search code can guard it).
        return self._latency[device]

    def query(self, archs, metric: str, device: str | None = None, dataset: str | None = None):
        """Metric values of `archs` (an index, arch string, or arrays of either; shape preserved).

        Units: accuracy and error in %, params in millions, latency in ms.
        """
        column = self.table(metric, device, dataset)
        values = column[self.space.to_indices(archs)]
        return float(values) if values.ndim == 0 else values

    def task(self, device: str | None, dataset: str = "cifar10", objectives=("error", "latency"), **kwargs):
        """The evaluation task (normalisation, reference point, true front) of one device."""
        from benchmarks.protocol import make_task

        return make_task(self, device, dataset=dataset, objectives=objectives, **kwargs)


def load_nb201(rebuild: bool = False) -> NB201Benchmark:
    path = builder.built_path()
    if rebuild or not builder.is_current(path):
        builder.build(path)
    return NB201Benchmark(path)
