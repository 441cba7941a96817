"""OFA MobileNetV3: HELP's 5000 measured subnets, latency on 12 GPU settings, the MODNAS split."""

from benchmarks.ofa.benchmark import OFABenchmark, load_ofa
from benchmarks.ofa.devices import ALL_DEVICES, SEARCH_DEVICES, TEST_DEVICES
from benchmarks.ofa.space import FEATURE_NAMES, N_FEATURES, OFASpace

__all__ = ["ALL_DEVICES", "FEATURE_NAMES", "N_FEATURES", "OFABenchmark", "OFASpace", "SEARCH_DEVICES", "TEST_DEVICES", "load_ofa"]
