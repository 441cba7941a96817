"""Objective sources of a search, all min-max normalised so a preference r weighs comparable numbers.

Per objective a source gives a `table` — normalised values of all 15625 cells per search device,
(D, N), for the `exact` and `score` estimators — and/or a `differentiable` function of sampled
one-hot architectures (B, 6, 5), for `reinmax` and `gdas`:

| objective | source | table | differentiable |
|---|---|---|---|
| error | `table` (exact lookups) | yes | no |
| error | `predictor` (MLP trained on the table) | yes (its predictions) | yes |
| error | `supernet` (weight-sharing CE on a validation batch) | no | yes |
| latency | `predictor` (MetaPredictor, own-prediction normalisation) | yes | yes |
| latency | `table` (search devices only) | yes | no |
| params | table (exactly additive in the ops, so its linear fit is exact) | yes | yes |
| energy | table (search devices with measured energy; no predictor exists) | yes | no |

Energy (mJ, HW-NAS-Bench) exists only when the benchmark was built with the optional HW-NAS-Bench
file, and only on `energy_devices(bench)` (eyeriss, fpga: the energy devices with a hardware
embedding; edgegpu has none). `check_available` raises `EnergyUnavailableError` or
`UnknownDeviceError` before a search starts otherwise.

Normalisation bounds come from the filtered space (error < 90) and only from device-independent
tables or search devices; a zero-shot device never enters.
"""

from __future__ import annotations

import numpy as np
import torch

from benchmarks.errors import DataUnavailableError, QueryError, UnknownDeviceError
from benchmarks.nb201.build import ENERGY_DEVICES
from modnas.search.predictor import (
    load_or_train_accuracy_predictor,
    load_or_train_meta_predictor,
    normalised_tables,
)


def _minmax(values: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, float, float]:
    low, high = float(values[valid].min()), float(values[valid].max())
    return (values - low) / (high - low), low, high


class EnergyUnavailableError(DataUnavailableError):
    """Energy was asked for, but the benchmark was built without the optional HW-NAS-Bench file."""


def energy_devices(bench) -> tuple[str, ...]:
    """Devices with measured energy that a search can condition on (they have a hardware embedding)."""
    if "energy" not in getattr(bench, "metrics", ()):
        return ()
    return tuple(d for d in ENERGY_DEVICES if d in bench.devices)


def check_available(bench, config) -> None:
    """Raise a typed error, before any training, if an objective cannot be served on the config's devices."""
    if "energy" not in config.objectives:
        return
    if "energy" not in bench.metrics:
        raise EnergyUnavailableError(
            "energy needs the optional HW-NAS-Bench file: modnas-bench data fetch --optional (the benchmark "
            "rebuilds with it on the next load); objectives without it: error,latency or error,latency,params"
        )
    valid = energy_devices(bench)
    # Energy has no predictor: search devices read it from the table, evaluation devices are scored on it.
    for role, devices in (("search", config.search_devices), ("evaluation", config.eval_devices)):
        for device in devices:
            if device not in valid:
                raise UnknownDeviceError(device, valid, f"as a {role} device with energy (measured on these only)")


class Objectives:
    """The M normalised objectives of a search on its D search devices."""

    def __init__(self, view, config, progress=None):
        self.names = tuple(config.objectives)
        self.devices = tuple(config.search_devices)
        self.space = view.space
        error = view.table("error", dataset=config.dataset)
        self.valid = error < view.max_error
        self.one_hot_space = torch.as_tensor(view.space.index_to_onehot(np.arange(len(view.space))))
        self.embeddings = torch.as_tensor(view.devices.embeddings(self.devices), dtype=torch.float32)
        self.facts: dict = {}
        self.latency_predictor = None
        self._tables: list[torch.Tensor | None] = []
        self._functions = []
        build = {"error": self._error, "latency": self._latency, "params": self._params, "energy": self._energy}
        for name in self.names:
            table, function = build[name](view, config, progress)
            self._tables.append(table)
            self._functions.append(function)

    def _per_device_tables(self, view, metric: str) -> torch.Tensor:
        rows = [_minmax(view.table(metric, device=d), self.valid)[0] for d in self.devices]
        return torch.as_tensor(np.stack(rows), dtype=torch.float32)

    def _error(self, view, config, progress):
        error_n, _, _ = _minmax(view.table("error", dataset=config.dataset), self.valid)
        n_devices = len(self.devices)
        if config.accuracy == "table":
            return torch.as_tensor(error_n, dtype=torch.float32).expand(n_devices, -1), None
        if config.accuracy == "predictor":
            model, facts = load_or_train_accuracy_predictor(view, config.accuracy_predictor, error_n, config.dataset)
            self.facts["accuracy_predictor"] = facts
            return model(self.one_hot_space).detach().expand(n_devices, -1), lambda w, i, m=model: m(w)
        return None, None  # supernet: set by the search loop (it owns the network and the data)

    def _latency(self, view, config, progress):
        if config.latency == "table":
            return self._per_device_tables(view, "latency"), None
        model, facts = load_or_train_meta_predictor(view, config.predictor, progress)
        self.latency_predictor = model
        self.facts["latency_predictor"] = facts
        raw = model.predict_all(self.one_hot_space, self.embeddings)
        mask = torch.as_tensor(self.valid)
        low = raw[:, mask].min(dim=1).values
        high = raw[:, mask].max(dim=1).values
        function = lambda w, i, m=model: (m(w, self.embeddings[i]) - low[i]) / (high[i] - low[i])  # noqa: E731
        return normalised_tables(raw, self.valid), function

    def _params(self, view, config, progress):
        # exactly additive over the edges' ops, so the least-squares fit reproduces the table
        params_n, _, _ = _minmax(view.table("params", dataset=config.dataset), self.valid)
        design = np.c_[np.ones(len(params_n)), self.one_hot_space.reshape(len(params_n), -1).numpy()]
        coef = torch.as_tensor(np.linalg.lstsq(design, params_n, rcond=None)[0], dtype=torch.float32)
        table = torch.as_tensor(params_n, dtype=torch.float32).expand(len(self.devices), -1)
        return table, lambda w, i, c=coef: c[0] + w.reshape(len(w), -1) @ c[1:]

    def _energy(self, view, config, progress):
        # No energy predictor exists: the search devices' measured tables (the guard refuses any other).
        return self._per_device_tables(view, "energy"), None

    def set_function(self, name: str, function) -> None:
        self._functions[self.names.index(name)] = function

    @property
    def has_tables(self) -> bool:
        return all(t is not None for t in self._tables)

    def tables(self) -> torch.Tensor:
        """(D, M, N) normalised values of every cell."""
        if not self.has_tables:
            missing = [n for n, t in zip(self.names, self._tables) if t is None]
            raise QueryError(f"objective(s) {missing} have no table form; use a sampling estimator (reinmax, gdas)")
        return torch.stack([t for t in self._tables], dim=1).contiguous()

    def differentiable(self, one_hot: torch.Tensor, device_index: int) -> torch.Tensor:
        """(B, M) normalised objectives of (B, 6, 5) sampled architectures on search device `device_index`."""
        missing = [n for n, f in zip(self.names, self._functions) if f is None]
        if missing:
            raise QueryError(f"objective(s) {missing} are not differentiable here; use estimator 'exact' or 'score'")
        return torch.stack([f(one_hot, device_index) for f in self._functions], dim=1)
