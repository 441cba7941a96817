"""The data manifest: every public artifact the suite reads, pinned to a commit and a checksum."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import yaml

from benchmarks.errors import ManifestError, UnknownNameError

MANIFEST_PATH = Path(__file__).with_name("data_manifest.yaml")
_RAW_HOST = "raw.githubusercontent.com"


class UnknownArtifactError(UnknownNameError, ManifestError):
    kind = "artifact"


@dataclass(frozen=True)
class Artifact:
    name: str
    url: str
    license: str
    benchmark: str
    required: bool
    sha256: str | None = None
    git_blob_sha1: str | None = None
    size: int | None = None

    @property
    def relpath(self) -> str:
        """`<owner>/<repo>/<commit>/<path>`: the layout of the cache and of a mirror."""
        return urlparse(self.url).path.lstrip("/")

    @property
    def checksum(self) -> tuple[str, str]:
        """(algorithm, expected hex digest) used to verify the file."""
        if self.sha256:
            return "sha256", self.sha256
        return "git-blob-sha1", self.git_blob_sha1  # type: ignore[return-value]


@dataclass(frozen=True)
class Manifest:
    artifacts: dict[str, Artifact]
    sha256: str  # of the manifest file itself, recorded in run provenance

    def __getitem__(self, name: str) -> Artifact:
        try:
            return self.artifacts[name]
        except KeyError:
            raise UnknownArtifactError(name, sorted(self.artifacts)) from None

    def select(
        self, names: list[str] | None = None, benchmark: str | None = None, include_optional: bool = False
    ) -> list[Artifact]:
        """Artifacts by explicit names, else by benchmark (plus the license notices), else all required."""
        if names:
            return [self[n] for n in names]
        benchmarks = {a.benchmark for a in self.artifacts.values()}
        if benchmark is not None and benchmark not in benchmarks:
            raise ManifestError(f"no artifacts for benchmark {benchmark!r}; valid: {', '.join(sorted(benchmarks))}")
        chosen = []
        for artifact in self.artifacts.values():
            if benchmark is not None and artifact.benchmark not in (benchmark, "all"):
                continue
            if artifact.required or include_optional:
                chosen.append(artifact)
        return chosen


def _parse_artifact(entry: dict, path: Path) -> Artifact:
    try:
        artifact = Artifact(
            name=str(entry["name"]),
            url=str(entry["url"]),
            license=str(entry["license"]),
            benchmark=str(entry["benchmark"]),
            required=bool(entry["required"]),
            sha256=entry.get("sha256"),
            git_blob_sha1=entry.get("git_blob_sha1"),
            size=entry.get("size"),
        )
    except KeyError as missing:
        raise ManifestError(f"{path}: artifact {entry.get('name', entry)!r} lacks field {missing}") from None
    parsed = urlparse(artifact.url)
    parts = parsed.path.strip("/").split("/")
    if parsed.netloc != _RAW_HOST or len(parts) < 4 or len(parts[2]) != 40:
        raise ManifestError(
            f"{path}: artifact {artifact.name!r} URL must be https://{_RAW_HOST}/<owner>/<repo>/<40-hex commit>/<path>, "
            f"got {artifact.url}"
        )
    if not (artifact.sha256 or artifact.git_blob_sha1):
        raise ManifestError(f"{path}: artifact {artifact.name!r} has neither sha256 nor git_blob_sha1")
    return artifact


@cache
def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    raw = path.read_bytes()
    try:
        document = yaml.safe_load(raw)
        entries = document["artifacts"]
    except (yaml.YAMLError, TypeError, KeyError) as exc:
        raise ManifestError(f"{path} is not a valid data manifest: {exc}") from None
    artifacts: dict[str, Artifact] = {}
    for entry in entries:
        artifact = _parse_artifact(entry, path)
        if artifact.name in artifacts:
            raise ManifestError(f"{path}: artifact {artifact.name!r} is listed twice")
        artifacts[artifact.name] = artifact
    return Manifest(artifacts=artifacts, sha256=hashlib.sha256(raw).hexdigest())
