"""The one library API that the command line, the batch runner and the app call.

>>> from qdsim.api import load_scenario, run
>>> result = run(load_scenario("scenarios/baseline.yaml"), replicates=2, scale=0.005)
>>> result.write("out/baseline")
"""

from __future__ import annotations

import ast
import numbers
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from qdsim import attribution, cost, snapshots
from qdsim.catalogue import ParameterSet, load_catalogue, parameters_for
from qdsim.cost import rank
from qdsim.errors import InputError
from qdsim.metrics import METRIC_IDS
from qdsim.provenance import planned_run_id, versions
from qdsim.result import RunResult
from qdsim.run_registry import RunStore
from qdsim.runner import Progress, SimulationTask, default_workers, run_simulations
from qdsim.scenario import Scenario, ScenarioError, load_scenario, loads_scenario, shipped
from qdsim.scenario.budget import move_funds
from qdsim.scenario.messages import input_error
from qdsim.scenario.ranges import RangeWarning, range_checks
from qdsim.summary import summarise
from qdsim.uncertainty import draw_parameter_sets, varied_parameters
from qdsim.validate import validate_file

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["VARIANTS", "InputError", "Paired", "RangeWarning", "RunResult", "Scenario", "ScenarioError", "assemble", "baseline", "baseline_for", "compare",
           "compare_cost", "load_scenario", "loads_scenario", "move_funds", "parameters_for", "plan", "range_checks", "rank", "Reused", "reuse_baseline", "run",
           "validate_file"]


def baseline() -> Scenario:
    """The shipped baseline: the cooperation as reported for 2021–2024, continued to 2030."""
    return load_scenario(shipped.baseline_file())


#: the kinds of simulation in a run; each task is one of them on one replicate (or one assumption draw)
VARIANTS = ("scenario", "counterfactual", "baseline", "draw", "draw_counterfactual", "draw_baseline")


def run(
    scenario: Scenario,
    *,
    replicates: int | None = None,
    seed: int | None = None,
    scale: float | None = None,
    workers: int | None = 1,
    assumption_draws: int | None = None,
    counterfactual: bool = True,
    baseline: Scenario | bool | None = None,
    registry: RunStore | None = None,
    progress: Progress | None = None,
    partial: Callable[[RunResult], None] | None = None,
    keep_states: bool = False,
    partial_every: float = 0.0,
) -> RunResult:
    """Run a scenario with its no-cooperation counterfactual and its baseline, all on common random numbers.

    Args:
        scenario: the scenario; ``replicates``, ``seed``, ``scale`` and
            ``assumption_draws`` left as None take its own values.
        workers: processes (1 by default: parallelism is the caller's choice;
            None: all cores, at most 8). The result never depends on it.
        counterfactual: False skips the no-cooperation runs (no impact columns).
        baseline: the scenario a what-if is compared with (``vs_baseline_*``);
            None: the one it ``extends:``, else the shipped baseline; False: none.
            A scenario that simulates like its baseline (the baseline itself)
            gets no comparison.
        registry: a run registry to reuse a finished baseline from (its
            replicates.parquet) instead of recomputing it; its counterfactual
            is reused too when the scenario's simulates alike (same conditions
            and overrides), so a what-if of levers simulates only itself.
        progress: called with (done, total, message) as simulations finish.
        partial: called, while the run goes on, with the result of its first
            k replicates each time k grows (2 ≤ k < replicates): exactly what
            a run with ``replicates=k`` gives (no assumption draws), so that a
            caller can show results that tighten as replicates finish.
        partial_every: at most one ``partial`` call every this many seconds
            (the first at once): a caller that draws at most so often saves
            the summaries it would not show.
        keep_states: keep, in this process's memory, each replicate's model
            state at the start of the year the scenario first differs from its
            baseline (a baseline: at 2026, where what-ifs start by default), so
            that later runs in this process that share every input up to that
            year go on from there instead of simulating those years again
            (:mod:`qdsim.snapshots`; for a process that runs many what-ifs,
            such as the app). Runs always go on from a state kept earlier when
            one fits; results are the same either way.

    With assumption draws, each draw is a parameter set from the assumptions'
    plausible ranges run on replicate 0's seed (see :mod:`qdsim.uncertainty`).

    Raises:
        InputError: an argument it cannot take (not a Scenario, a setting of
            the wrong type or out of range, ``workers`` < 1), or ``workers`` > 1
            at the top of a script without the ``__main__`` guard; nothing runs.
    """
    scenario, workers = _checked(scenario, replicates=replicates, seed=seed, scale=scale, assumption_draws=assumption_draws, workers=workers,
                                 counterfactual=counterfactual, baseline=baseline)
    if workers > 1:
        main_guard()
    started = time.perf_counter()
    base = baseline_for(scenario, baseline)
    reused = reuse_baseline(registry, base) if base is not None else None
    known = {}  # variant -> replicate values already in the registry
    if reused is not None:
        known["baseline"] = reused.values
        if counterfactual and reused.without is not None and scenario.counterfactual().simulation_sha() == base.counterfactual().simulation_sha():
            known["counterfactual"] = reused.without
    tasks = plan(scenario, counterfactual=counterfactual and "counterfactual" not in known, baseline=base if reused is None else None,
                 draws_against=base, keep_states=keep_states)
    watch = _Prefix(scenario, base, tasks, known, partial, counterfactual, partial_every) if partial is not None else None
    arrays = run_simulations([t for _, _, t in tasks], workers, progress, finished=watch)
    parts = {v: np.stack([a for (kind, _, _), a in zip(tasks, arrays, strict=True) if kind == v])
             for v in VARIANTS if any(kind == v for kind, _, _ in tasks)} | known
    assumptions = (parts["draw"], parts.get("draw_counterfactual"), parts.get("draw_baseline")) if "draw" in parts else None
    paired = Paired(base, planned_run_id(base), parts["baseline"], reused.out_dir if reused else None) if base is not None else None
    return assemble(scenario, parts["scenario"], parts.get("counterfactual"), seconds=time.perf_counter() - started, workers=workers,
                    assumptions=assumptions, baseline=paired)


def _checked(scenario: Scenario, *, workers: int | None, counterfactual: bool, baseline: Scenario | bool | None,
             **settings: int | float | None) -> tuple[Scenario, int]:
    """The scenario with the run's settings, and the number of workers; InputError for anything run() cannot take (nothing runs)."""
    if not isinstance(scenario, Scenario):
        hint = " (load it first: qdsim.load(name or file))" if isinstance(scenario, str) else ""
        raise input_error(f"expected a Scenario, got {type(scenario).__name__}{hint}", path="scenario", field="scenario")
    if not isinstance(counterfactual, bool):
        raise input_error(f"expected True or False, got {counterfactual!r}", path="counterfactual", field="counterfactual")
    if baseline is not None and not isinstance(baseline, (bool, Scenario)) or baseline is True:
        raise input_error(f"expected a Scenario, None or False, got {baseline!r}", path="baseline", field="baseline")
    for k, v in settings.items():
        wanted = numbers.Real if k == "scale" else numbers.Integral
        if v is not None and (isinstance(v, bool) or not isinstance(v, wanted)):
            raise input_error(f"expected {'a number' if k == 'scale' else 'a whole number'}, got {v!r}", path=k, field=k)
    updates = {k: v for k, v in settings.items() if v is not None}
    if updates:
        scenario = scenario.with_settings(**updates)
    if workers is None:
        return scenario, default_workers()
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
        raise input_error(f"expected a whole number of at least 1 (or None: all cores), got {workers!r}", path="workers", field="workers")
    return scenario, int(workers)


def main_guard() -> None:
    """Raise InputError, before any process starts, when a run with workers > 1 is called at the top of a script without the ``__main__`` guard.

    Worker processes start by importing the script that started Python (the
    forkserver preloads ``__main__``): a call at its top level would run
    again in every worker, which Python stops with a BrokenProcessPool. The
    fix is ``if __name__ == "__main__":`` around the call, or ``workers=1``.
    Interactive sessions, notebooks, ``python -c`` and code under the guard
    (or in a function called from under it) pass.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path or not str(path).endswith(".py"):
        return
    frame = sys._getframe(1)
    while frame is not None and not (frame.f_globals is main.__dict__ and frame.f_code.co_name == "<module>"):
        frame = frame.f_back
    if frame is None:
        return
    line = frame.f_lineno
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) and "__name__" in ast.unparse(node.test):
            if node.body[0].lineno <= line <= (node.body[-1].end_lineno or line):
                return
    raise input_error(
        f"workers > 1 at the top level of {Path(path).name} (line {line}) without the __main__ guard: worker processes import the script "
        "again and would run it from the top. Put the call under `if __name__ == \"__main__\":` (see docs/api.md), or pass workers=1",
        path=f"{path}:{line}", field="workers")


class _Prefix:
    """Hands ``partial`` the run of the first k replicates each time k grows (2 ≤ k < n) as simulations finish."""

    def __init__(self, scenario: Scenario, base: Scenario | None, tasks: list, known: dict[str, np.ndarray],
                 partial: Callable[[RunResult], None], counterfactual: bool, every: float = 0.0):
        self.scenario, self.base, self.tasks, self.known, self.partial = scenario, base, tasks, known, partial
        self.every, self.last = every, -float("inf")
        self.needed = [v for v in ("scenario", "counterfactual", "baseline") if v != "counterfactual" or counterfactual]
        if base is None:
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
        if 2 <= k < n and time.perf_counter() - self.last >= self.every:
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


@dataclass(frozen=True)
class Paired:
    """The baseline a run is compared with: its scenario, run ID and replicate values (and where they were reused from)."""

    scenario: Scenario
    run_id: str
    values: np.ndarray  # (replicate, metric, year, county+all)
    reused_from: str | None = None


def baseline_for(scenario: Scenario, baseline: Scenario | bool | None = None) -> Scenario | None:
    """The baseline a scenario is paired with, at the scenario's seed, replicates and scale; None when there is none.

    ``baseline`` as in :func:`run`. None also when the scenario simulates like
    the baseline (it is the baseline) or covers other years.
    """
    if baseline is False:
        return None
    base = baseline if isinstance(baseline, Scenario) else (scenario._base or load_scenario(shipped.baseline_file()))
    base = base.with_settings(seed=scenario.seed, replicates=scenario.replicates, scale=scenario.scale, assumption_draws=0)
    if base.period != scenario.period or base.region != scenario.region or base.simulation_sha() == scenario.simulation_sha():
        return None
    return base


class Reused(NamedTuple):
    """A finished baseline run found in the registry."""

    values: np.ndarray  # its replicate values (replicate, metric, year, county+all)
    out_dir: str
    without: np.ndarray | None  # its counterfactual's, if it ran one


def reuse_baseline(registry: RunStore | None, base: Scenario) -> Reused | None:
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
    assumptions (:mod:`qdsim.attribution`).

    One task is one simulation, so that the scenario, counterfactual and
    baseline of a replicate spread across workers. Each task carries its own
    seed and parameters, so it gives the same result wherever and whenever it
    runs; :func:`run` and the batch runner both use it.

    ``keep_states``: the scenario's and the counterfactual's tasks keep their state at the start
    of the first year they differ from the baseline's (``draws_against``) and its counterfactual's
    (a scenario with no baseline: at :data:`qdsim.snapshots.DEFAULT_YEAR`); see :mod:`qdsim.snapshots`.
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


def assemble(
    scenario: Scenario,
    with_coop: np.ndarray,
    without: np.ndarray | None,
    *,
    seconds: float,
    workers: int,
    assumptions: tuple[np.ndarray, ...] | None = None,
    baseline: Paired | None = None,
) -> RunResult:
    """A RunResult from the replicate arrays of a scenario, its counterfactual (None: skipped) and its baseline.

    What :func:`run` does once the simulations are computed; the batch runner,
    which computes them on its own executors, calls it too, so that its
    outputs are byte-identical to ``qdsim run``'s.
    """
    params = parameters_for(scenario)
    years = scenario.period.years
    county_ids = ["all"] + [c["id"] for c in load_catalogue(scenario.region).counties]
    summary = summarise(scenario.id, with_coop, without, years, county_ids, assumptions=assumptions,
                        baseline=baseline.values if baseline is not None else None)
    attributed = None
    if assumptions is not None and len(assumptions) > 2 and assumptions[2] is not None:
        names = varied_parameters(params, set(scenario.overrides))
        draws = draw_parameter_sets(params, scenario.assumption_draws, scenario.seed, fixed=set(scenario.overrides))
        x = np.array([[getattr(d, k) for k in names] for d in draws])
        attributed = attribution.table(assumptions[0], assumptions[2], x, names, METRIC_IDS, years, params.catalogue, seed=scenario.seed)
    rid = planned_run_id(scenario)
    spent = cost.report(scenario, with_coop, without=without, baseline=None if baseline is None else (baseline.scenario, baseline.values))
    manifest = build_manifest(scenario, params, rid, seconds, workers, counterfactual=without is not None, baseline=baseline, spent=spent)
    return RunResult(scenario, params, rid, years, county_ids, with_coop, without, manifest, summary,
                     baseline=baseline.values if baseline is not None else None, cost=spent, attribution=attributed)


def compare(a: RunResult, b: RunResult) -> pd.DataFrame:
    """Scenario ``a`` against scenario ``b``, replicate by replicate on their common random numbers.

    For the compare page and its CSV: one row per (metric, county, year) with
    ``diff_mean``, ``diff_p05, diff_p95`` — the spread: percentiles of the
    per-replicate differences a − b, as ``vs_baseline_p05/p95`` are — and
    ``diff_mean_ci05, diff_mean_ci95``, the 90% confidence interval of the
    mean difference (see :mod:`qdsim.summary`). Both runs must share seed,
    replicates, scale and period (else the pairing would be meaningless).

    Raises:
        InputError: the runs are not on the same random numbers.
    """
    _same_numbers(a, b)
    sa, sb = a.scenario, b.scenario
    df = summarise(sa.id, a.with_coop, None, a.years, a.county_ids, baseline=b.with_coop)
    out = df[["metric", "county", "year", "unit", "vs_baseline_mean", "vs_baseline_p05", "vs_baseline_p95", "vs_baseline_mean_ci05",
              "vs_baseline_mean_ci95"]]
    out = out.rename(columns=lambda c: c.replace("vs_baseline_", "diff_"))
    return out.assign(scenario=sa.id, versus=sb.id)[["scenario", "versus", *out.columns]]


def compare_cost(a: RunResult, b: RunResult) -> cost.Comparison:
    """Scenario ``a``'s spending and results per unit of money against scenario ``b``'s (as a what-if against its baseline).

    The window starts in the first year ``a``'s levers differ from ``b``'s; see
    :mod:`qdsim.cost` for the definitions and signs.

    Raises:
        InputError: the runs are not on the same random numbers.
    """
    _same_numbers(a, b)
    return cost.against_baseline(a.scenario, a.with_coop, b.scenario, b.with_coop)


def _same_numbers(a: RunResult, b: RunResult) -> None:
    sa, sb = a.scenario, b.scenario
    if (sa.seed, sa.replicates, sa.scale, sa.period) != (sb.seed, sb.replicates, sb.scale, sb.period):
        raise input_error(f"{sa.id} and {sb.id} are not on the same random numbers: give both the same seed, replicates, scale and period",
                          path=f"{sa.id} vs {sb.id}", field="seed, replicates, scale, period")


def build_manifest(scenario: Scenario, params: ParameterSet, rid: str, seconds: float, workers: int, *,
                   counterfactual: bool = True, baseline: Paired | None = None, spent: cost.CostReport | None = None) -> dict:
    """The run's provenance: what was run, with what, on which seeds, compared with what, and what its money bought."""
    reg = params.catalogue
    checks = range_checks(scenario)
    figures_used = [
        {
            "id": f.id,
            "value": f.value,
            "unit": f.unit,
            "period": f.period,
            "kind": f.kind,
            "source": reg.sources[f.source].__dict__,
        }
        for f in reg.figures.values()
        if f.kind in ("input", "target", "structure", "validation")
    ]
    return {
        "run_id": rid,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **{f"{k}_version" if k not in ("commit",) else k: v for k, v in versions().items()},
        "scenario": scenario.model_dump(mode="json"),
        "scenario_sha256": scenario.sha256(),
        "counterfactual": ("the same scenario with every cooperation lever at zero from the first year (conditions and overrides kept)"
                           if counterfactual else None),
        "baseline": None if baseline is None else {
            "scenario_id": baseline.scenario.id, "scenario_sha256": baseline.scenario.sha256(), "run_id": baseline.run_id,
            "reused_from": baseline.reused_from,
            "pairing": "vs_baseline_* summarise the per-replicate differences scenario − baseline on the same seeds (common random numbers): "
                       "_p05/_p95 their spread, _mean_ci05/_mean_ci95 the 90% confidence interval of their mean",
        },
        "cost_effectiveness": None if spent is None else spent.to_dict(),
        "parameters": params.provenance(),
        "parameters_sha256": params.sha256(),
        "calibration": reg.calibration.get("provenance", {}),
        "warnings": [w.message("both") for w in checks],
        "range_warnings": [asdict(w) for w in checks],
        "seed": scenario.seed,
        "seeds": {"root": scenario.seed,
                  "replicates": f"SeedSequence({scenario.seed}).spawn({scenario.replicates}); one child per replicate, shared by scenario and counterfactual"},
        "replicates": scenario.replicates,
        "scale": scenario.scale,
        "interval_method": (
            "chance (p05, p95, impact_p05, impact_p95, vs_baseline_p05, vs_baseline_p95): 5th and 95th percentiles across replicates "
            "with different seeds; for a difference, percentiles of the paired per-replicate differences (common random numbers): the "
            "spread, the chance variation of one world. The 'within chance' rule reads this spread. "
            "Confidence of the mean difference (impact_mean_ci05/ci95, vs_baseline_mean_ci05/ci95): the 90% t-interval "
            "mean ± t(0.95, n-1)·sd/√n over the n replicates: how precisely the average effect is known. "
            "assumptions (assumption_p05, assumption_p95, impact_assumption_p05, impact_assumption_p95): percentiles across "
            "parameter sets drawn by Latin hypercube from the plausible ranges of the parameters with status 'assumption', "
            "all on replicate 0's seed"
        ),
        "assumption_draws": scenario.assumption_draws,
        "assumption_parameters": varied_parameters(params, set(scenario.overrides)) if scenario.assumption_draws else [],
        "sources": figures_used,
        "workers": workers,
        "seconds": round(seconds, 2),
        "rerun": (
            f"qdsim run scenario.yaml --replicates {scenario.replicates} --seed {scenario.seed} --scale {scenario.scale}"
            + (f" --assumptions {scenario.assumption_draws}" if scenario.assumption_draws else "")
        ),
    }
