"""Held-out devices: only their embedding may be read inside a search."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.errors import UnknownDeviceError
from benchmarks.nb201.devices import SEARCH_DEVICES, TEST_DEVICES
from modnas.search.guard import HeldOutDeviceError, SearchView
from modnas.search.run import Search


class RecordingBenchmark:
    """The real benchmark, with every latency read recorded (whatever path the read takes)."""

    def __init__(self, bench):
        self._bench = bench
        self.latency_reads: list[str] = []

    def __getattr__(self, name):
        return getattr(self._bench, name)

    def __len__(self):
        return len(self._bench)

    def table(self, metric, device=None, dataset=None):
        if metric == "latency":
            self.latency_reads.append(device)
        return self._bench.table(metric, device=device, dataset=dataset)

    def query(self, archs, metric, device=None, dataset=None):
        if metric == "latency":
            self.latency_reads.append(device)
        return self._bench.query(archs, metric, device=device, dataset=dataset)

    def _latency_table(self, device):
        self.latency_reads.append(device)
        return self._bench._latency_table(device)


def test_view_refuses_held_out_latency_but_gives_embeddings(nb201):
    view = SearchView(nb201, SEARCH_DEVICES)
    for device in TEST_DEVICES:
        with pytest.raises(HeldOutDeviceError, match=device):
            view.table("latency", device=device)
        with pytest.raises(HeldOutDeviceError):
            view.query([0, 1], "latency", device=device)
        with pytest.raises(HeldOutDeviceError):
            view._latency_table(device)
        np.testing.assert_array_equal(view.devices.embedding(device), nb201.devices.embedding(device))
    np.testing.assert_array_equal(view.table("latency", device="pixel3"), nb201.table("latency", device="pixel3"))
    np.testing.assert_array_equal(view.table("error"), nb201.table("error"))
    with pytest.raises(UnknownDeviceError):
        view.table("latency", device="not_a_device")
    with pytest.raises(HeldOutDeviceError, match="evaluation tasks"):
        view.task("pixel2")
    with pytest.raises(HeldOutDeviceError, match="not available"):
        view.metad2a_candidates  # noqa: B018


def test_search_reads_only_search_device_latency(nb201, tiny_config, fresh_home):
    # fresh_home: an empty cache, so the MetaPredictor is trained here and its reads are recorded too
    recorder = RecordingBenchmark(nb201)
    config = tiny_config.replace(estimator="score")
    search = Search(config.validate(), SearchView(recorder, config.search_devices), progress=False)
    search.hypernet_step()
    assert recorder.latency_reads, "the search should have read the search devices' latency"
    assert set(recorder.latency_reads) <= set(SEARCH_DEVICES)
    assert set(recorder.latency_reads) == set(SEARCH_DEVICES)  # the predictor trained on all 13
    assert not set(recorder.latency_reads) & set(TEST_DEVICES)
