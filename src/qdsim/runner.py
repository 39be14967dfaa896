"""Run simulations — one scenario on one replicate's seed each — on one or more processes.

Replicate ``r`` of a run always uses the ``r``-th child of the run's
``SeedSequence``; a scenario, its counterfactual and its baseline use the
same child (common random numbers) in three separate tasks, so that they can
be spread across workers, and results do not depend on how many workers ran
them or in which order they finished.

They also start from the same synthetic population (the same parameters,
seed, replicate and scale), built once for the tasks that run one after the
other in a process (:func:`each_result`); a parallel run hands a worker the
tasks of one replicate together when there are replicates enough to keep
every worker busy, so that the counterfactual and the baseline start from
the scenario's population instead of building it again.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

from qdsim import pool
from qdsim.catalogue import ParameterSet, load_catalogue, parameters_for
from qdsim.derive import derive
from qdsim.model.model import DingxiModel
from qdsim.model.population import Population, build_population
from qdsim.model.streams import replicate_seeds, spawn_streams
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

    @property
    def population_key(self) -> tuple:
        """What the task's synthetic population depends on: tasks with the same key start from the same one."""
        return (self.region, self.seed, self.replicate, self.scale, tuple(sorted(self.params.items())))


def simulate(scenario: Scenario, params: ParameterSet, seq: np.random.SeedSequence, scale: float,
             population: Population | None = None) -> np.ndarray:
    """One replicate of one scenario: the metrics array (metric, year, county+all).

    ``population``: the replicate's population when already built (see :class:`DingxiModel`).
    """
    keep_freed_memory()
    model = DingxiModel(scenario=scenario, params=params, seed_sequence=seq, scale=scale, population=population)
    book = model.run()
    model.funds.check_conservation()
    return derive(book.array(), model.n_counties)


#: glibc's mallopt parameters
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


@functools.cache
def keep_freed_memory() -> bool:
    """Let the C allocator reuse the memory a simulation frees instead of returning it to the system.

    A month allocates and frees arrays of 1–30 MB over the workers; by default glibc maps each afresh
    and returns it when freed, so every month faults its pages in again (at full scale ~70,000 page
    faults, ~0.3 s of a 4 s simulation). Fixing the mmap threshold at 32 MiB (its maximum: larger
    arrays are still mapped) and trimming the heap only above 1 GiB keeps them; the peak memory is
    the same. Allocation only: results do not change. True if applied (glibc on Linux), else False.
    """
    if not sys.platform.startswith("linux"):
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)) and bool(mallopt(_M_TRIM_THRESHOLD, 2**30))


def run_task(task: SimulationTask, population: Population | None = None) -> np.ndarray:
    """The metrics array of one simulation (``population``: the replicate's, when already built)."""
    params, seq = _inputs(task)
    return simulate(task.scenario, params, seq, task.scale, population)


def run_tasks(tasks: list[SimulationTask]) -> list[np.ndarray]:
    """Several tasks one after the other in this process (see :func:`each_result`)."""
    return list(each_result(tasks))


def each_result(tasks: list[SimulationTask]) -> Iterator[np.ndarray]:
    """The tasks' arrays in order; tasks that start from the same population (a replicate's
    scenario, counterfactual and baseline) build it once, and it is dropped after the last of them."""
    left = Counter(t.population_key for t in tasks)
    shared: dict[tuple, Population] = {}
    for task in tasks:
        key = task.population_key
        if left[key] > 1 and key not in shared:
            params, seq = _inputs(task)
            shared[key] = build_population(load_catalogue(task.region).counties, params, task.scale, spawn_streams(seq)["population"])
        yield run_task(task, shared.get(key))  # the model copies it
        left[key] -= 1
        if not left[key]:
            shared.pop(key, None)


def _inputs(task: SimulationTask) -> tuple[ParameterSet, np.random.SeedSequence]:
    return ParameterSet(task.params, load_catalogue(task.region)), replicate_seeds(task.seed, task.n_replicates)[task.replicate]


def warm_up() -> None:
    """Load what every simulation needs once: the modules, the catalogue, the compiled kernels
    (by running the shipped baseline on a few hundred households)."""
    from qdsim.scenario import load_scenario, shipped

    scenario = load_scenario(shipped.baseline_file())
    simulate(scenario, parameters_for(scenario), np.random.SeedSequence(0), 0.0005)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


_pool: tuple[int, int, ProcessPoolExecutor] | None = None  # (owner pid, size, pool) kept between runs


def worker_pool(size: int) -> ProcessPoolExecutor:
    """A pool of ``size`` worker processes, kept for the next run.

    Starting a worker costs seconds (importing Mesa, SciPy and pandas, reading
    the region's catalogue, loading the compiled kernels) — as long as a small
    run itself. So the pool stays up between runs of this process (the app
    runs many), and its processes fork from a server that did all that once
    (:mod:`qdsim.pool`). A pool of another size replaces it.
    """
    global _pool
    if _pool is not None and _pool[:2] == (os.getpid(), size):
        return _pool[2]
    shutdown_pool()
    _pool = (os.getpid(), size, ProcessPoolExecutor(max_workers=size, mp_context=pool.context()))
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

    def done(i: int, values: np.ndarray) -> None:
        results[i] = values
        if finished:
            finished(i, values)
        if progress:
            progress(len(results), total, f"{len(results)}/{total}")

    if workers <= 1 or total == 1:
        for i, values in enumerate(each_result(tasks)):
            done(i, values)
    else:
        executor = worker_pool(workers)
        try:
            futures = {executor.submit(run_tasks, [tasks[i] for i in job]): job for job in jobs(tasks, workers)}
            for fut in as_completed(futures):
                for i, values in zip(futures[fut], fut.result(), strict=True):
                    done(i, values)
        except BaseException:  # a failed task, a broken pool, an interrupt: do not keep the pool
            shutdown_pool()
            raise
    return np.stack([results[i] for i in range(total)])


def jobs(tasks: list[SimulationTask], workers: int) -> list[list[int]]:
    """Task indices in the groups a worker runs together.

    The tasks that share a population (a replicate's scenario, counterfactual
    and baseline) go together when there are at least as many such groups as
    workers; otherwise every task alone, so that no worker idles (each
    process then builds the population it needs, at the same time as the others).
    """
    groups: dict[tuple, list[int]] = {}
    for i, t in enumerate(tasks):
        groups.setdefault(t.population_key, []).append(i)
    if len(groups) >= workers:
        return list(groups.values())
    return [[i] for i in range(len(tasks))]
