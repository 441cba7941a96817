"""Sweeps: results match direct runs, reruns skip what is complete, failures and dead workers are contained."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from modnas.baselines import run_baseline
from modnas.runner import parse_experiment, run_sweep
from modnas.runner.sweep import SweepLockedError
from modnas_bench.cli import main

HERE = Path(__file__).resolve().parent
PLUGINS = "runner_test_optimizers"  # a module in this directory, put on sys.path by the fixture below


@pytest.fixture(autouse=True)
def plugin_path(monkeypatch):
    # Spawned worker processes start with the parent's sys.path, so they can import the plugins too.
    monkeypatch.syspath_prepend(str(HERE))


def _experiment(nb201, methods, devices=("fpga", "pixel3"), seeds=(0, 1), budgets=(12,), name="grid"):
    data = {"name": name, "devices": list(devices), "seeds": list(seeds), "budgets": list(budgets), "methods": methods}
    return parse_experiment(data, bench=nb201)


def _results(root: Path) -> dict:
    return {p: json.loads(p.read_text()) for p in sorted(root.rglob("result.json"))}


def _identity(stored: dict) -> dict:
    """A stored result without its wall-clock time (the one field two identical runs differ in)."""
    return {k: v for k, v in stored["result"].items() if k != "wall_s"}


def test_local_sweep_matches_direct_runs_and_a_rerun_skips_everything(nb201, tmp_path):
    experiment = _experiment(nb201, {"rs": {}, "morea": {"population_size": 5, "sample_size": 2}, "help": {}})
    summary = run_sweep(experiment, tmp_path, executor="local", workers=2, progress=False)
    assert summary.complete and summary.n_done == summary.n_runs == 3 * 2 * 2 and summary.n_skipped == 0
    for spec in experiment.runs():
        stored = json.loads((spec.directory(tmp_path) / "result.json").read_text())
        direct = run_baseline(nb201, spec.method, spec.device, spec.budget, spec.seed, spec.settings)
        assert stored["result"]["evaluated"] == list(direct.evaluated)
        assert stored["result"]["hv_trace"] == list(direct.hv_trace)
        assert stored["provenance"]["config"] == spec.config() and stored["provenance"]["seed"] == spec.seed
        assert stored["provenance"]["data"] == nb201.provenance
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("result.json")}
    again = run_sweep(experiment, tmp_path, executor="local", workers=2, progress=False)
    assert again.complete and again.n_skipped == again.n_runs and again.n_done == 0
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("result.json")} == before
    summary_csv = (tmp_path / "grid" / "summary.csv").read_text().splitlines()
    assert len(summary_csv) == 1 + summary.n_runs and all(",complete," in row for row in summary_csv[1:])


def test_rerun_redoes_missing_corrupt_and_changed_runs(nb201, tmp_path):
    experiment = _experiment(nb201, {"rs": {}}, seeds=(0, 1, 2))
    run_sweep(experiment, tmp_path, workers=1, progress=False)
    runs = experiment.runs()
    reference = _results(tmp_path)
    (runs[0].directory(tmp_path) / "result.json").unlink()  # lost
    (runs[1].directory(tmp_path) / "result.json").write_text('{"result": {"hv": 0.5')  # half-written
    summary = run_sweep(experiment, tmp_path, workers=1, progress=False)
    assert (summary.n_skipped, summary.n_done) == (len(runs) - 2, 2)
    assert {p: _identity(r) for p, r in _results(tmp_path).items()} == {p: _identity(r) for p, r in reference.items()}
    # Other settings for the same label: nothing stored matches, so every run is redone.
    changed = _experiment(nb201, {"rs": {"method": "morea", "population_size": 3, "sample_size": 2}}, seeds=(0, 1, 2))
    assert run_sweep(changed, tmp_path, workers=1, progress=False).n_done == len(runs)


def test_a_failing_run_is_reported_with_its_traceback_and_the_others_complete(nb201, tmp_path):
    armed = tmp_path / "armed"
    armed.write_text("fail\n")
    experiment = _experiment(
        nb201, {"rs": {}, "flaky": {"method": f"{PLUGINS}:RaiseWhileArmed", "marker": str(armed)}}, seeds=(0,)
    )
    out = tmp_path / "runs"
    summary = run_sweep(experiment, out, workers=2, progress=False)
    assert (summary.n_done, summary.n_failed) == (2, 2) and not summary.complete
    for spec in experiment.runs():
        directory = spec.directory(out)
        if spec.label == "flaky":
            assert "ValueError: this test optimiser was told to fail" in (directory / "error.txt").read_text()
            assert not (directory / "result.json").exists()
        else:
            assert (directory / "result.json").exists()
    assert all("ValueError" in f["error"] for f in summary.failed)
    armed.unlink()
    rerun = run_sweep(experiment, out, workers=2, progress=False)
    assert rerun.complete and (rerun.n_skipped, rerun.n_done) == (2, 2)
    assert not list(out.rglob("error.txt"))  # stale tracebacks are removed once a run succeeds


def test_a_worker_that_dies_once_is_retried_alone_and_the_sweep_completes(nb201, tmp_path):
    marker = tmp_path / "crashed"
    experiment = _experiment(
        nb201, {"rs": {}, "crash": {"method": f"{PLUGINS}:CrashOnce", "marker": str(marker)}}, seeds=(0, 1)
    )
    summary = run_sweep(experiment, tmp_path / "runs", workers=2, progress=False)
    assert marker.exists(), "the test optimiser did kill its worker"
    assert summary.complete and summary.n_done == summary.n_runs == 8
    assert len(_results(tmp_path / "runs")) == 8


def test_a_run_that_keeps_killing_its_worker_fails_alone_and_a_rerun_finishes_the_sweep(nb201, tmp_path):
    armed = tmp_path / "armed"
    armed.write_text("crash\n")
    experiment = _experiment(
        nb201, {"rs": {}, "crash": {"method": f"{PLUGINS}:CrashWhileArmed", "marker": str(armed)}}, seeds=(0,)
    )
    out = tmp_path / "runs"
    summary = run_sweep(experiment, out, workers=2, progress=False)
    assert (summary.n_done, summary.n_failed) == (2, 2)
    assert {f["key"].split("-")[0] for f in summary.failed} == {"crash"}
    assert all("died" in f["error"] for f in summary.failed)
    done_before = {p: p.read_bytes() for p in out.rglob("result.json")}
    armed.unlink()
    rerun = run_sweep(experiment, out, workers=2, progress=False)
    assert rerun.complete and (rerun.n_skipped, rerun.n_done) == (2, 2)
    after = _results(out)
    assert len(after) == 4 and all(p.read_bytes() == b for p, b in done_before.items())  # untouched


@pytest.mark.slow
def test_a_killed_sweep_rerun_completes_with_nothing_lost_or_duplicated(nb201, tmp_path):
    """Kill the whole sweep (process group: CLI and workers) half-way, run it again, compare with a clean sweep."""
    experiment_file = tmp_path / "slow.yaml"
    experiment_file.write_text(
        "name: slow\ndevices: [fpga, pixel3]\nseeds: [0, 1, 2]\nbudgets: 8\n"
        f"methods:\n  slow: {{method: '{PLUGINS}:Slow', sleep_s: 0.15}}\n"
    )
    out = tmp_path / "runs"
    command = [sys.executable, "-m", "modnas_bench.cli", "run", str(experiment_file), "--workers", "2"]
    command += ["--out", str(out)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    sweep = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list(out.rglob("result.json"))) < 2 and time.monotonic() < deadline and sweep.poll() is None:
        time.sleep(0.05)
    os.killpg(sweep.pid, signal.SIGKILL)
    sweep.wait()
    survivors = {p: p.read_bytes() for p in out.rglob("result.json")}
    assert 2 <= len(survivors) < 6, "the sweep was killed half-way"

    rerun = subprocess.run([*command, "--json", "--no-progress"], env=env, capture_output=True, text=True, timeout=120)
    summary = json.loads(rerun.stdout)
    assert rerun.returncode == 0 and summary["complete"]
    assert summary["n_skipped"] == len(survivors) and summary["n_done"] == 6 - len(survivors)
    assert all(p.read_bytes() == b for p, b in survivors.items())  # finished runs were not redone

    clean = tmp_path / "clean"
    subprocess.run([*command[:-1], str(clean), "--no-progress"], env=env, check=True, capture_output=True, timeout=120)
    resumed, reference = _results(out), _results(clean)
    assert len(resumed) == len(reference) == 6
    for path, payload in reference.items():
        twin = resumed[out / path.relative_to(clean)]
        assert twin["result"]["evaluated"] == payload["result"]["evaluated"]
        assert twin["result"]["hv_trace"] == payload["result"]["hv_trace"]


@pytest.mark.slow
def test_dask_local_cluster_runs_a_small_grid(nb201, tmp_path):
    experiment = _experiment(nb201, {"rs": {}, "nsga2": {"population_size": 6}}, seeds=(0,), budgets=(10,))
    summary = run_sweep(experiment, tmp_path / "dask", executor="dask", workers=2, progress=False)
    assert summary.complete and summary.n_done == 4 and summary.executor == "dask"
    local = run_sweep(experiment, tmp_path / "local", executor="local", workers=1, progress=False)
    assert local.complete
    for path, payload in _results(tmp_path / "local").items():
        twin = _results(tmp_path / "dask")[tmp_path / "dask" / path.relative_to(tmp_path / "local")]
        assert twin["result"]["evaluated"] == payload["result"]["evaluated"]


def test_two_sweeps_cannot_write_the_same_experiment(nb201, tmp_path):
    experiment = _experiment(nb201, {"rs": {}}, seeds=(0,))
    (tmp_path / "grid").mkdir()
    with FileLock(tmp_path / "grid" / ".sweep.lock"):
        with pytest.raises(SweepLockedError, match="another sweep"):
            run_sweep(experiment, tmp_path, workers=1, progress=False)


def test_cli_run_and_baseline(tmp_path, capsys):
    experiment_file = tmp_path / "cli.yaml"
    experiment_file.write_text("name: cli\ndevices: [eyeriss]\nseeds: 0\nbudgets: 5\nmethods: {rs: {}}\n")
    assert main(["run", str(experiment_file), "--out", str(tmp_path / "runs"), "--json", "--no-progress"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["complete"] and summary["n_done"] == 1
    stored = json.loads((tmp_path / "runs/cli/rs/eyeriss/seed0-budget5/result.json").read_text())

    out = tmp_path / "single"
    argv = ["baseline", "nb201", "--method", "rs", "--device", "eyeriss", "--budget", "5", "--seed", "0"]
    assert main([*argv, "--out", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    for key in ("method", "device", "budget", "hv", "hv_trace", "evaluated"):
        assert printed[key] == stored["result"][key]
    written = json.loads((out / "result.json").read_text())
    assert written["result"]["hv"] == printed["hv"] and written["provenance"]["seed"] == 0

    assert main(["baseline", "nb201", "--method", "nope", "--device", "eyeriss"]) == 2
    assert "unknown method 'nope'" in capsys.readouterr().err
    assert main(["run", str(experiment_file), "--scheduler", "tcp://x:1"]) == 2
