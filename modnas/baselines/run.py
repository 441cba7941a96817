"""Run one baseline on one device for a budget of true-objective evaluations, logging HV throughout.

**Budget.** One unit = one evaluation of the true objectives of one architecture (a table lookup
here, a training run in reality). The objectives are the task's normalised (error, latency) from
the true tables of the chosen device (`Task.objectives_of`).

**Duplicates.** Every architecture an optimiser asks for costs one budget unit, also when it was
evaluated before (the evaluation is counted as the optimiser asked for it; it appears again in
`evaluated` and adds nothing to HV). The driver never re-samples on the optimiser's behalf, so
a method's sample efficiency includes how well it avoids repeats. The methods here avoid them
where they can: rs, ls, morea, ehvi and parego only ever propose unevaluated architectures;
pymoo's NSGA-II removes duplicates within a generation and against its current population only,
so its offspring can repeat older evaluations. `n_repeats` counts them in each result.

**HV trace.** After evaluation k the HV of the first k evaluated architectures
(`Task.hv(evaluated[:k])`, the protocol's HV of their non-dominated set, reference point [1, 1]);
it cannot decrease, and its last value is the run's `hv`.

A `proposal` method (help, rhpn, modnas-e) evaluates nothing: it names its architectures, one per
evaluation ray (24), in ray order; `budget` is ignored and the result's `budget` is the number of
architectures named (repeats kept), its trace the HV of the first k of them.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from benchmarks.errors import QueryError
from modnas.baselines.optimizer import Encoding
from modnas.baselines.registry import get_method
from modnas.baselines.settings import settings_for
from modnas.provenance import run_record

RESULT_FILE = "result.json"  # what a run directory holds: see `result_payload`


@dataclass(frozen=True)
class BaselineResult:
    method: str
    benchmark: str
    device: str
    dataset: str
    objectives: tuple[str, ...]
    budget: int  # evaluations spent (for a proposal method: architectures named)
    seed: int
    hv: float
    hv_true: float  # HV of the device's true front, for reference
    hv_trace: tuple[float, ...]  # HV after evaluation 1..budget
    evaluated: tuple[str, ...]  # architecture strings in evaluation order (repeats kept)
    evaluated_indices: tuple[int, ...]
    n_repeats: int  # evaluations of an architecture evaluated before in the same run
    settings: dict = field(hash=False)
    wall_s: float = field(default=0.0, compare=False)  # not part of the result's identity

    def to_dict(self) -> dict:
        payload = asdict(self)
        payload["objectives"] = list(self.objectives)
        for key in ("hv_trace", "evaluated", "evaluated_indices"):
            payload[key] = list(payload[key])
        return payload


def run_baseline(
    bench,
    method: str,
    device: str,
    budget: int,
    seed: int = 0,
    settings: dict | None = None,
    dataset: str = "cifar10",
    objectives=("error", "latency"),
) -> BaselineResult:
    """Run `method` for `budget` evaluations on `device` of `bench` (any NB201Benchmark-like object)."""
    spec = get_method(method)
    method_settings = settings_for(spec.settings_class, settings)
    task = bench.task(device, dataset=dataset, objectives=tuple(objectives))
    started = time.perf_counter()
    if spec.kind == "proposal":
        indices = np.asarray(spec.build(bench, task, method_settings, int(seed)), dtype=np.int64)
    else:
        indices = _optimise(spec.build, bench, task, method_settings, int(budget), int(seed))
    hv_trace = [task.hv(indices[: k + 1]) for k in range(len(indices))]
    return BaselineResult(
        method=method,
        benchmark=bench.name,
        device=device,
        dataset=dataset,
        objectives=tuple(task.objectives),
        budget=len(indices),
        seed=int(seed),
        hv=hv_trace[-1],
        hv_true=task.hv_true,
        hv_trace=tuple(hv_trace),
        evaluated=tuple(str(s) for s in bench.space.index_to_str(indices)),
        evaluated_indices=tuple(int(i) for i in indices),
        n_repeats=len(indices) - len(np.unique(indices)),
        settings=asdict(method_settings),
        wall_s=time.perf_counter() - started,
    )


def _optimise(build, bench, task, settings, budget: int, seed: int) -> np.ndarray:
    encoding = Encoding(bench.space)
    if not 1 <= budget <= encoding.n_archs:
        raise QueryError(f"budget must be between 1 and the size of the space ({encoding.n_archs}), got {budget}")
    optimizer = build(encoding, task.n_objectives, task.ref_point, settings, seed)
    evaluated: list[int] = []
    while len(evaluated) < budget:
        asked = np.atleast_1d(np.asarray(optimizer.ask(), dtype=np.int64))
        if asked.ndim != 1 or asked.size == 0:
            raise RuntimeError(f"{type(optimizer).__name__}.ask() must return a non-empty 1-D index array")
        batch = bench.space.check_indices(asked[: budget - len(evaluated)])  # the budget may cut the last batch
        evaluated.extend(int(i) for i in batch)
        optimizer.tell(batch, task.objectives_of(batch))
    return np.asarray(evaluated, dtype=np.int64)


def result_payload(result: BaselineResult, config: dict, data_provenance: dict) -> dict:
    """The content of a run's `result.json`: the result and the provenance of the run."""
    return {"result": result.to_dict(), "provenance": run_record(config, result.seed, data_provenance)}
