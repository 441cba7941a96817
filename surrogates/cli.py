"""`modnas-bench surrogate ...` commands."""

from __future__ import annotations

import argparse


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Registers the surrogate commands."""
