import csv
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest
import torch

import benchmarks
from benchmarks.data import load_manifest, raw_path
from benchmarks.errors import (
    QueryError,
    UnknownBenchmarkError,
    UnknownDatasetError,
    UnknownDeviceError,
    UnknownMetricError,
)
from benchmarks.nb201 import build
from benchmarks.nb201.devices import ALL_DEVICES, EMBEDDING_ARCHS, SEARCH_DEVICES, TEST_DEVICES


def _raw(name):
    return raw_path(load_manifest()[name])


def test_latency_equals_the_raw_help_files(nb201):
    """Independent read of the downloaded .pt files (plain torch.load, weights only)."""
    for device in ("pixel3", "fpga", "1080ti_256", "titan_rtx_32"):
        raw = np.asarray(torch.load(_raw(f"nb201/latency/{device}"), weights_only=True))
        assert np.array_equal(nb201.table("latency", device=device), raw)
    assert nb201.query(1, "latency", device="pixel3") == pytest.approx(17.2381)


def test_accuracy_error_params_equal_the_raw_csvs(nb201):
    for dataset in ("cifar10", "cifar100", "ImageNet16-120"):
        with open(_raw(f"nb201/accuracy/{dataset}")) as handle:
            accuracy = np.array([float(row["accuracy"]) for row in csv.DictReader(handle)])
        with open(_raw(f"nb201/params/{dataset}")) as handle:
            params = np.array([float(row["params"]) for row in csv.DictReader(handle)])
        assert np.array_equal(nb201.table("accuracy", dataset=dataset), accuracy)
        assert np.allclose(nb201.table("error", dataset=dataset), 100 - accuracy)
        scale = 1e6 if dataset == "ImageNet16-120" else 1.0  # all params in millions
        assert np.allclose(nb201.table("params", dataset=dataset), params / scale)
    # facts stated by the data README
    accuracy = nb201.table("accuracy")
    assert accuracy.argmax() == 6111 and accuracy.max() == pytest.approx(94.3733, abs=1e-4)
    assert nb201.table("accuracy", dataset="cifar100").argmax() == 9930
    assert nb201.table("accuracy", dataset="ImageNet16-120").argmax() == 857
    assert int((nb201.table("error") >= 90).sum()) == 341


def test_query_is_vectorised_and_accepts_strings(nb201):
    indices = np.array([[0, 1], [2, 3]])
    values = nb201.query(indices, "latency", device="eyeriss")
    assert values.shape == (2, 2)
    strings = nb201.space.index_to_str(indices)
    assert np.array_equal(nb201.query(strings, "latency", device="eyeriss"), values)
    assert isinstance(nb201.query(5, "accuracy"), float)


def test_tables_are_read_only(nb201):
    with pytest.raises(ValueError):
        nb201.table("latency", device="pixel3")[0] = 0.0


def test_invalid_queries_list_what_is_valid(nb201):
    with pytest.raises(UnknownDeviceError, match="valid: 1080ti_1, .*eyeriss"):
        nb201.query(0, "latency", device="pixel9")
    with pytest.raises(UnknownMetricError, match="valid: accuracy, error, params, latency"):
        nb201.query(0, "flops")
    with pytest.raises(UnknownDatasetError, match="valid: cifar10, cifar100, ImageNet16-120"):
        nb201.query(0, "accuracy", dataset="imagenet")
    with pytest.raises(QueryError, match="needs a device"):
        nb201.query(0, "latency")
    with pytest.raises(QueryError, match="does not depend on a device"):
        nb201.query(0, "accuracy", device="pixel3")
    with pytest.raises(UnknownBenchmarkError, match="valid: nb201"):
        benchmarks.load("nb202")


def test_device_registry_has_the_modnas_split(nb201):
    devices = nb201.devices
    assert devices.names("search") == SEARCH_DEVICES and len(SEARCH_DEVICES) == 13
    assert devices.names("test") == TEST_DEVICES and len(TEST_DEVICES) == 6
    assert len(devices.names("extra")) == 8 and len(devices) == 27 == len(set(ALL_DEVICES))
    assert set(devices.names("modnas")) == set(SEARCH_DEVICES) | set(TEST_DEVICES)
    assert devices["titanx_256"].batch_size == 256 and devices["titanx_256"].kind == "gpu"
    assert devices["eyeriss"].kind == "asic" and devices["eyeriss"].split == "test"


def test_hardware_embedding_is_min_max_normalised_reference_latency(nb201):
    for device in ("fpga", "pixel3"):
        raw = np.asarray(torch.load(_raw(f"nb201/latency/{device}"), weights_only=True))[list(EMBEDDING_ARCHS)]
        expected = (raw - raw.min()) / (raw.max() - raw.min())
        assert np.allclose(nb201.devices.embedding(device), expected)
    stacked = nb201.devices.embeddings(SEARCH_DEVICES)
    assert stacked.shape == (13, 10) and stacked.min() == 0.0 and stacked.max() == 1.0


def test_built_file_records_provenance(nb201):
    manifest = load_manifest()
    assert nb201.provenance["inputs"]["nb201/latency/fpga"] == manifest["nb201/latency/fpga"].sha256
    assert set(nb201.provenance["inputs"]) == set(build.input_names())
    with h5py.File(nb201.path, "r") as h5:
        assert json.loads(h5.attrs["units"])["latency"] == "ms"
        assert h5.attrs["builder_version"] == build.BUILDER_VERSION


def test_metad2a_candidates_are_decoded(nb201):
    candidates = nb201.metad2a_candidates
    assert len(candidates["index"]) == 500
    first = nb201.space.index_to_str(int(candidates["index"][0]))
    assert first == "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


def test_stale_build_is_rebuilt(fresh_home, mirror, monkeypatch):
    """Changing a pinned input (here: faking an older build) triggers a rebuild on load."""
    monkeypatch.setenv("MODNAS_DATA_MIRROR", str(mirror))
    first = benchmarks.load("nb201")
    with h5py.File(first.path, "r+") as h5:
        inputs = json.loads(h5.attrs["inputs"])
        inputs["nb201/latency/fpga"] = "0" * 64
        h5.attrs["inputs"] = json.dumps(inputs)
    assert not build.is_current(first.path)
    again = benchmarks.load("nb201")
    assert build.is_current(again.path)
    assert np.array_equal(again.table("latency", device="fpga"), first.table("latency", device="fpga"))


def test_garbage_in_place_of_the_built_file_is_rebuilt(fresh_home, mirror, monkeypatch):
    monkeypatch.setenv("MODNAS_DATA_MIRROR", str(mirror))
    path = build.built_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an hdf5 file")
    assert benchmarks.load("nb201").query(0, "params") > 0


def test_cold_load_in_a_fresh_process_uses_little_memory(nb201):
    # VmHWM (peak RSS of this address space) rather than ru_maxrss, which Linux carries over from the
    # forking parent (here: pytest with torch loaded) across exec.
    code = (
        "import benchmarks; b = benchmarks.load('nb201'); b.query([1], 'latency', device='fpga');"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=os.environ.copy(), capture_output=True, text=True, check=True)
    peak_mb = int(out.stdout.strip()) / 1024
    assert peak_mb < 200, f"loading NB201 peaked at {peak_mb:.0f} MB"
