"""Run an experiment's grid: skip what is complete, execute the rest, summarise.

    from modnas.runner import load_experiment, run_sweep
    summary = run_sweep(load_experiment("experiments/nb201-baselines.yaml"), "runs", executor="local", workers=2)

A rerun of the same experiment skips every run whose directory holds a valid matching result and
redoes the others (never started, interrupted, failed, or computed under other settings), so an
interrupted sweep is finished by running it again. A lock file in the experiment directory keeps
two sweeps from writing the same runs at once (an OS lock: a killed sweep does not leave it held).
"""

from __future__ import annotations

import csv
import io
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout
from tqdm.auto import tqdm

from benchmarks.errors import ModnasBenchError, UnknownNameError
from benchmarks.io import atomic_write_json, atomic_write_text
from modnas.runner.execute import RunOutcome, read_complete
from modnas.runner.executors import EXECUTORS, run_dask, run_local
from modnas.runner.experiment import DEFAULT_PROFILE, Experiment

SUMMARY_JSON = "summary.json"
SUMMARY_CSV = "summary.csv"


class SweepLockedError(ModnasBenchError):
    """Another sweep is writing into the same experiment directory."""


@dataclass(frozen=True)
class SweepSummary:
    experiment: str
    directory: str
    executor: str
    workers: int
    n_runs: int
    n_skipped: int  # complete before this sweep
    n_done: int  # completed by this sweep
    n_failed: int
    wall_s: float
    failed: tuple[dict, ...] = field(default=())  # key, directory, last line of the error
    hv_by_method: dict = field(default_factory=dict)  # label -> {budget: mean final HV over devices x seeds}

    @property
    def complete(self) -> bool:
        return self.n_failed == 0 and self.n_skipped + self.n_done == self.n_runs

    def to_dict(self) -> dict:
        return {**asdict(self), "failed": list(self.failed), "complete": self.complete}

    def text(self) -> str:
        lines = [
            f"{self.experiment}: {self.n_runs} runs, {self.n_skipped} already complete, {self.n_done} run now, "
            f"{self.n_failed} failed ({self.executor}, {self.workers} workers, {self.wall_s:.1f} s)"
        ]
        for label, by_budget in self.hv_by_method.items():
            hvs = ", ".join(f"budget {b}: {hv:.4f}" for b, hv in by_budget.items())
            lines.append(f"  {label:12s} mean HV {hvs}")
        for failure in self.failed:
            lines.append(f"  FAILED {failure['key']}: {failure['error']}  (traceback in {failure['directory']})")
        return "\n".join(lines)


def run_sweep(
    experiment: Experiment,
    out,
    executor: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    profile: str = DEFAULT_PROFILE,
    progress: bool = True,
) -> SweepSummary:
    if executor not in EXECUTORS:
        raise UnknownNameError(executor, EXECUTORS, "(executor)")
    if workers < 1:
        raise ModnasBenchError(f"--workers must be at least 1, got {workers}")
    if scheduler is not None and executor != "dask":
        raise ModnasBenchError("--scheduler is an address of a Dask scheduler; use it with --executor dask")
    root = Path(out)
    experiment_dir = root / experiment.name
    experiment_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(experiment_dir / ".sweep.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise SweepLockedError(f"another sweep is writing into {experiment_dir}; wait for it or stop it") from None
    try:
        return _sweep(experiment, root, experiment_dir, executor, workers, scheduler, profile, progress)
    finally:
        lock.release()


def _sweep(experiment, root, experiment_dir, executor, workers, scheduler, profile, progress) -> SweepSummary:
    started = time.perf_counter()
    specs = experiment.runs(profile)
    todo = [spec for spec in specs if read_complete(spec, root) is None]
    outcomes: list[RunOutcome] = []
    bar = tqdm(total=len(specs), initial=len(specs) - len(todo), desc=experiment.name, unit="run", disable=not progress)

    def report(outcome: RunOutcome) -> None:
        outcomes.append(outcome)
        bar.update(1)
        failed = sum(o.status == "failed" for o in outcomes)
        if failed:
            bar.set_postfix(failed=failed)

    try:
        if todo:
            if executor == "local":
                run_local(todo, root, workers, report)
            else:
                run_dask(todo, root, workers, report, scheduler)
    finally:
        bar.close()
    failed = [o for o in outcomes if o.status == "failed"]
    summary = SweepSummary(
        experiment=experiment.name,
        directory=str(experiment_dir),
        executor=executor,
        workers=workers,
        n_runs=len(specs),
        n_skipped=len(specs) - len(todo),
        n_done=sum(o.status == "done" for o in outcomes),
        n_failed=len(failed),
        wall_s=time.perf_counter() - started,
        failed=tuple(
            {"key": o.key, "directory": o.directory, "error": (o.error or "").strip().splitlines()[-1:][0]}
            for o in failed
        ),
        hv_by_method=_write_tables(specs, root, experiment_dir),
    )
    atomic_write_json(experiment_dir / SUMMARY_JSON, summary.to_dict())
    return summary


def _write_tables(specs, root: Path, experiment_dir: Path) -> dict:
    """summary.csv (one row per run) and the mean final HV per method label and budget."""
    rows, final_hv = [], defaultdict(list)
    for spec in specs:
        result = read_complete(spec, root)
        rows.append(
            {
                "label": spec.label,
                "method": spec.method,
                "device": spec.device,
                "seed": spec.seed,
                "budget": spec.budget,
                "status": "complete" if result else "missing",
                "hv": "" if result is None else result["hv"],
                "hv_true": "" if result is None else result["hv_true"],
                "directory": str(spec.directory(root).relative_to(root)),
            }
        )
        if result is not None:
            final_hv[(spec.label, spec.budget)].append(result["hv"])
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(experiment_dir / SUMMARY_CSV, text.getvalue())
    table: dict = defaultdict(dict)
    for (label, budget), values in final_hv.items():
        table[label][budget] = float(np.mean(values))
    return dict(table)
