"""What every run records about itself: config, seed, code version, platform and the data it read."""

from __future__ import annotations

import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]


def code_version() -> dict:
    """Package version and, in a git checkout, the commit and whether the tree had local changes."""
    info = {"package": _package_version(), "git_commit": None, "git_dirty": None}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=_REPO, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=_REPO, capture_output=True, text=True, check=True, timeout=10,
        ).stdout  # fmt: skip
        info.update(git_commit=commit, git_dirty=bool(status.strip()))
    except (OSError, subprocess.SubprocessError):
        pass  # not a git checkout (an installed wheel): the package version is what we have
    return info


def _package_version() -> str | None:
    try:
        return metadata.version("modnas-bench")
    except metadata.PackageNotFoundError:
        return None


def platform_info() -> dict:
    versions = {}
    for package in ("numpy", "torch", "moocore", "xgboost-cpu", "pymoo", "botorch"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": versions,
    }


def run_record(config: dict, seed: int, data_provenance: dict) -> dict:
    """The provenance block written beside every run's results."""
    return {
        "config": config,
        "seed": int(seed),
        "code": code_version(),
        "platform": platform_info(),
        "data": data_provenance,  # e.g. benchmark.provenance: builder version + input sha256s
        "started_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
