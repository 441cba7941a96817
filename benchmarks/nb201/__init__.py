"""NAS-Bench-201 with latency on 27 device settings (HELP) and accuracy on 3 datasets (NATS-Bench)."""

from benchmarks.nb201.benchmark import NB201Benchmark, load_nb201
from benchmarks.nb201.devices import EMBEDDING_ARCHS, SEARCH_DEVICES, TEST_DEVICES
from benchmarks.nb201.space import EDGES, N_ARCHS, OPS, NB201Space, format_arch, parse_arch

__all__ = [
    "EDGES", "EMBEDDING_ARCHS", "N_ARCHS", "NB201Benchmark", "NB201Space", "OPS", "SEARCH_DEVICES", "TEST_DEVICES",
    "format_arch", "load_nb201", "parse_arch",
]  # fmt: skip
