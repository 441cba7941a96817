import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from benchmarks.errors import UnknownNameError
from surrogates.fidelity import fidelity
from surrogates.spaces import resolve, split_indices
from surrogates.training import SURROGATE_VERSION, ensure_models, model_dir, predict

QUICK = 0.1


def test_same_seed_gives_identical_models_and_predictions(tmp_path):
    ids = ["latency-cpu_xeon", "hardware-latency"]
    first = ensure_models("hat", seed=3, ids=ids, root=tmp_path / "a", rounds_scale=QUICK)
    second = ensure_models("hat", seed=3, ids=ids, root=tmp_path / "b", rounds_scale=QUICK)
    for model_id in ids:
        assert first[model_id].meta["model_sha256"] == second[model_id].meta["model_sha256"]
        raw_a = (model_dir("hat-wmt14ende", 0.8, 3, tmp_path / "a") / f"{model_id}.ubj").read_bytes()
        raw_b = (model_dir("hat-wmt14ende", 0.8, 3, tmp_path / "b") / f"{model_id}.ubj").read_bytes()
        assert raw_a == raw_b
    X = np.random.default_rng(0).random((50, 15), dtype=np.float32) * 1000
    assert np.array_equal(predict(first["latency-cpu_xeon"].booster, X), predict(second["latency-cpu_xeon"].booster, X))
    other = ensure_models("hat", seed=4, ids=ids[:1], root=tmp_path / "a", rounds_scale=QUICK)
    assert other["latency-cpu_xeon"].meta["train_data_sha256"] != first["latency-cpu_xeon"].meta["train_data_sha256"]


def test_models_are_saved_with_metadata_reused_and_retrained_when_stale(tmp_path):
    ids = ["latency-gpu_titanxp"]
    model = ensure_models("hat-wmt14enfr", ids=ids, root=tmp_path, rounds_scale=QUICK)["latency-gpu_titanxp"]
    folder = model_dir("hat-wmt14enfr", 0.8, 0, tmp_path)
    meta = json.loads((folder / "latency-gpu_titanxp.json").read_text())
    assert meta["key"]["surrogate_version"] == SURROGATE_VERSION
    assert meta["key"]["params"]["tree_method"] == "hist" and meta["key"]["params"]["nthread"] == 1
    assert meta["key"]["benchmark"]["inputs"]["hat/latency/wmt14enfr_gpu_titanxp"].startswith("842136ba")
    assert meta["n_train"] == 1600 and meta["n_test_archs"] == 400 and meta["train_fraction"] == 0.8
    assert set(meta["fidelity"]) >= {"spearman", "kendall", "r2", "mae"} and len(meta["train_data_sha256"]) == 64
    stamp = (folder / "latency-gpu_titanxp.ubj").stat().st_mtime_ns
    again = ensure_models("hat-wmt14enfr", ids=ids, root=tmp_path, rounds_scale=QUICK)["latency-gpu_titanxp"]
    assert (folder / "latency-gpu_titanxp.ubj").stat().st_mtime_ns == stamp  # reused, not retrained
    assert again.meta == {**model.meta}
    # a model file that no longer matches its metadata is never used
    (folder / "latency-gpu_titanxp.ubj").write_bytes(b"garbage")
    fresh = ensure_models("hat-wmt14enfr", ids=ids, root=tmp_path, rounds_scale=QUICK)["latency-gpu_titanxp"]
    assert fresh.meta["model_sha256"] == model.meta["model_sha256"]
    assert not list(folder.glob(".*part-*"))  # atomic writes leave no temporaries


def test_split_is_seeded_disjoint_and_covers_every_row():
    train, test = split_indices(15625, 0.1, seed=0)
    assert len(train) == 1562 and len(test) == 14063
    assert np.intersect1d(train, test).size == 0 and np.union1d(train, test).size == 15625
    assert np.array_equal(split_indices(15625, 0.1, seed=0)[0], train)
    assert not np.array_equal(split_indices(15625, 0.1, seed=1)[0], train)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        split_indices(10, 1.0, 0)


def test_unknown_names_list_the_valid_ones(tmp_path):
    with pytest.raises(UnknownNameError, match="nb201, ofa, hat-wmt14ende"):
        resolve("hw-gpt")
    with pytest.raises(UnknownNameError, match="latency-cpu_xeon"):
        ensure_models("hat", ids=["latency-pixel3"], root=tmp_path)


def test_fidelity_matches_independent_implementations():
    rng = np.random.default_rng(0)
    measured = rng.random(500) * 10
    predicted = measured + rng.normal(0, 1, 500)
    got = fidelity(measured, predicted)
    frame = pd.DataFrame({"m": measured, "p": predicted})
    assert got["spearman"] == pytest.approx(frame.corr(method="spearman").iloc[0, 1], abs=1e-12)
    assert got["kendall"] == pytest.approx(frame.corr(method="kendall").iloc[0, 1], abs=1e-12)
    from sklearn.metrics import mean_absolute_error, r2_score

    assert got["r2"] == pytest.approx(r2_score(measured, predicted))
    assert got["mae"] == pytest.approx(mean_absolute_error(measured, predicted))
    assert got["n_test"] == 500
    assert stats.spearmanr(measured, measured).statistic == pytest.approx(1.0)


def test_scatter_data_returns_the_held_out_points(quick_store):
    from surrogates.fidelity import scatter_data

    points = scatter_data("hat", "zero-shot-cpu_raspberrypi", root=quick_store, rounds_scale=QUICK)
    assert points["measured"].shape == points["predicted"].shape == (400,)
    assert points["spearman"] == pytest.approx(stats.spearmanr(points["measured"], points["predicted"]).statistic)
    direct = scatter_data("hat", "latency-cpu_xeon", root=quick_store, rounds_scale=QUICK)
    assert direct["n_test"] == 400 and direct["spearman"] > 0.9
