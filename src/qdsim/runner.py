"""Run simulations — one scenario on one replicate's seed each — on one or more processes.

Replicate ``r`` of a run always uses the ``r``-th child of the run's
``SeedSequence``; a scenario, its counterfactual and its baseline use the
same child (common random numbers) in three separate tasks, so that they can
be spread across workers, and results do not depend on how many workers ran
them or in which order they finished.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

from qdsim.catalogue import ParameterSet, load_catalogue
from qdsim.derive import derive
from qdsim.model.model import DingxiModel
from qdsim.model.streams import replicate_seeds
from qdsim.scenario.schema import Scenario

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SimulationTask:
    """One simulation: ``scenario`` with ``params`` on the ``replicate``-th seed child of ``seed``."""

    scenario: Scenario
    params: dict[str, float]
    region: str
    seed: int
    replicate: int
    n_replicates: int
    scale: float


def simulate(scenario: Scenario, params: ParameterSet, seq: np.random.SeedSequence, scale: float) -> np.ndarray:
    """One replicate of one scenario: the metrics array (metric, year, county+all)."""
    model = DingxiModel(scenario=scenario, params=params, seed_sequence=seq, scale=scale)
    book = model.run()
    model.funds.check_conservation()
    return derive(book.array(), model.n_counties)


def run_task(task: SimulationTask) -> np.ndarray:
    """The metrics array of one simulation."""
    params = ParameterSet(task.params, load_catalogue(task.region))
    seq = replicate_seeds(task.seed, task.n_replicates)[task.replicate]
    return simulate(task.scenario, params, seq, task.scale)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


_pool: tuple[int, int, ProcessPoolExecutor] | None = None  # (owner pid, size, pool) kept between runs


def worker_pool(size: int) -> ProcessPoolExecutor:
    """A pool of ``size`` worker processes, kept for the next run.

    Starting a worker costs seconds (importing Mesa, SciPy and pandas, reading
    the region's catalogue) — as long as a small run itself. So the pool stays
    up between runs of this process (the app runs many), and its processes
    fork from a server that imported the model once (``forkserver`` with
    ``qdsim.runner`` preloaded). A pool of another size replaces it.
    """
    global _pool
    if _pool is not None and _pool[:2] == (os.getpid(), size):
        return _pool[2]
    shutdown_pool()
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", "qdsim.runner"])  # only takes effect if the server is not running yet
    _pool = (os.getpid(), size, ProcessPoolExecutor(max_workers=size, mp_context=ctx))
    return _pool[2]


def shutdown_pool() -> None:
    """Stop the kept worker processes (if any); the next parallel run starts new ones."""
    global _pool
    if _pool is not None and _pool[0] == os.getpid():
        _pool[2].shutdown(wait=False, cancel_futures=True)
    _pool = None


def run_simulations(tasks: list[SimulationTask], workers: int, progress: Progress | None = None,
                    finished: Callable[[int, np.ndarray], None] | None = None) -> np.ndarray:
    """Run the tasks; return their arrays stacked in task order: (task, metric, year, county+1).

    ``finished`` is called with (task index, array) as each task finishes, in the
    order they finish (for showing results while the rest still run).
    """
    results: dict[int, np.ndarray] = {}
    total = len(tasks)
    if workers <= 1 or total == 1:
        for i, task in enumerate(tasks):
            results[i] = run_task(task)
            if finished:
                finished(i, results[i])
            if progress:
                progress(i + 1, total, f"{i + 1}/{total}")
    else:
        pool = worker_pool(workers)
        try:
            futures = {pool.submit(run_task, t): i for i, t in enumerate(tasks)}
            for done, fut in enumerate(as_completed(futures), start=1):
                i = futures[fut]
                results[i] = fut.result()
                if finished:
                    finished(i, results[i])
                if progress:
                    progress(done, total, f"{done}/{total}")
        except BaseException:  # a failed task, a broken pool, an interrupt: do not keep the pool
            shutdown_pool()
            raise
    return np.stack([results[i] for i in range(total)])
