"""MetaHypernetworks: (preference r, hardware embedding d) -> architecture logits (6 edges x 5 ops on NB201).

Two forms:

- `BankHypernetwork`, the original NB201 form: K learnable device keys E (K x 10) and K lookup tables,
  each with one (6 x 5) logit block per preference bin round((n_bins - 1) * r0). The device's mixing
  weights are s = softmax(sin(E d / sqrt(10))) and the logits sum_k s_k T_k[bin(r)]. It reads only r0,
  so it serves two objectives only.
- `MLPHypernetwork`: an MLP conditioned on the whole preference vector, for any number of objectives.
  Its input is a *local* code of r — a normalised Gaussian kernel over an evenly spread simplex lattice
  (101 points for 2 objectives, the bank's bins; 91 for 3) — and the embedding standardised over the
  search devices; one bias-free tanh layer maps them to the logits.

Why the MLP looks like that (measured on the quick preset, seed 0, mean HV over 19 devices; the bank
gives 0.9607): the plain form, ReLU layers with biases on the raw concatenation (r, d), collapsed to
0.8849 with 3 cells per device, and to 1 cell at 3 objectives. Every parameter is shared by all
preferences, and a ReLU network on a raw 2-number r has a kernel dominated by a constant part (biases,
non-negative features, the embedding's constant coordinates 0 and 1): one gradient step moves the
logits of all rays alike. Adam steps every parameter by about lr whatever its gradient's size, so this
common mode saturates the exact estimator's softmax within ~5 steps (mean max-probability 0.95), its
gradient vanishes, and the rays stay on 1-3 cells. Lowering the lr 10-300x did not help (0.939 to 0.785);
what did: the lattice code (a ray's gradient moves mostly the logits of nearby rays, as the bank's
bins), zero-mean tanh units without biases (no constant feature), and a standardised embedding scaled
down (`embedding_scale`, so a device starts as a small perturbation rather than a shared offset): 0.9566
for seed 0 (a prototype of the same form gave 0.9569, 0.9523, 0.9558 for seeds 0-2). At 3 objectives it
reaches 0.9290 mean 3-D HV (true fronts 0.9569). A linear map of the lattice code alone (a soft bank)
matched the bank at 2 objectives (0.9597) but is no MLP; with a ReLU hidden layer instead of tanh the
collapse came back (0.6492, 3 cells), with a second tanh layer partly (0.9343), and a bias on that
linear map alone cost 0.005 (0.9547).

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
# Lattice of the MLP's preference code: partitions of the simplex per number of objectives
# (2: 101 points, the bank's bins; 3: 91 points).
LATTICE_PARTITIONS = {2: 100, 3: 12, 4: 6}


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
    """A bias-free tanh MLP on (lattice code of r, standardised d) -> logits; reads all M preference weights."""

    def __init__(
        self,
        n_objectives: int,
        hidden: int = 128,
        hw_dim: int = HW_EMBED_DIM,
        untrained_init: bool = False,
        lattice_partitions: int | None = None,
        embedding_scale: float = 0.1,
    ):
        super().__init__()
        from modnas.search.preferences import simplex_points

        self.n_objectives, self.hw_dim, self.hidden = n_objectives, hw_dim, hidden
        self.lattice_partitions = lattice_partitions or LATTICE_PARTITIONS.get(n_objectives, 6)
        lattice = simplex_points(n_objectives, self.lattice_partitions)
        self.register_buffer("lattice", torch.as_tensor(lattice, dtype=torch.float32))
        self.width = 1.0 / self.lattice_partitions  # one lattice spacing
        self.embedding_scale = float(embedding_scale)
        # Standardisation of d: set from the search devices by `standardise_embeddings` (kept in the state dict).
        self.register_buffer("embedding_centre", torch.zeros(hw_dim))
        self.register_buffer("embedding_spread", torch.ones(hw_dim))
        self.net = nn.Sequential(
            nn.Linear(len(lattice) + hw_dim, hidden, bias=False),
            nn.Tanh(),
            nn.Linear(hidden, N_EDGES * N_OPS, bias=False),
        )
        self.untrained_init = untrained_init

    def standardise_embeddings(self, embeddings: torch.Tensor) -> None:
        """Centre and scale d by the search devices' embeddings (the only devices a search may learn from)."""
        embeddings = torch.as_tensor(embeddings, dtype=torch.float32)
        self.embedding_centre.copy_(embeddings.mean(dim=0))
        # Coordinates that are the same on every device (the min and max reference cells) map to 0.
        self.embedding_spread.copy_(embeddings.std(dim=0, unbiased=False).clamp_min(1e-2))

    def preference_code(self, preferences: torch.Tensor) -> torch.Tensor:
        """(B, L) soft assignment of each r to the lattice points: softmax(-|r - c|^2 / (2 w^2))."""
        distance2 = ((preferences[:, None, :] - self.lattice[None]) ** 2).sum(dim=-1)
        return torch.softmax(-distance2 / (2.0 * self.width**2), dim=-1)

    def forward(self, preferences: torch.Tensor, embeddings: torch.Tensor) -> torch.Tensor:
        preferences, embeddings = _batch(preferences, embeddings, self.n_objectives)
        device = self.embedding_scale * (embeddings - self.embedding_centre) / self.embedding_spread
        features = torch.cat([self.preference_code(preferences), device], dim=1)
        return self.net(features).view(-1, N_EDGES, N_OPS)


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
