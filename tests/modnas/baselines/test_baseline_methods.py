"""The black-box baselines on the real NB201 tables: budget, HV trace, determinism, repeats, moves."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from benchmarks.protocol import DEFAULT_MAX_ERROR
from modnas.baselines import BLACK_BOX_METHODS, run_baseline
from modnas.baselines.optimizer import Encoding, Optimizer
from modnas.baselines.registry import UnknownMethodError, get_method
from modnas.baselines.settings import SettingsError

DEVICES = ("fpga", "pixel3")  # a zero-shot test device and a search device
BO_METHODS = ("ehvi", "parego")
SMALL = {"rs": 30, "ls": 30, "morea": 30, "nsga2": 30, "ehvi": 15, "parego": 15}


def independent_hv(bench, device: str, indices) -> float:
    """HV of the error/latency front of `indices`, by a 2-D sweep written here from the raw tables."""
    error = bench.table("error")
    latency = bench.table("latency", device=device)
    valid = error < DEFAULT_MAX_ERROR
    e = (error - error[valid].min()) / (error[valid].max() - error[valid].min())
    t = (latency - latency[valid].min()) / (latency[valid].max() - latency[valid].min())
    points = sorted({(e[i], t[i]) for i in indices})  # by error, then latency
    volume, best_latency = 0.0, 1.0
    for err, lat in points:  # each point faster than all before adds a rectangle up to the reference
        if err < 1 and lat < best_latency:
            volume += (1.0 - err) * (best_latency - lat)
            best_latency = lat
    return volume


@pytest.fixture(scope="module")
def results(nb201):
    return {(m, d): run_baseline(nb201, m, d, SMALL[m], seed=0) for m in BLACK_BOX_METHODS for d in DEVICES}


@pytest.mark.parametrize("method", BLACK_BOX_METHODS)
@pytest.mark.parametrize("device", DEVICES)
def test_every_method_spends_its_budget_and_logs_a_monotone_hv_trace(results, nb201, method, device):
    result = results[(method, device)]
    budget = SMALL[method]
    assert result.budget == budget == len(result.hv_trace) == len(result.evaluated) == len(result.evaluated_indices)
    trace = np.asarray(result.hv_trace)
    assert np.all(np.diff(trace) >= 0), "HV of a growing set cannot decrease"
    assert trace[-1] == result.hv
    assert 0 < result.hv <= result.hv_true
    assert list(nb201.space.index_to_str(list(result.evaluated_indices))) == list(result.evaluated)
    # The trace point after k evaluations is the HV of the first k, by an independent computation.
    for k in (1, budget // 2, budget):
        assert trace[k - 1] == pytest.approx(independent_hv(nb201, device, result.evaluated_indices[:k]), abs=1e-12)


@pytest.mark.parametrize("method", BLACK_BOX_METHODS)
def test_same_seed_same_run_other_seed_other_run(results, nb201, method):
    again = run_baseline(nb201, method, "fpga", SMALL[method], seed=0)
    assert again == results[(method, "fpga")]  # wall time is not part of a result's identity
    other = run_baseline(nb201, method, "fpga", SMALL[method], seed=1)
    assert other.evaluated != again.evaluated


@pytest.mark.parametrize("method", BLACK_BOX_METHODS)
def test_a_shorter_budget_is_a_prefix_of_a_longer_run(results, nb201, method):
    # No setting depends on the budget, so one long run gives the whole HV-vs-evaluations curve.
    short = run_baseline(nb201, method, "fpga", SMALL[method] - 3, seed=0)
    full = results[(method, "fpga")]
    assert short.evaluated == full.evaluated[: short.budget]
    assert short.hv_trace == full.hv_trace[: short.budget]


@pytest.mark.parametrize("method", ["rs", "ls", "morea", "ehvi", "parego"])
def test_methods_that_avoid_repeats_never_propose_one(results, method):
    for device in DEVICES:
        result = results[(method, device)]
        assert result.n_repeats == 0 == len(result.evaluated_indices) - len(set(result.evaluated_indices))


def test_nsga2_repeats_are_counted_and_charged(nb201):
    result = run_baseline(nb201, "nsga2", "fpga", 200, seed=0)
    indices = list(result.evaluated_indices)
    assert result.n_repeats == len(indices) - len(set(indices))
    seen = set()
    for k, index in enumerate(indices):
        if index in seen:  # a repeat costs a budget unit and adds nothing to HV
            assert result.hv_trace[k] == result.hv_trace[k - 1]
        seen.add(index)


@dataclass(frozen=True)
class _NoSettings:
    pass


class AlwaysTheSame(Optimizer):
    """Asks for architecture 6111 (best CIFAR-10 accuracy) every time."""

    settings_class = _NoSettings

    def ask(self):
        return np.array([6111])


class PairsOfTwo(Optimizer):
    """Asks for two architectures at a time, from a fixed list."""

    settings_class = _NoSettings
    ORDER = (100, 200, 300, 100, 400, 500, 600)

    def ask(self):
        position = len(self.history_indices)
        return np.array(self.ORDER[position : position + 2])


def test_a_repeated_request_costs_a_budget_unit_each_time(nb201):
    result = run_baseline(nb201, f"{__name__}:AlwaysTheSame", "fpga", budget=5, seed=0)
    assert result.evaluated_indices == (6111,) * 5
    assert result.n_repeats == 4
    assert len(set(result.hv_trace)) == 1
    assert result.hv == pytest.approx(independent_hv(nb201, "fpga", [6111]), abs=1e-12)


def test_batches_are_cut_at_the_budget(nb201):
    result = run_baseline(nb201, f"{__name__}:PairsOfTwo", "fpga", budget=5, seed=0)
    assert result.evaluated_indices == (100, 200, 300, 100, 400)
    assert result.n_repeats == 1
    assert result.hv_trace[3] == result.hv_trace[2]


def test_random_search_pinned_on_fpga(nb201):
    result = run_baseline(nb201, "rs", "fpga", 24, seed=0)
    assert result.evaluated_indices[:3] == (11759, 10533, 8177)
    assert result.hv == pytest.approx(0.8839799459559234, abs=1e-12)
    assert result.hv == pytest.approx(independent_hv(nb201, "fpga", result.evaluated_indices), abs=1e-12)


def _hamming(ops_a, ops_b) -> int:
    return int((np.asarray(ops_a) != np.asarray(ops_b)).sum())


def test_local_search_moves_one_edge_from_a_front_member(results, nb201):
    for device in DEVICES:
        indices = results[("ls", device)].evaluated_indices
        ops = nb201.space.index_to_ops(list(indices))
        for k in range(1, len(indices)):
            assert min(_hamming(ops[k], ops[j]) for j in range(k)) == 1


def test_morea_starts_random_then_mutates_one_edge(results, nb201):
    population = 20  # MOREASettings default
    indices = results[("morea", "fpga")].evaluated_indices
    ops = nb201.space.index_to_ops(list(indices))
    for k in range(population, len(indices)):
        assert min(_hamming(ops[k], ops[j]) for j in range(max(0, k - population), k)) == 1


def test_nsga2_ask_tell_matches_pymoo_minimize(nb201):
    """Driving pymoo through ask/tell evaluates exactly what pymoo's own `minimize` loop evaluates."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.operators.sampling.rnd import IntegerRandomSampling
    from pymoo.optimize import minimize

    task = nb201.task("fpga")
    seen: list[int] = []

    class TableProblem(Problem):
        def __init__(self):
            super().__init__(n_var=6, n_obj=2, xl=0, xu=4, vtype=int)

        def _evaluate(self, x, out, *args, **kwargs):
            indices = nb201.space.ops_to_index(np.asarray(x, dtype=np.int64))
            seen.extend(int(i) for i in indices)
            out["F"] = task.objectives_of(indices)

    algorithm = NSGA2(
        pop_size=20,
        sampling=IntegerRandomSampling(),
        crossover=SBX(prob=0.9, eta=3.0, vtype=float, repair=RoundingRepair()),
        mutation=PM(eta=3.0, vtype=float, repair=RoundingRepair()),
        eliminate_duplicates=True,
    )
    minimize(TableProblem(), algorithm, ("n_gen", 4), seed=7, verbose=False)
    ours = run_baseline(nb201, "nsga2", "fpga", budget=len(seen), seed=7)
    assert list(ours.evaluated_indices) == seen


def test_encoding_neighbours_differ_in_exactly_one_edge(nb201):
    encoding = Encoding(nb201.space)
    for index in (0, 6111, 15624):
        neighbours = encoding.neighbours(index)
        assert len(neighbours) == len(set(neighbours.tolist())) == 6 * 4
        assert all(_hamming(encoding.ops[index], encoding.ops[n]) == 1 for n in neighbours)
    features = encoding.features([6111])
    assert features.shape == (1, 30)
    assert np.array_equal(features.reshape(6, 5), nb201.space.index_to_onehot(6111))


def test_settings_are_checked(nb201):
    with pytest.raises(SettingsError, match="unknown setting.*valid: population_size, sample_size"):
        run_baseline(nb201, "morea", "fpga", 10, settings={"populaton_size": 5})
    with pytest.raises(SettingsError, match="must be an integer"):
        run_baseline(nb201, "ehvi", "fpga", 10, settings={"pool_size": "big"})
    with pytest.raises(SettingsError, match="must not exceed"):
        run_baseline(nb201, "morea", "fpga", 10, settings={"population_size": 4, "sample_size": 5})


def test_unknown_and_unavailable_methods_say_what_is_valid(nb201):
    with pytest.raises(UnknownMethodError, match="valid: rs, ls, morea, nsga2, ehvi, parego, help, rhpn, modnas-e"):
        get_method("cmaes")
    with pytest.raises(UnknownMethodError, match="could not load"):
        get_method("no_such_module:Thing")
    with pytest.raises(UnknownMethodError, match="not a modnas.baselines.optimizer.Optimizer"):
        get_method("numpy:ndarray")


def test_budget_outside_the_space_is_rejected(nb201):
    from benchmarks.errors import QueryError

    with pytest.raises(QueryError, match="between 1 and"):
        run_baseline(nb201, "rs", "fpga", 0)
