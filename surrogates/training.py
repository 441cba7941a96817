"""Deterministic XGBoost training of every surrogate of a space, saved beside its metadata.

Models per space (ids):

    latency-<device>    per device latency model (every device of the space)
    accuracy-<dataset>  accuracy model (nb201 only: cifar10, cifar100, ImageNet16-120)
    hardware-latency    one hardware-conditioned latency model: features + the device's 10-number
                        hardware embedding, trained on the search devices only, used zero-shot on the
                        held-out devices

Layout: `data_home()/surrogates/<space>/frac<f>-seed<s>/<id>.ubj` (XGBoost's own binary format)
and `<id>.json` (metadata: training data sha256s, parameters, fidelity on held-out rows, seed,
train fraction). Both are written atomically, the model first: metadata names the model file's
sha256, so a model without matching metadata is never used. A model is retrained when its
metadata's key (code version, parameters, seed, fraction, input sha256s) no longer matches.

Determinism: `tree_method="hist"`, a fixed `nthread` (the histogram sums' order depends on it) and
a fixed seed; no row or column subsampling. Same inputs -> bit-identical models.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xgboost as xgb
from filelock import FileLock

from benchmarks.data import data_home
from benchmarks.errors import UnknownNameError
from benchmarks.io import atomic_write_bytes, atomic_write_json
from surrogates.features import FEATURE_VERSION
from surrogates.fidelity import fidelity
from surrogates.spaces import SpaceData, SpaceSpec, resolve, split_indices

SURROGATE_VERSION = "1"
# Fixed: part of what makes training reproducible. One thread: these data sets are small (<= 44k
# rows), and on a busy 2-core machine OpenMP synchronisation made nthread=2 ~100x slower (24 s
# instead of 0.2 s for one NB201 latency model, measured).
TRAIN_NTHREAD = 1


def store_root(root: Path | None = None) -> Path:
    return Path(root) if root is not None else data_home() / "surrogates"


def model_dir(space: str, train_fraction: float, seed: int, root: Path | None = None) -> Path:
    return store_root(root) / space / f"frac{train_fraction:g}-seed{seed}"


def _sha256(*arrays: np.ndarray) -> str:
    hasher = hashlib.sha256()
    for array in arrays:
        array = np.ascontiguousarray(array)
        hasher.update(f"{array.dtype.str}{array.shape}".encode())
        hasher.update(array.tobytes())
    return hasher.hexdigest()


def fit_booster(X: np.ndarray, y: np.ndarray, params: dict, rounds: int, seed: int) -> xgb.Booster:
    dtrain = xgb.DMatrix(np.asarray(X, dtype=np.float32), label=np.asarray(y, dtype=np.float64), nthread=TRAIN_NTHREAD)
    full = {"tree_method": "hist", "nthread": TRAIN_NTHREAD, "seed": seed, "verbosity": 0, **params}
    return xgb.train(full, dtrain, num_boost_round=rounds)


def predict(booster: xgb.Booster, X: np.ndarray) -> np.ndarray:
    """Vectorised float64 predictions (XGBoost's in-place path: no DMatrix copy)."""
    return booster.inplace_predict(np.asarray(X, dtype=np.float32)).astype(np.float64)


@dataclass
class TrainedModel:
    model_id: str
    booster: xgb.Booster
    meta: dict


@dataclass(frozen=True)
class TrainingPlan:
    """Everything that decides a space's models; `key()` is what the metadata must match."""

    spec: SpaceSpec
    train_fraction: float
    seed: int
    rounds_scale: float = 1.0  # < 1 trains fewer trees (unit tests); recorded in the key

    def rounds(self, base: int) -> int:
        return max(1, round(base * self.rounds_scale))

    def key(self, data: SpaceData, model_id: str, params: dict, rounds: int) -> dict:
        return {
            "surrogate_version": SURROGATE_VERSION,
            "feature_version": FEATURE_VERSION,
            "space": self.spec.name,
            "model": model_id,
            "params": {"tree_method": "hist", "nthread": TRAIN_NTHREAD, "seed": self.seed, **params},
            "num_boost_round": rounds,
            "train_fraction": self.train_fraction,
            "seed": self.seed,
            "benchmark": {k: data.bench.provenance[k] for k in ("benchmark", "builder_version", "inputs")},
            "xgboost_version": xgb.__version__,
        }


def model_ids(data: SpaceData) -> list[str]:
    ids = [f"latency-{d}" for d in data.devices.names()]
    ids += [f"accuracy-{ds}" for ds in data.spec.accuracy_datasets]
    return ids + ["hardware-latency"]


def _hardware_rows(data: SpaceData, devices, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stack (features + embedding, latency) of `rows` over `devices`."""
    blocks, targets = [], []
    for device in devices:
        X, y = data.latency(device)
        embedding = np.broadcast_to(data.devices.embedding(device).astype(np.float32), (len(rows), 10))
        blocks.append(np.concatenate([X[rows], embedding], axis=1))
        targets.append(y[rows])
    return np.concatenate(blocks), np.concatenate(targets)


def _train_one(data: SpaceData, plan: TrainingPlan, model_id: str, train: np.ndarray, test: np.ndarray) -> TrainedModel:
    spec = plan.spec
    kind, _, subject = model_id.partition("-")
    started = time.perf_counter()
    params, rounds = _params_of(spec, plan, kind)
    if kind == "hardware":
        search, held_out = data.devices.names("search"), data.devices.names("test")
        X_train, y_train = _hardware_rows(data, search, train)
        booster = fit_booster(X_train, y_train, params, rounds, plan.seed)
        extra = {
            "train_devices": list(search),
            "zero_shot": {d: fidelity(*_measured_predicted(booster, *_hardware_rows(data, [d], test))) for d in held_out},
            "search_devices_held_out_archs": {
                d: fidelity(*_measured_predicted(booster, *_hardware_rows(data, [d], test))) for d in search
            },
        }
        fid = None
    else:
        X, y = data.latency(subject) if kind == "latency" else data.accuracy(subject)
        X_train, y_train = X[train], y[train]
        booster = fit_booster(X_train, y_train, params, rounds, plan.seed)
        fid = fidelity(y[test], predict(booster, X[test]))
        extra = {}
    seconds = time.perf_counter() - started
    meta = {
        "key": plan.key(data, model_id, params, rounds),
        "kind": kind,
        "device": subject if kind == "latency" else None,
        "dataset": subject if kind == "accuracy" else None,
        "train_fraction": plan.train_fraction,
        "seed": plan.seed,
        "n_train": int(len(y_train)),
        "n_test_archs": int(len(test)),
        "train_data_sha256": _sha256(X_train, y_train),
        "fidelity": fid,
        "training_seconds": round(seconds, 3),
        **extra,
    }
    return TrainedModel(model_id, booster, meta)


def _measured_predicted(booster: xgb.Booster, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return y, predict(booster, X)


def _load_if_current(folder: Path, model_id: str, key: dict) -> TrainedModel | None:
    model_path, meta_path = folder / f"{model_id}.ubj", folder / f"{model_id}.json"
    if not (model_path.is_file() and meta_path.is_file()):
        return None
    try:
        meta = json.loads(meta_path.read_text())
        raw = model_path.read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("key") != key or meta.get("model_sha256") != hashlib.sha256(raw).hexdigest():
        return None
    booster = xgb.Booster()
    booster.load_model(bytearray(raw))
    return TrainedModel(model_id, booster, meta)


def _save(folder: Path, model: TrainedModel) -> None:
    raw = bytes(model.booster.save_raw(raw_format="ubj"))
    model.meta["model_sha256"] = hashlib.sha256(raw).hexdigest()
    model.meta["model_file"] = f"{model.model_id}.ubj"
    atomic_write_bytes(folder / f"{model.model_id}.ubj", raw)
    atomic_write_json(folder / f"{model.model_id}.json", model.meta)


def ensure_models(
    space: str,
    train_fraction: float | None = None,
    seed: int = 0,
    ids: list[str] | None = None,
    root: Path | None = None,
    force: bool = False,
    rounds_scale: float = 1.0,
    data: SpaceData | None = None,
) -> dict[str, TrainedModel]:
    """The space's models (all, or `ids`), loading current ones and training the rest."""
    spec = resolve(space)
    fraction = spec.default_train_fraction if train_fraction is None else float(train_fraction)
    plan = TrainingPlan(spec, fraction, seed, rounds_scale)
    data = data or SpaceData(spec)
    wanted = model_ids(data) if ids is None else list(ids)
    unknown = sorted(set(wanted) - set(model_ids(data)))
    if unknown:
        raise UnknownNameError(unknown[0], model_ids(data), f"(surrogate model of {spec.name})")
    folder = model_dir(spec.name, fraction, seed, root)
    folder.mkdir(parents=True, exist_ok=True)
    train, test = split_indices(data.n_rows(), fraction, seed)
    models: dict[str, TrainedModel] = {}
    with FileLock(str(folder / ".lock")):
        for model_id in wanted:
            params, rounds = _params_of(spec, plan, model_id.partition("-")[0])
            key = plan.key(data, model_id, params, rounds)
            model = None if force else _load_if_current(folder, model_id, key)
            if model is None:
                model = _train_one(data, plan, model_id, train, test)
                _save(folder, model)
            models[model_id] = model
    return models


def _params_of(spec: SpaceSpec, plan: TrainingPlan, kind: str) -> tuple[dict, int]:
    if kind == "latency":
        return spec.latency_params, plan.rounds(spec.latency_rounds)
    if kind == "accuracy":
        return spec.accuracy_params, plan.rounds(spec.accuracy_rounds)
    return spec.hardware_params, plan.rounds(spec.hardware_rounds)


def evaluate_space(
    space: str,
    train_fraction: float | None = None,
    seed: int = 0,
    root: Path | None = None,
    rounds_scale: float = 1.0,
) -> dict:
    """Fidelity of every model of the space on held-out architectures, recomputed from the saved models.

    Shape: {"space", "train_fraction", "seed", "latency": {device: metrics}, "zero_shot": {held-out
    device: metrics}, "hardware_search": {search device: metrics}, ["accuracy": {dataset: metrics}]}
    with metrics {"spearman", "kendall", "r2", "mae", "n_test", "train_fraction", "n_train"}.
    """
    spec = resolve(space)
    data = SpaceData(spec)
    models = ensure_models(spec.name, train_fraction, seed, root=root, rounds_scale=rounds_scale, data=data)
    fraction = next(iter(models.values())).meta["train_fraction"]
    train, test = split_indices(data.n_rows(), fraction, seed)

    def scored(y, X, model):
        return {**fidelity(y, predict(model.booster, X)), "train_fraction": fraction, "n_train": model.meta["n_train"]}

    report: dict = {"space": spec.name, "train_fraction": fraction, "seed": seed, "latency": {}}
    for device in data.devices.names():
        X, y = data.latency(device)
        report["latency"][device] = scored(y[test], X[test], models[f"latency-{device}"])
    hardware = models["hardware-latency"]
    for section, split in (("zero_shot", "test"), ("hardware_search", "search")):
        report[section] = {}
        for device in data.devices.names(split):
            X, y = _hardware_rows(data, [device], test)
            report[section][device] = scored(y, X, hardware)
    if spec.accuracy_datasets:
        report["accuracy"] = {}
        for dataset in spec.accuracy_datasets:
            X, y = data.accuracy(dataset)
            report["accuracy"][dataset] = scored(y[test], X[test], models[f"accuracy-{dataset}"])
    return report


def train_all(
    spaces=None, seed: int = 0, root: Path | None = None, force: bool = False, train_fraction: float | None = None
) -> dict[str, float]:
    """Train (or reuse) every surrogate of the given spaces (default all). Returns seconds per space."""
    from surrogates.spaces import SPACES

    seconds = {}
    for space in spaces or SPACES:
        started = time.perf_counter()
        ensure_models(space, train_fraction, seed, root=root, force=force)
        seconds[resolve(space).name] = round(time.perf_counter() - started, 2)
    return seconds
