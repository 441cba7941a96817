"""`modnas-bench run EXPERIMENT.yaml --executor local|dask [--scheduler ADDRESS] [--workers N] [--out DIR]`."""

from __future__ import annotations

import argparse
import json

from modnas.runner.executors import EXECUTORS
from modnas.runner.experiment import DEFAULT_PROFILE, load_experiment
from modnas.runner.sweep import run_sweep


def cmd_run(args) -> int:
    experiment = load_experiment(args.experiment)
    summary = run_sweep(
        experiment,
        args.out,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        profile=args.budgets,
        progress=not args.no_progress,
    )
    print(json.dumps(summary.to_dict()) if args.json else summary.text())
    return 0 if summary.complete else 1


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run", help="run an experiment grid (YAML) locally or on Dask; a rerun skips completed runs"
    )
    run.add_argument("experiment", help="experiment file (schema: modnas.runner.experiment, experiments/README.md)")
    run.add_argument("--executor", choices=EXECUTORS, default="local")
    run.add_argument("--workers", type=int, default=1, help="worker processes (local pool or LocalCluster)")
    run.add_argument("--scheduler", help="address of a running Dask scheduler (default: start a LocalCluster)")
    run.add_argument("--out", default="runs", help="root of the run directories (default: runs)")
    run.add_argument("--budgets", default=DEFAULT_PROFILE, help="budget profile of the experiment file")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    run.set_defaults(handler=cmd_run)
