"""Where the runs of a sweep execute: a local process pool, or a Dask cluster.

Both call `report(outcome)` once per run they were given, in completion order.

**local** — `concurrent.futures.ProcessPoolExecutor(max_workers=N)` with the spawn start method
(a fresh interpreter per worker: no inherited torch/OpenMP state, same behaviour on every OS). At
most N runs are in flight. If a worker process dies (killed, out of memory, a crash in native
code), the pool is broken and every run in flight loses its worker; which run killed it is not
knowable, so those runs are retried in a fresh pool *one at a time*: a run whose worker dies again
while running alone is reported as failed, the others complete, and the sweep continues.

**dask** — `dask.distributed.Client`: on a `LocalCluster(n_workers=N, threads_per_worker=1,
processes=True)` when no scheduler address is given, otherwise on the running scheduler at that
address. Dask itself resubmits a task whose worker died (up to its `allowed-failures`, default 3);
a task that still fails is reported as failed with Dask's error. The run directories must be on a
file system every worker can write (the output directory is passed to the workers as a path).

Running on a Slurm cluster with dask-jobqueue (`pip install dask-jobqueue`; not a dependency of
this suite): start a scheduler and Slurm-job workers from Python on the login node, and point the
sweep at the scheduler::

    from dask_jobqueue import SLURMCluster
    cluster = SLURMCluster(cores=1, processes=1, memory="4GB", walltime="02:00:00",
                           job_extra_directives=["--partition=cpu"])
    cluster.scale(jobs=32)            # 32 Slurm jobs, one single-threaded worker each
    print(cluster.scheduler_address)  # e.g. tcp://10.0.0.5:8786; keep this process alive

    $ modnas-bench run experiments/nb201-baselines.yaml --executor dask \\
          --scheduler tcp://10.0.0.5:8786 --out /shared/fs/runs

(or `dask scheduler` on one node and `dask worker tcp://...:8786 --nthreads 1` inside sbatch
jobs). The workers need this package installed and the data cache (MODNAS_DATA_HOME) reachable.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from modnas.runner.execute import RunOutcome, execute_run, read_complete, worker_died
from modnas.runner.experiment import RunSpec

EXECUTORS = ("local", "dask")


def run_local(specs: list[RunSpec], root: Path, workers: int, report: Callable[[RunOutcome], None]) -> None:
    pending = deque(specs)
    suspects: deque[RunSpec] = deque()  # in flight when a worker died: to be retried alone
    while pending or suspects:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            _retry_suspects(pool, suspects, root, report)
            if not suspects:  # a suspect that breaks the pool again needs a fresh pool first
                _run_batch(pool, pending, suspects, root, workers, report)


def _retry_suspects(pool, suspects: deque, root: Path, report) -> None:
    while suspects:
        spec = suspects[0]
        stored = read_complete(spec, root)  # it may have finished just before the pool broke
        if stored is not None:
            suspects.popleft()
            report(RunOutcome(spec.key, "done", str(spec.directory(root)), stored["hv"], stored["wall_s"]))
            continue
        try:
            outcome = pool.submit(execute_run, spec, root).result()
        except BrokenProcessPool:
            suspects.popleft()
            report(worker_died(spec, root, "twice: once among other runs, once alone"))
            return  # this pool is broken
        suspects.popleft()
        report(outcome)


def _run_batch(pool, pending: deque, suspects: deque, root: Path, workers: int, report) -> None:
    """Keep `workers` runs in flight until `pending` is empty or a worker dies (then drain and return)."""
    in_flight = {}
    broken = False
    while in_flight or (pending and not broken):
        while pending and not broken and len(in_flight) < workers:
            spec = pending.popleft()
            try:
                in_flight[pool.submit(execute_run, spec, root)] = spec
            except BrokenProcessPool:  # a worker died since the last check
                pending.appendleft(spec)
                broken = True
        if not in_flight:
            break
        done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in done:
            spec = in_flight.pop(future)
            try:
                report(future.result())
            except BrokenProcessPool:  # its worker, or another one, died: who killed it is unknown
                suspects.append(spec)
                broken = True


def run_dask(
    specs: list[RunSpec], root: Path, workers: int, report: Callable[[RunOutcome], None], scheduler: str | None = None
) -> None:
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        futures = {
            client.submit(execute_run, spec, str(root), key=f"modnas-run-{spec.key}", pure=False): spec
            for spec in specs
        }
        for future in as_completed(futures):
            spec = futures[future]
            try:
                report(future.result())
            except Exception:  # e.g. KilledWorker: the run's workers died more often than allowed
                error = traceback.format_exc()
                report(RunOutcome(spec.key, "failed", str(spec.directory(root)), None, 0.0, error))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
