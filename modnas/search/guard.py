"""`SearchView`: what a search may see of a benchmark — everything except the data of held-out devices.

A MODNAS search trains on the search devices; the zero-shot (test) devices may contribute only their
10-number hardware embedding. The view forwards the device-independent tables (accuracy, error,
params), the space and the device registry (which holds names, splits and embeddings only), and
raises `HeldOutDeviceError` for any latency read of a device outside the search set. It gives no
access to evaluation tasks (they carry true fronts) nor to any other attribute of the benchmark, so
code handed the view cannot reach held-out data by accident.
"""

from __future__ import annotations

from benchmarks.errors import ModnasBenchError, QueryError


class HeldOutDeviceError(ModnasBenchError):
    """Search code asked for data of a device that is held out from the search."""


class SearchView:
    _FORWARDED = ("name", "space", "devices", "provenance", "datasets", "metrics", "device_metrics")

    def __init__(self, bench, search_devices, max_error: float = 90.0):
        self._bench = bench
        unknown = [d for d in search_devices if d not in bench.devices]
        if unknown:
            bench.devices[unknown[0]]  # raises UnknownDeviceError with the valid names
        self.search_devices = tuple(search_devices)
        self.max_error = float(max_error)
        self.reads: list[tuple[str, str | None, str | None]] = []  # every table read, for audits and tests

    def __getattr__(self, attribute: str):
        if attribute in SearchView._FORWARDED:
            return getattr(self._bench, attribute)
        raise HeldOutDeviceError(
            f"a search sees only {', '.join(SearchView._FORWARDED)}, table() and query() of the benchmark; "
            f"{attribute!r} is not available inside a search"
        )

    def __len__(self) -> int:
        return len(self._bench)

    def _check(self, metric: str, device: str | None) -> None:
        if metric in getattr(self._bench, "device_metrics", ("latency",)):
            if device is None:
                raise QueryError(f"metric {metric!r} needs a device; search devices: {', '.join(self.search_devices)}")
            if device not in self.search_devices:
                self._bench.devices[device]  # an unknown name raises UnknownDeviceError first
                raise HeldOutDeviceError(
                    f"{metric} of device {device!r} is held out from this search (only its hardware embedding "
                    f"may be read); search devices: {', '.join(self.search_devices)}"
                )

    def table(self, metric: str, device: str | None = None, dataset: str | None = None):
        self._check(metric, device)
        self.reads.append((metric, device, dataset))
        return self._bench.table(metric, device=device, dataset=dataset)

    def query(self, archs, metric: str, device: str | None = None, dataset: str | None = None):
        self._check(metric, device)
        self.reads.append((metric, device, dataset))
        return self._bench.query(archs, metric, device=device, dataset=dataset)

    def _latency_table(self, device: str):
        self._check("latency", device)
        self.reads.append(("latency", device, None))
        return self._bench._latency_table(device)

    def task(self, *args, **kwargs):
        raise HeldOutDeviceError("evaluation tasks carry true fronts and held-out latencies; they are not available in a search")
