"""Assemble: a run's replicate arrays → a :class:`~qdsim.results.result.RunResult` (summary, cost, attribution, manifest).

The last step of the run pipeline (:mod:`qdsim.pipeline`): the same for
``api.run``, the batch engine and the app, so that their outputs are
byte-identical for the same scenario and seed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np

from qdsim.foundation.catalogue import ParameterSet, load_catalogue, parameters_for
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.results import attribution, cost
from qdsim.results.provenance import planned_run_id, versions
from qdsim.results.result import RunResult
from qdsim.results.summary import summarise
from qdsim.results.uncertainty import draw_parameter_sets, varied_parameters
from qdsim.scenario import Scenario
from qdsim.scenario.ranges import range_checks


@dataclass(frozen=True)
class Paired:
    """The baseline a run is compared with: its scenario, run ID and replicate values (and where they were reused from)."""

    scenario: Scenario
    run_id: str
    values: np.ndarray  # (replicate, metric, year, county+all)
    reused_from: str | None = None


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

    :meth:`qdsim.pipeline.Plan.assemble` calls it once a plan's simulations are
    computed (by ``api.run``, or by the batch engine on its own executors).
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
