"""OFA MobileNetV3 latency settings (HELP: 4 GPUs x batch sizes 1, 32, 64) and the MODNAS split."""

from __future__ import annotations

import numpy as np

from benchmarks.nb201.devices import Device, DeviceRegistry, hardware_embedding, split_in

GPUS = ("2080ti", "titan_rtx", "titan_xp", "v100")
BATCH_SIZES = (1, 32, 64)
ALL_DEVICES = tuple(f"{gpu}_{batch}" for gpu in GPUS for batch in BATCH_SIZES)
# MODNAS (MobileNetV3 experiments): one search over 11 settings, zero-shot on the 12th.
TEST_DEVICES = ("titan_rtx_64",)
SEARCH_DEVICES = tuple(d for d in ALL_DEVICES if d not in TEST_DEVICES)


def split_of(name: str) -> str:
    return split_in(name, {"search": SEARCH_DEVICES, "test": TEST_DEVICES}, "ofa")


def ofa_registry(latency: dict[str, np.ndarray], embedding_archs) -> DeviceRegistry:
    """Devices with embeddings = min-max normalised latency of HELP's 10 OFA reference subnets."""
    index = np.asarray(embedding_archs, dtype=np.int64)
    devices = {}
    for name in ALL_DEVICES:
        batch = int(name.rpartition("_")[2])
        embedding = hardware_embedding(latency[name][index])
        devices[name] = Device(name, split_of(name), "gpu", batch, tuple(float(x) for x in embedding))
    return DeviceRegistry(devices, "ofa")
