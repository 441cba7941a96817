"""Build `nb201.h5` once from the verified raw files; rebuild when the pinned inputs change."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from benchmarks.data import built, cache
from benchmarks.data.manifest import Manifest, load_manifest
from benchmarks.data.safe_load import load_torch_file
from benchmarks.errors import BuildError
from benchmarks.nb201.devices import ALL_DEVICES, EMBEDDING_ARCHS
from benchmarks.nb201.space import N_ARCHS, NB201Space

BUILDER_VERSION = "2"
# HW-NAS-Bench (optional): energy in mJ of the NB201 cells on CIFAR-10 inputs, per device.
HWNAS_ARTIFACT = "hwnasbench/pickle"
ENERGY_DEVICES = {"edgegpu": "edgegpu_energy", "eyeriss": "eyeriss_energy", "fpga": "fpga_energy"}
DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
UNITS = {
    "accuracy": "% (test accuracy after 200 epochs, mean over seeds; CIFAR-10 ori-test, others x-test)",
    "error": "% (100 - accuracy)",
    "params": "millions of parameters",
    "latency": "ms",
    "energy": "mJ (HW-NAS-Bench, CIFAR-10 inputs; only when its optional file is cached)",
}


def input_names() -> list[str]:
    names = [f"nb201/latency/{d}" for d in ALL_DEVICES]
    names += [f"nb201/{kind}/{ds}" for kind in ("accuracy", "params") for ds in DATASETS]
    names += ["nb201/str_arch2idx", "nb201/hardware_embedding_index", "nb201/metad2a_candidates"]
    return names


def hwnas_present(manifest: Manifest | None = None) -> bool:
    """The optional HW-NAS-Bench file joins the build once it is in the cache (fetched with --optional)."""
    manifest = manifest or load_manifest()
    return cache.raw_path(manifest[HWNAS_ARTIFACT]).is_file()


def expected_inputs(manifest: Manifest | None = None) -> dict[str, str]:
    manifest = manifest or load_manifest()
    names = input_names() + ([HWNAS_ARTIFACT] if hwnas_present(manifest) else [])
    return {name: manifest[name].checksum[1] for name in names}


def built_path() -> Path:
    return cache.data_home() / "built" / "nb201.h5"


def is_current(path: Path, manifest: Manifest | None = None) -> bool:
    """True when the built file exists and was built from exactly the pinned inputs by this builder."""
    return built.is_current(path, BUILDER_VERSION, expected_inputs(manifest))


def _read_index_csv(path: Path, column: str) -> np.ndarray:
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    if table.shape != (N_ARCHS, 2) or not np.array_equal(table[:, 0], np.arange(N_ARCHS)):
        raise BuildError(f"{path}: expected rows 'index,{column}' for indices 0..{N_ARCHS - 1} in order")
    return table[:, 1]


def _check_vector(name: str, values, length: int = N_ARCHS) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (length,) or not np.isfinite(array).all():
        raise BuildError(f"artifact {name!r}: expected {length} finite numbers, got shape {array.shape}")
    return array


def _read_metad2a(path: Path, space: NB201Space) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    lines = path.read_text().strip().splitlines()
    header = float(lines[0])
    rows = [line.rsplit(",", 2) for line in lines[1:]]
    indices = space.str_to_index([r[0].strip() for r in rows])
    accuracy = np.array([float(r[1]) for r in rows])
    value = np.array([float(r[2]) for r in rows])
    return header, indices, accuracy, value


def _read_hwnas_energy(path: Path) -> dict[str, np.ndarray]:
    from benchmarks.data.safe_load import load_plain_pickle

    document = load_plain_pickle(path)
    try:
        cifar10 = document["nasbench201"]["cifar10"]
        return {d: _check_vector(f"{HWNAS_ARTIFACT}:{key}", cifar10[key]) for d, key in ENERGY_DEVICES.items()}
    except (KeyError, TypeError) as exc:
        raise BuildError(f"{path}: not the HW-NAS-Bench layout ['nasbench201']['cifar10'][<metric>] ({exc})") from None


def build(path: Path | None = None, manifest: Manifest | None = None) -> Path:
    """Fetch (verifying) the inputs and write the HDF5 file atomically. Returns its path."""
    manifest = manifest or load_manifest()
    path = path or built_path()

    def write(h5, raw) -> None:
        space = NB201Space.from_strings(load_torch_file(raw["nb201/str_arch2idx"]))
        embedding_archs = [int(i) for i in load_torch_file(raw["nb201/hardware_embedding_index"])]
        if embedding_archs != list(EMBEDDING_ARCHS):
            raise BuildError(f"hardware embedding architectures changed: {embedding_archs} != {list(EMBEDDING_ARCHS)}")
        h5.create_dataset("arch/ops", data=space.ops_by_index)
        h5.create_dataset("arch/str", data=space.strings.astype("S"))
        for device in ALL_DEVICES:
            name = f"nb201/latency/{device}"
            h5.create_dataset(f"latency/{device}", data=_check_vector(name, load_torch_file(raw[name])))
        for dataset in DATASETS:
            acc = _read_index_csv(raw[f"nb201/accuracy/{dataset}"], "accuracy")
            params = _read_index_csv(raw[f"nb201/params/{dataset}"], "params")
            if dataset == "ImageNet16-120":
                params = params / 1e6  # FreeREA stores raw counts here, millions for CIFAR
            h5.create_dataset(f"accuracy/{dataset}", data=acc)
            h5.create_dataset(f"params/{dataset}", data=params)
        h5.create_dataset("embedding_archs", data=np.asarray(embedding_archs, dtype=np.int64))
        header, idx, acc, value = _read_metad2a(raw["nb201/metad2a_candidates"], space)
        group = h5.create_group("metad2a")
        group.create_dataset("index", data=idx)
        group.create_dataset("accuracy", data=acc)
        group.create_dataset("value", data=value)
        group.attrs["header"] = header
        if HWNAS_ARTIFACT in raw:
            for device, values in _read_hwnas_energy(raw[HWNAS_ARTIFACT]).items():
                h5.create_dataset(f"energy/{device}", data=values)
        h5.attrs["units"] = json.dumps(UNITS)

    return built.build_once(path, BUILDER_VERSION, expected_inputs(manifest), manifest, write)
