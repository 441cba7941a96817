import json
import shutil

import h5py
import numpy as np
import pytest
import torch

import benchmarks
from benchmarks.data import load_manifest, raw_path
from benchmarks.data.safe_load import load_torch_file
from benchmarks.errors import ArchitectureError, QueryError, UnknownDeviceError, UnknownMetricError
from benchmarks.ofa import build
from benchmarks.ofa.devices import ALL_DEVICES, SEARCH_DEVICES, TEST_DEVICES
from benchmarks.ofa.space import N_FEATURES, check_features, decode, encode, sample


@pytest.fixture(scope="module")
def ofa():
    return benchmarks.load("ofa")


def _raw(name):
    return raw_path(load_manifest()[name])


ARCH = {"ks": [3] * 20, "e": [4] * 20, "d": [2, 3, 4, 2, 3], "r": 160}


def test_encoding_zeroes_skipped_blocks_and_round_trips():
    features = encode(ARCH)
    assert features.shape == (N_FEATURES,)
    # stage 0 runs 2 blocks: blocks 2, 3 are skipped
    assert features[:4].tolist() == [3, 3, 0, 0] and features[20:24].tolist() == [4, 4, 0, 0]
    assert features[40:45].tolist() == [2, 3, 4, 2, 3] and features[45] == 160
    other = dict(ARCH, ks=[3, 3, 7, 7] + [3] * 16)  # differs only in skipped blocks of stage 0
    assert np.array_equal(encode(other), features)
    assert np.array_equal(encode(decode(features[None])), features[None])
    assert check_features(sample(1000, seed=3)).shape == (1000, N_FEATURES)
    assert np.array_equal(sample(10, seed=3), sample(10, seed=3))


@pytest.mark.parametrize(
    "arch, message",
    [
        ({**ARCH, "ks": [4] + [3] * 19}, r"ks\[0\] = 4 is not valid; valid values: 3, 5, 7"),
        ({**ARCH, "e": [3] * 19}, "'e' must list 20 integers, got 19"),
        ({**ARCH, "d": [1, 2, 3, 4, 2]}, r"d\[0\] = 1 is not valid; valid values: 2, 3, 4"),
        ({**ARCH, "r": 150}, "r = 150 is not valid"),
        ({**ARCH, "r": 160.0}, "'r' must be an integer"),
        ({"ks": [3] * 20, "e": [3] * 20, "d": [2] * 5}, "missing r"),
        ({**ARCH, "w": 1}, "unexpected w"),
        ("ks", "expected a dict"),
    ],
)
def test_encoding_errors_say_what_is_valid(arch, message):
    with pytest.raises(ArchitectureError, match=message):
        encode([arch] if not isinstance(arch, str) else [arch])


def test_feature_check_rejects_unreachable_encodings():
    good = encode(ARCH)
    skipped = good.copy()
    skipped[2] = 5  # a kernel size on a block that does not run
    with pytest.raises(ArchitectureError, match=r"ks\[2\] = 5 belongs to a skipped block"):
        check_features(skipped)
    zero_active = good.copy()
    zero_active[0] = 0
    with pytest.raises(ArchitectureError, match=r"ks\[0\] = 0 is not valid"):
        check_features(zero_active)
    with pytest.raises(ArchitectureError, match="shape"):
        check_features(good[:45])
    with pytest.raises(ArchitectureError, match="whole numbers"):
        check_features(good + 0.5)


def test_latency_equals_the_raw_help_files(ofa):
    """Independent read of the downloaded .pt files (plain torch.load, weights only)."""
    for device in ("2080ti_1", "titan_rtx_64", "v100_32"):
        raw = np.asarray(torch.load(_raw(f"ofa/latency/{device}"), weights_only=True))
        assert np.array_equal(ofa.table("latency", device=device), raw)
    assert ofa.query(0, "latency", device="2080ti_1") == pytest.approx(12.081937789916992)
    assert ofa.query(np.array([[0, 1]]), "latency", device="2080ti_1").shape == (1, 2)
    assert len(ofa) == 5000


def test_archs_and_features_equal_the_raw_arch_file(ofa):
    raw = load_torch_file(_raw("ofa/archs"))["arch"]
    for i in (0, 1, 4999):
        assert ofa.arch(i) == {k: (int(v) if k == "r" else [int(x) for x in v]) for k, v in raw[i].items()}
        d = np.array(raw[i]["d"])
        expected_ks = [k if b % 4 < d[b // 4] else 0 for b, k in enumerate(raw[i]["ks"])]
        assert ofa.features[i, :20].tolist() == expected_ks


def test_registry_has_the_modnas_split_and_help_embeddings(ofa):
    assert ofa.devices.names("search") == SEARCH_DEVICES and len(SEARCH_DEVICES) == 11
    assert ofa.devices.names("test") == TEST_DEVICES == ("titan_rtx_64",)
    assert set(ofa.devices.names()) == set(ALL_DEVICES) and len(ALL_DEVICES) == 12
    index = [int(i) for i in torch.load(_raw("ofa/hardware_embedding_index"), weights_only=True)]
    assert index == [1316, 1587, 1621, 1636, 1980, 2329, 2487, 3355, 3740, 4948]
    raw = np.asarray(torch.load(_raw("ofa/latency/titan_xp_32"), weights_only=True))[index]
    expected = (raw - raw.min()) / (raw.max() - raw.min())
    assert np.allclose(ofa.devices.embedding("titan_xp_32"), expected)
    assert ofa.devices["v100_64"].batch_size == 64 and ofa.devices["v100_64"].kind == "gpu"


def test_query_errors(ofa):
    with pytest.raises(UnknownMetricError, match="no accuracy is measured"):
        ofa.table("accuracy")
    with pytest.raises(QueryError, match="needs a device"):
        ofa.table("latency")
    with pytest.raises(UnknownDeviceError, match="titan_rtx_64"):
        ofa.table("latency", device="pixel3")
    with pytest.raises(ArchitectureError, match="out of range"):
        ofa.query(5000, "latency", device="v100_1")
    with pytest.raises(ArchitectureError, match="surrogate"):
        ofa.query(encode(ARCH), "latency", device="v100_1")


def test_built_file_records_provenance_and_is_rebuilt_when_inputs_change(ofa, tmp_path):
    assert ofa.provenance["inputs"] == build.expected_inputs()
    assert set(ofa.provenance["inputs"]) == set(build.input_names())
    copy = tmp_path / "ofa.h5"
    shutil.copy(ofa.path, copy)
    assert build.is_current(copy)
    with h5py.File(copy, "r+") as h5:
        inputs = json.loads(h5.attrs["inputs"])
        inputs["ofa/latency/v100_1"] = "0" * 64
        h5.attrs["inputs"] = json.dumps(inputs)
    assert not build.is_current(copy)
    copy.write_bytes(b"not hdf5")
    assert not build.is_current(copy)
