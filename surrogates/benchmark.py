"""Surrogate benchmarks: the query interface of a table, with values predicted by XGBoost models.

`NB201SurrogateBenchmark` ("nb201-surrogate") has the interface of `NB201Benchmark` (name, space,
devices, table, query, task, provenance, len, metad2a_candidates), so the search core and the
baselines run on it unchanged. Latency (every device) and accuracy/error (every dataset) are the
surrogates' predictions over all 15625 cells, from models trained on `train_fraction` of the cells;
params are the exact table values (they are a function of the cell, not a measurement). Device
embeddings are recomputed from the predicted latencies, so the surrogate world is self-consistent.
`table_benchmark` keeps the real table for scoring against the truth.

`PoolSurrogateBenchmark` ("ofa-surrogate", "hat-wmt14ende-surrogate", "hat-wmt14enfr-surrogate")
predicts latency for *any* valid encoding (`predict`), and offers a table interface over a finite
pool of encodings (default: the measured architectures; or `pool=N` random ones) for code that
needs a table. Accuracy comes only from a plugged-in evaluator (`surrogates.accuracy`).

Every benchmark also predicts latency from a hardware embedding alone (`predict_zero_shot`), with
the space's hardware-conditioned model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.errors import QueryError, UnknownDatasetError, UnknownMetricError
from benchmarks.nb201.devices import DeviceRegistry, nb201_registry
from surrogates import accuracy as accuracy_plugin
from surrogates.spaces import SpaceData, resolve
from surrogates.training import SURROGATE_VERSION, TrainedModel, ensure_models, predict


def _surrogate_provenance(name: str, data: SpaceData, models: dict[str, TrainedModel]) -> dict:
    meta = next(iter(models.values())).meta
    return {
        "benchmark": name,
        "builder_version": f"surrogate-{SURROGATE_VERSION}",
        "inputs": dict(data.bench.provenance["inputs"]),
        "table": data.bench.provenance["benchmark"],
        "train_fraction": meta["train_fraction"],
        "seed": meta["seed"],
        "models": {model_id: model.meta["model_sha256"] for model_id, model in sorted(models.items())},
    }


def _frozen(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    values.setflags(write=False)
    return values


class _ZeroShotMixin:
    _data: SpaceData
    _hardware: TrainedModel

    def predict_zero_shot(self, archs, embedding) -> np.ndarray:
        """Latency (ms) of `archs` on a device known only by its 10-number hardware embedding."""
        embedding = np.asarray(embedding, dtype=np.float32)
        if embedding.shape != (10,):
            raise QueryError(f"a hardware embedding has 10 numbers, got shape {embedding.shape}")
        X = self._data.featurise(archs)
        rows = np.concatenate([X, np.broadcast_to(embedding, (len(X), 10))], axis=1)
        return predict(self._hardware.booster, rows)


class NB201SurrogateBenchmark(_ZeroShotMixin):
    name = "nb201-surrogate"
    device_metrics = ("latency",)

    def __init__(self, models: dict[str, TrainedModel], data: SpaceData):
        table = data.bench
        self.table_benchmark = table
        self.space = table.space
        self.metrics, self.datasets, self.units = table.metrics, table.datasets, table.units
        self.metad2a_candidates = table.metad2a_candidates
        self._data = data
        self._models = models
        self._hardware = models["hardware-latency"]
        features = data._shared
        self._latency = {
            d: _frozen(predict(models[f"latency-{d}"].booster, features)) for d in table.devices.names()
        }
        self._accuracy = {
            ds: _frozen(np.clip(predict(models[f"accuracy-{ds}"].booster, features), 0.0, 100.0))
            for ds in data.spec.accuracy_datasets
        }
        self._error = {ds: _frozen(100.0 - acc) for ds, acc in self._accuracy.items()}
        registry = nb201_registry(self._latency)
        # Keep the real table's splits (identical by construction) with the surrogate's embeddings.
        self.devices: DeviceRegistry = DeviceRegistry({d.name: d for d in registry}, self.name)
        self.provenance = _surrogate_provenance(self.name, data, models)
        self.train_fraction = self.provenance["train_fraction"]
        self.seed = self.provenance["seed"]

    def __len__(self) -> int:
        return len(self.space)

    def table(self, metric: str, device: str | None = None, dataset: str | None = None) -> np.ndarray:
        if metric not in self.metrics:
            raise UnknownMetricError(metric, self.metrics, f"for {self.name}")
        if metric in self.device_metrics:
            if device is None:
                raise QueryError(f"metric {metric!r} needs a device; valid devices: {', '.join(self.devices.names())}")
            if dataset not in (None, "cifar10"):
                raise QueryError(f"nb201 latency is measured on CIFAR-10 inputs only; got dataset {dataset!r}")
            self.devices[device]
            return self._latency_table(device)
        if device is not None:
            raise QueryError(f"metric {metric!r} does not depend on a device; drop device={device!r}")
        dataset = "cifar10" if dataset is None else dataset
        if dataset not in self.datasets:
            raise UnknownDatasetError(dataset, self.datasets, f"for {self.name}")
        if metric == "accuracy":
            return self._accuracy[dataset]
        if metric == "error":
            return self._error[dataset]
        return self.table_benchmark.table("params", dataset=dataset)

    def _latency_table(self, device: str) -> np.ndarray:
        return self._latency[device]

    def query(self, archs, metric: str, device: str | None = None, dataset: str | None = None):
        values = self.table(metric, device, dataset)[self.space.to_indices(archs)]
        return float(values) if values.ndim == 0 else values

    def predict(self, archs, metric: str = "latency", device: str | None = None, dataset: str | None = None):
        """Run the model itself (no cached column): the path a timing test measures."""
        lead = self.space.to_indices(archs).shape
        X = self._data.featurise(archs)
        if metric == "latency":
            self.devices[device]
            return predict(self._models[f"latency-{device}"].booster, X).reshape(lead)
        if metric == "accuracy":
            dataset = dataset or "cifar10"
            if dataset not in self._accuracy:
                raise UnknownDatasetError(dataset, self.datasets, f"for {self.name}")
            return np.clip(predict(self._models[f"accuracy-{dataset}"].booster, X), 0.0, 100.0).reshape(lead)
        raise UnknownMetricError(metric, ("latency", "accuracy"), f"for {self.name}.predict")

    def task(self, device: str | None, dataset: str = "cifar10", objectives=("error", "latency"), **kwargs):
        from benchmarks.protocol import make_task

        return make_task(self, device, dataset=dataset, objectives=objectives, **kwargs)


class PoolSurrogateBenchmark(_ZeroShotMixin):
    """Latency for any valid OFA/HAT encoding; a table over a finite pool for table-shaped code."""

    def __init__(self, models: dict[str, TrainedModel], data: SpaceData, pool=None, pool_seed: int = 0, accuracy=None):
        self.table_benchmark = data.bench
        self.space_name = data.spec.name
        self.name = f"{data.spec.name}-surrogate"
        self.space = data.bench.space
        self.devices: DeviceRegistry = data.bench.devices  # embeddings of measured reference archs
        self._data = data
        self._models = models
        self._hardware = models["hardware-latency"]
        self.pool = _frozen(self._make_pool(pool, pool_seed))
        evaluator = accuracy if accuracy is not None else accuracy_plugin.registered(self.space_name)
        self.accuracy = accuracy_plugin.MemoisedEvaluator(evaluator, self.space_name) if evaluator else None
        self.dataset = self.accuracy.dataset if self.accuracy else None
        self.datasets = (self.dataset,) if self.dataset else ()
        self.metrics = ("latency", "accuracy", "error") if self.accuracy else ("latency",)
        self.device_metrics = ("latency",)
        self.units = {"latency": "ms (surrogate prediction)", "accuracy": "% (plugged-in evaluator)", "error": "%"}
        self._columns: dict[tuple[str, str | None], np.ndarray] = {}
        self.provenance = _surrogate_provenance(self.name, data, models)
        self.provenance["pool"] = {"kind": "measured" if pool is None else "sampled", "size": len(self.pool), "seed": pool_seed}
        self.provenance["accuracy"] = {"name": self.accuracy.name, "dataset": self.dataset} if self.accuracy else None

    def _make_pool(self, pool, seed: int) -> np.ndarray:
        bench = self._data.bench
        if pool is None:  # the measured architectures (for HAT: of every device, duplicates dropped)
            if self._data.spec.family == "ofa":
                return bench.features
            return np.unique(np.concatenate([bench.features(d) for d in bench.devices.names()]), axis=0)
        if isinstance(pool, int | np.integer):
            return self.space.sample(int(pool), seed)
        return self.space.check_features(pool).reshape(-1, self.space.n_features)

    def __len__(self) -> int:
        return len(self.pool)

    def predict(self, encodings, metric: str = "latency", device: str | None = None, dataset: str | None = None):
        """Values for any valid encodings (..., n_features); shape of the leading axes preserved."""
        encodings = self.space.check_features(encodings)
        lead = encodings.shape[:-1]
        flat = encodings.reshape(-1, self.space.n_features)
        if metric == "latency":
            if device is None:
                raise QueryError(f"latency needs a device; valid devices: {', '.join(self.devices.names())}")
            self.devices[device]
            values = predict(self._models[f"latency-{device}"].booster, self._data.featurise(flat))
        elif metric in ("accuracy", "error"):
            values = self._accuracy_of(flat, dataset)
            values = 100.0 - values if metric == "error" else values
        else:
            raise UnknownMetricError(metric, ("latency", "accuracy", "error"), f"for {self.name}")
        return values.reshape(lead)

    def _accuracy_of(self, flat: np.ndarray, dataset: str | None) -> np.ndarray:
        if self.accuracy is None:
            raise accuracy_plugin.AccuracyEvaluatorError(
                f"{self.name} has no accuracy: pass accuracy=<evaluator> to surrogates.load or register one "
                "(see surrogates.accuracy)"
            )
        if dataset not in (None, self.dataset):
            raise UnknownDatasetError(dataset, self.datasets, f"for {self.name}")
        return self.accuracy.evaluate(flat)

    def table(self, metric: str, device: str | None = None, dataset: str | None = None) -> np.ndarray:
        """The read-only column of a metric over the pool."""
        if metric not in self.metrics:
            hint = "" if self.accuracy else " (accuracy needs a plugged-in evaluator, see surrogates.accuracy)"
            raise UnknownMetricError(metric, self.metrics, f"for {self.name}{hint}")
        if metric in self.device_metrics and device is None:
            raise QueryError(f"metric {metric!r} needs a device; valid devices: {', '.join(self.devices.names())}")
        if metric not in self.device_metrics and device is not None:
            raise QueryError(f"metric {metric!r} does not depend on a device; drop device={device!r}")
        key = (metric, device)
        if key not in self._columns:
            self._columns[key] = _frozen(self.predict(self.pool, metric, device, dataset))
        return self._columns[key]

    def _latency_table(self, device: str) -> np.ndarray:
        return self.table("latency", device)

    def query(self, rows, metric: str, device: str | None = None, dataset: str | None = None):
        """Values of pool rows (integer indices, shape preserved)."""
        rows = np.asarray(rows)
        if rows.dtype == bool or not np.issubdtype(rows.dtype, np.integer) or ((rows < 0) | (rows >= len(self))).any():
            raise QueryError(f"{self.name} rows are integer indices 0..{len(self) - 1} of its pool; use predict() for encodings")
        values = self.table(metric, device, dataset)[rows]
        return float(values) if values.ndim == 0 else values

    def task(self, device: str | None, dataset: str | None = None, objectives=("error", "latency"), **kwargs):
        from benchmarks.protocol import make_task

        return make_task(self, device, dataset=dataset or self.dataset, objectives=objectives, **kwargs)


def make_surrogate_benchmark(
    space: str,
    train_fraction: float | None = None,
    seed: int = 0,
    root: Path | None = None,
    rounds_scale: float = 1.0,
    **options,
):
    """Train (if missing) and wrap the surrogates of `space` as a benchmark object."""
    spec = resolve(space)
    data = SpaceData(spec)
    models = ensure_models(spec.name, train_fraction, seed, root=root, rounds_scale=rounds_scale, data=data)
    if spec.family == "nb201":
        if options:
            raise QueryError(f"nb201-surrogate takes no options {sorted(options)}")
        return NB201SurrogateBenchmark(models, data)
    return PoolSurrogateBenchmark(models, data, **options)
