"""Fetch, verify and cache the artifacts of the manifest.

A file enters the cache only by `os.replace` of a fully written, verified temporary file in the same
folder, under a per-file lock: an interrupted, corrupt or concurrent download never leaves a file at
the final path that is not exactly the pinned content.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock
from tqdm import tqdm

from benchmarks.data.manifest import Artifact
from benchmarks.errors import ChecksumMismatchError, DataUnavailableError

ENV_HOME = "MODNAS_DATA_HOME"
ENV_MIRROR = "MODNAS_DATA_MIRROR"
_CHUNK = 1 << 20
_DOWNLOAD_TIMEOUT_S = 60


def data_home() -> Path:
    """Root of the cache: $MODNAS_DATA_HOME, else $XDG_CACHE_HOME/modnas-bench, else ~/.cache/modnas-bench."""
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "modnas-bench"


def mirror_dir() -> Path | None:
    value = os.environ.get(ENV_MIRROR)
    return Path(value).expanduser() if value else None


def raw_path(artifact: Artifact) -> Path:
    return data_home() / "raw" / artifact.relpath


def file_digest(path: Path, algorithm: str) -> str:
    """sha256 of the bytes, or git's blob id (sha1 of b'blob <size>\\0' + bytes)."""
    if algorithm == "sha256":
        hasher = hashlib.sha256()
    elif algorithm == "git-blob-sha1":
        hasher = hashlib.sha1(b"blob %d\0" % path.stat().st_size)
    else:
        raise ValueError(f"unknown checksum algorithm {algorithm!r}; valid: sha256, git-blob-sha1")
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def check_file(artifact: Artifact, path: Path) -> None:
    """Raise ChecksumMismatchError unless `path` holds exactly the artifact's pinned content."""
    algorithm, expected = artifact.checksum
    actual = file_digest(path, algorithm)
    if actual != expected:
        size = path.stat().st_size
        detail = f"size {size} bytes" + (f", expected {artifact.size}" if artifact.size is not None else "")
        raise ChecksumMismatchError(artifact.name, str(path), algorithm, expected, actual, detail)


@dataclass(frozen=True)
class FetchOutcome:
    name: str
    path: Path
    action: str  # "cached" (already valid), "downloaded", or "unavailable" (optional, not reachable)
    detail: str = ""


@dataclass(frozen=True)
class VerifyOutcome:
    name: str
    path: Path
    status: str  # "ok", "missing" or "corrupt"
    detail: str = ""


def _open_source(artifact: Artifact) -> tuple[BinaryIO, int | None, str]:
    """Open the artifact's bytes from the mirror when one is set, else from its URL."""
    mirror = mirror_dir()
    if mirror is not None:
        source = mirror / artifact.relpath
        if not source.is_file():
            raise DataUnavailableError(
                f"artifact {artifact.name!r} is not in the mirror {mirror} (looked for {source}); "
                f"the mirror must be laid out as <owner>/<repo>/<commit>/<path>"
            )
        return open(source, "rb"), source.stat().st_size, str(source)
    try:
        response = urllib.request.urlopen(artifact.url, timeout=_DOWNLOAD_TIMEOUT_S)  # noqa: S310 (pinned https)
    except (urllib.error.URLError, OSError) as exc:
        raise DataUnavailableError(
            f"could not download artifact {artifact.name!r} from {artifact.url}: {exc}. "
            f"Without network access, set {ENV_MIRROR}=DIR to a local mirror laid out as "
            f"<owner>/<repo>/<commit>/<path> (a copy of the pinned URLs' files)"
        ) from None
    length = response.headers.get("Content-Length")
    return response, int(length) if length else None, artifact.url


def _copy_stream(source: BinaryIO, target: BinaryIO, bar: tqdm) -> None:
    while chunk := source.read(_CHUNK):
        target.write(chunk)
        bar.update(len(chunk))


def _part_prefix(final: Path) -> str:
    return f".{final.name}.part-"


def _download(artifact: Artifact, final: Path, progress: bool) -> None:
    source, total, origin = _open_source(artifact)
    handle, temp_name = tempfile.mkstemp(dir=final.parent, prefix=_part_prefix(final))
    temp = Path(temp_name)
    try:
        with source, os.fdopen(handle, "wb") as target, tqdm(
            total=total, unit="B", unit_scale=True, desc=artifact.name, disable=not progress, leave=False
        ) as bar:
            try:
                _copy_stream(source, target, bar)
            except (urllib.error.URLError, OSError) as exc:
                raise DataUnavailableError(f"download of {artifact.name!r} from {origin} broke off: {exc}") from None
            target.flush()
            os.fsync(target.fileno())
        check_file(artifact, temp)
        os.chmod(temp, 0o644)  # mkstemp makes 0600 files; cached data is plain readable data
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)


def fetch_one(artifact: Artifact, force: bool = False, progress: bool = False) -> FetchOutcome:
    final = raw_path(artifact)
    final.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(final) + ".lock"):
        # Parts left by a killed process are never valid; nobody else can be writing them under the lock.
        for stale in final.parent.glob(_part_prefix(final) + "*"):
            stale.unlink(missing_ok=True)
        if final.is_file() and not force:
            try:
                check_file(artifact, final)
                return FetchOutcome(artifact.name, final, "cached")
            except ChecksumMismatchError:
                pass  # a corrupt cached copy is replaced below
        _download(artifact, final, progress)
        return FetchOutcome(artifact.name, final, "downloaded")


def fetch(
    artifacts: list[Artifact], force: bool = False, progress: bool | None = None, strict: bool = False
) -> list[FetchOutcome]:
    """Make every artifact present and valid in the cache; download only what is missing or corrupt.

    An optional artifact that cannot be reached (e.g. not in the mirror) is reported as "unavailable"
    unless `strict`; a required one always raises. A checksum mismatch always raises.
    """
    if progress is None:
        progress = sys.stderr.isatty()
    outcomes = []
    for artifact in tqdm(artifacts, desc="fetch", unit="file", disable=not progress):
        try:
            outcomes.append(fetch_one(artifact, force=force, progress=progress))
        except DataUnavailableError as exc:
            if strict or artifact.required:
                raise
            outcomes.append(FetchOutcome(artifact.name, raw_path(artifact), "unavailable", str(exc)))
    return outcomes


def verify(artifacts: list[Artifact]) -> list[VerifyOutcome]:
    """Check the cached copies without downloading anything."""
    outcomes = []
    for artifact in artifacts:
        path = raw_path(artifact)
        if not path.is_file():
            outcomes.append(VerifyOutcome(artifact.name, path, "missing"))
            continue
        try:
            check_file(artifact, path)
            outcomes.append(VerifyOutcome(artifact.name, path, "ok"))
        except ChecksumMismatchError as exc:
            outcomes.append(VerifyOutcome(artifact.name, path, "corrupt", str(exc)))
    return outcomes


def ensure(artifacts: list[Artifact]) -> dict[str, Path]:
    """Paths of valid cached copies, fetching what is missing (used by benchmark builders)."""
    return {outcome.name: outcome.path for outcome in fetch(artifacts, strict=True)}
