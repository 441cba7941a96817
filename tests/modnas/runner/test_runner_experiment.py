"""Experiment files: schema, validation and the grid they expand to."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.errors import UnknownDeviceError, UnknownNameError
from modnas.baselines.registry import BLACK_BOX_METHODS, UnknownMethodError
from modnas.baselines.settings import SettingsError
from modnas.runner import ExperimentError, load_experiment, parse_experiment

EXPERIMENTS = Path(__file__).resolve().parents[3] / "experiments"


def test_shipped_baseline_experiment_is_the_paper_grid(nb201):
    experiment = load_experiment(EXPERIMENTS / "nb201-baselines.yaml", bench=nb201)
    assert experiment.devices == nb201.devices.names("modnas") and len(experiment.devices) == 19
    assert tuple(experiment.methods) == BLACK_BOX_METHODS
    assert experiment.seeds == (0, 1, 2)
    default, paper = experiment.runs(), experiment.runs("paper")
    assert len(default) == len(paper) == 19 * 6 * 3
    assert {r.budget for r in default} == {100} and {r.budget for r in paper} == {500}
    assert len({r.directory(Path("runs")) for r in default}) == len(default)  # one directory per run


def test_every_shipped_experiment_loads(nb201):
    files = sorted(EXPERIMENTS.glob("*.yaml"))
    assert len(files) >= 2
    for path in files:
        assert load_experiment(path, bench=nb201).runs()


def test_grid_order_directories_and_settings(nb201):
    experiment = parse_experiment(
        {
            "name": "tiny",
            "devices": ["fpga", "pixel3"],
            "seeds": 1,
            "budgets": [10, 20],
            "methods": {"rs": None, "small-pool": {"method": "ehvi", "pool_size": 50}},
        },
        bench=nb201,
    )
    runs = experiment.runs()
    assert [(r.label, r.device, r.seed, r.budget) for r in runs[:3]] == [
        ("rs", "fpga", 1, 10),
        ("rs", "fpga", 1, 20),
        ("rs", "pixel3", 1, 10),
    ]
    ehvi = runs[-1]
    assert ehvi.method == "ehvi" and ehvi.settings["pool_size"] == 50 and ehvi.settings["n_initial"] == 10
    assert ehvi.directory(Path("out")) == Path("out/tiny/small-pool/pixel3/seed1-budget20")
    assert len({r.key for r in runs}) == len(runs)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"budget": 10}, ExperimentError, "unknown experiment key"),
        ({"methods": {"cmaes": {}}}, UnknownMethodError, "valid: rs, ls"),
        ({"methods": {"rs": {"pool_size": 3}}}, SettingsError, "unknown setting"),
        ({"devices": ["fpga", "pixel9"]}, UnknownDeviceError, "valid: "),
        ({"devices": "train"}, UnknownNameError, "device split"),
        ({"seeds": [0, 0]}, ExperimentError, "twice"),
        ({"budgets": {"default": 0}}, ExperimentError, ">= 1"),
        ({"name": "../escape"}, ExperimentError, "plain directory name"),
        ({"methods": {"modnas-e": {"search_runs": "runs/a"}}}, SettingsError, "list of strings"),
    ],
)
def test_mistakes_fail_at_load_time_saying_what_is_valid(nb201, change, error, message):
    data = {"devices": ["fpga"], "methods": {"rs": {}}, **change}
    with pytest.raises(error, match=message):
        parse_experiment(data, bench=nb201)


def test_unknown_budget_profile(nb201):
    experiment = parse_experiment({"devices": ["fpga"], "methods": {"rs": {}}, "budgets": {"a": 5}}, bench=nb201)
    with pytest.raises(ExperimentError, match="no budget profile 'default'; valid: a"):
        experiment.runs()


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ExperimentError, match="does not exist"):
        load_experiment(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("methods: [rs\n")
    with pytest.raises(ExperimentError, match="not valid YAML"):
        load_experiment(bad)
