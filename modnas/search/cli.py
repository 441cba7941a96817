"""`modnas-bench search nb201|nb201-surrogate`: run one MODNAS search and print its scores."""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks.errors import QueryError
from modnas.search.config import (
    ACCURACY_SOURCES,
    ESTIMATORS,
    GRAD_COMBINE,
    HYPERNETS,
    LATENCY_SOURCES,
    PRESETS,
    preset,
)


def cmd_search(args) -> int:
    from modnas.search.run import run_search  # torch import deferred to the command that needs it

    changes = {"seed": args.seed, "benchmark": args.search_benchmark}
    for name in ("estimator", "grad_combine", "hypernet", "accuracy", "latency", "epochs", "steps_per_epoch"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    if args.objectives:
        changes["objectives"] = tuple(args.objectives.split(","))
    for name in ("search_devices", "eval_devices"):
        if getattr(args, name):
            changes[name] = tuple(getattr(args, name).split(","))
    if "energy" in changes.get("objectives", ()):
        # Energy is measured on a few devices only and has no predictor: search and evaluate on those.
        from benchmarks.nb201.build import ENERGY_DEVICES
        from benchmarks.nb201.devices import ALL_DEVICES

        with_embedding = tuple(d for d in ENERGY_DEVICES if d in ALL_DEVICES)
        changes.setdefault("search_devices", with_embedding)
        changes.setdefault("eval_devices", changes["search_devices"])
    if args.no_unit_norm:
        changes["grad_unit_norm"] = False
    config = preset(args.preset, **changes)
    if args.data_dir or args.supernet_dataset:
        supernet = config.supernet
        if args.data_dir:
            supernet = type(supernet)(**{**supernet.__dict__, "data_dir": args.data_dir})
        if args.supernet_dataset:
            supernet = type(supernet)(**{**supernet.__dict__, "dataset": args.supernet_dataset})
        config = config.replace(supernet=supernet)
    result = run_search(config, out=args.out, resume=not args.restart, progress=not args.json and sys.stderr.isatty())
    payload = result.to_dict()
    if args.json:
        keep = ("hv", "hv_mean", "hv_true", "hv_gap", "hv_linear", "seconds", "architectures", "seed", "complete")
        summary = {k: payload[k] for k in keep}
        summary["config"] = {k: payload["config"][k] for k in ("estimator", "grad_combine", "hypernet", "accuracy", "latency", "objectives")}
        summary["run_dir"] = result.run_dir
        print(json.dumps(summary))
        return 0
    print(f"MODNAS search on {config.benchmark} ({args.preset}, seed {config.seed}): {result.seconds:.1f} s")
    print(f"{'device':16s} {'split':6s} {'HV':>7s} {'true':>7s} {'linear':>7s}")
    for device, hv in result.hv.items():
        split = "search" if device in config.search_devices else "test"
        print(f"{device:16s} {split:6s} {hv:7.4f} {result.hv_true[device]:7.4f} {result.hv_linear[device]:7.4f}")
    print(f"mean HV {result.hv_mean:.4f}" + (f"; run directory {result.run_dir}" if result.run_dir else ""))
    return 0


SEARCH_BENCHMARKS = {
    "nb201": "NAS-Bench-201: 13 search devices, evaluated on all 19",
    "nb201-surrogate": "NAS-Bench-201 with XGBoost surrogate latency/accuracy (surrogates.load), same protocol",
}


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    search = subparsers.add_parser("search", help="run a MODNAS search (hypernetwork over devices and preferences)")
    benchmarks = search.add_subparsers(dest="search_benchmark", required=True)
    for name, help_text in SEARCH_BENCHMARKS.items():
        nb201 = benchmarks.add_parser(name, help=help_text)
        nb201.add_argument("--preset", default="quick", choices=sorted(PRESETS), help="quick (CPU, tables) or paper (GPU supernet)")
        nb201.add_argument("--seed", type=int, default=0)
        nb201.add_argument("--out", help="run directory (config, provenance, history, checkpoint, results); resumes if present")
        nb201.add_argument("--restart", action="store_true", help="ignore a checkpoint in --out and start over")
        nb201.add_argument("--json", action="store_true", help="print the result as one JSON object")
        nb201.add_argument("--estimator", choices=ESTIMATORS)
        nb201.add_argument("--grad-combine", dest="grad_combine", choices=GRAD_COMBINE)
        nb201.add_argument("--no-unit-norm", action="store_true", help="combine raw per-device gradients (no unit-norm rescaling)")
        nb201.add_argument("--hypernet", choices=HYPERNETS, help="bank (original), mlp, random (untrained RHPN)")
        nb201.add_argument("--accuracy", choices=ACCURACY_SOURCES)
        nb201.add_argument("--latency", choices=LATENCY_SOURCES)
        nb201.add_argument(
            "--objectives",
            help="error,latency (default), error,latency,params, or with the optional HW-NAS-Bench file "
            "error,latency,energy / error,energy (then searched and evaluated on the energy devices eyeriss, fpga "
            "unless --search-devices/--eval-devices say otherwise; energy needs --estimator exact or score)",
        )
        nb201.add_argument("--search-devices", dest="search_devices", help="comma list (default: the 13 MODNAS search devices)")
        nb201.add_argument("--eval-devices", dest="eval_devices", help="comma list (default: the 19 MODNAS devices)")
        nb201.add_argument("--epochs", type=int)
        nb201.add_argument("--steps-per-epoch", dest="steps_per_epoch", type=int)
        nb201.add_argument("--data-dir", help="folder with torchvision's CIFAR-10 (supernet accuracy)")
        nb201.add_argument("--supernet-dataset", choices=("cifar10", "digits"))
        nb201.set_defaults(handler=_checked(cmd_search))


def _checked(handler):
    def run(args) -> int:
        if args.hypernet == "bank" and args.objectives and len(args.objectives.split(",")) > 2:
            raise QueryError("the bank hypernetwork serves 2 objectives; add --hypernet mlp for 3")
        return handler(args)

    return run
