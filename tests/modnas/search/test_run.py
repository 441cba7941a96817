"""The search loop: resume equals uninterrupted, the run directory, switches, 3 objectives, the paper step."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.errors import QueryError
from benchmarks.nb201.devices import MODNAS_DEVICES, TEST_DEVICES
from modnas.search.config import SearchConfig, SupernetConfig, preset
from modnas.search.run import ResumeMismatchError, architectures_for, load_hypernetwork, load_result, run_search
from tests.modnas.search.conftest import TINY_PREDICTOR


def test_resume_gives_exactly_the_uninterrupted_numbers(nb201, tiny_config, tmp_path):
    config = tiny_config.replace(epochs=3)
    whole = run_search(config, tmp_path / "whole", bench=nb201)
    partial = run_search(config, tmp_path / "cut", bench=nb201, stop_after_epoch=1)
    assert not partial.complete and not (tmp_path / "cut" / "result.json").exists()
    resumed = run_search(config, tmp_path / "cut", bench=nb201)
    assert resumed.complete
    assert resumed.hv == whole.hv
    assert resumed.architectures == whole.architectures
    np.testing.assert_array_equal(resumed.logits, whole.logits)
    strip = [{k: v for k, v in h.items() if k != "seconds"} for h in resumed.history]
    assert strip == [{k: v for k, v in h.items() if k != "seconds"} for h in whole.history]
    with pytest.raises(ResumeMismatchError):
        run_search(config.replace(seed=1), tmp_path / "cut", bench=nb201)


def test_run_directory_layout_and_reload(nb201, tiny_config, tmp_path):
    out = tmp_path / "run"
    result = run_search(tiny_config, out, bench=nb201)
    for name in ("config.json", "provenance.json", "history.json", "checkpoint.pt", "hypernet.pt", "logits.npz", "result.json"):
        assert (out / name).is_file(), name
    stored = load_result(out)
    assert set(stored["hv"]) == set(MODNAS_DEVICES)
    assert all(len(archs) == 24 for archs in stored["architectures"].values())
    assert stored["hv_mean"] == pytest.approx(np.mean(list(stored["hv"].values())))
    # scores come from the true tables of the returned architectures
    for device in ("pixel2", "1080ti_1"):
        assert stored["hv"][device] == pytest.approx(nb201.task(device).hv(stored["indices"][device]))
        assert stored["hv_true"][device] == pytest.approx(nb201.task(device).hv_true)
        assert stored["hv_linear"][device] <= stored["hv_true"][device] + 1e-12
    assert set(stored["predictor"]["zero_shot"]) == set(TEST_DEVICES)
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["seed"] == tiny_config.seed and provenance["data"] == nb201.provenance
    assert SearchConfig.from_dict(json.loads((out / "config.json").read_text())) == tiny_config
    history = json.loads((out / "history.json").read_text())
    assert [h["epoch"] for h in history] == [1, 2] and set(history[0]["hv"]) == set(MODNAS_DEVICES)
    # the saved hypernetwork reproduces the reported architectures for any device embedding
    hypernet, config = load_hypernetwork(out)
    indices = architectures_for(hypernet, nb201.space, nb201.devices.embeddings(MODNAS_DEVICES), result.preferences)
    assert [list(row) for row in indices] == [result.indices[d] for d in MODNAS_DEVICES]
    logits = np.load(out / "logits.npz")
    assert logits["logits"].shape == (19, 24, 6, 5) and list(logits["devices"]) == list(MODNAS_DEVICES)
    assert not (np.abs(result.logits) > 0).all() or result.hv_mean > 0  # sanity: numbers, not NaN
    assert np.isfinite(result.logits).all()


@pytest.mark.parametrize(
    "changes",
    [
        {"estimator": "score"},
        {"estimator": "reinmax", "accuracy": "predictor"},
        {"estimator": "gdas", "accuracy": "predictor"},
        {"grad_combine": "mean", "latency": "table"},
        {"grad_combine": "sequential", "cosine": "live"},
        {"hypernet": "mlp", "cosine": "detached"},
    ],
    ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()),
)
def test_switches_run(nb201, tiny_config, changes):
    # 3 steps cannot promise a good front (the full-budget ablations are measured, not unit-tested);
    # they must run, learn from finite losses and return valid cells scored on the true tables.
    result = run_search(tiny_config.replace(epochs=1, **changes), bench=nb201)
    assert len(result.hv) == 19 and all(0.0 < hv <= result.hv_true[d] for d, hv in result.hv.items())
    assert all(np.isfinite(v) and 0 <= v < 2 for v in result.history[0]["loss"].values())
    assert result.history[0]["step"] == 3


def test_untrained_hypernetwork_is_rhpn(nb201, tiny_config):
    result = run_search(tiny_config.replace(hypernet="random"), bench=nb201)
    assert result.history == () and result.complete
    assert 0.3 < result.hv_mean < 0.95  # an untrained network gives a few arbitrary cells


def test_three_objectives_use_3d_hypervolume(nb201, tiny_config):
    config = tiny_config.replace(objectives=("error", "latency", "params"), hypernet="mlp", epochs=2)
    result = run_search(config, bench=nb201)
    assert result.preferences.shape == (28, 3)
    task = nb201.task("fpga", objectives=("error", "latency", "params"))
    assert result.hv["fpga"] == pytest.approx(task.hv(result.indices["fpga"]))
    assert result.hv_true["fpga"] == pytest.approx(task.hv_true)


def test_invalid_combinations_are_explained():
    with pytest.raises(QueryError, match="not differentiable"):
        preset("quick", estimator="reinmax").validate()
    with pytest.raises(QueryError, match="mlp"):
        preset("quick", objectives=("error", "latency", "params")).validate()
    with pytest.raises(QueryError, match="reinmax or gdas"):
        preset("quick", accuracy="supernet").validate()
    with pytest.raises(QueryError, match="valid: reinmax, gdas, score, exact"):
        preset("quick", estimator="nope").validate()
    with pytest.raises(QueryError, match="unknown preset"):
        preset("fast")


def test_paper_preset_supernet_step_runs_on_cpu(nb201, search_home):
    # The paper preset as is (ReinMax, supernet, MGD, bank), with a tiny budget: digits instead of
    # CIFAR-10, a 2-cell-per-stage network, one weight step and one hypernetwork step.
    paper = preset("paper")
    config = paper.replace(
        epochs=1,
        predictor=TINY_PREDICTOR,
        pretrain_steps=5,
        supernet=SupernetConfig(dataset="digits", batch_size=16, cells_per_stage=2, max_steps_per_epoch=1),
    )
    assert (config.estimator, config.accuracy, config.grad_combine, config.hypernet) == ("reinmax", "supernet", "mgd", "bank")
    result = run_search(config, bench=nb201)
    assert result.complete and len(result.history) == 1
    assert result.history[0]["step"] == 1
    assert set(result.history[0]["loss"]) == {"error", "latency"}
    assert all(np.isfinite(v) for v in result.hv.values())
