"""Surrogate queries of 10^5 architectures (pytest-benchmark; run by `make bench`).

These use the full surrogates from the cache (trained on first use), as a search would."""

import numpy as np
import pytest

import surrogates

N = 100_000


@pytest.fixture(scope="module")
def ofa():
    return surrogates.load("ofa-surrogate")


@pytest.fixture(scope="module")
def hat():
    return surrogates.load("hat-surrogate")


@pytest.fixture(scope="module")
def nb201():
    return surrogates.load("nb201-surrogate")


def test_ofa_surrogate_latency_of_1e5_encodings(benchmark, ofa):
    encodings = ofa.space.sample(N, seed=0)
    values = benchmark(ofa.predict, encodings, "latency", device="titan_rtx_64")
    assert values.shape == (N,)


def test_hat_surrogate_latency_of_1e5_subtransformers(benchmark, hat):
    features = hat.space.sample(N, seed=0)
    values = benchmark(hat.predict, features, "latency", device="cpu_raspberrypi")
    assert values.shape == (N,)


def test_nb201_surrogate_model_latency_of_1e5_cells(benchmark, nb201):
    indices = np.random.default_rng(0).integers(0, len(nb201), N)
    values = benchmark(nb201.predict, indices, "latency", device="pixel3")
    assert values.shape == (N,)


def test_nb201_surrogate_query_of_1e5_cells(benchmark, nb201):
    indices = np.random.default_rng(0).integers(0, len(nb201), N)
    values = benchmark(nb201.query, indices, "latency", device="pixel3")
    assert values.shape == (N,)
