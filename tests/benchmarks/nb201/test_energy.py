"""The optional HW-NAS-Bench energy path. The real file is not mirrored, so the plumbing is exercised with a
stand-in pickle of the same layout, built from the *real* FPGA/Eyeriss latency columns (never shown as energy
results; it only checks that values flow from the file into the benchmark unchanged)."""

import dataclasses
import pickle

import numpy as np
import pytest

from benchmarks.data import cache
from benchmarks.data.manifest import Manifest, load_manifest
from benchmarks.data.safe_load import load_plain_pickle
from benchmarks.errors import DataError, UnknownDeviceError, UnknownMetricError
from benchmarks.nb201 import build
from benchmarks.nb201.benchmark import NB201Benchmark


def _manifest_pinning(path) -> Manifest:
    real = load_manifest()
    blob = cache.file_digest(path, "git-blob-sha1")
    artifacts = dict(real.artifacts)
    artifacts[build.HWNAS_ARTIFACT] = dataclasses.replace(artifacts[build.HWNAS_ARTIFACT], git_blob_sha1=blob)
    return Manifest(artifacts=artifacts, sha256=real.sha256)


def test_energy_joins_the_build_when_the_optional_file_is_cached(nb201, fresh_home, mirror, monkeypatch):
    monkeypatch.setenv("MODNAS_DATA_MIRROR", str(mirror))
    columns = {
        "edgegpu_energy": np.asarray(nb201.table("latency", device="titanx_1")),
        "eyeriss_energy": np.asarray(nb201.table("latency", device="eyeriss")),
        "fpga_energy": np.asarray(nb201.table("latency", device="fpga")),
    }
    document = {"nasbench201": {"cifar10": {k: v.tolist() for k, v in columns.items()}}}
    target = cache.raw_path(load_manifest()[build.HWNAS_ARTIFACT])
    target.parent.mkdir(parents=True)
    target.write_bytes(pickle.dumps(document))
    manifest = _manifest_pinning(target)
    assert build.hwnas_present(manifest) and build.HWNAS_ARTIFACT in build.expected_inputs(manifest)

    bench = NB201Benchmark(build.build(manifest=manifest))
    assert "energy" in bench.metrics and bench.provenance["inputs"][build.HWNAS_ARTIFACT] == manifest[build.HWNAS_ARTIFACT].git_blob_sha1
    assert np.array_equal(bench.table("energy", device="fpga"), columns["fpga_energy"])
    with pytest.raises(UnknownDeviceError, match="valid: edgegpu, eyeriss, fpga"):
        bench.table("energy", device="pixel3")
    task = bench.task("eyeriss", objectives=("error", "latency", "energy"))
    assert 0 < task.hv_true < 1


def test_without_the_optional_file_energy_is_explained(nb201):
    with pytest.raises(UnknownMetricError, match="data fetch --optional"):
        nb201.table("energy", device="fpga")


def test_plain_pickle_loader_refuses_code(tmp_path):
    class Payload:
        def __reduce__(self):
            import os

            return (os.getcwd, ())

    path = tmp_path / "evil.pickle"
    path.write_bytes(pickle.dumps({"x": Payload()}))
    with pytest.raises(DataError, match="posix.getcwd is not plain data"):
        load_plain_pickle(path)
    fine = tmp_path / "fine.pickle"
    fine.write_bytes(pickle.dumps({"a": np.arange(3), "b": [1.5, "x"]}))
    assert np.array_equal(load_plain_pickle(fine)["a"], np.arange(3))
