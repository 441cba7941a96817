"""Experiment files: a grid of baseline runs described as plain data (YAML).

Schema (every key but `methods` and `devices` has a default)::

    name: nb201-blackbox          # default: the file's stem; runs go to <out>/<name>/...
    benchmark: nb201              # nb201, or nb201-surrogate (surrogates.load)
    dataset: cifar10              # the task's dataset
    objectives: [error, latency]  # the task's objectives
    devices: modnas               # a device split (search | test | extra | modnas) or a list of names
    seeds: [0, 1, 2]              # a list of ints, or one int
    budgets:                      # evaluations per run: an int, a list of ints, or named profiles
      default: 100                #   of either; `--budgets NAME` picks a profile ("default" unless
      paper: 500                  #   given; a file without profiles has just the one)
    methods:                      # run label -> settings of that method (null or {} for defaults)
      rs: {}
      ehvi: {pool_size: 500}
      ehvi-big-pool:              # a label that is not a method name says which method it runs
        method: ehvi
        pool_size: 2000

The grid is methods x devices x seeds x budgets; one run = one directory
`<out>/<name>/<label>/<device>/seed<S>-budget<N>/` holding `result.json` (result + provenance).
`kind: search` files describe grids of MODNAS searches instead (schema: modnas.runner.searches).
Methods and settings are checked when the file is loaded (unknown methods, unknown settings and
unknown devices are errors naming the valid ones), so a typo fails before any run starts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import surrogates
from benchmarks.errors import ModnasBenchError
from modnas.baselines.registry import get_method
from modnas.baselines.settings import settings_for

DEFAULT_PROFILE = "default"
_KEYS = {"name", "benchmark", "dataset", "objectives", "devices", "seeds", "budgets", "methods"}


class ExperimentError(ModnasBenchError):
    """An experiment file that does not follow the schema of modnas.runner.experiment."""


@dataclass(frozen=True)
class RunSpec:
    """One cell of the grid: everything a worker needs to run it and to recognise its result."""

    experiment: str
    benchmark: str
    label: str
    method: str
    device: str
    seed: int
    budget: int
    dataset: str
    objectives: tuple[str, ...]
    settings: dict = field(hash=False)

    def config(self) -> dict:
        """The run's configuration as stored in its provenance (and matched on a rerun), as JSON data."""
        return json.loads(json.dumps({
            "experiment": self.experiment,
            "benchmark": self.benchmark,
            "label": self.label,
            "method": self.method,
            "device": self.device,
            "budget": self.budget,
            "dataset": self.dataset,
            "objectives": list(self.objectives),
            "settings": dict(self.settings),
        }))  # fmt: skip  (tuples become lists, as they read back from result.json)

    @property
    def key(self) -> str:
        """A short stable id of the run (used by Dask as the task key)."""
        digest = hashlib.sha256(json.dumps([self.config(), self.seed], sort_keys=True).encode()).hexdigest()[:12]
        return f"{self.label}-{self.device}-seed{self.seed}-budget{self.budget}-{digest}"

    def directory(self, root: Path) -> Path:
        return Path(root) / self.experiment / self.label / self.device / f"seed{self.seed}-budget{self.budget}"


@dataclass(frozen=True)
class Experiment:
    name: str
    benchmark: str
    dataset: str
    objectives: tuple[str, ...]
    devices: tuple[str, ...]
    seeds: tuple[int, ...]
    budgets: dict  # profile -> tuple of budgets
    methods: dict  # label -> (method name, settings dict)

    def runs(self, profile: str = DEFAULT_PROFILE) -> list[RunSpec]:
        if profile not in self.budgets:
            raise ExperimentError(
                f"experiment {self.name!r} has no budget profile {profile!r}; valid: {', '.join(self.budgets)}"
            )
        return [
            RunSpec(
                self.name, self.benchmark, label, method, device, seed, budget, self.dataset, self.objectives, settings
            )
            for label, (method, settings) in self.methods.items()
            for device in self.devices
            for seed in self.seeds
            for budget in self.budgets[profile]
        ]


def load_experiment(path, bench=None) -> Experiment:
    """Read and validate an experiment file (`bench`: the loaded benchmark, to check device names)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ExperimentError(f"experiment file {str(path)!r} does not exist") from None
    except yaml.YAMLError as exc:
        raise ExperimentError(f"experiment file {str(path)!r} is not valid YAML: {exc}") from None
    return parse_experiment(data, default_name=path.stem, bench=bench)


def parse_experiment(data, default_name: str = "experiment", bench=None) -> Experiment:
    if not isinstance(data, dict):
        raise ExperimentError("an experiment is a mapping with keys " + ", ".join(sorted(_KEYS)))
    kind = data.get("kind", "baselines")
    if kind == "search":  # a grid of MODNAS searches: modnas.runner.searches
        from modnas.runner.searches import parse_search_experiment

        return parse_search_experiment(data, default_name, _ints)
    if kind != "baselines":
        raise ExperimentError(f"unknown experiment kind {kind!r}; valid: baselines (default), search")
    data = {k: v for k, v in data.items() if k != "kind"}
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ExperimentError(f"unknown experiment key(s) {', '.join(unknown)}; valid: {', '.join(sorted(_KEYS))}")
    for required in ("methods", "devices"):
        if required not in data:
            raise ExperimentError(f"an experiment needs {required!r}")
    name = str(data.get("name", default_name))
    if not name or "/" in name or name.startswith("."):
        raise ExperimentError(f"experiment name {name!r} must be a plain directory name")
    benchmark = data.get("benchmark", "nb201")
    if bench is None:
        bench = surrogates.load(benchmark)  # a table name passes through to benchmarks.load
    objectives = tuple(data.get("objectives", ("error", "latency")))
    return Experiment(
        name=name,
        benchmark=benchmark,
        dataset=str(data.get("dataset", "cifar10")),
        objectives=objectives,
        devices=_devices(data["devices"], bench),
        seeds=_ints(data.get("seeds", [0]), "seeds", minimum=0),
        budgets=_budgets(data.get("budgets", 100)),
        methods=_methods(data["methods"]),
    )


def _devices(value, bench) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(bench.devices.names(value))  # a split; raises listing the valid splits
    if not isinstance(value, list) or not value:
        raise ExperimentError("devices must be a split name or a non-empty list of device names")
    for device in value:
        bench.devices[device]  # raises UnknownDeviceError listing the valid ones
    return tuple(value)


def _ints(value, what: str, minimum: int) -> tuple[int, ...]:
    values = [value] if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(values, list) or not values:
        raise ExperimentError(f"{what} must be an int or a non-empty list of ints, got {value!r}")
    for v in values:
        if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
            raise ExperimentError(f"{what} must be integers >= {minimum}, got {v!r}")
    if len(set(values)) != len(values):
        raise ExperimentError(f"{what} lists a value twice: {values}")
    return tuple(values)


def _budgets(value) -> dict:
    profiles = value if isinstance(value, dict) else {DEFAULT_PROFILE: value}
    if not profiles:
        raise ExperimentError("budgets must not be empty")
    return {str(name): _ints(budgets, f"budgets[{name}]", minimum=1) for name, budgets in profiles.items()}


def _methods(value) -> dict:
    if not isinstance(value, dict) or not value:
        raise ExperimentError("methods must be a non-empty mapping of run label -> settings")
    methods = {}
    for label, settings in value.items():
        settings = dict(settings or {})
        if not isinstance(label, str) or not label or "/" in label or label.startswith("."):
            raise ExperimentError(f"method label {label!r} must be a plain directory name")
        method = str(settings.pop("method", label))
        spec = get_method(method)  # unknown / unavailable methods fail here, before any run
        checked = settings_for(spec.settings_class, settings)  # and so do unknown settings
        # All settings, defaults included: a result computed under other defaults is not this run.
        methods[label] = (method, dataclasses.asdict(checked))
    return methods
