"""The evaluation protocol every task ships with (MODNAS, NB201):

per device, error = 100 - accuracy; architectures with error >= 90 are dropped; each objective is
min-max normalised over the remaining *full space*; a method's architectures are scored by the
hypervolume of their non-dominated set with reference point [1, ..., 1] (minimisation), and by
GD, GD+, IGD and IGD+ against the true Pareto front of the space.

Each `Task` carries its reference point, normalisation bounds and true-front HV as data, so any
layer above scores architectures the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import moocore
import numpy as np

from benchmarks.errors import QueryError

DEFAULT_MAX_ERROR = 90.0  # NB201 cells at 10% accuracy (degenerate) are excluded from the space


# --- indicators on objective vectors (rows are points, all objectives minimised) -----------------


def pareto_mask(points: np.ndarray, keep_duplicates: bool = True) -> np.ndarray:
    """Boolean mask of the non-dominated rows; duplicates of a non-dominated point are all kept."""
    points = np.asarray(points, dtype=np.float64)
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    return moocore.is_nondominated(points, keep_weakly=keep_duplicates)


def hypervolume(points: np.ndarray, ref_point) -> float:
    """Volume dominated by `points` and bounded by `ref_point`; points beyond the reference add nothing."""
    points = np.asarray(points, dtype=np.float64)
    ref = np.asarray(ref_point, dtype=np.float64)
    if len(points) == 0:
        return 0.0
    return float(moocore.hypervolume(points, ref=ref))


def _pairwise(points: np.ndarray, reference: np.ndarray, plus: bool) -> np.ndarray:
    """(n, m) distances from each point to each reference point; `plus`: only where the point is worse."""
    diff = points[:, None, :] - reference[None, :, :]
    if plus:
        diff = np.maximum(diff, 0.0)
    return np.sqrt((diff**2).sum(axis=-1))


# moocore provides IGD and IGD+ but not GD or GD+; these two are the textbook means (p = 1).
def generational_distance(points: np.ndarray, reference_front: np.ndarray) -> float:
    """GD: mean over `points` of the Euclidean distance to the nearest reference point."""
    return float(_pairwise(np.asarray(points, float), np.asarray(reference_front, float), False).min(axis=1).mean())


def generational_distance_plus(points: np.ndarray, reference_front: np.ndarray) -> float:
    """GD+ (Ishibuchi et al. 2015): like GD with the dominance-compliant distance max(a - z, 0)."""
    return float(_pairwise(np.asarray(points, float), np.asarray(reference_front, float), True).min(axis=1).mean())


def inverted_generational_distance(points: np.ndarray, reference_front: np.ndarray) -> float:
    return float(moocore.igd(np.asarray(points, float), ref=np.asarray(reference_front, float)))


def inverted_generational_distance_plus(points: np.ndarray, reference_front: np.ndarray) -> float:
    return float(moocore.igd_plus(np.asarray(points, float), ref=np.asarray(reference_front, float)))


# --- tasks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """Scores of a set of architectures on a task (all computed from true table metrics)."""

    hv: float
    gd: float
    gd_plus: float
    igd: float
    igd_plus: float
    n_archs: int
    nondominated: tuple[int, ...]  # indices of the given archs on their own non-dominated set

    def to_dict(self) -> dict:
        return {
            "hv": self.hv,
            "gd": self.gd,
            "gd_plus": self.gd_plus,
            "igd": self.igd,
            "igd_plus": self.igd_plus,
            "n_archs": self.n_archs,
            "nondominated": list(self.nondominated),
        }


@dataclass(frozen=True)
class Task:
    """One benchmark x device x dataset x objectives problem with its protocol constants."""

    benchmark: str
    device: str | None
    dataset: str
    objectives: tuple[str, ...]
    max_error: float
    ref_point: tuple[float, ...]
    lower: tuple[float, ...]  # normalisation bounds over the filtered space, per objective
    upper: tuple[float, ...]
    hv_true: float  # HV of the true Pareto front of the filtered space
    n_filtered: int
    front_indices: tuple[int, ...] = field(repr=False)  # architectures on the true front (ties kept)
    # The raw objective table of the whole space (n_archs x M), not part of the task's identity.
    raw_objectives: np.ndarray = field(repr=False, compare=False, hash=False)
    valid_mask: np.ndarray = field(repr=False, compare=False, hash=False)

    @property
    def n_objectives(self) -> int:
        return len(self.objectives)

    def normalise(self, raw: np.ndarray) -> np.ndarray:
        lower, upper = np.asarray(self.lower), np.asarray(self.upper)
        return (np.asarray(raw, dtype=np.float64) - lower) / (upper - lower)

    def objectives_of(self, indices, normalised: bool = True) -> np.ndarray:
        """(n, M) objective vectors of architecture indices, from the true tables."""
        raw = self.raw_objectives[np.asarray(indices, dtype=np.int64)]
        return self.normalise(raw) if normalised else raw

    @property
    def true_front(self) -> np.ndarray:
        """Normalised objective vectors of the true Pareto front."""
        return self.objectives_of(self.front_indices)

    def evaluate(self, indices) -> Evaluation:
        """HV, GD, GD+, IGD and IGD+ of the non-dominated set of the given architectures."""
        indices = np.atleast_1d(np.asarray(indices, dtype=np.int64))
        if indices.size == 0:
            raise QueryError("cannot evaluate an empty set of architectures")
        points = self.objectives_of(indices)
        mask = pareto_mask(points)
        front_points, reference = points[mask], self.true_front
        return Evaluation(
            hv=hypervolume(front_points, self.ref_point),
            gd=generational_distance(front_points, reference),
            gd_plus=generational_distance_plus(front_points, reference),
            igd=inverted_generational_distance(front_points, reference),
            igd_plus=inverted_generational_distance_plus(front_points, reference),
            n_archs=int(indices.size),
            nondominated=tuple(int(i) for i in np.unique(indices[mask])),
        )

    def hv(self, indices) -> float:
        indices = np.atleast_1d(np.asarray(indices, dtype=np.int64))
        points = self.objectives_of(indices)
        return hypervolume(points[pareto_mask(points)], self.ref_point)


def make_task(
    bench,
    device: str | None,
    dataset: str = "cifar10",
    objectives=("error", "latency"),
    max_error: float = DEFAULT_MAX_ERROR,
) -> Task:
    """Build the protocol task of `device` on `bench` (any benchmark with `.table(metric, device, dataset)`)."""
    objectives = tuple(objectives)
    if len(objectives) < 2 or len(set(objectives)) != len(objectives):
        raise QueryError(f"a task needs at least two distinct objectives, got {objectives}")
    columns = []
    for metric in objectives:
        if metric in getattr(bench, "device_metrics", ("latency",)):
            columns.append(bench.table(metric, device=device))
        else:
            columns.append(bench.table(metric, dataset=dataset))
    raw = np.stack(columns, axis=1)
    error = bench.table("error", dataset=dataset)
    valid = error < max_error
    if not valid.any():
        raise QueryError(f"no architecture has error < {max_error} on {dataset}")
    lower, upper = raw[valid].min(axis=0), raw[valid].max(axis=0)
    normalised = (raw - lower) / (upper - lower)
    valid_indices = np.flatnonzero(valid)
    on_front = pareto_mask(normalised[valid])
    front_indices = valid_indices[on_front]
    ref_point = (1.0,) * len(objectives)
    raw.setflags(write=False)
    return Task(
        benchmark=bench.name,
        device=device,
        dataset=dataset,
        objectives=objectives,
        max_error=float(max_error),
        ref_point=ref_point,
        lower=tuple(float(x) for x in lower),
        upper=tuple(float(x) for x in upper),
        hv_true=hypervolume(normalised[front_indices], ref_point),
        n_filtered=int(valid.sum()),
        front_indices=tuple(int(i) for i in front_indices),
        raw_objectives=raw,
        valid_mask=valid,
    )
