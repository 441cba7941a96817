"""`modnas-bench baseline BENCHMARK --method M --device D --budget N --seed S --out DIR [--json]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

import surrogates
from benchmarks.errors import QueryError
from benchmarks.io import atomic_write_json
from modnas.baselines.registry import METHODS
from modnas.baselines.run import RESULT_FILE, result_payload, run_baseline


def parse_settings(pairs: list[str] | None) -> dict:
    """`["pool_size=200", "fit_maxiter=20"]` -> {"pool_size": 200, "fit_maxiter": 20} (YAML scalars)."""
    settings = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise QueryError(f"a setting is given as KEY=VALUE, got {pair!r}")
        settings[key.strip()] = yaml.safe_load(value)
    return settings


def cmd_baseline(args) -> int:
    bench = surrogates.load(args.benchmark)  # a table passes straight through to benchmarks.load
    settings = parse_settings(args.set)
    objectives = tuple(o.strip() for o in args.objectives.split(",") if o.strip())
    result = run_baseline(
        bench, args.method, args.device, args.budget, args.seed, settings, dataset=args.dataset, objectives=objectives
    )
    config = {
        "benchmark": args.benchmark,
        "method": args.method,
        "device": args.device,
        "budget": args.budget,
        "dataset": args.dataset,
        "objectives": list(objectives),
        "settings": result.settings,
    }
    payload = result_payload(result, config, bench.provenance)
    if args.out:
        atomic_write_json(Path(args.out) / RESULT_FILE, payload)
    if args.json:
        print(json.dumps(payload["result"]))
    else:
        print(
            f"{args.method} on {args.device}: HV {result.hv:.4f} after {result.budget} evaluations "
            f"(true front {result.hv_true:.4f}; {result.n_repeats} repeats; {result.wall_s:.1f} s)"
        )
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    baseline = subparsers.add_parser(
        "baseline", help="run one baseline for a budget of true-objective evaluations, logging HV after each"
    )
    # Benchmarks with an evaluation task (accuracy and latency): the NB201 table and its surrogate stand-in.
    baseline.add_argument("benchmark", choices=("nb201", "nb201-surrogate"))
    baseline.add_argument(
        "--method", required=True, help=f"one of {', '.join(METHODS)}, or module:OptimizerClass"
    )
    baseline.add_argument("--device", required=True)
    baseline.add_argument(
        "--budget", type=int, default=100,
        help="evaluations of the true objectives (help, rhpn and modnas-e name 24 architectures and ignore it)",
    )  # fmt: skip
    baseline.add_argument("--seed", type=int, default=0)
    baseline.add_argument("--dataset", default="cifar10")
    baseline.add_argument("--objectives", default="error,latency")
    baseline.add_argument("--set", action="append", metavar="KEY=VALUE", help="a method setting (repeatable)")
    baseline.add_argument("--out", help=f"directory to write {RESULT_FILE} (result + provenance) into")
    baseline.add_argument("--json", action="store_true", help="print the result as one JSON line")
    baseline.set_defaults(handler=cmd_baseline)
