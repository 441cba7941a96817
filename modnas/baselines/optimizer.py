"""The ask/tell interface every black-box baseline implements, and what an optimiser may see.

An optimiser sees the *encoding* of the space (op ids per edge, one-hot features, one-edge
neighbourhoods), the number of objectives and the reference point, and nothing else: objective
values reach it only through `tell`, for the architectures it asked for.

    optimizer = make_optimizer("morea", encoding, n_objectives=2, ref_point=(1, 1), seed=0)
    indices = optimizer.ask()                       # 1-D int array, one or more architectures
    optimizer.tell(indices, task.objectives_of(indices))

All objectives are minimised. The driver (`modnas.baselines.run.run_baseline`) owns the budget:
it evaluates what `ask` returns, in order, until the budget is spent.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from benchmarks.protocol import pareto_mask


class Encoding:
    """Vectorised encodings of a cell space (anything with NB201Space's index/ops/one-hot methods)."""

    def __init__(self, space):
        self.space = space
        self.ops = np.asarray(space.index_to_ops(np.arange(len(space))), dtype=np.int64)  # (N, edges)
        self.n_archs, self.n_edges = self.ops.shape
        self.n_ops = int(np.asarray(space.index_to_onehot(0)).shape[-1])
        # Every (edge, op) pair once: the raw material of a one-edge neighbourhood.
        self._edge_of_move = np.repeat(np.arange(self.n_edges), self.n_ops)
        self._op_of_move = np.tile(np.arange(self.n_ops), self.n_edges)

    def index_of(self, ops: np.ndarray) -> np.ndarray:
        return np.asarray(self.space.ops_to_index(np.asarray(ops, dtype=np.int64)), dtype=np.int64)

    def neighbours(self, index: int) -> np.ndarray:
        """Indices of the architectures that differ from `index` in exactly one edge's op."""
        ops = self.ops[int(index)]
        candidates = np.tile(ops, (self._edge_of_move.size, 1))
        candidates[np.arange(self._edge_of_move.size), self._edge_of_move] = self._op_of_move
        changed = self._op_of_move != ops[self._edge_of_move]
        return self.index_of(candidates[changed])

    def features(self, indices) -> np.ndarray:
        """(k, edges * ops) float64 one-hot rows (the GP input of the BO baselines)."""
        ops = self.ops[np.asarray(indices, dtype=np.int64)]
        return np.eye(self.n_ops)[ops].reshape(len(ops), -1)


class Optimizer(ABC):
    """Base of the black-box optimisers: keeps the history of what was evaluated.

    Subclasses implement `ask` and may extend `observe` (called by `tell` after the history is
    updated). Randomness comes only from `self.rng` (seeded), so a seed fixes the whole run.
    """

    def __init__(self, encoding: Encoding, n_objectives: int, ref_point, settings, seed: int):
        self.encoding = encoding
        self.n_objectives = int(n_objectives)
        self.ref_point = np.asarray(ref_point, dtype=np.float64)
        self.settings = settings
        self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)
        self.evaluated_mask = np.zeros(encoding.n_archs, dtype=bool)
        self._indices: list[int] = []
        self._objectives: list[np.ndarray] = []

    @abstractmethod
    def ask(self) -> np.ndarray:
        """The next architecture(s) to evaluate, as a non-empty 1-D array of indices."""

    def tell(self, indices, objectives) -> None:
        indices = np.atleast_1d(np.asarray(indices, dtype=np.int64))
        objectives = np.asarray(objectives, dtype=np.float64).reshape(len(indices), self.n_objectives)
        self._indices.extend(int(i) for i in indices)
        self._objectives.extend(objectives)
        self.evaluated_mask[indices] = True
        self.observe(indices, objectives)

    def observe(self, indices: np.ndarray, objectives: np.ndarray) -> None:
        """Hook for subclasses: react to new evaluations (the history is already updated)."""

    # --- helpers shared by the methods ---------------------------------------------------------

    @property
    def history_indices(self) -> np.ndarray:
        return np.asarray(self._indices, dtype=np.int64)

    @property
    def history_objectives(self) -> np.ndarray:
        return np.asarray(self._objectives, dtype=np.float64).reshape(-1, self.n_objectives)

    def front_indices(self) -> np.ndarray:
        """Distinct evaluated architectures on the non-dominated set of the history."""
        if not self._indices:
            return np.zeros(0, dtype=np.int64)
        mask = pareto_mask(self.history_objectives)
        return np.unique(self.history_indices[mask])

    def random_unevaluated(self, k: int = 1) -> np.ndarray:
        """`k` distinct unevaluated architectures drawn uniformly (fewer if fewer are left)."""
        remaining = np.flatnonzero(~self.evaluated_mask)
        if remaining.size == 0:
            raise RuntimeError("every architecture of the space has been evaluated")
        return self.rng.choice(remaining, size=min(k, remaining.size), replace=False)

    def unevaluated_neighbours(self, index: int) -> np.ndarray:
        neighbours = self.encoding.neighbours(index)
        return neighbours[~self.evaluated_mask[neighbours]]
