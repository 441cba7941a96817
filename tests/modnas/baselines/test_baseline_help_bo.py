"""HELP's constrained selection, and the BO pool scoring, against plain re-computations."""

from __future__ import annotations

import numpy as np
import pytest

from modnas.baselines import run_baseline
from modnas.baselines.help import (
    PREDICTORS,
    UnknownPredictorError,
    circle_rays,
    nearest_search_device_latency,
    ray_latency_constraints,
)
from modnas.baselines.settings import HELPSettings


def test_rays_are_the_modnas_evaluation_rays():
    rays = circle_rays()
    assert rays.shape == (24, 2)
    assert np.allclose(np.linalg.norm(rays, axis=1), 1)
    assert rays[0, 0] > 0.999999 and rays[-1, 1] > 0.999999  # from pure error to pure latency


def test_ray_constraints_are_the_latencies_of_the_true_table_picks(nb201):
    task = nb201.task("fpga")
    constraints = ray_latency_constraints(task, circle_rays())
    valid = np.flatnonzero(task.valid_mask)
    objectives = task.objectives_of(valid)
    # First ray: (almost) pure error weight -> the lowest-error architecture (ties broken by latency).
    best_error = objectives[:, 0].min()
    tied = objectives[objectives[:, 0] == best_error]
    assert constraints[0] == pytest.approx(tied[:, 1].min(), abs=1e-5)
    # Last ray: (almost) pure latency -> the fastest architecture, normalised latency 0.
    assert constraints[-1] == pytest.approx(0.0, abs=1e-5)
    assert np.all(np.diff(constraints) <= 1e-12), "more latency weight, tighter constraint"
    # Every constraint is the latency of a true-front architecture.
    front_latency = task.objectives_of(list(task.front_indices))[:, 1]
    assert all(np.isclose(front_latency, c).any() for c in constraints)


@pytest.mark.parametrize("device", ["fpga", "pixel3", "eyeriss"])
@pytest.mark.parametrize("predictor", ["nearest-search-device", "true-latency"])
def test_help_picks_the_best_candidate_meeting_each_constraint(nb201, device, predictor):
    result = run_baseline(nb201, "help", device, budget=24, settings={"predictor": predictor})
    task = nb201.task(device)
    candidates = nb201.metad2a_candidates
    predicted = PREDICTORS[predictor](nb201, device)
    low, high = predicted[task.valid_mask].min(), predicted[task.valid_mask].max()
    constraints = ray_latency_constraints(task, circle_rays())
    assert result.budget == 24 and len(result.evaluated_indices) == 24
    for ray, chosen in enumerate(result.evaluated_indices):  # a plain loop, candidate by candidate
        best, best_accuracy = None, -np.inf
        for index, accuracy in zip(candidates["index"], candidates["accuracy"]):
            if (predicted[index] - low) / (high - low) <= constraints[ray] and accuracy > best_accuracy:
                best, best_accuracy = int(index), accuracy
        if best is None:  # nothing meets the constraint: the fastest candidate by prediction
            best = int(candidates["index"][np.argmin(predicted[candidates["index"]])])
        assert chosen == best


def test_help_pinned_values(nb201):
    standin = {"predictor": "nearest-search-device"}
    assert run_baseline(nb201, "help", "fpga", 24, settings=standin).hv == pytest.approx(0.8981240720316674, 1e-12)
    assert run_baseline(nb201, "help", "pixel3", 24, settings=standin).hv == pytest.approx(0.9630942198878453, 1e-12)
    oracle = run_baseline(nb201, "help", "fpga", 24, settings={"predictor": "true-latency"})
    assert oracle.hv == pytest.approx(0.9181362595008624, abs=1e-12)


def test_nearest_search_device_reads_only_search_tables(nb201):
    # fpga is a test device: its stand-in prediction must be some search device's own table.
    predicted = nearest_search_device_latency(nb201, "fpga")
    search_tables = [nb201.table("latency", device=d) for d in nb201.devices.names("search")]
    assert sum(np.array_equal(predicted, t) for t in search_tables) >= 1
    assert not np.array_equal(predicted, nb201.table("latency", device="fpga"))
    # A search device is its own nearest neighbour.
    assert np.array_equal(nearest_search_device_latency(nb201, "pixel3"), nb201.table("latency", device="pixel3"))


def test_unknown_predictor(nb201):
    with pytest.raises(UnknownPredictorError, match="valid: meta-predictor, nearest-search-device, true-latency"):
        run_baseline(nb201, "help", "fpga", 24, settings={"predictor": "crystal-ball"})
    assert HELPSettings().n_rays == 24


def test_pool_marginals_score_exactly_like_batched_posteriors(nb201):
    """The one-joint-posterior shortcut gives the acquisition values of botorch's batched evaluation."""
    import torch
    from botorch.acquisition.multi_objective.logei import qLogExpectedHypervolumeImprovement
    from botorch.models import SingleTaskGP
    from botorch.models.transforms.outcome import Standardize
    from botorch.sampling.normal import SobolQMCNormalSampler
    from botorch.utils.multi_objective.box_decompositions.non_dominated import FastNondominatedPartitioning

    from modnas.baselines.bo import PoolMarginals
    from modnas.baselines.optimizer import Encoding

    encoding, task = Encoding(nb201.space), nb201.task("fpga")
    rng = np.random.default_rng(3)
    train = rng.choice(encoding.n_archs, 40, replace=False)
    x = torch.as_tensor(encoding.features(train), dtype=torch.float64)
    y = -torch.as_tensor(task.objectives_of(train), dtype=torch.float64)
    model = SingleTaskGP(x, y, outcome_transform=Standardize(m=2)).eval()
    pool = torch.as_tensor(encoding.features(rng.choice(encoding.n_archs, 64, replace=False)), dtype=torch.float64)
    ref = -torch.ones(2, dtype=torch.float64)

    def scores(scored_model):
        sampler = SobolQMCNormalSampler(torch.Size([32]), seed=0)
        partitioning = FastNondominatedPartitioning(ref, y)
        acquisition = qLogExpectedHypervolumeImprovement(scored_model, ref, partitioning, sampler=sampler)
        with torch.no_grad():
            return acquisition(pool.unsqueeze(1))

    assert torch.allclose(scores(PoolMarginals(model)), scores(model), rtol=1e-9, atol=1e-9)
