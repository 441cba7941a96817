"""MetaHypernetworks: (preference r, hardware embedding d) -> architecture logits (6 edges x 5 ops on NB201).

Two forms:

- `BankHypernetwork`, the original NB201 form: K learnable device keys E (K x 10) and K lookup tables,
  each with one (6 x 5) logit block per preference bin round((n_bins - 1) * r0). The device's mixing
  weights are s = softmax(sin(E d / sqrt(10))) and the logits sum_k s_k T_k[bin(r)]. It reads only r0,
  so it serves two objectives only.
- `MLPHypernetwork`: an MLP on the concatenation (r, d), conditioned on the whole preference vector,
  for any number of objectives.

Both take batches: r of shape (B, M) and d of shape (B, 10) or (10,), and return (B, 6, 5).
`pretrain_uniform` fits either to near-uniform logits (the original's initialisation); an untrained
network (RHPN) is one built with `untrained_init=True` and never pretrained nor searched.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from benchmarks.errors import QueryError
from modnas.search.config import HYPERNETS
from benchmarks.nb201.space import N_EDGES, N_OPS

HW_EMBED_DIM = 10


class BankHypernetwork(nn.Module):
    """K device keys and K preference-binned logit tables, mixed by the device's key similarity."""

    n_objectives = 2

    def __init__(self, n_keys: int = 50, n_bins: int = 101, hw_dim: int = HW_EMBED_DIM, untrained_init: bool = False):
        super().__init__()
        self.n_keys, self.n_bins, self.hw_dim = n_keys, n_bins, hw_dim
        # N(0, 1) is nn.Embedding's default: it is what the original's untrained (RHPN) network starts from.
        self.keys = nn.Parameter(torch.randn(n_keys, hw_dim))
        self.tables = nn.Parameter(torch.randn(n_keys, n_bins, N_EDGES * N_OPS))
        self.untrained_init = untrained_init

    def bins(self, preferences: torch.Tensor) -> torch.Tensor:
        return (preferences[:, 0] * (self.n_bins - 1)).round().long().clamp(0, self.n_bins - 1)

    def device_weights(self, embeddings: torch.Tensor) -> torch.Tensor:
        """(B, K) mixing weights s = softmax(sin(E d / sqrt(dim)))."""
        similarity = embeddings @ self.keys.T / math.sqrt(self.hw_dim)
        return torch.softmax(torch.sin(similarity), dim=-1)

    def forward(self, preferences: torch.Tensor, embeddings: torch.Tensor) -> torch.Tensor:
        preferences, embeddings = _batch(preferences, embeddings, self.n_objectives)
        weights = self.device_weights(embeddings)  # (B, K)
        rows = self.tables[:, self.bins(preferences), :]  # (K, B, 30)
        logits = torch.einsum("bk,kbj->bj", weights, rows)
        return logits.view(-1, N_EDGES, N_OPS)


class MLPHypernetwork(nn.Module):
    """An MLP on (r, d) -> logits; conditioned on all M preference weights."""

    def __init__(self, n_objectives: int, hidden: int = 128, hw_dim: int = HW_EMBED_DIM, untrained_init: bool = False):
        super().__init__()
        self.n_objectives, self.hw_dim, self.hidden = n_objectives, hw_dim, hidden
        self.net = nn.Sequential(
            nn.Linear(n_objectives + hw_dim, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, N_EDGES * N_OPS),
        )
        self.untrained_init = untrained_init

    def forward(self, preferences: torch.Tensor, embeddings: torch.Tensor) -> torch.Tensor:
        preferences, embeddings = _batch(preferences, embeddings, self.n_objectives)
        return self.net(torch.cat([preferences, embeddings], dim=1)).view(-1, N_EDGES, N_OPS)


def _batch(preferences: torch.Tensor, embeddings: torch.Tensor, n_objectives: int):
    preferences = torch.as_tensor(preferences, dtype=torch.float32)
    embeddings = torch.as_tensor(embeddings, dtype=torch.float32)
    if preferences.ndim == 1:
        preferences = preferences.unsqueeze(0)
    if preferences.ndim != 2 or preferences.shape[1] != n_objectives:
        raise QueryError(
            f"preferences must have shape (B, {n_objectives}) for this hypernetwork, got {tuple(preferences.shape)}"
        )
    if embeddings.ndim == 1:
        embeddings = embeddings.unsqueeze(0)
    if embeddings.shape[0] == 1 and preferences.shape[0] > 1:
        embeddings = embeddings.expand(preferences.shape[0], -1)
    if embeddings.shape != (preferences.shape[0], HW_EMBED_DIM):
        raise QueryError(
            f"hardware embeddings must have shape ({preferences.shape[0]}, {HW_EMBED_DIM}) or ({HW_EMBED_DIM},), "
            f"got {tuple(embeddings.shape)}"
        )
    return preferences, embeddings




def build_hypernetwork(kind: str, n_objectives: int, generator: torch.Generator | None = None, **options) -> nn.Module:
    """A fresh hypernetwork; `kind="random"` is the untrained RHPN (the bank form for 2 objectives)."""
    if kind not in HYPERNETS:
        raise QueryError(f"unknown hypernetwork {kind!r}; valid: {', '.join(HYPERNETS)}")
    with _seeded(generator):
        if kind == "mlp" or (kind == "random" and n_objectives > 2):
            return MLPHypernetwork(n_objectives, untrained_init=kind == "random", **_only(options, ("hidden",)))
        if n_objectives != 2:
            raise QueryError(
                f"the bank hypernetwork reads only r0, so it serves 2 objectives; got {n_objectives}: use hypernet='mlp'"
            )
        return BankHypernetwork(untrained_init=kind == "random", **_only(options, ("n_keys", "n_bins")))


def _only(options: dict, names) -> dict:
    return {k: v for k, v in options.items() if k in names and v is not None}


class _seeded:
    """Draw a module's initial weights from `generator` (nn.init uses the global RNG) without disturbing it."""

    def __init__(self, generator: torch.Generator | None):
        self.generator = generator

    def __enter__(self):
        if self.generator is not None:
            self.state = torch.random.get_rng_state()
            torch.manual_seed(int(torch.randint(0, 2**62, (1,), generator=self.generator)))

    def __exit__(self, *exc):
        if self.generator is not None:
            torch.random.set_rng_state(self.state)


def pretrain_uniform(
    hypernet: nn.Module,
    embeddings: torch.Tensor,
    generator: torch.Generator,
    steps: int = 200,
    lr: float = 1e-2,
    batch: int = 64,
    scale: float = 1e-3,
) -> float:
    """Fit the network to near-uniform logits (MSE to scale * N(0, 1)), so every op starts equally likely.

    As in the original, each step draws random preferences (Dirichlet(1)) and random devices (rows of
    `embeddings`, which must be search devices only). Returns the final MSE.
    """
    from modnas.search.preferences import sample_dirichlet

    optimizer = torch.optim.Adam(hypernet.parameters(), lr=lr)
    loss = torch.tensor(float("nan"))
    embeddings = torch.as_tensor(embeddings, dtype=torch.float32)
    n_objectives = hypernet.n_objectives
    if isinstance(hypernet, BankHypernetwork):
        # Every bin is its own table row: pretrain them all at once instead of waiting for draws to hit each.
        with torch.no_grad():
            hypernet.tables.mul_(scale)
    for _ in range(steps):
        preferences = sample_dirichlet(batch, n_objectives, generator)
        devices = embeddings[torch.randint(0, len(embeddings), (batch,), generator=generator)]
        target = scale * torch.randn(batch, N_EDGES, N_OPS, generator=generator)
        loss = ((hypernet(preferences, devices) - target) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return float(loss.detach())
