"""Every figure drawn from small *real* run logs (tiny searches and baselines on the real tables), with
content checks: series, device axes, test-device marks, and table values equal to the logs' values."""

import json

import numpy as np
import pandas as pd
import pytest

from benchmarks.io import atomic_write_json
from benchmarks.nb201.devices import MODNAS_DEVICES, TEST_DEVICES
from modnas.baselines.run import result_payload, run_baseline
from modnas.search import preset, run_search
from paper_figs import figures
from paper_figs.cli import FigureInputsMissingError
from paper_figs.logs import collect
from paper_figs.registry import FIGURES
from paper_figs.tables import mean_ci
from modnas_bench.cli import main

TINY = {"epochs": 1, "steps_per_epoch": 3, "pretrain_steps": 5}
BUDGET = 12


@pytest.fixture(scope="module")
def runs(nb201, tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    for seed in (0, 1):
        run_search(preset("quick", seed=seed, **TINY), out=root / "nb201-modnas" / "modnas" / f"seed{seed}", progress=False)
    run_search(preset("quick", seed=0, **TINY), out=root / "nb201-ablations" / "base" / "seed0", progress=False)
    run_search(preset("quick", seed=0, estimator="score", **TINY), out=root / "nb201-ablations" / "score" / "seed0",
               progress=False)  # fmt: skip
    run_search(preset("quick", seed=0, objectives=("error", "latency", "params"), hypernet="mlp", **TINY),
               out=root / "nb201-3obj" / "modnas" / "seed0", progress=False)  # fmt: skip
    for method in ("rs", "morea"):
        for device in MODNAS_DEVICES:
            for seed in (0, 1):
                result = run_baseline(nb201, method, device, BUDGET, seed=seed)
                directory = root / "nb201-baselines" / method / device / f"seed{seed}-budget{BUDGET}"
                atomic_write_json(directory / "result.json", result_payload(result, {"method": method}, nb201.provenance))
    return root


def test_logs_are_collected(runs):
    logs = collect(runs)
    assert logs.experiments() == {"nb201-modnas", "nb201-ablations", "nb201-3obj", "nb201-baselines"}
    assert len(logs.search_runs("nb201-modnas")) == 2 and len(logs.baseline_runs("nb201-baselines")) == 2 * 19 * 2


def test_hv_radar(runs, nb201, tmp_path):
    drawn = figures.draw_hv_radar(collect(runs), nb201, tmp_path)
    assert {p.name for p in drawn.files} >= {"nb201-hv-radar.png", "nb201-hv-radar.pdf", "nb201-igd-plus-radar.png"}
    hv = drawn.data["hv"]
    assert set(hv) == {"modnas", "rs", "morea", "true-front"}
    assert all(set(series) == set(MODNAS_DEVICES) for series in hv.values())
    modnas = [json.loads((runs / "nb201-modnas" / "modnas" / f"seed{s}" / "result.json").read_text()) for s in (0, 1)]
    assert hv["modnas"]["fpga"] == pytest.approx(np.mean([m["hv"]["fpga"] for m in modnas]))
    assert hv["true-front"]["eyeriss"] == nb201.task("eyeriss").hv_true
    assert "true-front" not in drawn.data["gd"]  # distances to itself are zero: not a series


def test_radar_marks_the_test_devices(nb201):
    fig, ax = figures.plots.radar({"modnas": {d: 0.9 for d in MODNAS_DEVICES}}, list(MODNAS_DEVICES), TEST_DEVICES, "t", "HV")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) == 19 and sorted(label for label in labels if label.endswith("*")) == sorted(f"{d}*" for d in TEST_DEVICES)


def test_hv_table_values_equal_the_logs(runs, nb201, tmp_path):
    drawn = figures.draw_hv_table(collect(runs), nb201, tmp_path)
    csv = pd.read_csv(tmp_path / "nb201-hv-table.csv")
    rs_pixel2 = [
        json.loads((runs / "nb201-baselines" / "rs" / "pixel2" / f"seed{s}-budget{BUDGET}" / "result.json").read_text())["result"]["hv"]
        for s in (0, 1)
    ]  # fmt: skip
    row = csv[(csv.device == "pixel2") & (csv.method == "rs")].iloc[0]
    assert row["mean"] == pytest.approx(mean_ci(rs_pixel2)[0]) and row["ci95"] == pytest.approx(mean_ci(rs_pixel2)[1])
    markdown = (tmp_path / "nb201-hv-table.md").read_text()
    assert markdown.count("\n") == 19 + 2 and markdown.count("**") == 2 * 19  # one bold best per device
    assert "\\textbf{" in (tmp_path / "nb201-hv-table.tex").read_text()
    assert drawn.data["labels"] == ["modnas", "rs", "morea"]


def test_pareto_panels(runs, nb201, tmp_path):
    drawn = figures.draw_pareto(collect(runs), nb201, tmp_path)
    assert set(drawn.data["panels"]) == set(TEST_DEVICES)
    for device, series in drawn.data["panels"].items():
        assert "true-front" in series and len(series["modnas"]) == 24 and len(series) == 3
        assert np.allclose(series["true-front"], nb201.task(device).true_front)


def test_hv_vs_evals_and_evaluations_to_match(runs, nb201, tmp_path):
    drawn = figures.draw_hv_vs_evals(collect(runs), nb201, tmp_path)
    assert set(drawn.data["panels"]) == set(TEST_DEVICES)
    x, mean, _ = drawn.data["panels"]["fpga"]["rs"]
    assert len(x) == BUDGET and np.all(np.diff(mean) >= 0)
    table = drawn.data["table"]
    assert len(table) == 19 * 2
    assert figures.evaluations_to_match(np.array([0.1, 0.5, 0.9]), 0.5) == 2
    assert figures.evaluations_to_match(np.array([0.1, 0.5]), 0.6) is None
    assert (tmp_path / "nb201-evals-to-match-modnas.md").read_text().count("\n") == 19 + 2


def test_ablations(runs, nb201, tmp_path):
    drawn = figures.draw_ablations(collect(runs), nb201, tmp_path)
    assert set(drawn.data["groups"]["estimator"]) == {"exact", "score"}
    score = json.loads((runs / "nb201-ablations" / "score" / "seed0" / "result.json").read_text())
    assert drawn.data["groups"]["estimator"]["score"] == [score["hv_mean"]]


def test_three_objectives(runs, nb201, tmp_path):
    drawn = figures.draw_three_objectives(collect(runs), nb201, tmp_path)
    assert drawn.data["objectives"] == ("error", "latency", "params")
    summary = drawn.data["summary"]
    true = summary[(summary.device == "fpga") & (summary.method == "true-front")]["mean"].iloc[0]
    assert true == nb201.task("fpga", objectives=("error", "latency", "params")).hv_true


def test_metapredictor_and_search_cost(runs, nb201, tmp_path):
    drawn = figures.draw_metapredictor(collect(runs), nb201, tmp_path)
    assert set(drawn.data["zero_shot"]) == set(TEST_DEVICES)
    cost = figures.draw_search_cost(collect(runs), nb201, tmp_path).data["table"]
    assert set(cost.method) == {"modnas", "rs", "morea"}
    assert (cost[cost.method == "rs"]["evaluations"] == 19 * BUDGET).all()
    assert (cost[cost.method == "modnas"]["evaluations"] == 0).all()


def test_every_figure_is_drawable_through_the_cli(runs, tmp_path, capsys):
    for figure_id in FIGURES:
        if figure_id == "surrogate-fidelity":
            continue  # trains every surrogate: drawn on two small spaces in its own test
        assert main(["figs", "make", figure_id, "--runs", str(runs), "--out", str(tmp_path), "--json"]) == 0
        files = json.loads(capsys.readouterr().out)["files"]
        assert all((tmp_path / f).exists() or __import__("pathlib").Path(f).exists() for f in files)
    assert main(["figs", "list", "--runs", str(runs), "--json"]) == 0
    assert all(row["ready"] for row in json.loads(capsys.readouterr().out))


def test_missing_runs_are_named(tmp_path, capsys):
    assert main(["figs", "make", "nb201-hv-radar", "--runs", str(tmp_path)]) == 2
    assert "nb201-modnas, nb201-baselines" in capsys.readouterr().err
    with pytest.raises(FigureInputsMissingError):
        from paper_figs.cli import cmd_make

        cmd_make(type("A", (), {"id": "nb201-3obj", "runs": str(tmp_path), "out": str(tmp_path), "json": True})())


def test_surrogate_fidelity(nb201, tmp_path):
    drawn = figures.draw_surrogate_fidelity(None, nb201, tmp_path, spaces=("hat", "hat-wmt14enfr"))
    table = drawn.data["table"]
    assert set(table.space) == {"hat-wmt14ende", "hat-wmt14enfr"} or set(table.space) == {"hat", "hat-wmt14enfr"}
    assert (tmp_path / "surrogate-fidelity.png").exists() and (tmp_path / "surrogate-fidelity-table.tex").exists()
    latency = table[table.model == "per-device latency"]
    assert len(latency) == 6 and (latency.spearman > 0.9).all()
