"""The cache never holds a file that looks valid but is not: corrupt, truncated, killed or concurrent fetches."""

import os
import shutil
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

from benchmarks.data import cache
from benchmarks.data.manifest import Artifact, load_manifest
from benchmarks.errors import ChecksumMismatchError, DataUnavailableError

SMALL = ["license/HELP", "nb201/hardware_embedding_index", "nb201/accuracy/cifar10"]


def _artifacts(names=SMALL):
    manifest = load_manifest()
    return [manifest[n] for n in names]


@pytest.fixture
def private_mirror(tmp_path, mirror, monkeypatch) -> Path:
    """A writable copy of part of the mirror that tests may corrupt."""
    root = tmp_path / "mirror"
    for artifact in _artifacts():
        target = root / artifact.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror / artifact.relpath, target)
    monkeypatch.setenv(cache.ENV_MIRROR, str(root))
    return root


def _cache_files(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() and not p.name.endswith(".lock"))


def test_fetch_then_refetch_downloads_nothing(fresh_home, private_mirror):
    first = cache.fetch(_artifacts())
    assert [o.action for o in first] == ["downloaded"] * 3
    assert all(o.path.is_file() and o.path.is_relative_to(fresh_home) for o in first)
    second = cache.fetch(_artifacts())
    assert [o.action for o in second] == ["cached"] * 3
    forced = cache.fetch(_artifacts(), force=True)
    assert [o.action for o in forced] == ["downloaded"] * 3
    assert [o.status for o in cache.verify(_artifacts())] == ["ok"] * 3


def test_corrupt_source_is_rejected_and_leaves_nothing(fresh_home, private_mirror):
    artifact = _artifacts(["nb201/accuracy/cifar10"])[0]
    source = private_mirror / artifact.relpath
    source.write_bytes(source.read_bytes().replace(b"85.86", b"85.87", 1))
    with pytest.raises(ChecksumMismatchError) as info:
        cache.fetch([artifact])
    message = str(info.value)
    assert artifact.name in message and artifact.sha256 in message
    assert info.value.expected == artifact.sha256 and info.value.actual in message and info.value.actual != artifact.sha256
    assert _cache_files(fresh_home) == []


def test_truncated_source_is_rejected(fresh_home, private_mirror):
    artifact = _artifacts(["nb201/accuracy/cifar10"])[0]
    source = private_mirror / artifact.relpath
    source.write_bytes(source.read_bytes()[:1000])
    with pytest.raises(ChecksumMismatchError, match=r"size 1000 bytes, expected \d+"):
        cache.fetch([artifact])
    assert not cache.raw_path(artifact).exists() and _cache_files(fresh_home) == []


def test_corrupt_cached_copy_is_reported_by_verify_and_repaired_by_fetch(fresh_home, private_mirror):
    artifact = _artifacts(["license/HELP"])[0]
    cache.fetch([artifact])
    cache.raw_path(artifact).write_text("tampered")
    [outcome] = cache.verify([artifact])
    assert outcome.status == "corrupt" and artifact.sha256 in outcome.detail
    assert cache.fetch([artifact])[0].action == "downloaded"
    assert cache.verify([artifact])[0].status == "ok"


def test_artifact_missing_from_the_mirror_says_where_it_looked(fresh_home, private_mirror):
    artifact = load_manifest()["nb201/latency/pixel3"]
    with pytest.raises(DataUnavailableError, match="not in the mirror") as info:
        cache.fetch([artifact])
    assert artifact.relpath in str(info.value)


def test_no_network_and_no_mirror_explains_how_to_set_the_mirror(fresh_home, monkeypatch):
    monkeypatch.delenv(cache.ENV_MIRROR, raising=False)

    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DataUnavailableError, match="MODNAS_DATA_MIRROR=DIR"):
        cache.fetch(_artifacts(["license/HELP"]))
    assert _cache_files(fresh_home) == []


def test_a_download_killed_midway_leaves_the_cache_valid(fresh_home, private_mirror):
    """A process killed while writing leaves only a temp part; the next fetch cleans it and succeeds."""
    script = textwrap.dedent(
        """
        import os
        from benchmarks.data import cache
        from benchmarks.data.manifest import load_manifest

        def dying_copy(source, target, bar):
            target.write(source.read(4096))
            target.flush()
            os._exit(9)  # like SIGKILL: no cleanup handlers run

        cache._copy_stream = dying_copy
        cache.fetch([load_manifest()["nb201/accuracy/cifar10"]])
        """
    )
    result = subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    artifact = _artifacts(["nb201/accuracy/cifar10"])[0]
    final = cache.raw_path(artifact)
    leftovers = _cache_files(fresh_home)
    assert not final.exists() and len(leftovers) == 1 and ".part-" in leftovers[0]
    assert cache.verify([artifact])[0].status == "missing"
    assert cache.fetch([artifact])[0].action == "downloaded"
    assert _cache_files(fresh_home) == [str(final.relative_to(fresh_home))]


def test_concurrent_fetches_into_one_cache(fresh_home, private_mirror):
    script = "from benchmarks.data import cache; from benchmarks.data.manifest import load_manifest as m; " + (
        "cache.fetch([m()[n] for n in %r], force=True)" % SMALL
    )
    processes = [subprocess.Popen([sys.executable, "-c", script], env=os.environ.copy()) for _ in range(4)]
    assert [p.wait(timeout=120) for p in processes] == [0] * 4
    assert [o.status for o in cache.verify(_artifacts())] == ["ok"] * 3
    assert not any(".part-" in f for f in _cache_files(fresh_home))


def test_git_blob_id_matches_git_itself(tmp_path):
    """The optional HW-NAS-Bench pickle is pinned by git's blob id; check the hashing against `git hash-object`."""
    sample = tmp_path / "sample.bin"
    sample.write_bytes(os.urandom(3000))
    expected = subprocess.run(["git", "hash-object", str(sample)], capture_output=True, text=True, check=True).stdout.strip()
    assert cache.file_digest(sample, "git-blob-sha1") == expected
    artifact = Artifact("x", "https://raw.githubusercontent.com/o/r/" + "0" * 40 + "/s", "MIT", "nb201", False,
                        git_blob_sha1=expected)  # fmt: skip
    cache.check_file(artifact, sample)
    sample.write_bytes(b"other")
    with pytest.raises(ChecksumMismatchError, match="git-blob-sha1"):
        cache.check_file(artifact, sample)


def test_data_home_defaults_to_a_per_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.ENV_HOME, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.data_home() == tmp_path / "modnas-bench"


def test_unreachable_optional_artifact_is_reported_not_fatal(fresh_home, private_mirror):
    manifest = load_manifest()
    optional = manifest["hwnasbench/pickle"]
    outcomes = cache.fetch([manifest["license/HELP"], optional])
    assert [o.action for o in outcomes] == ["downloaded", "unavailable"]
    assert "not in the mirror" in outcomes[1].detail
    with pytest.raises(DataUnavailableError):
        cache.fetch([optional], strict=True)
    with pytest.raises(DataUnavailableError):
        cache.ensure([optional])
