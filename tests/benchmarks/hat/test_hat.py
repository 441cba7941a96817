import csv

import numpy as np
import pytest

import benchmarks
from benchmarks.data import load_manifest, raw_path
from benchmarks.errors import ArchitectureError, QueryError, UnknownMetricError, UnknownNameError
from benchmarks.hat import build
from benchmarks.hat.devices import REFERENCE_CONFIGS, REFERENCE_FEATURES, _design, reference_latency
from benchmarks.hat.space import check_features, features, homogeneous_config, sample


@pytest.fixture(scope="module")
def hat():
    return benchmarks.load("hat")


def _raw_rows(task, device):
    with open(raw_path(load_manifest()[f"hat/latency/{task}_{device}"])) as handle:
        return list(csv.DictReader(handle))


# A SubTransformer as HAT's search logs print one (wmt14 En-De, latency-dataset space).
CONFIG = {
    "encoder": {
        "encoder_embed_dim": 640, "encoder_layer_num": 6,
        "encoder_ffn_embed_dim": [2048, 1024, 512, 2048, 2048, 1024],
        "encoder_self_attention_heads": [2, 4, 2, 2, 2, 4],
    },
    "decoder": {
        "decoder_embed_dim": 512, "decoder_layer_num": 4,
        "decoder_ffn_embed_dim": [512, 512, 1024, 1024, 512, 1024],
        "decoder_self_attention_heads": [2, 4, 2, 4, 4, 4],
        "decoder_ende_attention_heads": [4, 4, 2, 2, 4, 4],
        "decoder_arbitrary_ende_attn": [2, 1, 2, 1, 1, -1],
    },
}  # fmt: skip


def test_features_average_the_layers_that_run():
    f = features(CONFIG)
    assert f.tolist() == pytest.approx(
        [640, 6, 8704 / 6, 16 / 6, 512, 4, 3072 / 4, 12 / 4, 12 / 4, (3 + 2 + 3 + 2) / 4]
    )
    assert np.array_equal(check_features(f[None]), f[None])
    assert check_features(sample(5000, seed=1)).shape == (5000, 10)


@pytest.mark.parametrize(
    "change, message",
    [
        (("decoder", "decoder_layer_num", 7), "decoder_layer_num = 7; valid values: 1, 2, 3, 4, 5, 6"),
        (("encoder", "encoder_ffn_embed_dim", [3000] * 6), r"encoder_ffn_embed_dim\[0\] = 3000"),
        (("decoder", "decoder_arbitrary_ende_attn", [0] * 6), r"decoder_arbitrary_ende_attn\[0\] = 0; valid values: -1, 1, 2"),
        (("decoder", "decoder_self_attention_heads", [4, 4]), "must list between 4"),
        (("encoder", "encoder_embed_dim", 600), "encoder_embed_dim = 600"),
    ],
)
def test_config_errors_say_what_is_valid(change, message):
    part, key, value = change
    config = {p: dict(s) for p, s in CONFIG.items()}
    config[part][key] = value
    with pytest.raises(ArchitectureError, match=message):
        features(config)


def test_feature_check_rejects_off_lattice_averages():
    row = features(CONFIG)
    off = row.copy()
    off[2] = 600.0  # not a mean of 6 FFN choices
    with pytest.raises(ArchitectureError, match="encoder_ffn_embed_dim_avg = 600 is not the mean of 6"):
        check_features(off)
    off = row.copy()
    off[6] = 2944.0  # 4 decoder layers: sum 11776 = 23 x 512 is whole, yet no 4 of (1, 2, 4, 6) x 512 add up to it
    with pytest.raises(ArchitectureError, match="decoder_ffn_embed_dim_avg"):
        check_features(off)
    with pytest.raises(ArchitectureError, match="shape"):
        check_features(row[:9])


def test_tables_equal_the_raw_csvs(hat):
    """Independent read with the csv module; latency = encoder mean + decoder mean."""
    for device in ("cpu_xeon", "cpu_raspberrypi"):
        rows = _raw_rows("wmt14ende", device)
        encoder = np.array([float(r["latency_mean_encoder"]) for r in rows])
        decoder = np.array([float(r["latency_mean_decoder"]) for r in rows])
        assert np.array_equal(hat.table("latency_encoder", device=device), encoder)
        assert np.array_equal(hat.table("latency_decoder", device=device), decoder)
        assert np.allclose(hat.table("latency", device=device), encoder + decoder)
        assert np.array_equal(hat.table("latency_std_decoder", device=device), [float(r["latency_std_decoder"]) for r in rows])
        assert hat.features(device)[7, 5] == float(rows[7]["decoder_layer_num"])
    assert hat.query(0, "latency", device="cpu_xeon") == pytest.approx(9.922519326210022 + 236.7689162492752)
    assert len(hat) == 2000


def test_names_select_the_task():
    enfr = benchmarks.load("hat-wmt14enfr")
    assert enfr.name == "hat-wmt14enfr" and benchmarks.load("hat").name == "hat-wmt14ende"
    assert set(enfr.provenance["inputs"]) == {f"hat/latency/wmt14enfr_{d}" for d in ("cpu_xeon", "gpu_titanxp", "cpu_raspberrypi")}
    rows = _raw_rows("wmt14enfr", "gpu_titanxp")
    assert enfr.query(3, "latency_encoder", device="gpu_titanxp") == float(rows[3]["latency_mean_encoder"])
    with pytest.raises(UnknownNameError, match="wmt14ende, wmt14enfr"):
        build.check_task("wmt19ende")


def test_registry_split_and_reference_embeddings(hat):
    assert hat.devices.names("search") == ("cpu_xeon", "gpu_titanxp")
    assert hat.devices.names("test") == ("cpu_raspberrypi",)
    assert len(REFERENCE_CONFIGS) == 10 and len(np.unique(REFERENCE_FEATURES, axis=0)) == 10
    assert sorted(set(REFERENCE_FEATURES[:, 5])) == [1, 2, 3, 4, 5, 6]
    assert features(homogeneous_config(640, 3072, 8, 6, 1)).tolist() == REFERENCE_FEATURES[-1].tolist()
    for device in hat.devices.names():
        embedding = hat.devices.embedding(device)
        assert embedding.min() == 0.0 and embedding.max() == 1.0 and embedding.shape == (10,)
    # Cross-check the least-squares estimate with scikit-learn's independent solver.
    from sklearn.linear_model import LinearRegression

    X, y = hat.features("gpu_titanxp"), hat.table("latency", device="gpu_titanxp")
    model = LinearRegression(fit_intercept=False).fit(_design(X), y)
    assert np.allclose(reference_latency(X, y), model.predict(_design(REFERENCE_FEATURES)), rtol=1e-6)
    estimate = hat.reference_latency("gpu_titanxp")
    assert y.min() * 0.8 < estimate.min() and estimate.max() < y.max() * 1.2


def test_query_errors(hat):
    with pytest.raises(UnknownMetricError, match="no BLEU"):
        hat.table("bleu", device="cpu_xeon")
    with pytest.raises(QueryError, match="needs a device"):
        hat.table("latency")
    with pytest.raises(ArchitectureError, match="out of range"):
        hat.query(2000, "latency", device="cpu_xeon")
    with pytest.raises(ArchitectureError, match="surrogate"):
        hat.query(features(CONFIG), "latency", device="cpu_xeon")
