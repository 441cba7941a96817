"""Energy as a search objective, through the optional HW-NAS-Bench path.

The real HW-NAS-Bench file is not mirrored, so the benchmark here is built with a stand-in pickle of
the same layout whose "energy" columns are *other devices' real latency columns* (never energy
results): the tests check only that the values flow from the file into the search's objectives and
its 3-D evaluation unchanged, that held-out energy is never read, and that the errors explain.
"""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from benchmarks.data import cache
from benchmarks.data.manifest import Manifest, load_manifest
from benchmarks.errors import UnknownDeviceError
from benchmarks.nb201 import build
from benchmarks.nb201.benchmark import NB201Benchmark
from modnas.search.guard import HeldOutDeviceError, SearchView
from modnas.search.objectives import EnergyUnavailableError, Objectives, energy_devices
from modnas.search.run import run_search
from modnas_bench.cli import main

# stand-in energy column <- the real latency column of another device (so energy != that device's latency)
STAND_IN_SOURCES = {"edgegpu_energy": "titanx_1", "eyeriss_energy": "pixel3", "fpga_energy": "gold_6240"}
ENERGY_SEARCH = ("eyeriss", "fpga")


@pytest.fixture(scope="module")
def energy_bench(nb201, tmp_path_factory):
    """An NB201 benchmark built in a private cache with a stand-in HW-NAS-Bench pickle."""
    import os

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MODNAS_DATA_HOME", str(tmp_path_factory.mktemp("energy-home")))
        patch.setenv("MODNAS_DATA_MIRROR", os.environ["MODNAS_DATA_MIRROR"])
        columns = {key: np.asarray(nb201.table("latency", device=d)).tolist() for key, d in STAND_IN_SOURCES.items()}
        target = cache.raw_path(load_manifest()[build.HWNAS_ARTIFACT])
        target.parent.mkdir(parents=True)
        target.write_bytes(pickle.dumps({"nasbench201": {"cifar10": columns}}))
        real = load_manifest()
        artifacts = dict(real.artifacts)
        artifacts[build.HWNAS_ARTIFACT] = dataclasses.replace(
            artifacts[build.HWNAS_ARTIFACT], git_blob_sha1=cache.file_digest(target, "git-blob-sha1")
        )
        bench = NB201Benchmark(build.build(manifest=Manifest(artifacts=artifacts, sha256=real.sha256)))
        yield bench


def _energy_config(tiny_config, **changes):
    return tiny_config.replace(search_devices=ENERGY_SEARCH, eval_devices=ENERGY_SEARCH, latency="table", **changes)


def test_energy_objective_is_the_normalised_table_of_each_search_device(nb201, energy_bench, tiny_config):
    assert energy_devices(energy_bench) == ENERGY_SEARCH  # edgegpu has energy but no hardware embedding
    assert energy_devices(nb201) == ()
    config = _energy_config(tiny_config, objectives=("error", "latency", "energy"), hypernet="mlp").validate()
    view = SearchView(energy_bench, config.search_devices)
    tables = Objectives(view, config).tables()  # (D, M, N)
    valid = nb201.table("error") < 90
    for row, device in enumerate(ENERGY_SEARCH):  # cross-check: plain numpy min-max of the stand-in column
        column = np.asarray(nb201.table("latency", device=STAND_IN_SOURCES[f"{device}_energy"]))
        expected = (column - column[valid].min()) / (column[valid].max() - column[valid].min())
        np.testing.assert_allclose(tables[row, 2].numpy(), expected, rtol=1e-5, atol=1e-6)
        assert not np.allclose(tables[row, 2].numpy(), tables[row, 1].numpy())  # energy is not latency here
    assert {(m, d) for m, d, _ in view.reads if m == "energy"} == {("energy", d) for d in ENERGY_SEARCH}
    with pytest.raises(HeldOutDeviceError, match="held out"):
        SearchView(energy_bench, ("eyeriss",)).table("energy", device="fpga")


@pytest.mark.parametrize(
    "objectives, hypernet",
    [(("error", "energy"), "bank"), (("error", "latency", "energy"), "mlp")],
    ids=["error-energy-bank", "error-latency-energy-mlp"],
)
def test_energy_search_is_scored_on_the_true_energy_front(energy_bench, tiny_config, objectives, hypernet):
    result = run_search(_energy_config(tiny_config, objectives=objectives, hypernet=hypernet), bench=energy_bench)
    assert set(result.hv) == set(ENERGY_SEARCH) and result.complete
    assert set(result.history[-1]["loss"]) == set(objectives)
    for device in ENERGY_SEARCH:
        task = energy_bench.task(device, objectives=objectives)
        assert result.hv[device] == pytest.approx(task.hv(result.indices[device]))
        assert result.hv_true[device] == pytest.approx(task.hv_true)
        assert 0 < result.hv[device] <= task.hv_true + 1e-12
    assert result.preferences.shape == ((24, 2) if len(objectives) == 2 else (28, 3))


def test_energy_errors_say_what_is_missing(nb201, energy_bench, tiny_config, tmp_path):
    with pytest.raises(EnergyUnavailableError, match="data fetch --optional"):
        run_search(_energy_config(tiny_config, objectives=("error", "energy")), tmp_path / "none", bench=nb201)
    assert not (tmp_path / "none").exists()  # refused before anything was written
    with pytest.raises(UnknownDeviceError, match="valid: eyeriss, fpga"):
        run_search(tiny_config.replace(objectives=("error", "energy")), bench=energy_bench)  # 13 search devices
    with pytest.raises(ValueError, match="energy has no predictor"):
        _energy_config(tiny_config, objectives=("error", "energy"), estimator="reinmax", accuracy="predictor").validate()
    # the CLI, on the real benchmark (built without the file), explains instead of failing later
    assert main(["search", "nb201", "--objectives", "error,energy", "--json"]) == 2
