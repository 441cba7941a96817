"""HAT Transformers: 2000 measured SubTransformers per device on WMT'14 En-De and En-Fr, the MODNAS split."""

from benchmarks.hat.benchmark import HATBenchmark, load_hat
from benchmarks.hat.devices import ALL_DEVICES, REFERENCE_CONFIGS, SEARCH_DEVICES, TASKS, TEST_DEVICES
from benchmarks.hat.space import FEATURE_NAMES, N_FEATURES, HATSpace

__all__ = [
    "ALL_DEVICES", "FEATURE_NAMES", "HATBenchmark", "HATSpace", "N_FEATURES", "REFERENCE_CONFIGS", "SEARCH_DEVICES",
    "TASKS", "TEST_DEVICES", "load_hat",
]  # fmt: skip
