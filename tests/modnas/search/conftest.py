"""Fixtures of the search tests: an isolated cache for the small predictors they train, and a tiny config."""

from __future__ import annotations

import pytest

from modnas.search.config import AccuracyPredictorConfig, PredictorConfig, preset


@pytest.fixture(scope="session")
def search_home(nb201, tmp_path_factory):
    """A private data cache for the predictors trained by these tests (the benchmark is loaded first)."""
    with pytest.MonkeyPatch.context() as patch:
        home = tmp_path_factory.mktemp("search-home")
        patch.setenv("MODNAS_DATA_HOME", str(home))
        yield home


TINY_PREDICTOR = PredictorConfig(steps=120, batch_archs=64)


@pytest.fixture
def tiny_config(search_home):
    """The quick preset shrunk to seconds: 2 epochs of 3 steps, small predictors."""
    return preset(
        "quick",
        epochs=2,
        steps_per_epoch=3,
        prefs_per_device=2,
        pretrain_steps=10,
        predictor=TINY_PREDICTOR,
        accuracy_predictor=AccuracyPredictorConfig(steps=60, batch=128, hidden=32),
    )


@pytest.fixture(autouse=True)
def single_thread():
    """These tests run many tiny ops; on a shared 2-core machine extra torch threads only contend."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
