import json
import os
import subprocess
import sys

import pytest

from modnas_bench.cli import main

BEST = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_query_by_index_and_by_string(nb201, capsys):
    by_index = run_json(capsys, "query", "nb201", "--index", "6111", "--metric", "accuracy", "--json")
    assert by_index == {
        "benchmark": "nb201", "index": 6111, "arch": BEST, "metric": "accuracy", "device": None, "dataset": None,
        "value": nb201.query(6111, "accuracy"), "unit": by_index["unit"],
    }  # fmt: skip
    by_string = run_json(capsys, "query", "nb201", "--arch", BEST, "--metric", "latency", "--device", "fpga", "--json")
    assert by_string["index"] == 6111 and by_string["value"] == nb201.query(6111, "latency", device="fpga")


def test_front_reports_the_task(nb201, capsys):
    payload = run_json(capsys, "front", "nb201", "--device", "pixel2", "--json")
    task = nb201.task("pixel2")
    assert payload["hv_true"] == task.hv_true and payload["front_indices"] == list(task.front_indices)
    assert payload["n_filtered"] == 15284 and payload["device"] == "pixel2" and payload["dataset"] == "cifar10"
    three = run_json(capsys, "front", "nb201", "--device", "pixel2", "--objectives", "error,latency,params", "--json")
    assert len(three["ref_point"]) == 3


def test_devices_lists_splits_and_embeddings(nb201, capsys):
    payload = run_json(capsys, "devices", "nb201", "--json")
    assert len(payload["splits"]["search"]) == 13 and len(payload["splits"]["test"]) == 6
    fpga = next(d for d in payload["devices"] if d["name"] == "fpga")
    assert fpga["split"] == "test" and fpga["embedding"] == list(nb201.devices["fpga"].embedding)


def test_fronts_writes_csv_and_markdown(nb201, capsys, tmp_path):
    payload = run_json(capsys, "fronts", "nb201", "--out", str(tmp_path), "--json")
    assert len(payload["rows"]) == 19 and payload["hv_mean"] == pytest.approx(0.96948, abs=1e-5)
    assert (tmp_path / "nb201-true-fronts-cifar10-error-latency.md").read_text().count("\n") == 19 + 3


def test_data_commands(nb201, capsys):
    run_json(capsys, "data", "fetch", "--benchmark", "nb201", "--json")
    fetched = run_json(capsys, "data", "fetch", "--benchmark", "nb201", "--json")
    assert fetched["downloaded"] == [] and len(fetched["cached"]) == 36 + 3  # + the 3 license notices
    verified = run_json(capsys, "data", "verify", "--benchmark", "nb201", "--json")
    assert {a["status"] for a in verified["artifacts"]} == {"ok"}
    info = run_json(capsys, "data", "info", "--json")
    assert "nb201.h5" in info["built"] and info["benchmarks"]["nb201"]["required"] == 36


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "nb201", "--index", "1", "--metric", "latency", "--device", "pixel9"], "unknown device 'pixel9'"),
        (["query", "nb201", "--index", "99999", "--metric", "accuracy"], "out of range"),
        (["query", "nb201", "--arch", "|x~0|", "--metric", "accuracy"], "malformed NB201 architecture"),
        (["query", "nb201", "--metric", "accuracy"], "exactly one of --arch"),
        (["front", "nb201", "--device", "mars"], "unknown device 'mars'"),
        (["data", "fetch", "--name", "nb201/nothing"], "unknown artifact"),
    ],
)
def test_user_errors_exit_2_with_a_clear_message(nb201, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_console_script_is_installed(nb201):
    out = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "modnas-bench"), "query", "nb201", "--index", "0",
         "--metric", "params", "--json"],
        capture_output=True, text=True, env=os.environ.copy(), check=True,
    )  # fmt: skip
    assert json.loads(out.stdout)["value"] == nb201.query(0, "params")


def test_query_on_the_latency_only_benchmarks(capsys):
    ofa = run_json(capsys, "query", "ofa", "--index", "3", "--metric", "latency", "--device", "v100_1", "--json")
    assert ofa["value"] > 0 and set(ofa["arch"]) == {"ks", "e", "d", "r"}
    assert main(["query", "hat", "--arch", "x", "--metric", "latency", "--device", "cpu_xeon"]) == 2
    assert "addressed by --index" in capsys.readouterr().err
