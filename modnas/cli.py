"""`modnas-bench` commands of the search layer (search, baselines, experiment runner)."""

from __future__ import annotations

import argparse


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Each part of the layer registers its own commands here."""
