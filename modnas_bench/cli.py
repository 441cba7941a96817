"""Entry point of the `modnas-bench` console script.

It sits above the four layers and only assembles their commands, so each layer keeps its own CLI
next to its code and the layering (paper_figs -> modnas -> surrogates -> benchmarks) stays intact.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import cli as benchmarks_cli
from benchmarks.errors import ModnasBenchError
from modnas import cli as modnas_cli
from paper_figs import cli as paper_figs_cli
from surrogates import cli as surrogates_cli

LAYER_COMMANDS = [
    benchmarks_cli.add_commands,
    surrogates_cli.add_commands,
    modnas_cli.add_commands,
    paper_figs_cli.add_commands,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modnas-bench",
        description="Reproducibility suite for hardware-aware multi-objective NAS (MODNAS): data, search, "
        "baselines, experiment runner and figures.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for add_commands in LAYER_COMMANDS:
        add_commands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ModnasBenchError as exc:
        print(f"modnas-bench: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("modnas-bench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
