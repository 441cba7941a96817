"""HAT latency devices, the MODNAS split, and hardware embeddings from 10 reference SubTransformers.

HAT measured each device on its own random sample of 2000 SubTransformers, so no architecture is
measured on every device, and a device's latency at the reference SubTransformers has to be
estimated from that device's own measurements. The estimate is an ordinary least-squares fit of
latency on the 10 features plus the decoder layer number times each decoder per-layer feature
(decoder cost grows with layers x per-layer width; fitted on 80% of a device's rows it reaches
R^2 0.87-0.999 on the other 20%, measured on both tasks),
evaluated at the references. It is a closed-form function of the measured table (numpy only, no
trained model), and the same for every device; the embedding is then min-max normalised as on NB201.

The 10 references (`REFERENCE_CONFIGS`) are fixed, homogeneous SubTransformers (every layer makes
the same choice): HAT's own smallest and largest representative configs plus 8 between them, chosen
so that every decoder depth 1..6 and every embedding, FFN, head and attention-span choice occurs.
"""

from __future__ import annotations

import numpy as np

from benchmarks.errors import BuildError
from benchmarks.hat.space import features, homogeneous_config
from benchmarks.nb201.devices import Device, DeviceRegistry, hardware_embedding, split_in

TASKS = ("wmt14ende", "wmt14enfr")
ALL_DEVICES = ("cpu_xeon", "gpu_titanxp", "cpu_raspberrypi")
# MODNAS (HAT experiments): search on the Xeon CPU and the Titan Xp GPU, zero-shot on the Raspberry Pi.
SEARCH_DEVICES = ("cpu_xeon", "gpu_titanxp")
TEST_DEVICES = ("cpu_raspberrypi",)
_KINDS = {"cpu_xeon": "cpu", "gpu_titanxp": "gpu", "cpu_raspberrypi": "embedded"}

# (embed dim, FFN dim, heads, decoder layers, encoder-decoder attention span) of each reference.
REFERENCE_CHOICES = (
    (512, 512, 2, 1, -1),  # HAT's smallest SubTransformer
    (640, 3072, 8, 1, 2),
    (512, 1024, 4, 2, 1),
    (640, 2048, 4, 2, -1),
    (512, 2048, 8, 3, 2),
    (640, 1024, 2, 3, 1),
    (512, 3072, 4, 4, -1),
    (640, 512, 8, 5, 2),
    (512, 512, 2, 6, 1),
    (640, 3072, 8, 6, 1),  # HAT's largest SubTransformer (attention span 1, as HAT's "largest_arbitrary1")
)
REFERENCE_CONFIGS = tuple(homogeneous_config(*choice) for choice in REFERENCE_CHOICES)
REFERENCE_FEATURES = features(list(REFERENCE_CONFIGS))


def split_of(name: str) -> str:
    return split_in(name, {"search": SEARCH_DEVICES, "test": TEST_DEVICES}, "hat")


def _design(feature_rows: np.ndarray) -> np.ndarray:
    f = np.asarray(feature_rows, dtype=np.float64)
    decoder_layers = f[:, 5:6]
    # Encoder layer number (column 1) is constant (6) in this space, so the intercept covers it.
    return np.column_stack([np.ones(len(f)), f[:, [0, 2, 3, 4, 5]], decoder_layers * f[:, [4, 6, 7, 8, 9]]])


def reference_latency(feature_rows: np.ndarray, latency: np.ndarray, reference=REFERENCE_FEATURES) -> np.ndarray:
    """Least-squares estimate (ms) of a device's latency at the reference SubTransformers."""
    coef, *_ = np.linalg.lstsq(_design(feature_rows), np.asarray(latency, dtype=np.float64), rcond=None)
    estimate = _design(reference) @ coef
    if not (np.isfinite(estimate).all() and (estimate > 0).all()):
        raise BuildError(f"reference latency estimates are not all positive: {estimate}")
    return estimate


def hat_registry(task: str, feature_rows: dict[str, np.ndarray], latency: dict[str, np.ndarray]) -> DeviceRegistry:
    devices = {}
    for name in ALL_DEVICES:
        embedding = hardware_embedding(reference_latency(feature_rows[name], latency[name]))
        devices[name] = Device(name, split_of(name), _KINDS[name], None, tuple(float(x) for x in embedding))
    return DeviceRegistry(devices, f"hat-{task}")
