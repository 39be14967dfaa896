"""Execute: a plan's simulations → their arrays, on this process or the shared worker pool.

The middle step of the run pipeline (:mod:`qdsim.pipeline`) for ``api.run``
and the app (the batch engine executes a plan's tasks on its own executors,
:mod:`qdsim.batch.executors`, which run the same :func:`qdsim.simulation.runner.run_task`).
Calibration evaluates one simulation at a time at given parameter values
(:func:`simulate_at`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import numpy as np

from qdsim.foundation.catalogue import parameters_for
from qdsim.pipeline.assembly import Paired, assemble
from qdsim.pipeline.planner import Plan
from qdsim.results.provenance import planned_run_id
from qdsim.results.result import RunResult
from qdsim.simulation.runner import Progress, run_simulations, simulate


def execute(plan: Plan, workers: int, progress: Progress | None = None, *, partial: Callable[[RunResult], None] | None = None,
            partial_every: float = 0.0, partial_wanted: Callable[[], bool] | None = None) -> dict[tuple[str, int], np.ndarray]:
    """The plan's simulations computed: their arrays by ``(variant, index)``.

    ``workers``, ``progress``: as :func:`qdsim.simulation.runner.run_simulations`.
    ``partial``, ``partial_every``, ``partial_wanted``: as :func:`qdsim.api.run` (results of the
    first replicates while the rest still run).
    """
    watch = _Prefix(plan, partial, partial_every, partial_wanted) if partial is not None else None
    arrays = run_simulations(plan.simulations, workers, progress, finished=watch)
    return {(v, i): a for (v, i, _), a in zip(plan.tasks, arrays, strict=True)}


def simulate_at(scenario, values: Mapping[str, float], seq: np.random.SeedSequence, scale: float) -> np.ndarray:
    """One simulation of ``scenario`` with the parameter ``values`` (over its own overrides) on the seed sequence ``seq``.

    Calibration's evaluation: a parameter set proposed by its sampler, on a
    seed sequence of its own; the metrics array as :func:`qdsim.simulation.runner.simulate` gives it.
    """
    return simulate(scenario, parameters_for(scenario).with_overrides(dict(values)), seq, scale)


class _Prefix:
    """Hands ``partial`` the run of the first k replicates each time k grows (2 ≤ k < n) as simulations finish."""

    def __init__(self, plan: Plan, partial: Callable[[RunResult], None], every: float = 0.0, wanted: Callable[[], bool] | None = None):
        self.scenario, self.base, self.tasks, self.known, self.partial = plan.scenario, plan.baseline, plan.tasks, plan.known, partial
        self.every, self.last, self.wanted = every, -float("inf"), wanted
        self.needed = [v for v in ("scenario", "counterfactual", "baseline") if v != "counterfactual" or plan.counterfactual]
        if self.base is None:
            self.needed.remove("baseline")
        self.got: dict[tuple[str, int], np.ndarray] = {}
        self.k = 0
        self.started = time.perf_counter()

    def __call__(self, i: int, values: np.ndarray) -> None:
        variant, r, _ = self.tasks[i]
        if variant not in ("scenario", "counterfactual", "baseline"):
            return
        self.got[variant, r] = values
        n = self.scenario.replicates
        k = self.k
        while k < n and all(v in self.known or (v, k) in self.got for v in self.needed):
            k += 1
        if k == self.k:
            return
        self.k = k
        if 2 <= k < n and time.perf_counter() - self.last >= self.every and (self.wanted is None or self.wanted()):
            self.last = time.perf_counter()
            self.partial(self._result(k))

    def _result(self, k: int) -> RunResult:
        def first(v: str) -> np.ndarray:
            return self.known[v][:k] if v in self.known else np.stack([self.got[v, r] for r in range(k)])

        scenario = self.scenario.with_settings(replicates=k, assumption_draws=0)
        paired = None
        if self.base is not None:
            base = self.base.with_settings(replicates=k)
            paired = Paired(base, planned_run_id(base), first("baseline"))
        return assemble(scenario, first("scenario"), first("counterfactual") if "counterfactual" in self.needed else None,
                        seconds=time.perf_counter() - self.started, workers=0, baseline=paired)
