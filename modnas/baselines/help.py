"""The HELP baseline of the MODNAS NB201 plots: constrained selection from the MetaD2A candidates.

For each of the 24 evaluation rays r_k = (cos t_k, sin t_k), t_k = linspace(1e-6, pi/2 - 1e-6, 24)
(the rays MODNAS is scored with; r_k[0] weighs error, r_k[1] latency):

1. **The ray's latency constraint** c_k is the normalised latency of the architecture that ray
   picks on the device's true front: argmin over the task's filtered space of
   r_k . (error_n, latency_n), from the true tables. It is the latency budget a user who wants
   "that trade-off" would set; the method itself only receives the number c_k.
2. HELP predicts every MetaD2A candidate's latency on the device with a latency predictor,
   min-max normalises the predictions over the filtered space by the predictor's own statistics
   (as MODNAS normalises its MetaPredictor), and keeps the candidates with predicted
   latency_n <= c_k.
3. Among those it picks the one with the highest listed accuracy (`rank_by`); if none meets the
   constraint, the candidate with the lowest predicted latency.

The 24 picks (in ray order, repeats kept) are scored by HV on the true tables like any method.

Latency predictors (`PREDICTORS`, pluggable: `register_predictor(name, fn)`):

- `meta-predictor` (default): the search core's MetaPredictor (HELP-style GCN conditioned on the
  hardware embedding), trained on the search devices only through the guarded `SearchView` and
  cached in the data cache (`modnas.search.predictor.load_or_train_meta_predictor`, default
  `PredictorConfig`); a zero-shot device contributes only its embedding.
- `nearest-search-device`: a torch-free stand-in: the table latency of the *search* device whose
  10-number hardware embedding is closest to the target's. For a test device this reads only the
  target's embedding (zero-shot); for a search device it is that device's own table.
- `true-latency`: the device's own table, an oracle upper bound for the selection step.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.errors import UnknownNameError

N_RAYS = 24


def circle_rays(n: int = N_RAYS) -> np.ndarray:
    """(n, 2) preference rays on the positive quarter circle, as MODNAS evaluates."""
    angles = np.linspace(1e-6, np.pi / 2 - 1e-6, n)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


class UnknownPredictorError(UnknownNameError):
    kind = "latency predictor"


def nearest_search_device_latency(bench, device: str) -> np.ndarray:
    """(N,) latency of the search device nearest to `device` in hardware-embedding space."""
    search = list(bench.devices.names("search"))
    distances = np.linalg.norm(bench.devices.embeddings(search) - bench.devices.embedding(device), axis=1)
    return np.asarray(bench.table("latency", device=search[int(np.argmin(distances))]), dtype=np.float64)


def true_latency(bench, device: str) -> np.ndarray:
    return np.asarray(bench.table("latency", device=device), dtype=np.float64)


_META_PREDICTORS: dict[int, tuple] = {}  # per benchmark object: loading from the cache takes ~1 s


def _cached_meta_predictor(bench, load_or_train, search_view, config_class):
    if id(bench) not in _META_PREDICTORS:
        view = search_view(bench, bench.devices.names("search"))
        _META_PREDICTORS[id(bench)] = (*load_or_train(view, config_class()), bench)  # keep bench alive
    return _META_PREDICTORS[id(bench)][:2]


def meta_predictor_latency(bench, device: str) -> np.ndarray:
    """(N,) MetaPredictor predictions for `device` (its scale is irrelevant: HELP min-max normalises)."""
    import torch

    from modnas.search.config import PredictorConfig
    from modnas.search.guard import SearchView
    from modnas.search.predictor import load_or_train_meta_predictor

    model, _ = _cached_meta_predictor(bench, load_or_train_meta_predictor, SearchView, PredictorConfig)
    one_hot = torch.as_tensor(bench.space.index_to_onehot(np.arange(len(bench.space))))
    embedding = torch.as_tensor(bench.devices.embedding(device)[None, :], dtype=torch.float32)
    return model.predict_all(one_hot, embedding)[0].double().numpy()


PREDICTORS: dict[str, Callable] = {
    "meta-predictor": meta_predictor_latency,
    "nearest-search-device": nearest_search_device_latency,
    "true-latency": true_latency,
}


def register_predictor(name: str, predict: Callable) -> None:
    """Add a latency predictor `predict(bench, device) -> (N,) latencies` (e.g. the MetaPredictor)."""
    PREDICTORS[name] = predict


def ray_latency_constraints(task, rays: np.ndarray) -> np.ndarray:
    """(n_rays,) normalised latency of each ray's linear-scalarisation pick on the true table."""
    latency_column = task.objectives.index("latency")
    valid = np.flatnonzero(task.valid_mask)
    objectives = task.objectives_of(valid)  # (n_valid, 2) normalised error, latency
    picks = np.argmin(objectives @ rays.T, axis=0)  # one per ray
    return objectives[picks, latency_column]


def help_architectures(bench, task, settings, seed: int) -> np.ndarray:
    """The HELP pick for each ray (deterministic: `seed` is not used)."""
    if tuple(task.objectives) != ("error", "latency"):
        raise UnknownNameError(",".join(task.objectives), ["error,latency"], "(objectives of the help baseline)")
    try:
        predict = PREDICTORS[settings.predictor]
    except KeyError:
        raise UnknownPredictorError(settings.predictor, list(PREDICTORS)) from None
    candidates = bench.metad2a_candidates
    if settings.rank_by not in ("accuracy", "value"):
        raise UnknownNameError(settings.rank_by, ["accuracy", "value"], "(help rank_by)")
    rays = circle_rays(settings.n_rays)
    constraints = ray_latency_constraints(task, rays)

    predicted = predict(bench, task.device)
    valid = predicted[task.valid_mask]
    predicted_n = (predicted[candidates["index"]] - valid.min()) / (valid.max() - valid.min())
    score = np.asarray(candidates[settings.rank_by], dtype=np.float64)

    meets = predicted_n[None, :] <= constraints[:, None]  # (rays, candidates)
    best_meeting = np.argmax(np.where(meets, score[None, :], -np.inf), axis=1)
    fastest = int(np.argmin(predicted_n))
    chosen = np.where(meets.any(axis=1), best_meeting, fastest)
    return np.asarray(candidates["index"], dtype=np.int64)[chosen]
