"""Gradient estimators against their defining formulas and exact enumerations."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from modnas.search import estimators as E


def test_reinmax_forward_is_a_one_hot_sample_and_backward_matches_the_defining_formula():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(4, 6, 5, dtype=torch.float64, requires_grad=True)
    one_hot = E.sample_one_hot(torch.softmax(logits.detach(), -1), generator)
    weights = torch.randn(4, 6, 5, dtype=torch.float64)  # an arbitrary linear downstream loss
    for tau in (1.0, 0.5, 2.0):
        out = E.ReinMax.apply(logits, one_hot, tau)
        assert torch.equal(out, one_hot)
        (grad,) = torch.autograd.grad((out * weights).sum(), logits)
        reference = E.reinmax_reference(logits, one_hot, tau)
        torch.testing.assert_close(reference.detach(), one_hot)  # D + pi2 - sg(pi2), up to rounding
        (expected,) = torch.autograd.grad((reference * weights).sum(), logits)
        torch.testing.assert_close(grad, expected, rtol=1e-10, atol=1e-12)
        assert grad.abs().max() > 1e-3  # a real, non-trivial gradient


def test_reinmax_differs_from_straight_through():
    # ReinMax's second-order correction: the gradient is not the straight-through softmax gradient.
    logits = torch.tensor([[0.3, -1.0, 2.0]], dtype=torch.float64, requires_grad=True)
    one_hot = torch.tensor([[1.0, 0.0, 0.0]], dtype=torch.float64)
    g = torch.tensor([[1.0, 2.0, -1.0]], dtype=torch.float64)
    (reinmax_grad,) = torch.autograd.grad((E.ReinMax.apply(logits, one_hot, 1.0) * g).sum(), logits)
    (st_grad,) = torch.autograd.grad((torch.softmax(logits, -1) * g).sum(), logits)
    p0 = torch.softmax(logits.detach(), -1)
    p1 = 0.5 * (one_hot + p0)
    by_hand = 2 * p1 * (g - (p1 * g).sum()) - 0.5 * p0 * (g - (p0 * g).sum())
    torch.testing.assert_close(reinmax_grad, by_hand)
    assert not torch.allclose(reinmax_grad, st_grad)


def test_gdas_is_hard_forward_and_tempered_softmax_backward():
    generator = torch.Generator().manual_seed(1)
    logits = torch.randn(3, 6, 5, requires_grad=True)
    out = E.gumbel_straight_through(logits, generator, tau=2.0)
    hard = out.detach()
    torch.testing.assert_close(hard, (hard > 0.5).float())  # hard + soft - sg(soft): one-hot up to rounding
    assert torch.equal((hard > 0.5).sum(-1), torch.ones(3, 6, dtype=torch.long))
    (grad,) = torch.autograd.grad(out[:, :, 0].sum(), logits)
    assert torch.allclose(grad.sum(-1), torch.zeros(3, 6), atol=1e-6)  # softmax Jacobian rows sum to zero


def test_exact_expectation_contraction_equals_enumeration(nb201):
    ops = torch.as_tensor(nb201.space.ops_by_index.astype(np.int64))
    order = torch.as_tensor(E.code_order(nb201.space))
    values = torch.as_tensor(
        np.stack([nb201.table("error"), nb201.table("latency", device="pixel3")]), dtype=torch.float64
    )
    logits = torch.randn(5, 6, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    by_contraction = E.exact_expectation(logits, values[:, order])
    by_enumeration = E.exact_expectation_by_enumeration(logits, ops, values)
    torch.testing.assert_close(by_contraction, by_enumeration, rtol=1e-10, atol=1e-10)
    # a one-hot-like distribution returns that cell's value
    cell = 6111
    sharp = torch.full((1, 6, 5), -60.0, dtype=torch.float64)
    sharp[0, torch.arange(6), ops[cell]] = 60.0
    assert E.exact_expectation(sharp, values[:, order])[0, 0] == pytest.approx(values[0, cell].item())
    assert nb201.space.index_to_ops(order[:3].numpy()).tolist()[1] == [0, 0, 0, 0, 0, 1]


def test_score_function_estimator_is_unbiased_on_a_small_exact_case():
    # 2 edges x 3 ops, arbitrary objective table: the mean REINFORCE estimate matches the exact gradient.
    torch.manual_seed(0)
    f = torch.randn(3, 3, dtype=torch.float64)  # f[a0, a1]
    logits = torch.tensor([[[0.5, -0.2, 0.1], [1.0, 0.0, -1.0]]], dtype=torch.float64, requires_grad=True)
    cells = torch.tensor(list(itertools.product(range(3), repeat=2)))
    exact = (E.architecture_log_probs(logits, cells).exp() * f[cells[:, 0], cells[:, 1]]).sum()
    (exact_grad,) = torch.autograd.grad(exact, logits)

    generator = torch.Generator().manual_seed(3)
    n_rounds, k = 20000, 4
    # one independent estimate per row: the same logits repeated as a leaf, so each row gets its own gradient
    rows = logits.detach().repeat(n_rounds, 1, 1).requires_grad_()
    ops = E.sample_op_ids(rows, k, generator)  # (R, K, 2)
    values = f[ops[:, :, 0], ops[:, :, 1]]
    (estimates,) = torch.autograd.grad(E.score_function_surrogate(rows, ops, values).sum(), rows)
    mean, standard_error = estimates.mean(0), estimates.std(0) / n_rounds**0.5
    assert ((mean - exact_grad).abs() <= 4 * standard_error + 1e-12).all()
    assert standard_error.max() < 0.2 * exact_grad.abs().max()  # the check has power


def test_score_function_needs_two_samples():
    logits = torch.zeros(1, 6, 5, requires_grad=True)
    with pytest.raises(ValueError, match="at least 2 samples"):
        E.score_function_surrogate(logits, torch.zeros(1, 1, 6, dtype=torch.long), torch.zeros(1, 1))
