"""`modnas-bench data|query|front|fronts|devices`: the data layer's commands."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import benchmarks
from benchmarks.data import cache
from benchmarks.data.manifest import load_manifest
from benchmarks.errors import QueryError


def _emit(payload: dict, as_json: bool, text: str) -> None:
    print(json.dumps(payload, indent=None if as_json else 2) if as_json else text)


# --- data -------------------------------------------------------------------------------------


def _selected(args):
    return load_manifest().select(args.name or None, args.benchmark, include_optional=args.optional)


def cmd_data_fetch(args) -> int:
    outcomes = cache.fetch(_selected(args), force=args.force, progress=not args.quiet and sys.stderr.isatty())
    downloaded = [o.name for o in outcomes if o.action == "downloaded"]
    payload = {
        "data_home": str(cache.data_home()),
        "mirror": str(cache.mirror_dir()) if cache.mirror_dir() else None,
        "n_artifacts": len(outcomes),
        "downloaded": downloaded,
        "cached": [o.name for o in outcomes if o.action == "cached"],
        "unavailable": {o.name: o.detail for o in outcomes if o.action == "unavailable"},
    }
    valid = len(outcomes) - len(payload["unavailable"])
    text = f"{valid} artifacts valid in {payload['data_home']} ({len(downloaded)} downloaded)"
    for name, detail in payload["unavailable"].items():
        text += f"\noptional artifact {name} unavailable: {detail}"
    _emit(payload, args.json, text)
    return 0


def cmd_data_verify(args) -> int:
    outcomes = cache.verify(_selected(args))
    payload = {
        "data_home": str(cache.data_home()),
        "artifacts": [{"name": o.name, "status": o.status, "path": str(o.path), "detail": o.detail} for o in outcomes],
    }
    bad = [o for o in outcomes if o.status != "ok"]
    lines = [f"{o.status:8s} {o.name}" + (f"  {o.detail}" if o.detail else "") for o in outcomes]
    lines.append(f"{len(outcomes) - len(bad)}/{len(outcomes)} artifacts valid")
    _emit(payload, args.json, "\n".join(lines))
    return 1 if bad else 0


def cmd_data_info(args) -> int:
    manifest = load_manifest()
    by_benchmark: dict[str, dict] = {}
    for artifact in manifest.artifacts.values():
        entry = by_benchmark.setdefault(artifact.benchmark, {"required": 0, "optional": 0, "bytes": 0, "cached": 0})
        entry["required" if artifact.required else "optional"] += 1
        entry["bytes"] += artifact.size or 0
        entry["cached"] += cache.raw_path(artifact).is_file()
    built = cache.data_home() / "built"
    payload = {
        "data_home": str(cache.data_home()),
        "mirror": str(cache.mirror_dir()) if cache.mirror_dir() else None,
        "manifest_sha256": manifest.sha256,
        "benchmarks": by_benchmark,
        "built": sorted(p.name for p in built.glob("*.h5")) if built.is_dir() else [],
    }
    text = [f"data home: {payload['data_home']}", f"mirror:    {payload['mirror'] or '(none: downloads from URLs)'}"]
    for name, entry in sorted(by_benchmark.items()):
        text.append(
            f"  {name:6s} {entry['required']} required + {entry['optional']} optional artifacts, "
            f"{entry['bytes'] / 1e6:.1f} MB listed, {entry['cached']} cached"
        )
    text.append(f"built: {', '.join(payload['built']) or '(nothing yet)'}")
    _emit(payload, args.json, "\n".join(text))
    return 0


# --- benchmark queries ------------------------------------------------------------------------


def cmd_query(args) -> int:
    bench = benchmarks.load(args.benchmark)
    if (args.arch is None) == (args.index is None):
        raise QueryError("give exactly one of --arch STR or --index I")
    has_strings = hasattr(getattr(bench, "space", None), "to_indices")  # NB201 cells have a string form
    if args.arch is not None and not has_strings:
        raise QueryError(f"{args.benchmark} architectures are addressed by --index (row of the measured table)")
    index = int(bench.space.to_indices(args.arch if args.arch is not None else args.index)) if has_strings else args.index
    value = bench.query(index, args.metric, device=args.device, dataset=args.dataset)
    if has_strings:
        arch = bench.space.index_to_str(index)
    else:
        arch = bench.arch(index) if hasattr(bench, "arch") else None  # OFA: the ks/e/d/r dict; HAT: per-device rows
    payload = {
        "benchmark": args.benchmark,
        "index": index,
        "arch": arch,
        "metric": args.metric,
        "device": args.device,
        "dataset": args.dataset,
        "value": value,
        "unit": bench.units.get(args.metric, ""),
    }
    name = payload["arch"] if payload["arch"] is not None else f"{args.benchmark} row"
    _emit(payload, args.json, f"{name} (index {index}): {args.metric} = {value}")
    return 0


# Benchmarks with both an accuracy and a hardware side, hence a Pareto front (OFA/HAT ship latency only).
FRONT_BENCHMARKS = ("nb201",)


def _objectives(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _front_payload(bench, device: str, dataset: str, objectives) -> dict:
    task = bench.task(device, dataset=dataset, objectives=objectives)
    return {
        "benchmark": bench.name,
        "device": device,
        "dataset": dataset,
        "objectives": list(task.objectives),
        "hv_true": task.hv_true,
        "ref_point": list(task.ref_point),
        "lower": list(task.lower),
        "upper": list(task.upper),
        "n_filtered": task.n_filtered,
        "front_indices": list(task.front_indices),
        "front_archs": list(bench.space.index_to_str(list(task.front_indices))),
    }


def cmd_front(args) -> int:
    bench = benchmarks.load(args.benchmark)
    payload = _front_payload(bench, args.device, args.dataset, _objectives(args.objectives))
    _emit(
        payload,
        args.json,
        f"{args.device} / {args.dataset}: true-front HV {payload['hv_true']:.6f} "
        f"({len(payload['front_indices'])} architectures on the front of {payload['n_filtered']})",
    )
    return 0


def cmd_fronts(args) -> int:
    """True-front HV of every MODNAS device, written as CSV and Markdown."""
    bench = benchmarks.load(args.benchmark)
    objectives = _objectives(args.objectives)
    rows = []
    for device in bench.devices.names("modnas"):
        payload = _front_payload(bench, device, args.dataset, objectives)
        rows.append(
            {
                "device": device,
                "split": bench.devices[device].split,
                "hv_true": payload["hv_true"],
                "n_front": len(payload["front_indices"]),
                "n_filtered": payload["n_filtered"],
            }
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{args.benchmark}-true-fronts-{args.dataset}-{'-'.join(objectives)}"
    with open(stem.with_suffix(".csv"), "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    mean = sum(r["hv_true"] for r in rows) / len(rows)
    lines = ["| device | split | true-front HV | front size | filtered space |", "|---|---|---|---|---|"]
    lines += [f"| {r['device']} | {r['split']} | {r['hv_true']:.4f} | {r['n_front']} | {r['n_filtered']} |" for r in rows]
    lines.append(f"| **mean** | | **{mean:.4f}** | | |")
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    _emit({"rows": rows, "hv_mean": mean, "files": [str(stem) + ".csv", str(stem) + ".md"]}, args.json, "\n".join(lines))
    return 0


def cmd_devices(args) -> int:
    bench = benchmarks.load(args.benchmark)
    payload = bench.devices.to_dict()
    lines = [f"{d.name:15s} {d.split:7s} {d.kind:9s} " + " ".join(f"{x:.3f}" for x in d.embedding) for d in bench.devices]
    _emit(payload, args.json, "\n".join(lines))
    return 0


# --- registration -----------------------------------------------------------------------------


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    data = subparsers.add_parser("data", help="fetch, verify and describe the cached public data")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    for name, handler, help_text in (
        ("fetch", cmd_data_fetch, "download (or copy from the mirror) and verify artifacts"),
        ("verify", cmd_data_verify, "check cached artifacts against the manifest; exit 1 if any is missing or corrupt"),
        ("info", cmd_data_info, "where the cache and mirror are and what is in them"),
    ):
        command = data_commands.add_parser(name, help=help_text)
        command.set_defaults(handler=handler)
        command.add_argument("--json", action="store_true")
        if name == "info":
            continue
        command.add_argument("--benchmark", help="only this benchmark's artifacts (nb201, ofa, hat)")
        command.add_argument("--name", action="append", help="only this artifact (repeatable)")
        command.add_argument("--optional", action="store_true", help="include optional artifacts")
        if name == "fetch":
            command.add_argument("--force", action="store_true", help="download again even when the cache is valid")
            command.add_argument("--quiet", action="store_true", help="no progress bars")

    query = subparsers.add_parser("query", help="one metric of one architecture")
    query.add_argument("benchmark", choices=benchmarks.available())
    query.add_argument("--arch", help="architecture string")
    query.add_argument("--index", type=int, help="architecture index")
    query.add_argument("--metric", required=True)
    query.add_argument("--device")
    query.add_argument("--dataset")
    query.add_argument("--json", action="store_true")
    query.set_defaults(handler=cmd_query)

    front = subparsers.add_parser("front", help="the true Pareto front of a device and its hypervolume")
    front.add_argument("benchmark", choices=FRONT_BENCHMARKS)
    front.add_argument("--device", required=True)
    front.add_argument("--dataset", default="cifar10")
    front.add_argument("--objectives", default="error,latency", help="comma-separated, e.g. error,latency,params")
    front.add_argument("--json", action="store_true")
    front.set_defaults(handler=cmd_front)

    fronts = subparsers.add_parser("fronts", help="true-front HV table of all MODNAS devices (CSV + Markdown)")
    fronts.add_argument("benchmark", choices=FRONT_BENCHMARKS)
    fronts.add_argument("--dataset", default="cifar10")
    fronts.add_argument("--objectives", default="error,latency")
    fronts.add_argument("--out", default="results")
    fronts.add_argument("--json", action="store_true")
    fronts.set_defaults(handler=cmd_fronts)

    devices = subparsers.add_parser("devices", help="the device registry with splits and hardware embeddings")
    devices.add_argument("benchmark", choices=benchmarks.available())
    devices.add_argument("--json", action="store_true")
    devices.set_defaults(handler=cmd_devices)
