"""The one library API that the command line, the batch runner and the app call.

``run`` is the run pipeline (:mod:`qdsim.pipeline`: plan → execute →
assemble) with its arguments checked; the rest is loading, comparing and
ranking. The run registry is handed in (``registry=``), never imported here.

>>> from qdsim.api import load_scenario, run
>>> result = run(load_scenario("scenarios/baseline.yaml"), replicates=2, scale=0.005)
>>> result.write("out/baseline")
"""

from __future__ import annotations

import ast
import numbers
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qdsim.foundation.catalogue import parameters_for
from qdsim.foundation.errors import InputError
from qdsim.pipeline import VARIANTS, Paired, Registry, Reused, assemble, baseline_for, execute, plan, prepare, reuse_baseline
from qdsim.results import cost
from qdsim.results.cost import rank
from qdsim.results.result import RunResult
from qdsim.results.summary import summarise
from qdsim.scenario import Scenario, ScenarioError, load_scenario, loads_scenario, shipped
from qdsim.scenario.budget import move_funds
from qdsim.scenario.messages import input_error
from qdsim.scenario.ranges import RangeWarning, range_checks
from qdsim.simulation.runner import Progress, default_workers
from qdsim.validate import validate_file

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["VARIANTS", "InputError", "Paired", "RangeWarning", "RunResult", "Scenario", "ScenarioError", "assemble", "baseline", "baseline_for", "compare",
           "compare_cost", "execute", "load_scenario", "loads_scenario", "move_funds", "parameters_for", "plan", "prepare", "range_checks", "rank",
           "Registry", "Reused", "reuse_baseline", "run", "validate_file"]


def baseline() -> Scenario:
    """The shipped baseline: the cooperation as reported for 2021–2024, continued to 2030."""
    return load_scenario(shipped.baseline_file())


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
    registry: Registry | None = None,
    progress: Progress | None = None,
    partial: Callable[[RunResult], None] | None = None,
    keep_states: bool = False,
    partial_every: float = 0.0,
    partial_wanted: Callable[[], bool] | None = None,
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
            replicates.parquet) instead of recomputing it, handed in by the
            caller (a :class:`qdsim.registry.store.RunStore`, or anything with
            ``servable(run_id)``; recording the run is the caller's); its counterfactual
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
        partial_wanted: asked before each ``partial`` result is made; False
            skips it (a server whose workers other runs wait for: the summary
            and its drawing would take their CPU). None: always wanted.
        keep_states: keep, in this process's memory, each replicate's model
            state at the start of the year the scenario first differs from its
            baseline (a baseline: at 2026, where what-ifs start by default), so
            that later runs in this process that share every input up to that
            year go on from there instead of simulating those years again
            (:mod:`qdsim.simulation.snapshots`; for a process that runs many what-ifs,
            such as the app). Runs always go on from a state kept earlier when
            one fits; results are the same either way.

    With assumption draws, each draw is a parameter set from the assumptions'
    plausible ranges run on replicate 0's seed (see :mod:`qdsim.results.uncertainty`).

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
    planned = prepare(scenario, counterfactual=counterfactual, baseline=baseline, registry=registry, keep_states=keep_states)
    values = execute(planned, workers, progress, partial=partial, partial_every=partial_every, partial_wanted=partial_wanted)
    return planned.assemble(values, seconds=time.perf_counter() - started, workers=workers)


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


def compare(a: RunResult, b: RunResult) -> pd.DataFrame:
    """Scenario ``a`` against scenario ``b``, replicate by replicate on their common random numbers.

    For the compare page and its CSV: one row per (metric, county, year) with
    ``diff_mean``, ``diff_p05, diff_p95`` — the spread: percentiles of the
    per-replicate differences a − b, as ``vs_baseline_p05/p95`` are — and
    ``diff_mean_ci05, diff_mean_ci95``, the 90% confidence interval of the
    mean difference (see :mod:`qdsim.results.summary`). Both runs must share seed,
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
    :mod:`qdsim.results.cost` for the definitions and signs.

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
