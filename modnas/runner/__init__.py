"""The experiment runner: a YAML grid of baseline runs, executed locally or on Dask, resumable.

Schema: `modnas.runner.experiment`; executors (and Slurm via dask-jobqueue): `modnas.runner.executors`;
skip/redo rules and the summary: `modnas.runner.sweep`.
"""

from modnas.runner.experiment import Experiment, ExperimentError, RunSpec, load_experiment, parse_experiment
from modnas.runner.sweep import SweepSummary, run_sweep

__all__ = [
    "Experiment", "ExperimentError", "RunSpec", "SweepSummary", "load_experiment", "parse_experiment", "run_sweep",
]  # fmt: skip
