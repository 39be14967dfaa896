"""Plan: a run → its simulations (:class:`~qdsim.simulation.runner.SimulationTask`), and what it is compared with.

The first step of the run pipeline (:mod:`qdsim.pipeline`). :func:`prepare`
pairs a scenario with its baseline (:func:`baseline_for`), takes what a run
registry already holds of that baseline (:func:`reuse_baseline`), and lists
the simulations still to compute (:func:`plan`); the :class:`Plan` it returns
assembles their arrays into the run's result.

The registry is handed in by the caller (the command line, the app, the batch
engine): anything with a ``servable(run_id)`` method (:class:`Registry`);
nothing here imports :mod:`qdsim.registry.store`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np

from qdsim.foundation.catalogue import ParameterSet, parameters_for
from qdsim.pipeline.assembly import Paired, assemble
from qdsim.results.provenance import RunIdentity, planned_run_id
from qdsim.results.result import RunResult
from qdsim.results.uncertainty import draw_parameter_sets
from qdsim.scenario import Scenario, load_scenario, shipped
from qdsim.simulation import snapshots
from qdsim.simulation.runner import SimulationTask

#: the kinds of simulation in a run; each task is one of them on one replicate (or one assumption draw)
VARIANTS = ("scenario", "counterfactual", "baseline", "draw", "draw_counterfactual", "draw_baseline")


class Registry(Protocol):
    """Where finished runs are found: :class:`qdsim.registry.store.RunStore` is one (handed in, never imported here)."""

    def servable(self, run_id: str) -> dict | None:
        """The record (with its ``out_dir``) of a finished run that may be reused, or None."""


@dataclass(frozen=True)
class Plan:
    """A run's simulations still to compute, and what it already has: one path for ``api.run`` and the batch engine.

    ``tasks``: ``(variant, index, task)`` as :func:`plan` lists them.
    ``known``: replicate arrays by variant found finished in a registry (a
    reused baseline, and its counterfactual when the scenario's simulates
    alike), which are not computed again.
    """

    scenario: Scenario
    tasks: list[tuple[str, int, SimulationTask]]
    baseline: Scenario | None = None  # the paired baseline (None: none)
    known: dict[str, np.ndarray] = field(default_factory=dict)
    reused_from: str | None = None  # the folder a reused baseline was read from
    counterfactual: bool = True

    @property
    def identity(self) -> RunIdentity:
        """The run's ID and the inputs it is made of (:class:`qdsim.results.provenance.RunIdentity`)."""
        return RunIdentity.of(self.scenario)

    @property
    def simulations(self) -> list[SimulationTask]:
        return [t for _, _, t in self.tasks]

    def parts(self, values: Mapping[tuple[str, int], np.ndarray]) -> dict[str, np.ndarray]:
        """The replicate arrays by variant: the computed ``values`` (by ``(variant, index)``) stacked, and the known ones."""
        counts: dict[str, int] = {}
        for v, i, _ in self.tasks:
            counts[v] = max(counts.get(v, 0), i + 1)
        return {v: np.stack([values[v, i] for i in range(counts[v])]) for v in VARIANTS if v in counts} | self.known

    def assemble(self, values: Mapping[tuple[str, int], np.ndarray], *, seconds: float, workers: int) -> RunResult:
        """The run's result from its simulations' arrays by ``(variant, index)`` (:func:`qdsim.pipeline.assembly.assemble`)."""
        parts = self.parts(values)
        assumptions = (parts["draw"], parts.get("draw_counterfactual"), parts.get("draw_baseline")) if "draw" in parts else None
        base = self.baseline
        paired = Paired(base, planned_run_id(base), parts["baseline"], self.reused_from) if base is not None else None
        return assemble(self.scenario, parts["scenario"], parts.get("counterfactual"), seconds=seconds,
                        workers=workers, assumptions=assumptions, baseline=paired)


def prepare(scenario: Scenario, *, counterfactual: bool = True, baseline: Scenario | bool | None = None,
            registry: Registry | None = None, keep_states: bool = False) -> Plan:
    """The plan of a run of ``scenario``: its simulations, paired with its baseline, reusing what ``registry`` holds of that baseline.

    ``baseline`` as in :func:`qdsim.api.run` (None: the one it extends, else the
    shipped baseline; False: none). A finished run of the baseline in
    ``registry`` (same seed, replicates, scale and code) is reused instead of
    computed, and so is its counterfactual when the scenario's simulates alike
    (same conditions and overrides). ``keep_states`` as in :func:`plan`.
    """
    base = baseline_for(scenario, baseline)
    reused = reuse_baseline(registry, base) if base is not None else None
    known: dict[str, np.ndarray] = {}
    if reused is not None:
        known["baseline"] = reused.values
        if counterfactual and reused.without is not None and scenario.counterfactual().simulation_sha() == base.counterfactual().simulation_sha():
            known["counterfactual"] = reused.without
    tasks = plan(scenario, counterfactual=counterfactual and "counterfactual" not in known, baseline=base if reused is None else None,
                 draws_against=base, keep_states=keep_states)
    return Plan(scenario, tasks, base, known, reused.out_dir if reused is not None else None, counterfactual)


_shipped: dict[tuple[str, int, int], Scenario] = {}


def shipped_baseline() -> Scenario:
    """The shipped baseline file, parsed again only when the file changes (every what-if is paired with it; only
    ``with_settings`` copies of it leave here, so nobody changes the one kept)."""
    path = shipped.baseline_file()
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    found = _shipped.get(key)
    if found is None:
        _shipped.clear()
        found = _shipped[key] = load_scenario(path)
    return found


def baseline_for(scenario: Scenario, baseline: Scenario | bool | None = None) -> Scenario | None:
    """The baseline a scenario is paired with, at the scenario's seed, replicates and scale; None when there is none.

    ``baseline`` as in :func:`run`. None also when the scenario simulates like
    the baseline (it is the baseline) or covers other years.
    """
    if baseline is False:
        return None
    base = baseline if isinstance(baseline, Scenario) else (scenario._base or shipped_baseline())
    base = base.with_settings(seed=scenario.seed, replicates=scenario.replicates, scale=scenario.scale, assumption_draws=0)
    if base.period != scenario.period or base.region != scenario.region or base.simulation_sha() == scenario.simulation_sha():
        return None
    return base


class Reused(NamedTuple):
    """A finished baseline run found in the registry."""

    values: np.ndarray  # its replicate values (replicate, metric, year, county+all)
    out_dir: str
    without: np.ndarray | None  # its counterfactual's, if it ran one


def reuse_baseline(registry: Registry | None, base: Scenario) -> Reused | None:
    """A finished run of ``base`` (same seed, replicates, scale and code) in the registry: its replicate values, folder and counterfactual."""
    if registry is None:
        return None
    rec = registry.servable(planned_run_id(base))
    if rec is None:
        return None
    return _read_reused(rec["out_dir"])


_reused: OrderedDict[tuple, Reused] = OrderedDict()
_reused_lock = threading.Lock()


def _read_reused(out_dir: str) -> Reused:
    """A baseline's arrays read from its folder, kept in memory for the next what-if (read-only; read again if its files change)."""
    d = Path(out_dir)
    try:
        stamp = tuple((st.st_mtime_ns, st.st_size) for st in (d.joinpath(f).stat() for f in ("manifest.json", "replicates.parquet")))
    except OSError:
        stamp = None
    key = (str(d.resolve()), stamp)
    with _reused_lock:
        hit = _reused.get(key) if stamp is not None else None
        if hit is not None:
            _reused.move_to_end(key)
            return hit
    found = RunResult.read(out_dir)
    for a in (found.with_coop, found.without):
        if a is not None:
            a.setflags(write=False)
    got = Reused(found.with_coop, out_dir, found.without)
    if stamp is not None:
        with _reused_lock:
            _reused[key] = got
            while len(_reused) > 8:
                _reused.popitem(last=False)
    return got


def plan(scenario: Scenario, *, counterfactual: bool = True, baseline: Scenario | None = None,
         draws_against: Scenario | None = None, keep_states: bool = False) -> list[tuple[str, int, SimulationTask]]:
    """The simulations of a run, each ``(variant, index, task)``: per replicate the scenario, its counterfactual and its baseline, then the assumption draws.

    ``draws_against``: the baseline the assumption draws are compared with; each draw runs it too, under the
    same parameter set (its own overrides kept), so that the difference from it can be attributed to the
    assumptions (:mod:`qdsim.results.attribution`).

    One task is one simulation, so that the scenario, counterfactual and
    baseline of a replicate spread across workers. Each task carries its own
    seed and parameters, so it gives the same result wherever and whenever it
    runs; :func:`prepare` uses it for ``api.run`` and the batch engine.

    ``keep_states``: the scenario's and the counterfactual's tasks keep their state at the start
    of the first year they differ from the baseline's (``draws_against``) and its counterfactual's
    (a scenario with no baseline: at :data:`qdsim.simulation.snapshots.DEFAULT_YEAR`); see :mod:`qdsim.simulation.snapshots`.
    """
    params = parameters_for(scenario)
    cf = scenario.counterfactual()
    n = scenario.replicates
    keep = _keep_years(scenario, params, draws_against) if keep_states else {}

    def task(s: Scenario, p: ParameterSet, r: int, of: int, keep_at: tuple[int, ...] = ()) -> SimulationTask:
        return SimulationTask(s, p.as_dict(), s.region, scenario.seed, r, of, scenario.scale, keep_at)

    tasks: list[tuple[str, int, SimulationTask]] = []
    for r in range(n):
        tasks.append(("scenario", r, task(scenario, params, r, n, keep.get("scenario", ()))))
        if counterfactual:
            tasks.append(("counterfactual", r, task(cf, params, r, n, keep.get("counterfactual", ()))))
        if baseline is not None:
            tasks.append(("baseline", r, task(baseline, parameters_for(baseline), r, n)))
    draws = draw_parameter_sets(params, scenario.assumption_draws, scenario.seed, fixed=set(scenario.overrides))
    base_params = parameters_for(draws_against) if draws_against is not None else None
    for i, d in enumerate(draws):
        tasks.append(("draw", i, task(scenario, d, 0, 1)))
        if counterfactual:
            tasks.append(("draw_counterfactual", i, task(cf, d, 0, 1)))
        if draws_against is not None:
            own = {k: getattr(base_params, k) for k in scenario.overrides}  # the scenario's overrides are not the baseline's
            tasks.append(("draw_baseline", i, task(draws_against, d.with_overrides(own) if own else d, 0, 1)))
    return tasks


def _keep_years(scenario: Scenario, params: ParameterSet, reference: Scenario | None) -> dict[str, tuple[int, ...]]:
    """The year indices at which a run's scenario and counterfactual tasks keep their states (:func:`plan`'s ``keep_states``)."""
    n = len(scenario.period.years)
    if reference is None or reference.period != scenario.period:
        y, y_cf = snapshots.default_index(scenario), 0
    elif parameters_for(reference).as_dict() != params.as_dict():  # other parameters: no year in common
        return {}
    else:
        y, y_cf = snapshots.change_index(scenario, reference), snapshots.change_index(scenario.counterfactual(), reference.counterfactual())
    return {"scenario": (y,) if 0 < y < n else (), "counterfactual": (y_cf,) if 0 < y_cf < n else ()}


