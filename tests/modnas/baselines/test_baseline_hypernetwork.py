"""rhpn and modnas-e on top of the search core, and HELP with the search core's MetaPredictor."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from modnas.baselines import run_baseline
from modnas.baselines.help import PREDICTORS, circle_rays, ray_latency_constraints
from modnas.baselines.hypernetwork import SearchRunError
from modnas.baselines.settings import SettingsError


@pytest.mark.parametrize("device", ["fpga", "pixel3"])
def test_rhpn_is_the_argmax_of_an_untrained_bank_hypernetwork(nb201, device):
    from modnas.search.hypernetwork import BankHypernetwork, build_hypernetwork

    result = run_baseline(nb201, "rhpn", device, budget=24, seed=3)
    assert result.budget == 24 and np.all(np.diff(result.hv_trace) >= 0) and result.hv == result.hv_trace[-1]
    assert run_baseline(nb201, "rhpn", device, budget=24, seed=3) == result
    assert run_baseline(nb201, "rhpn", device, budget=24, seed=4).evaluated != result.evaluated
    # Recompute by hand: the same seeded network, fed the simplex-rescaled rays, argmax op per edge.
    hypernet = build_hypernetwork("random", 2, generator=torch.Generator().manual_seed(3))
    assert isinstance(hypernet, BankHypernetwork)
    rays = circle_rays()
    preferences = torch.as_tensor(rays / rays.sum(axis=1, keepdims=True), dtype=torch.float32)
    embedding = torch.as_tensor(nb201.devices.embedding(device), dtype=torch.float32).expand(24, -1)
    with torch.no_grad():
        ops = hypernet(preferences, embedding).argmax(dim=-1).numpy()
    assert list(result.evaluated_indices) == list(nb201.space.ops_to_index(ops))


def _fake_search_run(directory, devices, logits, preferences):
    directory.mkdir(parents=True)
    buffer = io.BytesIO()
    np.savez(buffer, logits=logits.astype(np.float32), preferences=preferences, devices=np.asarray(devices))
    (directory / "logits.npz").write_bytes(buffer.getvalue())
    return str(directory)


def test_modnas_e_takes_the_argmax_of_the_mean_logits(nb201, tmp_path):
    rng = np.random.default_rng(0)
    devices, preferences = ["pixel3", "fpga"], circle_rays()
    runs = [rng.normal(size=(2, 24, 6, 5)) for _ in range(3)]
    paths = [_fake_search_run(tmp_path / f"seed{i}", devices, logits, preferences) for i, logits in enumerate(runs)]
    result = run_baseline(nb201, "modnas-e", "fpga", budget=24, settings={"search_runs": paths})
    mean = np.mean([r[1].astype(np.float32) for r in runs], axis=0)  # device "fpga" is row 1
    expected = [nb201.space.ops_to_index(np.argmax(mean[k], axis=-1)) for k in range(24)]
    assert list(result.evaluated_indices) == [int(e) for e in expected]
    single = run_baseline(nb201, "modnas-e", "fpga", budget=24, settings={"search_runs": paths[:1]})
    assert list(single.evaluated_indices) == list(nb201.space.onehot_to_index(runs[0][1].astype(np.float32)))


def test_modnas_e_needs_matching_finished_runs(nb201, tmp_path):
    with pytest.raises(SettingsError, match="search_runs"):
        run_baseline(nb201, "modnas-e", "fpga", budget=24)
    with pytest.raises(SearchRunError, match="not the logits file"):
        run_baseline(nb201, "modnas-e", "fpga", budget=24, settings={"search_runs": [str(tmp_path / "none")]})
    only_pixel3 = _fake_search_run(tmp_path / "a", ["pixel3"], np.zeros((1, 24, 6, 5)), circle_rays())
    with pytest.raises(SearchRunError, match="did not evaluate device 'fpga'"):
        run_baseline(nb201, "modnas-e", "fpga", budget=24, settings={"search_runs": [only_pixel3]})


@pytest.mark.slow  # trains the MetaPredictor once when the data cache does not hold it yet
def test_help_with_the_meta_predictor_meets_its_predicted_constraints(nb201):
    task = nb201.task("eyeriss")
    result = run_baseline(nb201, "help", "eyeriss", budget=24)
    assert result.settings["predictor"] == "meta-predictor"
    predicted = PREDICTORS["meta-predictor"](nb201, "eyeriss")
    valid = predicted[task.valid_mask]
    predicted_n = (predicted - valid.min()) / (valid.max() - valid.min())
    constraints = ray_latency_constraints(task, circle_rays())
    candidates = nb201.metad2a_candidates["index"]
    fastest = candidates[np.argmin(predicted_n[candidates])]
    for chosen, limit in zip(result.evaluated_indices, constraints):
        assert predicted_n[chosen] <= limit or chosen == fastest
