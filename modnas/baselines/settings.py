"""Every tunable setting of the black-box baselines, in one place, with the reason for its default.

Each method has a frozen dataclass; `settings_for(method, overrides)` builds it from plain data (an
experiment file's `methods:` entry or `--set key=value` on the CLI) and rejects unknown keys. None
of the settings depends on the evaluation budget, so the first N evaluations of a run with budget
500 are exactly the run with budget N (same seed): one long run gives the whole HV-vs-evaluations
curve.

Defaults are sized for the budgets this suite uses (100 on a CPU, 500 for the paper-sized runs):
population-based methods spend their first `population_size` evaluations on random architectures,
so populations are kept well below 100; the BO methods keep the GP cheap (a small random initial
design, hyperparameters refitted only every few steps, a capped candidate pool) so a budget-100 run
takes seconds to tens of seconds on two cores.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from benchmarks.errors import QueryError


class SettingsError(QueryError):
    """A method setting that does not exist or has a value of the wrong kind."""


@dataclass(frozen=True)
class RandomSearchSettings:
    """`rs`: uniform sampling of the space *without* replacement (never proposes a repeat)."""


@dataclass(frozen=True)
class LocalSearchSettings:
    """`ls`: Pareto local search on the one-edge neighbourhood.

    Each step picks a random member of the current non-dominated set of evaluated architectures that
    still has unevaluated neighbours (architectures differing in one edge's op) and evaluates one of
    those neighbours at random; when every front member's neighbourhood is exhausted it restarts
    from a random unevaluated architecture.
    """

    n_initial: int = 1  # random starting architectures before the neighbourhood moves begin


@dataclass(frozen=True)
class MOREASettings:
    """`morea`: multi-objective regularised (aging) evolution.

    A FIFO population of the last `population_size` evaluated architectures; each step draws
    `sample_size` of them, picks a parent uniformly from the sample's non-dominated members and
    mutates one edge's op. A child that was already evaluated is re-drawn among the parent's
    unevaluated neighbours (a random unevaluated architecture if there are none).
    """

    population_size: int = 20
    sample_size: int = 5


@dataclass(frozen=True)
class NSGA2Settings:
    """`nsga2`: pymoo's NSGA2 through its ask/tell interface on the integer 6-edge encoding.

    Operators follow pymoo's recipe for integer variables: IntegerRandomSampling, SBX and polynomial
    mutation with RoundingRepair (vtype float, rounded to op ids). They treat op ids as ordinal,
    which the categorical NB201 ops are not; this is the library's integer encoding, used as asked.
    pymoo removes duplicates within a generation and against the current population, not against
    all earlier generations, so an offspring can repeat an older evaluation (it is charged).
    """

    population_size: int = 20
    crossover_prob: float = 0.9
    crossover_eta: float = 3.0  # low eta: offspring far from parents, the scale of a 0..4 variable
    mutation_eta: float = 3.0
    mutation_prob: float | None = None  # None: pymoo's default 1 / n_var per variable


@dataclass(frozen=True)
class BOSettings:
    """Shared by `ehvi` and `parego`: a GP on the flattened one-hot encoding (6 edges x 5 ops = 30).

    botorch's SingleTaskGP (one output per objective, outcome standardisation) models the
    normalised objectives (negated: botorch maximises). Candidates are not found by optimising the
    acquisition over a continuous relaxation; instead each step scores the acquisition on a fresh
    random pool of `pool_size` *unevaluated* architectures and evaluates the best one. On a finite
    space of 15625 cells this is exact within the pool, never proposes a repeat, and keeps the cost
    per step fixed. Hyperparameters are refitted every `refit_every` steps, starting from the last
    fit and capped at `fit_maxiter` iterations (measured on 100 random fpga cells: botorch's
    default fit to convergence took 15 s, 50 iterations 1.7 s, for a marginal log-likelihood of
    -2.33 vs -2.50, on a loaded 2-core machine); in between, the GP is rebuilt on all data with the
    last fitted hyperparameters (conditioning only).
    """

    n_initial: int = 10  # random initial design before the first GP fit
    pool_size: int = 500  # scoring cost grows with pool x training points; 500 keeps a step well under 1 s
    refit_every: int = 10
    fit_maxiter: int = 50  # L-BFGS-B iterations per refit, warm-started from the last fit
    mc_samples: int = 32  # quasi-MC samples of the acquisition (seeded Sobol)
    torch_threads: int = 1  # tiny matrices: threads only add contention when workers fill the cores


@dataclass(frozen=True)
class EHVISettings(BOSettings):
    """`ehvi`: qLogExpectedHypervolumeImprovement (q=1) w.r.t. the task's reference point [1, 1]."""


@dataclass(frozen=True)
class ParEGOSettings(BOSettings):
    """`parego`: a fresh random augmented-Chebyshev scalarisation each step (weights uniform on the
    simplex, botorch's get_chebyshev_scalarization), scored by qLogExpectedImprovement over the best
    scalarised observation. The objectives are table lookups, noise-free, so EI on the observed best
    is the right target (no need for the noisy-EI baseline)."""


@dataclass(frozen=True)
class HELPSettings:
    """`help`: zero-shot constrained selection from the 500 MetaD2A candidates (see modnas.baselines.help).

    `predictor` names the latency predictor (see `modnas.baselines.help.PREDICTORS`); `rank_by` the
    candidate column that orders candidates meeting a constraint (`accuracy`: the accuracy listed
    with each candidate, which is its NB201 CIFAR-100 test accuracy; `value`: MetaD2A's score).
    """

    n_rays: int = 24
    predictor: str = "meta-predictor"
    rank_by: str = "accuracy"


@dataclass(frozen=True)
class RHPNSettings:
    """`rhpn`: see modnas.baselines.hypernetwork; rays as the search core evaluates them."""

    n_rays: int = 24
    ray_input: str = "simplex"  # or "raw" (the original code's), see modnas.search.preferences


@dataclass(frozen=True)
class ModnasEnsembleSettings:
    """`modnas-e`: the finished search runs (directories with logits.npz) whose logits are averaged."""

    search_runs: tuple[str, ...] = ()


SETTINGS = {
    "rs": RandomSearchSettings,
    "ls": LocalSearchSettings,
    "morea": MOREASettings,
    "nsga2": NSGA2Settings,
    "ehvi": EHVISettings,
    "parego": ParEGOSettings,
    "help": HELPSettings,
    "rhpn": RHPNSettings,
    "modnas-e": ModnasEnsembleSettings,
}


def settings_for(settings_class, overrides: dict | None = None):
    """An instance of `settings_class` with `overrides` applied; unknown keys or wrong kinds are an error."""
    overrides = dict(overrides or {})
    fields = {f.name: f for f in dataclasses.fields(settings_class)}
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        valid = ", ".join(fields) or "(none)"
        raise SettingsError(f"unknown setting(s) {', '.join(unknown)} for {settings_class.__name__}; valid: {valid}")
    values = {name: _coerce(settings_class, name, value, fields[name].default) for name, value in overrides.items()}
    return settings_class(**values)


def _coerce(settings_class, name: str, value, default):
    where = f"setting {name!r} of {settings_class.__name__}"
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, tuple):  # a list of strings (paths)
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{where} must be a list of strings, got {value!r}")
        return tuple(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise SettingsError(f"{where} must be a string, got {value!r}")
        return value
    if isinstance(default, int):
        if not is_number or float(value) != int(value):
            raise SettingsError(f"{where} must be an integer, got {value!r}")
        if int(value) < 1:
            raise SettingsError(f"{where} must be at least 1, got {value!r}")
        return int(value)
    # floats, and optional floats whose default is None
    if value is None and default is None:
        return None
    if not is_number or not 0 <= float(value):
        raise SettingsError(f"{where} must be a non-negative number, got {value!r}")
    return float(value)
