import json

from modnas_bench.cli import main


def test_eval_prints_the_fidelity_json(capsys):
    assert main(["surrogate", "eval", "--space", "hat", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["space"] == "hat-wmt14ende"
    assert set(report["latency"]) == {"cpu_xeon", "gpu_titanxp", "cpu_raspberrypi"}
    assert set(report["zero_shot"]) == {"cpu_raspberrypi"}
    for metrics in (*report["latency"].values(), *report["zero_shot"].values()):
        assert set(metrics) >= {"spearman", "kendall", "r2", "mae", "train_fraction"}
        assert metrics["n_test"] == 400


def test_table_writes_csv_and_markdown(tmp_path, capsys):
    assert main(["surrogate", "table", "--space", "hat-wmt14enfr", "--out", str(tmp_path)]) == 0
    paths = json.loads(capsys.readouterr().out)
    csv_text = (tmp_path / "surrogate-fidelity.csv").read_text().splitlines()
    assert csv_text[0].startswith("space,model,subject,spearman,kendall,r2,mae")
    assert len(csv_text) == 1 + 3 + 1 + 2  # per-device, zero-shot, hardware on search devices
    assert paths["md"].endswith(".md") and (tmp_path / "surrogate-fidelity.md").read_text().startswith("| space")


def test_user_errors_exit_2(capsys):
    assert main(["surrogate", "train", "--space", "hat", "--train-fraction", "1.5"]) == 2
    assert "train fraction must lie strictly between 0 and 1, got 1.5" in capsys.readouterr().err
