"""Small, quickly trained surrogates (few trees) in a per-session model store."""

from __future__ import annotations

import pytest

import surrogates

QUICK = 0.1  # a tenth of the trees: seconds to train, still faithful enough for interface tests


@pytest.fixture(scope="session")
def quick_store(tmp_path_factory):
    return tmp_path_factory.mktemp("surrogate-store")


@pytest.fixture(scope="session")
def nb201_surrogate(quick_store):
    return surrogates.load("nb201-surrogate", root=quick_store, rounds_scale=QUICK)


@pytest.fixture(scope="session")
def ofa_surrogate(quick_store):
    return surrogates.load("ofa-surrogate", root=quick_store, rounds_scale=QUICK)


@pytest.fixture(scope="session")
def hat_surrogate(quick_store):
    return surrogates.load("hat-surrogate", root=quick_store, rounds_scale=QUICK)
