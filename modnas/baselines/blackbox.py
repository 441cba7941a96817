"""Model-free baselines written here: random search, Pareto local search, multi-objective regularised
evolution. (No maintained library implements these three on a discrete cell space with an
ask/tell interface without pulling in a whole tuning framework, and each is a few lines.)"""

from __future__ import annotations

from collections import deque

import numpy as np

from benchmarks.protocol import pareto_mask
from modnas.baselines.optimizer import Optimizer
from modnas.baselines.settings import SettingsError


class RandomSearch(Optimizer):
    """Uniform sampling without replacement: a fixed random permutation of the space, in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._order = self.rng.permutation(self.encoding.n_archs)
        self._next = 0

    def ask(self) -> np.ndarray:
        index = self._order[self._next]
        self._next += 1
        return np.array([index])


class LocalSearch(Optimizer):
    """Pareto local search over one-edge neighbourhoods (see LocalSearchSettings)."""

    def ask(self) -> np.ndarray:
        if len(self._indices) < self.settings.n_initial:
            return self.random_unevaluated(1)
        # The front has tens of members at most, so a loop over it is cheap.
        open_members = [int(m) for m in self.front_indices() if self.unevaluated_neighbours(m).size]
        if not open_members:  # every front member's neighbourhood is explored: restart at random
            return self.random_unevaluated(1)
        member = open_members[self.rng.integers(len(open_members))]
        return np.array([self.rng.choice(self.unevaluated_neighbours(member))])


class MOREA(Optimizer):
    """Aging evolution with a non-dominated parent choice (see MOREASettings)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.settings.sample_size > self.settings.population_size:
            raise SettingsError(
                f"morea sample_size ({self.settings.sample_size}) must not exceed "
                f"population_size ({self.settings.population_size})"
            )
        self._population: deque[tuple[int, np.ndarray]] = deque(maxlen=self.settings.population_size)

    def observe(self, indices: np.ndarray, objectives: np.ndarray) -> None:
        self._population.extend(zip(indices.tolist(), objectives))  # the oldest members age out

    def ask(self) -> np.ndarray:
        if len(self._population) < self.settings.population_size:
            return self.random_unevaluated(1)
        drawn = self.rng.choice(len(self._population), size=self.settings.sample_size, replace=False)
        sample_objectives = np.stack([self._population[i][1] for i in drawn])
        candidates = drawn[pareto_mask(sample_objectives)]
        parent = self._population[int(self.rng.choice(candidates))][0]
        child = self._mutate(parent)
        if self.evaluated_mask[child]:
            fresh = self.unevaluated_neighbours(parent)
            child = int(self.rng.choice(fresh)) if fresh.size else int(self.random_unevaluated(1)[0])
        return np.array([child])

    def _mutate(self, parent: int) -> int:
        ops = self.encoding.ops[parent].copy()
        edge = self.rng.integers(self.encoding.n_edges)
        others = np.delete(np.arange(self.encoding.n_ops), ops[edge])
        ops[edge] = self.rng.choice(others)
        return int(self.encoding.index_of(ops))
