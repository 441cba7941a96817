"""Read logged runs: search results (one run covers every device) and baseline results (one device).

A runs folder holds experiments as `<runs>/<experiment>/<label>/...`:

- a search run directory (`modnas.search.run`) has a flat `result.json` with `architectures`, `hv`,
  `metrics`, `config`, ... (its label: the method or ablation variant, e.g. `modnas`, `rhpn`);
- a baseline run directory (`modnas.runner`) has `result.json` = `{"result": ..., "provenance": ...}`
  at `<label>/<device>/seed<S>-budget<N>/`.

Only complete results are read: a run without a (valid) `result.json` is simply not there yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

RESULT_FILE = "result.json"


@dataclass(frozen=True)
class SearchRun:
    experiment: str
    label: str
    seed: int
    path: Path
    result: dict = field(repr=False)

    @property
    def objectives(self) -> tuple[str, ...]:
        return tuple(self.result["config"]["objectives"])


@dataclass(frozen=True)
class BaselineRun:
    experiment: str
    label: str
    device: str
    seed: int
    budget: int
    path: Path
    result: dict = field(repr=False)


@dataclass
class RunLogs:
    root: Path
    searches: list[SearchRun] = field(default_factory=list)
    baselines: list[BaselineRun] = field(default_factory=list)

    def experiments(self) -> set[str]:
        return {r.experiment for r in self.searches} | {r.experiment for r in self.baselines}

    def search_runs(self, experiment: str, label: str | None = None) -> list[SearchRun]:
        runs = [r for r in self.searches if r.experiment == experiment and (label is None or r.label == label)]
        return sorted(runs, key=lambda r: (r.label, r.seed))

    def baseline_runs(self, experiment: str | None = None, label: str | None = None) -> list[BaselineRun]:
        runs = [
            r
            for r in self.baselines
            if (experiment is None or r.experiment == experiment) and (label is None or r.label == label)
        ]
        return sorted(runs, key=lambda r: (r.label, r.device, r.seed, r.budget))


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # being written by someone else or broken: not a complete result


def collect(root) -> RunLogs:
    root = Path(root)
    logs = RunLogs(root=root)
    if not root.is_dir():
        return logs
    for path in sorted(root.rglob(RESULT_FILE)):
        parts = path.relative_to(root).parts
        if len(parts) < 3:
            continue
        payload = _read(path)
        if not isinstance(payload, dict):
            continue
        experiment, label = parts[0], parts[1]
        if "result" in payload and "provenance" in payload:
            result = payload["result"]
            logs.baselines.append(
                BaselineRun(experiment, label, result["device"], int(result["seed"]), int(result["budget"]),
                            path.parent, result)  # fmt: skip
            )
        elif "architectures" in payload and "config" in payload and payload.get("complete", True):
            logs.searches.append(SearchRun(experiment, label, int(payload["seed"]), path.parent, payload))
    return logs
