"""qdsim as an EMA Workbench model (the optional extra ``qdsim[ema]``).

Exploratory modelling asks which combinations of uncertain parameters and
policy levers lead to which outcomes. EMA Workbench samples them; this
adapter turns each experiment into a qdsim run — the base scenario changed
by dotted paths (as batch files and ``Scenario.with_changes`` write them) —
and reads back the outcomes chosen by name. Every experiment runs on the
same seeds (common random numbers), so differences between experiments come
from what was varied, not from chance.

Calibrated parameters are drawn from the calibration's posterior by default:
naming one (``adoption_rate``) makes the model's uncertainty
``calibration_draw``, an :class:`IntegerParameter` that picks one of the
posterior's equally weighted parameter sets, so that every calibrated
parameter moves together, as the published 2021–2024 figures allow; their
drawn values come back as outcomes of the same names (:func:`inputs` puts
them beside the other inputs). ``calibrated="prior"`` samples them over their
plausible ranges instead, and warns.

>>> from qdsim import ema                                    # doctest: +SKIP
>>> m = ema.model(uncertainties=["qingdao_friction", "wage_qingdao"],
...               levers={"levers.funds.fiscal.2026": ("2 亿元", "8 亿元")},
...               outcomes=["rural_income_per_capita", "stable_employment:vs_baseline_mean"])
>>> from ema_workbench import perform_experiments
>>> experiments, outcomes = perform_experiments(m, scenarios=16, policies=4)
"""

from __future__ import annotations

import difflib
import logging
import math
import numbers
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from qdsim import api
from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.format import short
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.results.cost import MEASURES, RATIOS
from qdsim.results.summary import STATISTICS
from qdsim.results.uncertainty import INTEGER
from qdsim.scenario.messages import input_error
from qdsim.scenario.paths import resolve
from qdsim.scenario.ranges import OVERRIDE
from qdsim.scenario.schema import MONEY_LEVERS, Scenario, is_count
from qdsim.scenario.years import outside

if TYPE_CHECKING:
    import pandas as pd

with warnings.catch_warnings():  # ema_workbench warns about optional parallel back ends it does not find
    warnings.simplefilter("ignore", UserWarning)
    from ema_workbench import IntegerParameter, Model, RealParameter, ScalarOutcome

log = logging.getLogger("qdsim.ema")

#: the uncertainty that draws the calibrated parameters as one of the posterior's sets
DRAW = "calibration_draw"
#: the outcome that says a cost ratio is undefined (spending did not change): 1.0, and the ratio is then 0.0
UNCHANGED = "spending_unchanged"
#: the outcome that counts qdsim's range warnings for the experiment (the texts go to the log, logger ``qdsim.ema``)
WARNINGS = "range_warnings"

#: EMA names must be Python identifiers; a dotted path becomes one (``levers.funds.fiscal.2026`` → ``levers_funds_fiscal_2026``)
_NOT_NAME = re.compile(r"\W+")


def parameters(names: Iterable[str] | None = None, *, status: Iterable[str] | None = None, spread: float | None = None,
               region: str = "dingxi") -> list[RealParameter | IntegerParameter]:
    """Catalogue parameters as EMA ``RealParameter``s (``IntegerParameter`` for whole counts), bounded as :meth:`qdsim.foundation.catalogue.Catalogue.bounds` says.

    Each parameter's ``default`` is the value runs use (the fitted one for a
    calibrated parameter). These are plausible ranges: for calibrated
    parameters, :func:`model` draws from the posterior instead.

    Raises:
        InputError: an unknown parameter, or a spread that leaves the plausible range.
    """
    try:
        rows = load_catalogue(region).bounds(names, status=status, spread=spread)
    except KeyError as e:
        message = str(e).strip("'\"")
        known = list(load_catalogue(region).parameters)
        unknown = message.removeprefix("unknown parameters: ").split(", ")[0]
        close = difflib.get_close_matches(unknown, known, n=1)
        raise input_error(message + (f" (did you mean '{close[0]}'?)" if close else ""), path="uncertainties", field=unknown) from None
    except ValueError as e:
        raise input_error(str(e), path="spread", field="spread") from None
    return [IntegerParameter(pid, math.ceil(lo), math.floor(hi), default=round(value)) if pid in INTEGER else RealParameter(pid, lo, hi, default=value)
            for pid, lo, hi, value in rows]


def name_of(path: str) -> str:
    """The EMA name of a dotted path: ``overrides.x`` → ``x``, any other path with ``_`` for dots."""
    return path.removeprefix("overrides.") if path.startswith("overrides.") else _NOT_NAME.sub("_", path).strip("_")


def posterior_sets(region: str = "dingxi") -> tuple[list[str], np.ndarray]:
    """The calibration's posterior as equally weighted parameter sets: ``(parameter ids, sets)``.

    The ABC posterior (``calibrated.yaml``) holds weighted sets; systematic
    resampling (deterministic: positions (i + ½)/n on the cumulative weights)
    turns them into n sets of equal weight, so that a uniform draw of an index
    is a draw from the posterior, jointly over the parameters.
    """
    post = load_catalogue(region).calibration.get("posterior") or {}
    if not post.get("samples"):
        return [], np.empty((0, 0))
    samples = np.asarray(post["samples"], float)
    w = np.asarray(post["weights"], float)
    cum = np.cumsum(w / w.sum())
    n = len(w)
    rows = np.minimum(np.searchsorted(cum, (np.arange(n) + 0.5) / n), n - 1)
    return list(post["parameters"]), samples[rows]


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
    calibrated: str = "posterior",
) -> Model:
    """An EMA Workbench ``Model`` that runs qdsim, with uncertainties, levers and outcomes chosen by name.

    Args:
        name: the EMA model's name (a Python identifier).
        scenario: the base scenario (a shipped name, a file, or a Scenario).
        uncertainties: parameter ids from the catalogue (bounded by their
            plausible range, or ``spread`` around the value runs use), or a
            mapping of dotted path → (low, high) for anything else uncertain
            (``conditions.qingdao_wage_growth``). Whole counts are
            ``IntegerParameter``s.
        levers: dotted path → (low, high), the policy choices
            (``levers.funds.fiscal.2026``: the value from 2026 on). Bounds may
            carry units (``"2 亿元"``). Levers that count things (showrooms,
            training places, pairings) are ``IntegerParameter``s.
        outcomes: ``metric`` (its mean over replicates) or ``metric:statistic``
            with a column of summary.csv (``impact_mean`` against no
            cooperation, ``vs_baseline_mean`` against the baseline, ``p05``, …),
            or a cost-and-effectiveness measure against the baseline
            (``income_per_100m``, ``employment_per_1m``, ``extra_spending``, …).
            A ratio is undefined when spending did not change: it is then 0.0
            and the outcome ``spending_unchanged`` is 1.0 (added with any
            ratio), so that no outcome is ever NaN; filter on it before reading
            a ratio. The baseline of an experiment is ``scenario``'s (its
            ``extends:`` base, else the shipped baseline) with the experiment's
            uncertain values: the same world without the levers, so a
            difference from it is what the levers did there. An experiment
            without lever values (no policies) runs the base's levers, warns,
            and its differences are exactly 0. ``range_warnings`` (always
            added) counts qdsim's range warnings; their texts are logged
            (logger ``qdsim.ema``).
        year, county: where metrics are read (default: the last year, the prefecture).
        replicates, scale, seed: how each experiment runs (seed: the scenario's).
        spread: for catalogue uncertainties, see :meth:`qdsim.foundation.catalogue.Catalogue.bounds`.
        calibrated: how calibrated parameters named in ``uncertainties`` are
            sampled: ``"posterior"`` (default) as whole sets from the
            calibration's posterior, through the uncertainty
            ``calibration_draw`` (their values are outcomes of the same names);
            ``"prior"`` over their plausible ranges, with a warning (worlds
            that need not reproduce 2021–2024).

    Returns:
        An ``ema_workbench.Model``; outcome names are the metric, or
        ``metric_statistic`` for another statistic.

    Raises:
        InputError: an unknown parameter, path, metric, statistic, county or
            year, or one of the wrong type (nothing is run).
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise input_error(f"an EMA model's name is a Python identifier, got {name!r}", path="name", field="name")
    if uncertainties is None:
        uncertainties = ()
    if isinstance(uncertainties, str) or not isinstance(uncertainties, (Sequence, Mapping)) \
            or (not isinstance(uncertainties, Mapping) and not all(isinstance(u, str) for u in uncertainties)):
        raise input_error(f"expected a list of parameter ids or a mapping of path → (low, high), got {uncertainties!r}",
                          path="uncertainties", field="uncertainties")
    if spread is not None and (isinstance(spread, bool) or not isinstance(spread, numbers.Real) or not 0 < spread < 1):
        raise input_error(f"spread is a share between 0 and 1 (0.2: ±20%), got {spread!r}", path="spread", field="spread")
    if not isinstance(county, str):
        raise input_error(f"a county is a name like 'anding' (or 'all'), got {county!r}", path="county", field="county")
    if not isinstance(calibrated, str) or calibrated not in ("posterior", "prior"):
        raise input_error(f"calibrated must be 'posterior' or 'prior', got {calibrated!r}", path="calibrated", field="calibrated")
    if isinstance(scenario, str):
        base = api.load_scenario(scenario)
    elif isinstance(scenario, Scenario):
        base = scenario
    else:
        raise input_error(f"expected a shipped scenario's name, a file or a Scenario, got {type(scenario).__name__}", path="scenario", field="scenario")
    base = base.with_settings(replicates=replicates, scale=scale, **({} if seed is None else {"seed": seed}))
    catalogue_ids = list(uncertainties) if not isinstance(uncertainties, Mapping) else []
    other = dict(uncertainties) if isinstance(uncertainties, Mapping) else {}
    cat = load_catalogue(base.region)
    post_names, post_sets = posterior_sets(base.region)
    drawn = [] if calibrated == "prior" else [k for k in catalogue_ids if k in post_names]
    if calibrated == "prior" and any(cat.parameters[k].status == "calibrated" for k in catalogue_ids if k in cat.parameters):
        warnings.warn("calibrated parameters sampled over their plausible (prior) ranges: experiments may come from worlds that do not "
                      "reproduce 2021–2024; leave calibrated='posterior' to draw them from the calibration's posterior", UserWarning, stacklevel=2)
    unc = parameters([k for k in catalogue_ids if k not in drawn], spread=spread, region=base.region) if catalogue_ids else []
    paths = {p.name: f"overrides.{p.name}" for p in unc}
    if drawn:
        unc.append(IntegerParameter(DRAW, 0, len(post_sets) - 1))
    unc += _ranged(other, base, paths, "uncertainties")
    lev = _ranged(_mapping(levers, "levers"), base, paths, "levers")
    if isinstance(outcomes, str) or not isinstance(outcomes, Sequence) or not outcomes:
        raise input_error(f"expected a list of outcome names, got {outcomes!r}", path="outcomes", field="outcomes")
    reads = [_outcome(o) for o in outcomes]
    counterfactual = any(stat.startswith("impact") for _, stat, _ in reads)
    paired = any(stat.startswith("vs_baseline") or cost for _, stat, cost in reads)
    years = base.period.years
    if year is not None and (isinstance(year, bool) or not isinstance(year, numbers.Integral)):
        raise input_error(f"year must be a whole year like {years[-1]}, got {type(year).__name__} {year!r}", path="year", field="year")
    if year is not None and year not in years:
        raise input_error(outside(year, years[0], years[-1]), path="year", field="year")
    counties = ["all"] + [c["id"] for c in cat.counties]
    if county not in counties:
        close = difflib.get_close_matches(str(county).lower(), counties, n=1)
        raise input_error(f"unknown county {county!r}" + (f" (did you mean '{close[0]}'?)" if close else "") + f": one of {', '.join(counties)}",
                          path="county", field="county")

    reference = (base._base or api.baseline()) if paired else None
    uncertain = {p.name for p in unc}
    posterior = (post_names, post_sets) if drawn else None
    m = Model(name, function=Experiment(base, reference, paths, uncertain, reads, None if year is None else int(year), county, counterfactual,
                                        levers=[p.name for p in lev], posterior=posterior))
    m.uncertainties = unc
    m.levers = lev
    names = [_key(metric, stat) for metric, stat, _ in reads]
    names += [UNCHANGED] if any(metric in RATIOS for metric, _, cost in reads if cost) else []
    names += [WARNINGS] + (post_names if drawn else [])
    m.outcomes = [ScalarOutcome(n) for n in dict.fromkeys(names)]
    return m


def inputs(model: Model, experiments: pd.DataFrame, outcomes: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """The inputs of each experiment, for PRIM and feature scoring: uncertainties and levers, with the posterior's drawn values.

    ``calibration_draw`` (an index) is replaced by the calibrated parameters'
    values it drew (the outcomes of the same names), so that a box or a score
    speaks of ``assist_reach``, not of a row number. Every column is a float
    (PRIM peels integer inputs at limits between whole values).
    """
    names = [p.name for p in (*model.uncertainties, *model.levers) if p.name != DRAW]
    out = experiments[names].astype(float)  # whole counts too: PRIM peels at limits between them
    if DRAW in experiments:
        post_names, _ = model.function.posterior
        for k in post_names:
            out[k] = np.asarray(outcomes[k], float)
    return out


class Experiment:
    """One EMA experiment: the base scenario changed by the sampled values, run, and its outcomes read.

    A class rather than a closure so that EMA's multiprocessing evaluator can
    send it to its workers.
    """

    def __init__(self, base: Scenario, reference: Scenario | None, paths: dict[str, str], uncertain: set[str],
                 reads: list[tuple[str, str, bool]], year: int | None, county: str, counterfactual: bool, *,
                 levers: Sequence[str] = (), posterior: tuple[list[str], np.ndarray] | None = None):
        self.base, self.reference, self.paths, self.uncertain, self.reads = base, reference, paths, uncertain, reads
        self.year, self.county, self.counterfactual = year, county, counterfactual
        self.levers, self.posterior = list(levers), posterior

    def __call__(self, **values: float) -> dict[str, float]:
        missing = [k for k in self.levers if k not in values]
        if missing:
            message = (f"no lever values given for {', '.join(missing)} (no policies?): the experiment runs the base scenario's levers, "
                       "so its differences from the baseline are 0; pass policies= to perform_experiments to vary them")
            warnings.warn(message, UserWarning, stacklevel=2)
            log.warning(message)
        drawn: dict[str, float] = {}
        if self.posterior is not None and DRAW in values:
            names, sets = self.posterior
            drawn = dict(zip(names, (float(x) for x in sets[int(values[DRAW])]), strict=True))
        world = {f"overrides.{k}": v for k, v in drawn.items()}
        changes = world | {self.paths[k]: self._value(k, v) for k, v in values.items() if k != DRAW}
        s = self.base.with_changes(changes)
        # the baseline it is compared with lives in the same world: the same uncertain values, the baseline's levers
        reference = False if self.reference is None else self.reference.with_changes(
            world | {self.paths[k]: self._value(k, v) for k, v in values.items() if k in self.uncertain and k != DRAW})
        same = reference is not False and api.baseline_for(s, reference) is None  # it simulates like its baseline (no lever moved)
        result = api.run(s, counterfactual=self.counterfactual, baseline=False if same else reference)
        shown = [w for w in result.warnings if not (w.code == OVERRIDE and w.lever.removeprefix("overrides.") in drawn)]
        for w in shown:
            log.warning("%s: %s", s.id, w.en)
        out: dict[str, float] = {}
        for metric, stat, cost in self.reads:
            if cost:
                c = result.cost.vs_baseline if result.cost is not None and not same else None
                v = getattr(c, metric, None) if c is not None else None
                out[_key(metric, stat)] = v.mean if v is not None else 0.0  # no change of spending (or of anything): no ratio, flagged
                if metric in RATIOS:
                    out[UNCHANGED] = float(c is None or not c.per_money)
            elif same and stat.startswith("vs_baseline"):
                out[_key(metric, stat)] = 0.0  # the experiment is its baseline: the difference is exactly 0
            else:
                out[_key(metric, stat)] = result.outcomes(self.year, self.county, stat)[metric]
        out[WARNINGS] = float(len(shown))
        return out | drawn

    def _value(self, key: str, v: Any) -> Any:
        """A sampled value as with_changes takes it: money with its unit (a bare number is read as a person's typing)."""
        path = self.paths[key]
        if isinstance(v, np.generic):
            v = v.item()  # numpy's int64 and float64 as Python numbers
        if not path.endswith("*") and tuple(path.split(".")[:3]) in MONEY_LEVERS and isinstance(v, numbers.Real):
            return f"{float(v)!r} 元"
        return v


def _key(metric: str, stat: str) -> str:
    return metric if stat == "mean" else f"{metric}_{stat}"


def _mapping(ranges: Any, where: str) -> Mapping:
    if ranges is None:
        return {}
    if not isinstance(ranges, Mapping):
        raise input_error(f"expected a mapping of dotted path → (low, high), got {type(ranges).__name__}", path=where, field=where)
    return ranges


def _ranged(ranges: Mapping[str, tuple[Any, Any]], base: Scenario, paths: dict[str, str], where: str) -> list[RealParameter | IntegerParameter]:
    """EMA parameters for dotted paths with (low, high) bounds (units allowed), recording each name's path in ``paths``.

    A field that counts things (a count lever, an integer field) gives an
    ``IntegerParameter`` with whole bounds inside (low, high).
    """
    out = []
    for path, bounds in ranges.items():
        if isinstance(bounds, str) or not isinstance(bounds, Sequence) or len(bounds) != 2:
            raise input_error(f"{path}: bounds must be (low, high), got {bounds!r}", path=f"{where}.{path}", field=str(path))
        target = resolve(path, Scenario, base.region, (base.period.start, base.period.end))
        try:
            lo, hi = (target.number(b) for b in bounds)
        except (TypeError, ValueError) as e:
            raise input_error(f"{path}: bounds must be (low, high) values of the field: {getattr(e, 'message_en', e)}", path=f"{where}.{path}",
                              field=path) from None
        if not lo < hi:
            raise input_error(f"{path}: low {short(lo)} must be below high {short(hi)}", path=f"{where}.{path}", field=path)
        key = name_of(path)
        if key in paths:
            raise input_error(f"{path}: its name {key!r} is already used", path=f"{where}.{path}", field=path)
        paths[key] = path
        whole = not target.multiply and (target.integer or is_count(target.parts[:-1] if target.kind == "series_year" else target.parts)
                                         or (target.kind == "override" and target.parts[1] in INTEGER))
        if whole:
            if math.ceil(lo) > math.floor(hi):
                raise input_error(f"{path}: counts are whole numbers, and ({short(lo)}, {short(hi)}) holds none", path=f"{where}.{path}", field=path)
            out.append(IntegerParameter(key, math.ceil(lo), math.floor(hi)))
        else:
            out.append(RealParameter(key, lo, hi))
    return out


def _outcome(spec: str) -> tuple[str, str, bool]:
    """``(metric, statistic, is_cost_measure)`` of an outcome spec."""
    if not isinstance(spec, str):
        raise input_error(f"an outcome is a name like 'rural_income_per_capita', got {spec!r}", path="outcomes", field="outcomes")
    metric, _, stat = spec.partition(":")
    if metric in MEASURES and metric not in METRIC_IDS:
        if stat:
            raise input_error(f"{spec}: a cost measure is read as its mean against the baseline; write {metric}", path="outcomes", field=spec)
        return metric, "mean", True
    if metric not in METRIC_IDS:
        close = difflib.get_close_matches(metric, [*METRIC_IDS, *MEASURES], n=1)
        raise input_error(f"unknown outcome {metric!r}" + (f" (did you mean '{close[0]}'?)" if close else "")
                          + f": a metric ({', '.join(METRIC_IDS)}) or a cost measure ({', '.join(MEASURES)})", path="outcomes", field=spec)
    stat = stat or "mean"
    if stat not in STATISTICS:
        close = difflib.get_close_matches(stat, STATISTICS, n=1)
        raise input_error(f"{spec}: unknown statistic {stat!r}" + (f" (did you mean '{close[0]}'?)" if close else "") + f" ({', '.join(STATISTICS)})",
                          path="outcomes", field=spec)
    return metric, stat, False
