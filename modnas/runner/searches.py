"""Search experiments: grids of MODNAS searches (variants x seeds) run by the same sweep machinery.

A search covers every device at once, so its grid has no devices or budgets::

    name: nb201-modnas
    kind: search
    preset: quick                 # modnas.search.config presets: quick | paper
    seeds: [0, 1, 2]
    searches:                     # run label -> SearchConfig fields that differ from the preset
      modnas: {}
      estimator-score: {estimator: score}

One run = one search run directory `<out>/<name>/<label>/seed<S>/` (layout: `modnas.search.run`).
A run is complete iff its `result.json` is a complete result of exactly this configuration; an
interrupted search resumes from its checkpoint when the sweep is rerun.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.errors import ModnasBenchError
from benchmarks.io import atomic_write_text

SEARCH_KEYS = {"name", "kind", "benchmark", "preset", "seeds", "searches"}
RESULT_FILE = "result.json"
ERROR_FILE = "error.txt"


def _json_equal(a, b) -> bool:
    return json.loads(json.dumps(a)) == json.loads(json.dumps(b))


@dataclass(frozen=True)
class SearchRunSpec:
    experiment: str
    benchmark: str
    label: str
    seed: int
    preset: str
    overrides: dict = field(hash=False)
    # what the sweep's summary table reads of every run
    method: str = "search"
    device: str = "all"
    budget: int = 0
    kind: str = "search"

    def search_config(self):
        from modnas.search.config import SearchConfig, preset

        data = preset(self.preset, seed=self.seed).to_dict()
        for key, value in self.overrides.items():
            data[key] = {**data[key], **value} if isinstance(data.get(key), dict) and isinstance(value, dict) else value
        return SearchConfig.from_dict(data).validate()

    def config(self) -> dict:
        return self.search_config().to_dict()

    @property
    def key(self) -> str:
        digest = hashlib.sha256(json.dumps(self.config(), sort_keys=True).encode()).hexdigest()[:12]
        return f"{self.label}-seed{self.seed}-{digest}"

    def directory(self, root: Path) -> Path:
        return Path(root) / self.experiment / self.label / f"seed{self.seed}"


@dataclass(frozen=True)
class SearchExperiment:
    name: str
    benchmark: str
    preset: str
    seeds: tuple[int, ...]
    searches: dict  # label -> overrides

    def runs(self, profile: str = "default") -> list[SearchRunSpec]:
        # Budget profiles scale the baselines; a search's size is its preset, whatever the profile.
        return [
            SearchRunSpec(self.name, self.benchmark, label, seed, self.preset, overrides)
            for label, overrides in self.searches.items()
            for seed in self.seeds
        ]


def parse_search_experiment(data: dict, default_name: str, ints) -> SearchExperiment:
    from modnas.runner.experiment import ExperimentError

    unknown = sorted(set(data) - SEARCH_KEYS)
    if unknown:
        raise ExperimentError(f"unknown search-experiment key(s) {', '.join(unknown)}; valid: {', '.join(sorted(SEARCH_KEYS))}")
    searches = data.get("searches")
    if not isinstance(searches, dict) or not searches:
        raise ExperimentError("a search experiment needs `searches`: a mapping of run label -> config overrides")
    experiment = SearchExperiment(
        name=str(data.get("name", default_name)),
        benchmark=str(data.get("benchmark", "nb201")),
        preset=str(data.get("preset", "quick")),
        seeds=ints(data.get("seeds", [0]), "seeds", minimum=0),
        searches={str(label): dict(overrides or {}) for label, overrides in searches.items()},
    )
    for label, overrides in experiment.searches.items():
        if not label or "/" in label or label.startswith("."):
            raise ExperimentError(f"search label {label!r} must be a plain directory name")
        try:
            SearchRunSpec(experiment.name, experiment.benchmark, label, 0, experiment.preset, overrides).search_config()
        except (ModnasBenchError, TypeError, ValueError) as exc:
            raise ExperimentError(f"search {label!r} of {experiment.name!r}: {exc}") from None
    return experiment


def read_complete_search(spec: SearchRunSpec, root: Path) -> dict | None:
    """The summary of a complete search of exactly this configuration, else None."""
    try:
        result = json.loads((spec.directory(root) / RESULT_FILE).read_text())
        if not result.get("complete", False) or not _json_equal(result["config"], spec.config()):
            return None
        hv_true = result["hv_true"]
        return {
            "hv": float(result["hv_mean"]),
            "hv_true": float(sum(hv_true.values()) / len(hv_true)),
            "wall_s": float(result["seconds"]),
        }
    except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError):
        return None


def execute_search(spec: SearchRunSpec, root):
    """Run (or resume) the search; write its run directory or its traceback. Never raises."""
    from modnas.runner.execute import RunOutcome
    from modnas.search import run_search

    directory = spec.directory(Path(root))
    started = time.perf_counter()
    try:
        result = run_search(spec.search_config(), out=directory, progress=False)
        (directory / ERROR_FILE).unlink(missing_ok=True)
        return RunOutcome(spec.key, "done", str(directory), result.hv_mean, time.perf_counter() - started)
    except Exception:  # one failing run must not stop the sweep
        error = traceback.format_exc()
        try:
            atomic_write_text(directory / ERROR_FILE, error)
        except OSError:
            pass
        return RunOutcome(spec.key, "failed", str(directory), None, time.perf_counter() - started, error)
