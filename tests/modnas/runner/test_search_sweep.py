"""Search experiments (`kind: search`) run through the same sweep: skip complete runs, redo the rest."""

import json

import pytest

from modnas.runner.experiment import ExperimentError, parse_experiment
from modnas.runner.sweep import run_sweep

TINY = {"epochs": 1, "steps_per_epoch": 2, "pretrain_steps": 5}


def test_a_search_grid_runs_and_a_rerun_skips_it(nb201, tmp_path):
    experiment = parse_experiment(
        {"name": "tiny-search", "kind": "search", "preset": "quick", "seeds": [0, 1],
         "searches": {"modnas": TINY, "score": {**TINY, "estimator": "score"}}},
        bench=nb201,
    )  # fmt: skip
    first = run_sweep(experiment, tmp_path, workers=1, progress=False)
    assert first.complete and first.n_done == 4
    result = json.loads((tmp_path / "tiny-search" / "score" / "seed1" / "result.json").read_text())
    assert result["config"]["estimator"] == "score" and result["seed"] == 1 and len(result["hv"]) == 19
    again = run_sweep(experiment, tmp_path, workers=1, progress=False)
    assert again.n_skipped == 4 and again.n_done == 0
    (tmp_path / "tiny-search" / "modnas" / "seed0" / "result.json").unlink()  # as if interrupted
    third = run_sweep(experiment, tmp_path, workers=1, progress=False)
    assert third.n_skipped == 3 and third.n_done == 1


def test_search_experiments_are_validated(nb201):
    with pytest.raises(ExperimentError, match="unknown search-experiment key"):
        parse_experiment({"kind": "search", "searches": {"a": {}}, "devices": "modnas"}, bench=nb201)
    with pytest.raises(ExperimentError, match="search 'bad'"):
        parse_experiment({"kind": "search", "searches": {"bad": {"estimator": "nope"}}}, bench=nb201)
    with pytest.raises(ExperimentError, match="unknown experiment kind"):
        parse_experiment({"kind": "other", "methods": {"rs": {}}, "devices": "modnas"}, bench=nb201)
