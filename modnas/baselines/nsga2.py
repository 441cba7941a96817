"""NSGA-II by pymoo, driven through pymoo's ask/tell interface (see NSGA2Settings for the operators)."""

from __future__ import annotations

import numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2 as PymooNSGA2
from pymoo.core.evaluator import Evaluator
from pymoo.core.problem import Problem
from pymoo.core.termination import NoTermination
from pymoo.operators.crossover.sbx import SBX
from pymoo.operators.mutation.pm import PM
from pymoo.operators.repair.rounding import RoundingRepair
from pymoo.operators.sampling.rnd import IntegerRandomSampling
from pymoo.problems.static import StaticProblem

from modnas.baselines.optimizer import Optimizer


class NSGA2(Optimizer):
    """One pymoo generation per `ask`: the whole offspring population (the driver may cut the last one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        s = self.settings
        self._problem = Problem(
            n_var=self.encoding.n_edges, n_obj=self.n_objectives, xl=0, xu=self.encoding.n_ops - 1, vtype=int
        )
        mutation_args = {} if s.mutation_prob is None else {"prob": s.mutation_prob}
        self._algorithm = PymooNSGA2(
            pop_size=s.population_size,
            sampling=IntegerRandomSampling(),
            crossover=SBX(prob=s.crossover_prob, eta=s.crossover_eta, vtype=float, repair=RoundingRepair()),
            mutation=PM(eta=s.mutation_eta, vtype=float, repair=RoundingRepair(), **mutation_args),
            eliminate_duplicates=True,
        )
        self._algorithm.setup(self._problem, termination=NoTermination(), seed=self.seed, verbose=False)
        self._pending = None  # the pymoo population asked for and not yet told

    def ask(self) -> np.ndarray:
        self._pending = self._algorithm.ask()
        ops = np.asarray(self._pending.get("X"), dtype=np.int64)
        return self.encoding.index_of(ops)

    def observe(self, indices: np.ndarray, objectives: np.ndarray) -> None:
        if self._pending is None or len(indices) != len(self._pending):
            return  # a population cut short by the budget: the run is over, nothing more is asked
        Evaluator().eval(StaticProblem(self._problem, F=objectives), self._pending)
        self._algorithm.tell(infills=self._pending)
        self._pending = None
