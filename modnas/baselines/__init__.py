"""Black-box and hypernetwork-side baselines, budgeted in evaluations of the true objectives.

    import benchmarks
    from modnas.baselines import run_baseline
    result = run_baseline(benchmarks.load("nb201"), "ehvi", "fpga", budget=100, seed=0)
    result.hv, result.hv_trace[-1], result.evaluated[:3]

Methods and their kinds: `modnas.baselines.registry`; settings: `modnas.baselines.settings`;
budget, duplicate and HV-trace rules: `modnas.baselines.run`.
"""

from modnas.baselines.registry import BLACK_BOX_METHODS, METHODS, get_method
from modnas.baselines.run import BaselineResult, run_baseline

__all__ = ["BLACK_BOX_METHODS", "METHODS", "BaselineResult", "get_method", "run_baseline"]
