"""Speed of the data layer (pytest-benchmark; `make bench`). Targets from the foundation issue."""

import os
import subprocess
import sys

import numpy as np

from benchmarks import protocol


def test_vectorised_latency_query_of_a_million_indices(benchmark, nb201):
    indices = np.random.default_rng(0).integers(0, 15625, 1_000_000)
    values = benchmark(nb201.query, indices, "latency", device="pixel3")
    assert values.shape == (1_000_000,)
    lookups_per_second = 1_000_000 / benchmark.stats.stats.min
    benchmark.extra_info["lookups_per_second"] = lookups_per_second
    assert lookups_per_second >= 1e7


def test_hypervolume_of_a_ten_thousand_point_2d_front(benchmark):
    x = np.sort(np.random.default_rng(0).random(10_000))
    front = np.column_stack([x, 1.0 - np.sqrt(x)])  # all mutually non-dominated
    assert protocol.pareto_mask(front).all()
    value = benchmark(protocol.hypervolume, front, [1.1, 1.1])
    assert 0.0 < value < 1.21


def test_cold_load_of_the_built_benchmark_in_a_fresh_process(benchmark, nb201):
    code = "import benchmarks; benchmarks.load('nb201').query(0, 'latency', device='fpga')"

    def cold_load():
        subprocess.run([sys.executable, "-c", code], env=os.environ.copy(), check=True)

    benchmark.pedantic(cold_load, rounds=5, iterations=1)
    benchmark.extra_info["includes"] = "interpreter start, imports, staleness check, HDF5 read"
    assert benchmark.stats.stats.median < 0.5
