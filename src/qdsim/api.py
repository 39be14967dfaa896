"""The one library API that the command line, the batch runner and the app call.

>>> from qdsim.api import load_scenario, run
>>> result = run(load_scenario("scenarios/baseline.yaml"), replicates=2, scale=0.005)
>>> result.write("out/baseline")
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from qdsim.metrics import METRIC_IDS
from qdsim.provenance import run_id as make_run_id
from qdsim.provenance import versions
from qdsim.catalogue import ParameterSet, load_catalogue, parameters_for
from qdsim.runner import Progress, ReplicateTask, default_workers, run_replicates
from qdsim.result import RunResult
from qdsim.scenario import Scenario, ScenarioError, load_scenario, loads_scenario
from qdsim.validate import validate_file
from qdsim.scenario.ranges import range_warnings
from qdsim.summary import summarise
from qdsim.uncertainty import draw_parameter_sets, varied_parameters

__all__ = ["RunResult", "Scenario", "ScenarioError", "assemble", "assemble_tasks", "load_scenario", "loads_scenario", "parameters_for", "plan", "run", "validate_file"]


def run(
    scenario: Scenario,
    *,
    replicates: int | None = None,
    seed: int | None = None,
    scale: float | None = None,
    workers: int | None = None,
    assumption_draws: int | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Run a scenario and its no-cooperation counterfactual on common random numbers.

    Arguments left as None take the scenario's own values (workers: all cores,
    at most 8). The result does not depend on ``workers``. With assumption
    draws, each draw is a parameter set from the assumptions' plausible ranges
    run on replicate 0's seed (see :mod:`qdsim.uncertainty`).
    """
    updates = {
        k: v
        for k, v in {"replicates": replicates, "seed": seed, "scale": scale, "assumption_draws": assumption_draws}.items()
        if v is not None
    }
    if updates:
        scenario = Scenario.model_validate({**scenario.model_dump(), **updates})
    workers = default_workers() if workers is None else max(1, int(workers))
    started = time.perf_counter()
    with_coop, without = run_replicates(plan(scenario), workers, progress)
    return assemble_tasks(scenario, with_coop, without, seconds=time.perf_counter() - started, workers=workers)


def plan(scenario: Scenario) -> list[ReplicateTask]:
    """The tasks of a run, in order: one per replicate, then one per assumption draw.

    Each task carries its own seed and parameters, so it gives the same
    result wherever and whenever it runs; :func:`run` and the batch runner
    (which runs the tasks of many scenarios on its own executors) both use it.
    """
    params = parameters_for(scenario)
    tasks = [
        ReplicateTask(scenario, params.as_dict(), scenario.region, scenario.seed, r, scenario.replicates, scenario.scale)
        for r in range(scenario.replicates)
    ]
    draws = draw_parameter_sets(params, scenario.assumption_draws, scenario.seed, fixed=set(scenario.overrides))
    tasks += [ReplicateTask(scenario, d.as_dict(), scenario.region, scenario.seed, 0, 1, scenario.scale) for d in draws]
    return tasks


def assemble_tasks(scenario: Scenario, with_coop: np.ndarray, without: np.ndarray, *, seconds: float, workers: int) -> RunResult:
    """A RunResult from the results of ``plan(scenario)``'s tasks, stacked in task order."""
    n = scenario.replicates
    assumptions = (with_coop[n:], without[n:]) if len(with_coop) > n else None
    return assemble(scenario, with_coop[:n], without[:n], seconds=seconds, workers=workers, assumptions=assumptions)


def assemble(
    scenario: Scenario,
    with_coop: np.ndarray,
    without: np.ndarray,
    *,
    seconds: float,
    workers: int,
    assumptions: tuple[np.ndarray, np.ndarray] | None = None,
) -> RunResult:
    """A RunResult from the replicate arrays of a scenario and its counterfactual.

    What :func:`run` does once the replicates are computed; the batch runner,
    which computes replicates of many scenarios on its own executors, calls it
    too, so that its outputs are byte-identical to ``qdsim run``'s.
    """
    params = parameters_for(scenario)
    reg = load_catalogue(scenario.region)
    years = scenario.period.years
    county_ids = ["all"] + [c["id"] for c in reg.counties]
    summary = summarise(scenario.id, with_coop, without, years, county_ids, assumptions=assumptions)
    rid = make_run_id(scenario_sha=scenario.sha256(), params_sha=params.sha256(), seed=scenario.seed, replicates=scenario.replicates, scale=scenario.scale)
    manifest = build_manifest(scenario, params, rid, seconds, workers)
    return RunResult(scenario, params, rid, years, county_ids, with_coop, without, manifest, summary)


def build_manifest(scenario: Scenario, params: ParameterSet, rid: str, seconds: float, workers: int) -> dict:
    reg = params.catalogue
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
        if f.kind in ("input", "target", "structure")
    ]
    return {
        "run_id": rid,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **{f"{k}_version" if k not in ("commit",) else k: v for k, v in versions().items()},
        "scenario": scenario.model_dump(mode="json"),
        "scenario_sha256": scenario.sha256(),
        "counterfactual": "the same scenario with every cooperation lever at zero from the first year (conditions and overrides kept)",
        "parameters": params.provenance(),
        "parameters_sha256": params.sha256(),
        "calibration": reg.calibration.get("provenance", {}),
        "warnings": range_warnings(scenario, "both"),
        "seed": scenario.seed,
        "seeds": {"root": scenario.seed, "replicates": f"SeedSequence({scenario.seed}).spawn({scenario.replicates}); one child per replicate, shared by scenario and counterfactual"},
        "replicates": scenario.replicates,
        "scale": scenario.scale,
        "interval_method": (
            "chance (p05, p95, impact_p05, impact_p95): 5th and 95th percentiles across replicates with different seeds; "
            "impact intervals are percentiles of the paired per-replicate differences (common random numbers). "
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
