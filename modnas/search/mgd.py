"""Combining per-device gradients: the multiple-gradient descent (MGD) min-norm point, or a mean.

`min_norm_weights` solves min_{w in simplex} || sum_i w_i g_i ||^2 (Sener & Koltun, NeurIPS 2018) by
Frank-Wolfe on the Gram matrix, started from the best analytic two-vector solution. It is written here
rather than taken from a QP library because it runs every search step on 13 vectors, where a few
closed-form line searches beat a general solver's set-up cost; the tests check it against scipy.
"""

from __future__ import annotations

import numpy as np
import torch

from benchmarks.errors import QueryError
from modnas.search.config import GRAD_COMBINE  # noqa: F401  (re-exported: the valid choices)



def two_vector_weight(aa: float, ab: float, bb: float) -> float:
    """gamma minimising ||gamma a + (1 - gamma) b||^2 over [0, 1], from the dot products."""
    distance = aa + bb - 2.0 * ab  # ||a - b||^2: the quadratic's curvature
    if distance <= 1e-18 * max(aa, bb, 1e-300):
        return 1.0 if aa <= bb else 0.0
    return min(1.0, max(0.0, (bb - ab) / distance))


def min_norm_weights(gram, max_iter: int = 1000, tol: float = 1e-12) -> torch.Tensor:
    """Weights w on the simplex minimising w^T G w for a Gram matrix G (n x n).

    Frank-Wolfe with away steps and exact line search, from the best two-vector solution. Plain
    Frank-Wolfe (the original's 250 iterations) zig-zags towards a face of the simplex at a 1/k rate
    and stops visibly short of the minimum; away steps make the convergence linear here.
    """
    gram = np.asarray(torch.as_tensor(gram, dtype=torch.float64))
    n = gram.shape[0]
    if gram.shape != (n, n) or n == 0:
        raise QueryError(f"a Gram matrix must be square and non-empty, got shape {gram.shape}")
    weights = np.zeros(n)
    if n == 1:
        weights[0] = 1.0
        return torch.as_tensor(weights)
    # Start from the best pair: the closed form is exact for two vectors (all pairs at once).
    i, j = np.triu_indices(n, k=1)
    aa, ab, bb = gram[i, i], gram[i, j], gram[j, j]
    distance = aa + bb - 2.0 * ab
    safe = np.where(distance > 1e-18 * np.maximum(np.maximum(aa, bb), 1e-300), distance, np.inf)
    gamma = np.where(np.isinf(safe), (aa <= bb).astype(float), np.clip((bb - ab) / safe, 0.0, 1.0))
    value = gamma**2 * aa + 2 * gamma * (1 - gamma) * ab + (1 - gamma) ** 2 * bb
    best = int(np.argmin(value))
    weights[i[best]], weights[j[best]] = gamma[best], 1.0 - gamma[best]
    scale = max(float(np.abs(np.diag(gram)).max()), 1e-300)
    for _ in range(max_iter):
        gw = gram @ weights  # half the gradient of w^T G w
        current = float(weights @ gw)
        toward = int(np.argmin(gw))  # Frank-Wolfe vertex
        active = np.flatnonzero(weights > 0)
        away = int(active[np.argmax(gw[active])])  # the active vertex the gradient most wants to leave
        fw_gap, away_gap = current - gw[toward], gw[away] - current
        if fw_gap <= tol * scale:
            break
        direction = -weights.copy()
        if fw_gap >= away_gap:
            direction[toward] += 1.0
            max_step = 1.0
        else:
            direction = -direction
            direction[away] -= 1.0
            max_step = weights[away] / (1.0 - weights[away]) if weights[away] < 1.0 else np.inf
        curvature = float(direction @ gram @ direction)
        slope = float(direction @ gw)
        step = max_step if curvature <= 0 else min(max_step, -slope / curvature)
        weights = np.clip(weights + step * direction, 0.0, None)
        weights /= weights.sum()
    return torch.as_tensor(weights)


def combine_gradients(grads: torch.Tensor, method: str = "mgd", unit_norm: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """One update direction from per-device gradients (n_devices, n_params), and the weights used.

    `unit_norm` rescales each device's gradient to unit L2 norm first (the original's default), so no
    device dominates by scale. `mean` averages; `mgd` takes the min-norm point of their convex hull.
    """
    grads = grads.to(torch.float64)
    if unit_norm:
        grads = grads / grads.norm(dim=1, keepdim=True).clamp_min(1e-12)
    if method == "mean":
        weights = torch.full((len(grads),), 1.0 / len(grads), dtype=torch.float64)
    elif method == "mgd":
        weights = min_norm_weights(grads @ grads.T)
    else:
        raise QueryError(f"unknown gradient combination {method!r} for a joint step; valid: mgd, mean")
    return (weights @ grads).float(), weights.float()
