"""Gradient estimators: from architecture logits (B, 6, 5) to a loss whose gradient reaches the logits.

- `reinmax` (default): forward a one-hot sample D ~ Cat(softmax(theta)) per edge; backward the
  ReinMax second-order estimator (Liu et al., NeurIPS 2023), written below as an autograd.Function.
  Its defining formula: pi0 = softmax(theta), pi1 = (D + softmax(theta / tau)) / 2 treated as
  softmax(sg(ln pi1 - theta) + theta), pi2 = 2 pi1 - pi0 / 2, output D + pi2 - sg(pi2).
- `gdas`: straight-through Gumbel-softmax with temperature tau (annealed 10 -> 1 by the search loop).
- `score`: REINFORCE with a leave-one-out baseline over K samples per preference; needs only the
  objective values of sampled architectures, so it works with black boxes (table lookups, XGBoost).
- `exact`: the exact expectation over all 15625 NB201 cells, p(a) = prod_e softmax(theta_e)[a_e],
  computed by contracting the (5,)*6 value tensor edge by edge. An oracle for ablations.
"""

from __future__ import annotations

import itertools

import numpy as np
import torch

from benchmarks.errors import QueryError
from modnas.search.config import ESTIMATORS  # noqa: F401  (re-exported: the valid choices)
from benchmarks.nb201.space import N_EDGES, N_OPS

SAMPLING_ESTIMATORS = ("reinmax", "gdas")  # give a differentiable (B, 6, 5) one-hot to the objectives


def sample_one_hot(probs: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One-hot draws from categorical distributions along the last axis (any leading shape)."""
    flat = probs.reshape(-1, probs.shape[-1])
    choice = torch.multinomial(flat, 1, generator=generator).squeeze(-1)
    return torch.nn.functional.one_hot(choice, probs.shape[-1]).to(probs.dtype).view_as(probs)


def _softmax_vjp(p: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """J^T g for J = d softmax / d input evaluated at output p: p * (g - <p, g>)."""
    return p * (g - (p * g).sum(dim=-1, keepdim=True))


class ReinMax(torch.autograd.Function):
    """Forward: the given one-hot sample. Backward: 2 J(pi1) g - J(pi0) g / 2 (the ReinMax gradient)."""

    @staticmethod
    def forward(ctx, logits: torch.Tensor, one_hot: torch.Tensor, tau: float):
        pi0 = torch.softmax(logits, dim=-1)
        pi1 = 0.5 * (one_hot + torch.softmax(logits / tau, dim=-1))
        ctx.save_for_backward(pi0, pi1)
        return one_hot.clone()

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor):
        pi0, pi1 = ctx.saved_tensors
        grad = 2.0 * _softmax_vjp(pi1, grad_output) - 0.5 * _softmax_vjp(pi0, grad_output)
        return grad, None, None


def reinmax(logits: torch.Tensor, generator: torch.Generator, tau: float = 1.0) -> torch.Tensor:
    """A one-hot sample per edge whose backward pass is the ReinMax estimator."""
    one_hot = sample_one_hot(torch.softmax(logits.detach(), dim=-1), generator)
    return ReinMax.apply(logits, one_hot, tau)


def reinmax_reference(logits: torch.Tensor, one_hot: torch.Tensor, tau: float = 1.0) -> torch.Tensor:
    """The defining formula of ReinMax, differentiated by autograd (used to test `ReinMax`)."""
    pi0 = torch.softmax(logits, dim=-1)
    pi1 = 0.5 * (one_hot + torch.softmax(logits / tau, dim=-1))
    pi1 = torch.softmax((torch.log(pi1) - logits).detach() + logits, dim=-1)
    pi2 = 2.0 * pi1 - 0.5 * pi0
    return one_hot + pi2 - pi2.detach()


def gumbel_straight_through(logits: torch.Tensor, generator: torch.Generator, tau: float) -> torch.Tensor:
    """GDAS: hard one-hot argmax of (logits + Gumbel noise) forward, softmax(. / tau) gradient backward."""
    uniform = torch.rand(logits.shape, generator=generator).clamp_(1e-10, 1.0 - 1e-7)
    soft = torch.softmax((logits - torch.log(-torch.log(uniform))) / tau, dim=-1)
    hard = torch.nn.functional.one_hot(soft.argmax(dim=-1), logits.shape[-1]).to(soft.dtype)
    return hard + soft - soft.detach()


def sample_architectures(logits: torch.Tensor, estimator: str, generator: torch.Generator, tau: float = 1.0):
    """Differentiable one-hot architectures (B, 6, 5) for the sampling estimators."""
    if estimator == "reinmax":
        return reinmax(logits, generator, tau=1.0)  # ReinMax is used at tau = 1, as in the original
    if estimator == "gdas":
        return gumbel_straight_through(logits, generator, tau)
    raise QueryError(f"estimator {estimator!r} does not sample a differentiable one-hot; valid: {SAMPLING_ESTIMATORS}")


# --- over the whole table ---------------------------------------------------------------------


def architecture_log_probs(logits: torch.Tensor, ops_by_index: torch.Tensor) -> torch.Tensor:
    """(B, N) log-probabilities of the N cells (rows of `ops_by_index`, (N, 6) op ids) under (B, 6, 5) logits."""
    log_p = torch.log_softmax(logits, dim=-1)  # (B, 6, 5)
    edges = torch.arange(ops_by_index.shape[1])
    return log_p[:, edges, ops_by_index].sum(dim=-1)  # gather -> (B, N, 6) -> (B, N)


def code_order(space) -> np.ndarray:
    """(N,) cell indices in base-5 code order (edge 0's op most significant): the layout `exact_expectation` takes."""
    every_op_vector = np.array(list(itertools.product(range(N_OPS), repeat=N_EDGES)), dtype=np.int64)
    return space.ops_to_index(every_op_vector)


def exact_expectation(logits: torch.Tensor, values_by_code: torch.Tensor) -> torch.Tensor:
    """E_{a ~ p(logits)}[values(a)] for (B, 6, 5) logits and (M, N) values in `code_order` -> (B, M).

    p is a product over edges, so the sum over all 5^6 cells factorises: view the values as a
    (5, 5, 5, 5, 5, 5) tensor and contract one edge axis at a time with that edge's probabilities
    (about 1.25 N multiply-adds per row, instead of building all N probabilities).
    """
    probs = torch.softmax(logits, dim=-1)
    n_values = values_by_code.shape[0]
    t = torch.einsum("bi,mij->bmj", probs[:, 0], values_by_code.reshape(n_values, N_OPS, -1))
    for edge in range(1, probs.shape[1]):
        t = torch.einsum("bi,bmij->bmj", probs[:, edge], t.reshape(len(probs), n_values, N_OPS, -1))
    return t.squeeze(-1)


def exact_expectation_by_enumeration(logits: torch.Tensor, ops_by_index: torch.Tensor, values: torch.Tensor):
    """The same expectation from all N cell probabilities (an independent check of `exact_expectation`)."""
    return architecture_log_probs(logits, ops_by_index).exp() @ values.T


def score_function_surrogate(logits: torch.Tensor, ops: torch.Tensor, scalarised: torch.Tensor) -> torch.Tensor:
    """A surrogate whose gradient is the REINFORCE estimate of d E[f] / d logits, leave-one-out baseline.

    logits (B, 6, 5); ops (B, K, 6) sampled op ids; scalarised (B, K) objective values f of those samples
    (constants). The baseline of sample k is the mean of the other K - 1 samples, which keeps the
    estimate unbiased; the surrogate's value is meaningless, only its gradient is used.
    """
    k = ops.shape[1]
    if k < 2:
        raise QueryError(f"the score estimator needs at least 2 samples per preference for its baseline, got {k}")
    log_p = torch.log_softmax(logits, dim=-1)  # (B, 6, 5)
    edges = torch.arange(ops.shape[2])
    sample_log_p = log_p[torch.arange(len(ops))[:, None, None], edges, ops].sum(dim=-1)  # (B, K)
    f = scalarised.detach()
    baseline = (f.sum(dim=1, keepdim=True) - f) / (k - 1)
    return ((f - baseline) * sample_log_p).mean(dim=1)  # (B,)


def sample_op_ids(logits: torch.Tensor, n_samples: int, generator: torch.Generator) -> torch.Tensor:
    """(B, K, 6) op ids drawn independently per edge from softmax(logits)."""
    probs = torch.softmax(logits.detach(), dim=-1)  # (B, 6, 5)
    flat = probs.reshape(-1, probs.shape[-1])
    draws = torch.multinomial(flat, n_samples, replacement=True, generator=generator)  # (B*6, K)
    return draws.view(probs.shape[0], probs.shape[1], n_samples).transpose(1, 2)
