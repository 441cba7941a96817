"""`modnas-bench surrogate train|eval|table` commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from surrogates.spaces import ALIASES, SPACES


def _spaces(args) -> list[str]:
    return [args.space] if args.space else list(SPACES)


def cmd_train(args) -> int:
    from surrogates.training import train_all

    seconds = train_all(_spaces(args), seed=args.seed, force=args.force, train_fraction=args.train_fraction)
    if args.json:
        print(json.dumps({"seconds": seconds, "seed": args.seed}))
    else:
        for space, value in seconds.items():
            print(f"{space}: surrogates ready ({value:.1f} s)")
    return 0


def cmd_eval(args) -> int:
    from surrogates.fidelity import fidelity_rows
    from surrogates.training import evaluate_space

    reports = [evaluate_space(space, args.train_fraction, args.seed) for space in _spaces(args)]
    if args.json:
        print(json.dumps(reports[0] if len(reports) == 1 else reports))
        return 0
    for report in reports:
        for row in fidelity_rows(report):
            print(
                f"{row['space']:14s} {row['model']:40s} {row['subject']:16s} spearman {row['spearman']:.4f} "
                f"kendall {row['kendall']:.4f} r2 {row['r2']:9.4f} mae {row['mae']:.4g}"
            )
    return 0


def cmd_table(args) -> int:
    from surrogates.fidelity import fidelity_table, write_fidelity_table

    paths = write_fidelity_table(fidelity_table(_spaces(args), seed=args.seed), Path(args.out))
    print(json.dumps({k: str(v) for k, v in paths.items()}))
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Registers the surrogate commands."""
    surrogate = subparsers.add_parser("surrogate", help="train and evaluate the XGBoost surrogates")
    commands = surrogate.add_subparsers(dest="surrogate_command", required=True)
    choices = sorted([*SPACES, *ALIASES])
    for name, handler, text in (
        ("train", cmd_train, "train (or reuse) the surrogates of a space (default: all spaces)"),
        ("eval", cmd_eval, "fidelity on held-out architectures (trains what is missing)"),
        ("table", cmd_table, "write the fidelity table as CSV and Markdown"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--space", choices=choices, help="one space (default: all)")
        command.add_argument("--seed", type=int, default=0)
        if name != "table":
            command.add_argument(
                "--train-fraction", type=float, default=None, help="share of archs to train on (nb201 0.1, others 0.8)"
            )
            command.add_argument("--json", action="store_true")
        if name == "train":
            command.add_argument("--force", action="store_true", help="retrain even when current models exist")
        if name == "table":
            command.add_argument("--out", default="results", help="folder for surrogate-fidelity.csv/.md")
        command.set_defaults(handler=handler)
