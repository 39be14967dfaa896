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
from qdsim.registry import ParameterSet, load_registry
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
    params = ParameterSet(task.params, load_registry(task.region))
    seq = replicate_seeds(task.seed, task.n_replicates)[task.replicate]
    with_coop = simulate(scenario, params, seq, task.scale)
    without = simulate(scenario.counterfactual(), params, seq, task.scale)
    return task.replicate, with_coop, without


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


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
        ctx = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=ctx) as pool:
            futures = {pool.submit(run_task, t): i for i, t in enumerate(tasks)}
            for done, fut in enumerate(as_completed(futures), start=1):
                _, a, b = fut.result()
                results[futures[fut]] = (a, b)
                if progress:
                    progress(done, total, f"{done}/{total}")
    order = range(total)
    return np.stack([results[i][0] for i in order]), np.stack([results[i][1] for i in order])
