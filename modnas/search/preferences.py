"""Preference vectors r on the simplex over M objectives: random ones for training, fixed sets for evaluation."""

from __future__ import annotations

import math

import numpy as np
import torch
from pymoo.util.ref_dirs import get_reference_directions

from benchmarks.errors import QueryError

N_RAYS_NB201 = 24  # the MODNAS evaluation uses 24 rays per device on NB201


def sample_dirichlet(n: int, n_objectives: int, generator: torch.Generator, concentration: float = 1.0) -> torch.Tensor:
    """(n, M) draws from Dirichlet(concentration, ..., concentration), drawn through `generator`.

    torch.distributions cannot take a generator, so the draw goes through normalised Gamma variates
    (the textbook construction), which keeps every random number of a search on one seeded stream.
    """
    alpha = torch.full((n, n_objectives), float(concentration), dtype=torch.float64)
    gamma = torch._standard_gamma(alpha, generator=generator)
    return (gamma / gamma.sum(dim=1, keepdim=True)).float()


def circle_points(n: int = N_RAYS_NB201) -> np.ndarray:
    """(n, 2) unit vectors (cos t, sin t), t evenly spaced in (0, pi/2) — the original's evaluation rays."""
    if n < 1:
        raise QueryError(f"need at least one ray, got n={n}")
    eps = 1e-6
    angles = np.linspace(eps, math.pi / 2 - eps, n)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def to_simplex(rays: np.ndarray) -> np.ndarray:
    """Rescale rays to sum to one (the same trade-off direction, expressed as a point of the simplex)."""
    rays = np.asarray(rays, dtype=np.float64)
    return rays / rays.sum(axis=-1, keepdims=True)


def simplex_points(n_objectives: int, n_partitions: int | None = None) -> np.ndarray:
    """An evenly spread set on the simplex (Das & Dennis lattice); by default about 24-28 points."""
    if n_objectives < 2:
        raise QueryError(f"preferences need at least 2 objectives, got {n_objectives}")
    if n_partitions is None:
        n_partitions = {2: N_RAYS_NB201 - 1, 3: 6, 4: 4}.get(n_objectives, 3)
    return get_reference_directions("das-dennis", n_objectives, n_partitions=n_partitions)


def evaluation_preferences(n_objectives: int, n_rays: int = N_RAYS_NB201, ray_input: str = "simplex") -> np.ndarray:
    """The fixed preference set a search is evaluated on, in the order its architectures are reported.

    Two objectives: the 24 `circle_points` rays. `ray_input="simplex"` feeds them rescaled to the simplex
    (r / sum r: the same trade-off as the ray, on the simplex the hypernetwork was trained on);
    `"raw"` feeds (cos t, sin t) unchanged, as the original code did, so its bank form reads bin
    round(100 cos t), i.e. the training preference (cos t, 1 - cos t), a different trade-off.
    Three or more objectives: `simplex_points`.
    """
    if n_objectives == 2:
        rays = circle_points(n_rays)
        if ray_input == "simplex":
            return to_simplex(rays)
        if ray_input == "raw":
            return rays
        raise QueryError(f"unknown ray_input {ray_input!r}; valid: simplex, raw")
    return simplex_points(n_objectives)
