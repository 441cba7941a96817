"""`modnas-bench figs ...` commands."""

from __future__ import annotations

import argparse


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Registers the figure commands."""
