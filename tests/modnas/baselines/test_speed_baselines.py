"""Speed of the baselines (pytest-benchmark; skipped by default, run with `make bench`)."""

from __future__ import annotations

from modnas.baselines import run_baseline


def test_speed_random_search_500(benchmark, nb201):
    result = benchmark(run_baseline, nb201, "rs", "fpga", 500, 0)
    assert result.budget == 500


def test_speed_nsga2_500(benchmark, nb201):
    result = benchmark(run_baseline, nb201, "nsga2", "fpga", 500, 0)
    assert result.budget == 500


def test_speed_ehvi_50(benchmark, nb201):
    result = benchmark.pedantic(run_baseline, args=(nb201, "ehvi", "fpga", 50, 0), rounds=1, iterations=1)
    assert result.budget == 50
