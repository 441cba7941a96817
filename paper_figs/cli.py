"""`modnas-bench figs list|make`: draw the paper's figures and tables from logged runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import benchmarks
from benchmarks.errors import ModnasBenchError
from paper_figs.figures import MissingRunsError
from paper_figs.logs import collect
from paper_figs.registry import FIGURES, get_figure


class FigureInputsMissingError(ModnasBenchError):
    """A figure was asked for before the runs it reads exist."""


def cmd_list(args) -> int:
    present = collect(args.runs).experiments()
    rows = []
    for figure in FIGURES.values():
        missing = [e for e in figure.needs if e not in present]
        rows.append({"id": figure.id, "title": figure.title, "shows": figure.shows, "needs": list(figure.needs),
                     "optional": list(figure.optional), "missing": missing, "ready": not missing})  # fmt: skip
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            state = "ready" if row["ready"] else "missing " + ", ".join(row["missing"])
            print(f"{row['id']:24s} {row['title']:45s} [{state}]")
    return 0


def cmd_make(args) -> int:
    figure = get_figure(args.id)
    logs = collect(args.runs)
    missing = [e for e in figure.needs if e not in logs.experiments()]
    if missing:
        commands = "; ".join(f"modnas-bench run experiments/{e}.yaml --out {args.runs}" for e in missing)
        raise FigureInputsMissingError(
            f"figure {figure.id!r} needs runs of {', '.join(missing)} under {args.runs}; run them first ({commands}) "
            f"or `make reproduce-{figure.id}`"
        )
    try:
        drawn = figure.draw(logs, benchmarks.load("nb201"), Path(args.out))
    except MissingRunsError as exc:
        raise FigureInputsMissingError(str(exc)) from None
    absent = [e for e in figure.optional if e not in logs.experiments()]
    payload = {"id": figure.id, "files": [str(p) for p in drawn.files], "optional_missing": absent}
    if args.json:
        print(json.dumps(payload))
    else:
        print("\n".join(payload["files"]))
        if absent:
            print(f"(drawn without the optional series of {', '.join(absent)})")
    return 0


def cmd_experiments(args) -> int:
    """The experiments a figure reads, required then optional, in the order they must run."""
    figure = get_figure(args.id)
    print(" ".join(dict.fromkeys((*figure.needs, *figure.optional))))
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    figs = subparsers.add_parser("figs", help="draw the paper's figures and tables from logged runs")
    commands = figs.add_subparsers(dest="figs_command", required=True)
    listing = commands.add_parser("list", help="the figures and whether their runs exist")
    listing.add_argument("--runs", default="runs")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)
    make = commands.add_parser("make", help="draw one figure from existing runs (never runs a search)")
    make.add_argument("id", help=", ".join(FIGURES))
    make.add_argument("--runs", default="runs")
    make.add_argument("--out", default="figures")
    make.add_argument("--json", action="store_true")
    make.set_defaults(handler=cmd_make)
    needs = commands.add_parser("experiments", help="the experiments a figure reads (used by make reproduce-<id>)")
    needs.add_argument("id", help=", ".join(FIGURES))
    needs.set_defaults(handler=cmd_experiments)
