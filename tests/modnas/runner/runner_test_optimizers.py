"""Test-only optimisers, loaded by the runner as `runner_test_optimizers:Name` (the test directory is on
sys.path of pytest and, through the spawn start method, of the worker processes)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from modnas.baselines.optimizer import Optimizer


@dataclass(frozen=True)
class MarkerSettings:
    marker: str = ""  # a file path that switches the behaviour (see each class)
    sleep_s: float = 0.0


class _RandomOrder(Optimizer):
    settings_class = MarkerSettings

    def ask(self) -> np.ndarray:
        if self.settings.sleep_s:
            time.sleep(self.settings.sleep_s)
        return self.random_unevaluated(1)


class CrashOnce(_RandomOrder):
    """Kills its own worker process the first time it runs (creating `marker`); random search after."""

    def ask(self) -> np.ndarray:
        marker = Path(self.settings.marker)
        if not marker.exists():
            marker.write_text("crashed once\n")
            os._exit(13)
        return super().ask()


class CrashWhileArmed(_RandomOrder):
    """Kills its own worker process as long as the file `marker` exists."""

    def ask(self) -> np.ndarray:
        if Path(self.settings.marker).exists():
            os._exit(13)
        return super().ask()


class RaiseWhileArmed(_RandomOrder):
    """Raises a Python exception as long as the file `marker` exists."""

    def ask(self) -> np.ndarray:
        if Path(self.settings.marker).exists():
            raise ValueError("this test optimiser was told to fail")
        return super().ask()


class Slow(_RandomOrder):
    """Random search that sleeps `sleep_s` per proposal (to interrupt a sweep half-way)."""
