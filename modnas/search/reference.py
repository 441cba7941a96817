"""Reference fronts to judge a search by: the true front, the best linear scalarisation, random picks.

`linear_scalarisation_indices` is the best any method that minimises r . f for each ray r can do:
for each ray, the argmin over the whole filtered space of the normalised objectives (on true
tables). A scalarising search like MODNAS lands at or below its HV; the true front's HV is above.
"""

from __future__ import annotations

import numpy as np

from modnas.search.preferences import evaluation_preferences


def linear_scalarisation_indices(task, preferences: np.ndarray) -> np.ndarray:
    """(R,) index of the cell minimising r . objectives_n(cell) over the filtered space, per ray."""
    valid = np.flatnonzero(task.valid_mask)
    points = task.objectives_of(valid)  # (n, M) normalised
    scores = np.asarray(preferences, dtype=np.float64) @ points.T  # (R, n)
    return valid[scores.argmin(axis=1)]


def linear_scalarisation_hv(task, n_rays: int = 24) -> float:
    rays = evaluation_preferences(task.n_objectives, n_rays)
    return task.hv(linear_scalarisation_indices(task, rays))


def random_hv(task, n_archs: int = 24, n_draws: int = 100, seed: int = 0) -> float:
    """Mean HV of `n_archs` architectures drawn uniformly from the whole space, over `n_draws` draws."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(task.valid_mask), size=(n_draws, n_archs))
    return float(np.mean([task.hv(row) for row in draws]))
