"""The min-norm solver against the two-vector closed form and a brute-force QP (scipy)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.optimize import minimize

from modnas.search.mgd import combine_gradients, min_norm_weights, two_vector_weight


def _brute_force_min_norm(vectors: np.ndarray) -> float:
    n = len(vectors)
    gram = vectors @ vectors.T
    result = minimize(
        lambda w: w @ gram @ w,
        np.full(n, 1.0 / n),
        jac=lambda w: 2 * gram @ w,
        bounds=[(0.0, 1.0)] * n,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0}],
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    return float(result.fun)


def test_two_vector_closed_form():
    a, b = np.array([1.0, 0.0]), np.array([0.0, 2.0])
    gamma = two_vector_weight(a @ a, a @ b, b @ b)
    assert gamma == pytest.approx(0.8)  # min over gamma of gamma^2 + 4 (1 - gamma)^2
    # a dominates: b's projection beyond a => all weight on the shorter vector
    a, b = np.array([1.0, 0.0]), np.array([3.0, 0.5])
    assert two_vector_weight(a @ a, a @ b, b @ b) == 1.0
    assert two_vector_weight(b @ b, a @ b, a @ a) == 0.0
    assert two_vector_weight(1.0, 1.0, 1.0) == 1.0  # identical vectors


@pytest.mark.parametrize("seed", range(8))
def test_min_norm_matches_analytic_for_two_vectors(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=7), rng.normal(size=7)
    weights = min_norm_weights(torch.as_tensor(np.stack([a, b]) @ np.stack([a, b]).T)).numpy()
    gamma = np.clip((b @ b - a @ b) / ((a - b) @ (a - b)), 0, 1)
    np.testing.assert_allclose(weights, [gamma, 1 - gamma], atol=1e-9)


@pytest.mark.parametrize("seed", range(10))
def test_min_norm_matches_brute_force_qp(seed):
    rng = np.random.default_rng(100 + seed)
    n, dim = rng.integers(3, 14), rng.integers(2, 40)
    vectors = rng.normal(size=(n, dim)) + rng.normal(size=dim) * rng.uniform(0, 2)  # partly aligned
    weights = min_norm_weights(torch.as_tensor(vectors @ vectors.T)).numpy()
    assert weights.min() >= -1e-12 and weights.sum() == pytest.approx(1.0)
    ours = float(weights @ (vectors @ vectors.T) @ weights)
    assert ours == pytest.approx(_brute_force_min_norm(vectors), abs=1e-7)


def test_combine_unit_norm_and_mean():
    grads = torch.tensor([[3.0, 0.0], [0.0, 0.5]])
    mean, weights = combine_gradients(grads, "mean", unit_norm=True)
    torch.testing.assert_close(mean, torch.tensor([0.5, 0.5]))
    mgd, weights = combine_gradients(grads, "mgd", unit_norm=True)
    torch.testing.assert_close(mgd, torch.tensor([0.5, 0.5]))  # equal unit vectors at 90 degrees
    raw, weights = combine_gradients(grads, "mgd", unit_norm=False)
    # without rescaling the short gradient dominates: min over g of ||g (3, 0) + (1 - g) (0, 0.5)||
    gamma = 0.25 / 9.25
    torch.testing.assert_close(raw, torch.tensor([3 * gamma, 0.5 * (1 - gamma)]))
    # the min-norm direction decreases every device's loss (non-negative inner products)
    assert (grads @ raw >= -1e-7).all()
