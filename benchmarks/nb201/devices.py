"""NAS-Bench-201 latency devices, the MODNAS search / zero-shot split, and hardware embeddings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.errors import UnknownDeviceError, UnknownNameError

# MODNAS (automl/MODNAS @ 21ddf2f): one search over these 13 device settings ...
SEARCH_DEVICES = (
    "1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50", "pixel3",
    "essential_ph_1", "samsung_s7", "titanx_1", "titanx_32", "titanx_256", "gold_6240",
)  # fmt: skip
# ... and zero-shot evaluation on these 6, of which only the 10-number embedding may be read in search.
TEST_DEVICES = ("titan_rtx_256", "gold_6226", "fpga", "pixel2", "raspi4", "eyeriss")
# The other settings HELP measured; available for extra experiments, in neither MODNAS split.
EXTRA_DEVICES = (
    "2080ti_1", "2080ti_32", "2080ti_256", "titanxp_1", "titanxp_32", "titanxp_256", "titan_rtx_1", "titan_rtx_32",
)  # fmt: skip
ALL_DEVICES = SEARCH_DEVICES + TEST_DEVICES + EXTRA_DEVICES
MODNAS_DEVICES = SEARCH_DEVICES + TEST_DEVICES
SPLITS = ("search", "test", "extra")

# The 10 reference architectures whose latencies form a device's hardware embedding (HELP / MODNAS).
EMBEDDING_ARCHS = (11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462)

_KINDS = {
    "1080ti": "gpu", "2080ti": "gpu", "titanx": "gpu", "titanxp": "gpu", "titan_rtx": "gpu",
    "gold_6226": "cpu", "gold_6240": "cpu", "silver_4114": "cpu", "silver_4210r": "cpu",
    "essential_ph_1": "mobile", "pixel2": "mobile", "pixel3": "mobile", "samsung_a50": "mobile",
    "samsung_s7": "mobile", "raspi4": "embedded", "eyeriss": "asic", "fpga": "fpga",
}  # fmt: skip


@dataclass(frozen=True)
class Device:
    name: str
    split: str  # "search", "test" or "extra"
    kind: str  # gpu, cpu, mobile, embedded, asic, fpga
    batch_size: int | None  # GPU settings only (the name's suffix)
    embedding: tuple[float, ...]  # min-max normalised latency of EMBEDDING_ARCHS

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "split": self.split,
            "kind": self.kind,
            "batch_size": self.batch_size,
            "embedding": list(self.embedding),
        }


def split_in(name: str, splits: dict[str, tuple[str, ...]], benchmark: str) -> str:
    """The split (e.g. "search", "test") whose device list holds `name`."""
    for split, names in splits.items():
        if name in names:
            return split
    raise UnknownDeviceError(name, [n for names in splits.values() for n in names], f"in {benchmark}")


def split_of(name: str) -> str:
    return split_in(name, {"search": SEARCH_DEVICES, "test": TEST_DEVICES, "extra": EXTRA_DEVICES}, "NAS-Bench-201")


def _kind_and_batch(name: str) -> tuple[str, int | None]:
    if name in _KINDS:
        return _KINDS[name], None
    family, _, batch = name.rpartition("_")
    return _KINDS[family], int(batch)


def hardware_embedding(reference_latencies: np.ndarray) -> np.ndarray:
    """Min-max normalise the reference architectures' latencies to [0, 1] (last axis)."""
    lat = np.asarray(reference_latencies, dtype=np.float64)
    low, high = lat.min(axis=-1, keepdims=True), lat.max(axis=-1, keepdims=True)
    return (lat - low) / (high - low)


class DeviceRegistry:
    """The devices of a benchmark with their splits and hardware embeddings."""

    def __init__(self, devices: dict[str, Device], benchmark: str):
        self._devices = devices
        self.benchmark = benchmark

    def __contains__(self, name: object) -> bool:
        return name in self._devices

    def __iter__(self):
        return iter(self._devices.values())

    def __len__(self) -> int:
        return len(self._devices)

    def __getitem__(self, name: str) -> Device:
        try:
            return self._devices[name]
        except (KeyError, TypeError):
            raise UnknownDeviceError(name, list(self._devices), f"in {self.benchmark}") from None

    def names(self, split: str | None = None) -> tuple[str, ...]:
        """Device names, optionally of one split; `split="modnas"` gives search + test."""
        if split is None:
            return tuple(self._devices)
        if split == "modnas":
            return tuple(d.name for d in self if d.split in ("search", "test"))
        valid = sorted({d.split for d in self} | {"modnas"})
        if split not in valid:
            raise UnknownNameError(split, valid, "(device split)")
        return tuple(d.name for d in self if d.split == split)

    def embedding(self, name: str) -> np.ndarray:
        return np.asarray(self[name].embedding)

    def embeddings(self, names) -> np.ndarray:
        """(len(names), 10) stacked embeddings."""
        return np.stack([self.embedding(n) for n in names])

    def to_dict(self) -> dict:
        return {
            "benchmark": self.benchmark,
            "splits": {s: list(self.names(s)) for s in sorted({d.split for d in self})},
            "devices": [d.to_dict() for d in self],
        }


def nb201_registry(latency: dict[str, np.ndarray], embedding_archs=EMBEDDING_ARCHS) -> DeviceRegistry:
    devices = {}
    index = np.asarray(embedding_archs)
    for name in ALL_DEVICES:
        kind, batch = _kind_and_batch(name)
        embedding = hardware_embedding(latency[name][index])
        devices[name] = Device(name, split_of(name), kind, batch, tuple(float(x) for x in embedding))
    return DeviceRegistry(devices, "nb201")
