"""Manifest-driven fetch, checksum verification and cache of the public data files."""

from benchmarks.data.cache import data_home, ensure, fetch, mirror_dir, raw_path, verify
from benchmarks.data.manifest import Artifact, Manifest, load_manifest

__all__ = ["Artifact", "Manifest", "data_home", "ensure", "fetch", "load_manifest", "mirror_dir", "raw_path", "verify"]
