"""Run replicates of a scenario and its counterfactual, on one or more processes.

Replicate ``r`` of a run always uses the ``r``-th child of the run's
``SeedSequence``, and the scenario and its counterfactual use the same child
(common random numbers), so results do not depend on how many workers ran
them or in which order they finished.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

from qdsim.metrics import derive
from qdsim.model.model import DingxiModel
from qdsim.model.streams import replicate_seeds
from qdsim.catalogue import ParameterSet, load_catalogue
from qdsim.scenario.schema import Scenario

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ReplicateTask:
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


def run_task(task: ReplicateTask) -> tuple[int, np.ndarray, np.ndarray]:
    scenario = task.scenario
    params = ParameterSet(task.params, load_catalogue(task.region))
    seq = replicate_seeds(task.seed, task.n_replicates)[task.replicate]
    with_coop = simulate(scenario, params, seq, task.scale)
    without = simulate(scenario.counterfactual(), params, seq, task.scale)
    return task.replicate, with_coop, without


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


def run_replicates(tasks: list[ReplicateTask], workers: int, progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Run the tasks; return (scenario, counterfactual) arrays of shape (task, metric, year, county+1), in task order."""
    results: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    total = len(tasks)
    if workers <= 1 or total == 1:
        for i, task in enumerate(tasks):
            _, a, b = run_task(task)
            results[i] = (a, b)
            if progress:
                progress(i + 1, total, f"{i + 1}/{total}")
    else:
        pool = worker_pool(workers)
        try:
            futures = {pool.submit(run_task, t): i for i, t in enumerate(tasks)}
            for done, fut in enumerate(as_completed(futures), start=1):
                _, a, b = fut.result()
                results[futures[fut]] = (a, b)
                if progress:
                    progress(done, total, f"{done}/{total}")
        except BaseException:  # a failed task, a broken pool, an interrupt: do not keep the pool
            shutdown_pool()
            raise
    order = range(total)
    return np.stack([results[i][0] for i in order]), np.stack([results[i][1] for i in order])
