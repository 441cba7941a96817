import numpy as np
import pytest
from scipy import stats

import benchmarks
import surrogates
from benchmarks.errors import (
    ArchitectureError,
    QueryError,
    UnknownBenchmarkError,
    UnknownDatasetError,
    UnknownDeviceError,
    UnknownMetricError,
)
from benchmarks.nb201.benchmark import NB201Benchmark
from benchmarks.protocol import Task
from surrogates.accuracy import AccuracyEvaluatorError


def test_plain_names_are_delegated_to_the_tables():
    assert isinstance(surrogates.load("nb201"), NB201Benchmark)
    assert surrogates.load("ofa").name == "ofa" and surrogates.load("hat").name == "hat-wmt14ende"
    assert {"nb201-surrogate", "ofa-surrogate", "hat-surrogate", "hat-wmt14enfr-surrogate"} <= set(surrogates.available())
    with pytest.raises(UnknownBenchmarkError, match="nb201-surrogate"):
        surrogates.load("nb201-surogate")


def test_nb201_surrogate_has_the_table_interface(nb201_surrogate, nb201):
    bench = nb201_surrogate
    assert bench.name == "nb201-surrogate" and len(bench) == len(nb201) == 15625
    assert np.array_equal(bench.space.ops_by_index, nb201.space.ops_by_index) and bench.metrics == nb201.metrics and bench.datasets == nb201.datasets
    assert bench.devices.names("search") == nb201.devices.names("search")
    assert bench.devices.names("test") == nb201.devices.names("test")
    for name in ("table", "query", "task", "_latency_table", "metad2a_candidates", "provenance"):
        assert hasattr(bench, name)
    latency = bench.table("latency", device="pixel3")
    assert latency.shape == (15625,) and not latency.flags.writeable
    # predictions, not the table, yet close to it (few trees here)
    assert not np.array_equal(latency, nb201.table("latency", device="pixel3"))
    assert stats.spearmanr(latency, nb201.table("latency", device="pixel3")).statistic > 0.9
    assert np.array_equal(bench.table("params"), nb201.table("params"))  # exact: a function of the cell
    assert np.allclose(bench.table("error", dataset="cifar100"), 100 - bench.table("accuracy", dataset="cifar100"))
    strings = nb201.space.index_to_str(np.array([[0, 5], [7, 9]]))
    assert np.array_equal(bench.query(strings, "latency", device="eyeriss"), latency_of(bench, [[0, 5], [7, 9]]))
    assert bench.provenance["benchmark"] == "nb201-surrogate" and bench.provenance["train_fraction"] == 0.1
    assert bench.provenance["inputs"] == nb201.provenance["inputs"] and len(bench.provenance["models"]) == 31
    # embeddings come from the surrogate's own latencies at the reference cells
    reference = bench.table("latency", device="fpga")[list(benchmarks.nb201.EMBEDDING_ARCHS)]
    expected = (reference - reference.min()) / (reference.max() - reference.min())
    assert np.allclose(bench.devices.embedding("fpga"), expected)


def latency_of(bench, indices):
    return bench.table("latency", device="eyeriss")[np.asarray(indices)]


def test_nb201_surrogate_task_follows_the_protocol(nb201_surrogate, nb201):
    task = nb201_surrogate.task("pixel3")
    assert isinstance(task, Task) and task.benchmark == "nb201-surrogate"
    assert 0.8 < task.hv_true <= 1.0 and task.ref_point == (1.0, 1.0)
    true_task = nb201.task("pixel3")
    assert task.hv_true == pytest.approx(true_task.hv_true, abs=0.05)
    evaluation = task.evaluate(np.arange(24))
    assert 0.0 <= evaluation.hv <= task.hv_true and evaluation.n_archs == 24
    three = nb201_surrogate.task("raspi4", objectives=("error", "latency", "params"))
    assert three.n_objectives == 3 and three.hv_true > 0


def test_nb201_surrogate_errors_mirror_the_table(nb201_surrogate):
    with pytest.raises(UnknownMetricError):
        nb201_surrogate.table("flops")
    with pytest.raises(QueryError, match="needs a device"):
        nb201_surrogate.table("latency")
    with pytest.raises(UnknownDeviceError):
        nb201_surrogate.table("latency", device="v100_1")
    with pytest.raises(UnknownDatasetError):
        nb201_surrogate.table("accuracy", dataset="imagenet")
    with pytest.raises(ArchitectureError):
        nb201_surrogate.query(15625, "latency", device="pixel3")


def test_model_path_equals_the_cached_columns(nb201_surrogate):
    indices = np.arange(0, 15625, 7)
    assert np.array_equal(nb201_surrogate.predict(indices, "latency", device="gold_6226"), nb201_surrogate.table("latency", device="gold_6226")[indices])
    assert np.array_equal(nb201_surrogate.predict(indices, "accuracy"), nb201_surrogate.table("accuracy")[indices])
    grid = indices[:6].reshape(2, 3)
    assert np.array_equal(nb201_surrogate.predict(grid, "latency", device="fpga"), nb201_surrogate.query(grid, "latency", device="fpga"))


def test_ofa_surrogate_predicts_any_valid_encoding(ofa_surrogate):
    table = benchmarks.load("ofa")
    assert len(ofa_surrogate) == 5000 and np.array_equal(ofa_surrogate.pool, table.features)
    unseen = ofa_surrogate.space.sample(2000, seed=11)
    values = ofa_surrogate.predict(unseen, "latency", device="v100_64")
    assert values.shape == (2000,) and np.isfinite(values).all()
    assert ofa_surrogate.predict(unseen[:6].reshape(2, 3, -1), "latency", device="v100_64").shape == (2, 3)
    # larger subnets (more blocks, higher resolution) are slower on the batch-64 setting
    small = ofa_surrogate.space.encode({"ks": [3] * 20, "e": [3] * 20, "d": [2] * 5, "r": 128})
    large = ofa_surrogate.space.encode({"ks": [7] * 20, "e": [6] * 20, "d": [4] * 5, "r": 224})
    assert ofa_surrogate.predict(large, "latency", device="v100_64") > 2 * ofa_surrogate.predict(small, "latency", device="v100_64")
    measured = table.table("latency", device="titan_rtx_64")
    assert stats.spearmanr(ofa_surrogate.table("latency", device="titan_rtx_64"), measured).statistic > 0.95
    assert ofa_surrogate.query([0, 1], "latency", device="titan_rtx_64").shape == (2,)
    with pytest.raises(ArchitectureError, match="skipped block"):
        bad = small.copy()
        bad[2] = 3
        ofa_surrogate.predict(bad, "latency", device="v100_64")
    with pytest.raises(AccuracyEvaluatorError, match="no accuracy"):
        ofa_surrogate.predict(small, "accuracy")
    with pytest.raises(UnknownMetricError, match="plugged-in evaluator"):
        ofa_surrogate.table("error")


def test_hat_surrogate_and_zero_shot_prediction(hat_surrogate, quick_store):
    table = benchmarks.load("hat")
    assert len(hat_surrogate) == len(np.unique(np.concatenate([table.features(d) for d in table.devices.names()]), axis=0))
    sampled = surrogates.load("hat-surrogate", root=quick_store, rounds_scale=0.1, pool=500, pool_seed=2)
    assert len(sampled) == 500 and sampled.provenance["pool"] == {"kind": "sampled", "size": 500, "seed": 2}
    rows = table.features("cpu_raspberrypi")
    zero_shot = hat_surrogate.predict_zero_shot(rows, hat_surrogate.devices.embedding("cpu_raspberrypi"))
    assert stats.spearmanr(zero_shot, table.table("latency", device="cpu_raspberrypi")).statistic > 0.8
    with pytest.raises(QueryError, match="10 numbers"):
        hat_surrogate.predict_zero_shot(rows, np.zeros(9))

