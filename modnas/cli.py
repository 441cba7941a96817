"""`modnas-bench` commands of the search layer (search, baselines, experiment runner)."""

from __future__ import annotations

import argparse


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Each part of the layer registers its own commands here."""
    from modnas.search import cli as search_cli

    search_cli.add_commands(subparsers)
    from modnas.baselines import cli as baselines_cli

    baselines_cli.add_commands(subparsers)
    from modnas.runner import cli as runner_cli

    runner_cli.add_commands(subparsers)
