import hashlib
from pathlib import Path

import pytest

from benchmarks.data.manifest import MANIFEST_PATH, UnknownArtifactError, load_manifest
from benchmarks.errors import ManifestError

REPO = Path(__file__).resolve().parents[3]


def test_root_manifest_is_the_packaged_one():
    assert (REPO / "data_manifest.yaml").resolve() == MANIFEST_PATH.resolve()


def test_every_artifact_is_pinned_to_a_commit_and_a_checksum():
    manifest = load_manifest()
    assert len(manifest.artifacts) == 84
    for artifact in manifest.artifacts.values():
        owner, repo, commit, path = artifact.relpath.split("/", 3)
        assert len(commit) == 40 and all(c in "0123456789abcdef" for c in commit)
        algorithm, digest = artifact.checksum
        assert len(digest) == (64 if algorithm == "sha256" else 40)
        assert artifact.license and artifact.benchmark in {"nb201", "ofa", "hat", "all"}


def test_manifest_agrees_with_the_mirror_checksum_list(mirror):
    """The mirror ships its own SHA256SUMS: an independent statement of the same pins."""
    listed = dict(
        (path.strip(), digest)
        for digest, path in (line.split(None, 1) for line in (mirror.parent / "SHA256SUMS").read_text().splitlines())
    )
    manifest = load_manifest()
    with_sha = {a.relpath: a.sha256 for a in manifest.artifacts.values() if a.sha256}
    assert with_sha == listed


def test_optional_hwnasbench_pickle_is_verified_by_git_blob_id():
    artifact = load_manifest()["hwnasbench/pickle"]
    assert not artifact.required and artifact.sha256 is None
    assert artifact.checksum == ("git-blob-sha1", "b0634cb7f6e7be07192c77833df9eafa4baf705e")


def test_selection_by_benchmark_keeps_license_notices_and_skips_optional():
    manifest = load_manifest()
    chosen = manifest.select(benchmark="nb201")
    names = {a.name for a in chosen}
    assert "nb201/latency/pixel3" in names and "license/HELP" in names
    assert "hwnasbench/pickle" not in names and not any(n.startswith("ofa/") for n in names)
    assert "hwnasbench/pickle" in {a.name for a in manifest.select(benchmark="nb201", include_optional=True)}


def test_unknown_artifact_and_benchmark_list_the_valid_ones():
    manifest = load_manifest()
    with pytest.raises(UnknownArtifactError, match="nb201/latency/pixel3"):
        manifest["nb201/latency/pixel9"]
    with pytest.raises(ManifestError, match="valid: all, hat, nb201, ofa"):
        manifest.select(benchmark="nb999")


def test_malformed_manifests_are_rejected(tmp_path):
    bad_url = tmp_path / "bad_url.yaml"
    bad_url.write_text(
        "artifacts:\n  - {name: x, url: 'https://example.org/a.pt', sha256: '00', license: MIT, benchmark: nb201, required: true}\n"
    )
    with pytest.raises(ManifestError, match="pinned|40-hex commit"):
        load_manifest(bad_url)
    no_hash = tmp_path / "no_hash.yaml"
    no_hash.write_text(
        "artifacts:\n  - {name: x, url: 'https://raw.githubusercontent.com/o/r/"
        + "a" * 40
        + "/f.pt', license: MIT, benchmark: nb201, required: true}\n"
    )
    with pytest.raises(ManifestError, match="neither sha256 nor git_blob_sha1"):
        load_manifest(no_hash)
    missing_field = tmp_path / "missing.yaml"
    missing_field.write_text("artifacts:\n  - {name: x}\n")
    with pytest.raises(ManifestError, match="lacks field"):
        load_manifest(missing_field)


def test_manifest_sha256_is_of_the_file():
    assert load_manifest().sha256 == hashlib.sha256(MANIFEST_PATH.read_bytes()).hexdigest()
