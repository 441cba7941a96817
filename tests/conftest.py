"""Shared fixtures. The real tables come from the data cache, filled from $MODNAS_DATA_MIRROR or the URLs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import benchmarks

MIRROR = os.environ.get("MODNAS_DATA_MIRROR")


@pytest.fixture(scope="session")
def nb201():
    """The real NAS-Bench-201 benchmark (built once per cache)."""
    return benchmarks.load("nb201")


@pytest.fixture
def mirror() -> Path:
    if not MIRROR:
        pytest.fail("MODNAS_DATA_MIRROR must point at the data mirror for this test (see README)")
    return Path(MIRROR)


@pytest.fixture
def fresh_home(tmp_path, monkeypatch) -> Path:
    """An empty data cache for tests that create, break or inspect cached files."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("MODNAS_DATA_HOME", str(home))
    return home
