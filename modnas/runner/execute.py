"""One run of the grid, as executed by a worker process, and how a finished run is recognised.

A run's directory holds, when it succeeded, `result.json` = {"result": ..., "provenance": ...},
written atomically (a reader sees a whole file or none); when it failed, `error.txt` with the
traceback. A run counts as complete iff `result.json` parses, its provenance config equals the
run's config and its HV trace is consistent; anything else (no file, a half-finished directory, a
file from other settings) is redone on the next sweep.
"""

from __future__ import annotations

import functools
import json
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import surrogates
from benchmarks.io import atomic_write_json, atomic_write_text
from modnas.baselines.run import RESULT_FILE, result_payload, run_baseline
from modnas.runner.experiment import RunSpec

ERROR_FILE = "error.txt"


@dataclass(frozen=True)
class RunOutcome:
    key: str
    status: str  # "done" | "skipped" (complete before this sweep) | "failed"
    directory: str
    hv: float | None = None
    wall_s: float = 0.0
    error: str | None = None  # the traceback, for a failed run


@functools.lru_cache(maxsize=4)
def _benchmark(name: str):
    return surrogates.load(name)  # once per worker process; tables pass through to benchmarks.load


def read_complete(spec: RunSpec, root: Path) -> dict | None:
    """The stored result of `spec` if its directory holds a valid, matching one; else None."""
    if getattr(spec, "kind", "baseline") == "search":
        from modnas.runner.searches import read_complete_search

        return read_complete_search(spec, Path(root))
    path = spec.directory(root) / RESULT_FILE
    try:
        payload = json.loads(path.read_text())
        result, provenance = payload["result"], payload["provenance"]
        matches = provenance["config"] == spec.config() and provenance["seed"] == spec.seed
        trace = result["hv_trace"]
        consistent = len(trace) == result["budget"] == len(result["evaluated"]) and trace[-1] == result["hv"]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return result if matches and consistent else None


def execute_run(spec: RunSpec, root) -> RunOutcome:
    """Run `spec`, write its result (or its traceback) into its directory; never raises."""
    if getattr(spec, "kind", "baseline") == "search":
        from modnas.runner.searches import execute_search

        return execute_search(spec, root)
    directory = spec.directory(Path(root))
    started = time.perf_counter()
    try:
        bench = _benchmark(spec.benchmark)
        result = run_baseline(
            bench, spec.method, spec.device, spec.budget, spec.seed, spec.settings,
            dataset=spec.dataset, objectives=spec.objectives,
        )  # fmt: skip
        atomic_write_json(directory / RESULT_FILE, result_payload(result, spec.config(), bench.provenance))
        (directory / ERROR_FILE).unlink(missing_ok=True)  # a traceback of an earlier attempt is stale now
        return RunOutcome(spec.key, "done", str(directory), result.hv, time.perf_counter() - started)
    except Exception:  # one failing run must not stop the sweep: record it and report it
        error = traceback.format_exc()
        try:
            atomic_write_text(directory / ERROR_FILE, error)
        except OSError:
            pass  # the traceback still travels back in the outcome
        return RunOutcome(spec.key, "failed", str(directory), None, time.perf_counter() - started, error)


def worker_died(spec: RunSpec, root, detail: str) -> RunOutcome:
    """The outcome of a run whose worker process died under it (no Python traceback exists)."""
    directory = spec.directory(Path(root))
    error = f"the worker process running {spec.key} died ({detail}); no result was written\n"
    try:
        atomic_write_text(directory / ERROR_FILE, error)
    except OSError:
        pass
    return RunOutcome(spec.key, "failed", str(directory), None, 0.0, error)
