"""qdsim as an EMA Workbench model (the optional extra ``qdsim[ema]``).

Exploratory modelling asks which combinations of uncertain parameters and
policy levers lead to which outcomes. EMA Workbench samples them; this
adapter turns each experiment into a qdsim run — the base scenario changed
by dotted paths (as batch files and ``Scenario.with_changes`` write them) —
and reads back the outcomes chosen by name. Every experiment runs on the
same seeds (common random numbers), so differences between experiments come
from what was varied, not from chance.

>>> from qdsim import ema                                    # doctest: +SKIP
>>> m = ema.model(uncertainties=["qingdao_friction", "adoption_rate"],
...               levers={"levers.funds.fiscal.2026": ("2 亿元", "8 亿元")},
...               outcomes=["rural_income_per_capita", "stable_employment:vs_baseline_mean"])
>>> from ema_workbench import perform_experiments
>>> experiments, outcomes = perform_experiments(m, scenarios=16, policies=1)
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qdsim import api
from qdsim.catalogue import load_catalogue
from qdsim.cost import MEASURES
from qdsim.metrics import METRIC_IDS
from qdsim.scenario.paths import resolve
from qdsim.scenario.schema import Scenario
from qdsim.summary import STATISTICS

with warnings.catch_warnings():  # ema_workbench warns about optional parallel back ends it does not find
    warnings.simplefilter("ignore", UserWarning)
    from ema_workbench import Model, RealParameter, ScalarOutcome

#: EMA names must be Python identifiers; a dotted path becomes one (``levers.funds.fiscal.2026`` → ``levers_funds_fiscal_2026``)
_NOT_NAME = re.compile(r"\W+")


def parameters(names: Iterable[str] | None = None, *, status: Iterable[str] | None = None, spread: float | None = None,
               region: str = "dingxi") -> list[RealParameter]:
    """Catalogue parameters as EMA ``RealParameter``s, bounded as :meth:`qdsim.catalogue.Catalogue.bounds` says.

    Each parameter's ``default`` is the value runs use (the fitted one for a
    calibrated parameter).
    """
    return [RealParameter(pid, lo, hi, default=value) for pid, lo, hi, value in load_catalogue(region).bounds(names, status=status, spread=spread)]


def name_of(path: str) -> str:
    """The EMA name of a dotted path: ``overrides.x`` → ``x``, any other path with ``_`` for dots."""
    return path.removeprefix("overrides.") if path.startswith("overrides.") else _NOT_NAME.sub("_", path).strip("_")


def model(
    name: str = "qdsim",
    *,
    scenario: str | Scenario = "baseline",
    uncertainties: Sequence[str] | Mapping[str, tuple[Any, Any]] = (),
    levers: Mapping[str, tuple[Any, Any]] | None = None,
    outcomes: Sequence[str] = ("rural_income_per_capita",),
    year: int | None = None,
    county: str = "all",
    replicates: int = 2,
    scale: float = 0.004,
    seed: int | None = None,
    spread: float | None = None,
) -> Model:
    """An EMA Workbench ``Model`` that runs qdsim, with uncertainties, levers and outcomes chosen by name.

    Args:
        name: the EMA model's name (a Python identifier).
        scenario: the base scenario (a shipped name, a file, or a Scenario).
        uncertainties: parameter ids from the catalogue (bounded by their
            plausible range, or ``spread`` around the value runs use), or a
            mapping of dotted path → (low, high) for anything else uncertain
            (``conditions.qingdao_wage_growth``).
        levers: dotted path → (low, high), the policy choices
            (``levers.funds.fiscal.2026``: the value from 2026 on). Bounds may
            carry units (``"2 亿元"``).
        outcomes: ``metric`` (its mean over replicates) or ``metric:statistic``
            with a column of summary.csv (``impact_mean`` against no
            cooperation, ``vs_baseline_mean`` against the baseline, ``p05``, …),
            or a cost-and-effectiveness measure against the baseline
            (``income_per_100m``, ``employment_per_1m``, ``extra_spending``, …; NaN
            where there is no ratio because spending did not change).
            The baseline of an experiment is ``scenario``'s (its ``extends:``
            base, else the shipped baseline) with the experiment's uncertain
            values: the same world without the levers, so a difference from it
            is what the levers did there. Without levers it is NaN.
        year, county: where metrics are read (default: the last year, the prefecture).
        replicates, scale, seed: how each experiment runs (seed: the scenario's).
        spread: for catalogue uncertainties, see :meth:`qdsim.catalogue.Catalogue.bounds`.

    Returns:
        An ``ema_workbench.Model``; outcome names are the metric, or
        ``metric_statistic`` for another statistic.

    Raises:
        ValueError: an unknown parameter, path, metric or statistic (nothing is run).
    """
    base = api.load_scenario(scenario) if isinstance(scenario, str) else scenario
    base = base.with_settings(replicates=replicates, scale=scale, **({} if seed is None else {"seed": seed}))
    catalogue_ids = list(uncertainties) if not isinstance(uncertainties, Mapping) else []
    other = dict(uncertainties) if isinstance(uncertainties, Mapping) else {}
    try:
        unc = parameters(catalogue_ids, spread=spread, region=base.region) if catalogue_ids else []
    except KeyError as e:
        raise ValueError(str(e).strip("'\"")) from None
    paths = {p.name: f"overrides.{p.name}" for p in unc}
    unc += _ranged(other, base, paths)
    lev = _ranged(levers or {}, base, paths)
    reads = [_outcome(o) for o in outcomes]
    counterfactual = any(stat.startswith("impact") for _, stat, _ in reads)
    paired = any(stat.startswith("vs_baseline") or cost for _, stat, cost in reads)
    years = base.period.years
    if year is not None and year not in years:
        raise ValueError(f"year {year} is outside the period {years[0]}–{years[-1]}")

    reference = (base._base or api.baseline()) if paired else None
    uncertain = {p.name for p in unc}
    m = Model(name, function=Experiment(base, reference, paths, uncertain, reads, year, county, counterfactual))
    m.uncertainties = unc
    m.levers = lev
    m.outcomes = [ScalarOutcome(_key(metric, stat)) for metric, stat, _ in reads]
    return m


class Experiment:
    """One EMA experiment: the base scenario changed by the sampled values, run, and its outcomes read.

    A class rather than a closure so that EMA's multiprocessing evaluator can
    send it to its workers.
    """

    def __init__(self, base: Scenario, reference: Scenario | None, paths: dict[str, str], uncertain: set[str],
                 reads: list[tuple[str, str, bool]], year: int | None, county: str, counterfactual: bool):
        self.base, self.reference, self.paths, self.uncertain, self.reads = base, reference, paths, uncertain, reads
        self.year, self.county, self.counterfactual = year, county, counterfactual

    def __call__(self, **values: float) -> dict[str, float]:
        s = self.base.with_changes({self.paths[k]: v for k, v in values.items()})
        # the baseline it is compared with lives in the same world: the same uncertain values, the baseline's levers
        reference = False if self.reference is None else self.reference.with_changes(
            {self.paths[k]: v for k, v in values.items() if k in self.uncertain})
        result = api.run(s, counterfactual=self.counterfactual, baseline=reference)
        out = {}
        for metric, stat, cost in self.reads:
            if cost:
                c = result.cost.vs_baseline if result.cost is not None else None
                v = getattr(c, metric, None) if c is not None else None
                out[_key(metric, stat)] = v.mean if v is not None else math.nan
            else:
                out[_key(metric, stat)] = result.outcomes(self.year, self.county, stat)[metric]
        return out


def _key(metric: str, stat: str) -> str:
    return metric if stat == "mean" else f"{metric}_{stat}"


def _ranged(ranges: Mapping[str, tuple[Any, Any]], base: Scenario, paths: dict[str, str]) -> list[RealParameter]:
    """RealParameters for dotted paths with (low, high) bounds (units allowed), recording each name's path in ``paths``."""
    out = []
    for path, bounds in ranges.items():
        target = resolve(path, Scenario, base.region)
        try:
            lo, hi = (target.number(b) for b in bounds)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{path}: bounds must be (low, high) values of the field: {e}") from None
        key = name_of(path)
        if key in paths:
            raise ValueError(f"{path}: its name {key!r} is already used")
        paths[key] = path
        out.append(RealParameter(key, lo, hi))
    return out


def _outcome(spec: str) -> tuple[str, str, bool]:
    """``(metric, statistic, is_cost_measure)`` of an outcome spec."""
    metric, _, stat = spec.partition(":")
    if metric in MEASURES and metric not in METRIC_IDS:
        if stat:
            raise ValueError(f"{spec}: a cost measure is read as its mean against the baseline; write {metric}")
        return metric, "mean", True
    if metric not in METRIC_IDS:
        raise ValueError(f"unknown outcome {metric!r}: a metric ({', '.join(METRIC_IDS)}) or a cost measure ({', '.join(MEASURES)})")
    stat = stat or "mean"
    if stat not in STATISTICS:
        raise ValueError(f"{spec}: unknown statistic {stat!r} ({', '.join(STATISTICS)})")
    return metric, stat, False

