"""Cost and effectiveness (成本与成效): what a scenario spends, and what its money buys against a reference run.

A planner's question is rarely "is income higher?" alone but "is it worth
the money?". This module answers it from a run's replicate arrays, replicate
by replicate on the common random numbers the run shares with its baseline
and its counterfactual, and then summarises the per-replicate values as
``summary.csv`` does (mean and 5th/50th/95th percentiles).

Spending (支出, cost.csv's measure ``spending``) is the metric
``fiscal_funds_spent``, which, despite its name, counts Qingdao's fiscal funds
*and* social donations spent in a year (元), plus ``spending_beyond_budget``,
the running costs of levers (showrooms, warehouses, the free train) that the
paying programme's money could not cover and that were paid on top, summed
over years. cost.csv names each measure (``label_zh``, ``label_en``,
``unit``) and says what each ratio divides by (``divides_by``); its first row
is the scenario's own spending over the whole period, against ``none``. Against a
reference run R (the paired baseline, or the no-cooperation counterfactual),
for each replicate r:

- window: the change year to the end year. The change year is the first year
  the scenario's levers (or conditions) differ from the baseline's, the
  period start if it overrides a behavioural parameter differently
  (:func:`qdsim.scenario.levers.change_year`); against the counterfactual,
  which has no cooperation at all, the whole period.
- ``extra_spending`` = Σ_window spending(S) − Σ_window spending(R), in 元.
  Positive: the scenario spends more than R.
- ``income_gain`` = rural income per capita (元/人, disposable) of S minus
  that of R in the end year: the level a planner cites for 2030.
- ``employment_gain`` = Σ_window stable employment of S minus that of R, in
  人次 (a flow: person-times summed over the years, as spending is).
- ``income_per_100m`` (每亿元增收) = income_gain / (extra_spending / 1亿元),
  in 元/人 per 亿元.
- ``employment_per_1m`` (每百万元稳定就业) = employment_gain /
  (extra_spending / 1百万元), in 人次 per 百万元.
- ``lever_costs`` = Σ_window running cost of outlets and trains (S − R), 元:
  what the scenario's levers cost beyond the reference's, wherever the money
  came from; ``taken_from_programmes`` is the part its programmes paid out of
  their own money, so their other uses (events and supplier support;
  subsidies and training) got that much less; the rest was paid on top and
  is in ``extra_spending``.
- ``income_per_100m_levers`` (每亿元设施投入增收) = income_gain /
  (lever_costs / 1亿元): what a planner asks of "more showrooms", even when
  they are paid by moving money rather than adding it.

Signs: a ratio is positive when the result moves with the money — more money
and more income, or a cut and less income (then it is the income lost per
亿元 saved). A negative ratio means that the money and the result move apart.
``extra_spending`` says which of the two it is.

When spending does not change — a reallocation between programmes, a lever
that costs nothing, a drought — a ratio would divide by chance variation in
how fast the money is spent (or by money moved to a programme that spends it
more slowly). Then there is no ratio (``per_money`` is False) and the gains
themselves are the result. Spending counts as changed when the *budget*
(fiscal funds and donations allocated over the window, horizon applied)
differs by at least :data:`MATERIAL` (1%) of the larger of the two, and the
money spent moved the same way in every replicate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from qdsim.foundation.format import percent, within_chance
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.results.summary import describe, mean_ci
from qdsim.scenario.levers import change_year, resolve
from qdsim.scenario.schema import Scenario

SPENDING = "fiscal_funds_spent"
ON_TOP = "spending_beyond_budget"
LEVER_COSTS = "lever_costs"
INCOME = "rural_income_per_capita"
EMPLOYMENT = "stable_employment"
#: a budget that differs by less than this share of the larger of the two is no change of spending
MATERIAL = 0.01
#: a change of lever costs below this (元) is no change: 0.1% of 1亿元
LEVER_MATERIAL = 1e5
YI = 1e8  # 亿元
MILLION = 1e6  # 百万元

#: the measures of a comparison: (unit, zh, en)
MEASURES: dict[str, tuple[str, str, str]] = {
    "spending": ("元", "协作资金支出（财政资金及社会捐赠）", "Cooperation spending (fiscal funds and donations)"),
    "extra_spending": ("元", "新增支出", "Extra spending"),
    "income_gain": ("元/人", "农村居民人均可支配收入增加", "Gain in rural income per capita"),
    "employment_gain": ("人次", "稳定就业增加（累计人次）", "Gain in stable employment (person-times, summed)"),
    "income_per_100m": ("元/人/亿元", "每亿元增收", "Income gain per 100 million yuan"),
    "employment_per_1m": ("人次/百万元", "每百万元稳定就业", "Stable employment per million yuan"),
    "lever_costs": ("元", "新增设施与专列费用", "Extra running cost of outlets and trains"),
    "taken_from_programmes": ("元", "其中由项目资金内部调剂", "Of which taken from the programmes' other uses"),
    "income_per_100m_levers": ("元/人/亿元", "每亿元设施投入增收", "Income gain per 100 million yuan of outlets and trains"),
}
RATIOS = ("income_per_100m", "employment_per_1m", "income_per_100m_levers")
#: what each measure divides by (cost.csv's ``divides_by``): only the ratios divide
DIVIDES_BY = {
    "income_per_100m": "extra_spending / 1亿元 (fiscal funds and donations, and lever costs paid on top, summed over the window start–end; per replicate)",
    "employment_per_1m": "extra_spending / 1百万元 (fiscal funds and donations, and lever costs paid on top, summed over the window start–end; per replicate)",
    "income_per_100m_levers": "lever_costs / 1亿元 (the extra running cost of outlets and trains over the window start–end, wherever the money came from; per replicate)",
}
COLUMNS = ["scenario", "against", "versus", "measure", "label_zh", "label_en", "unit", "divides_by", "start", "end",
           "mean", "p05", "p50", "p95", "mean_ci05", "mean_ci95", "n_replicates"]


@dataclass(frozen=True)
class Interval:
    """Mean and percentiles of a quantity across replicates (its spread), and the 90% confidence interval of the mean.

    ``p05``/``p95``: the spread of the per-replicate values (the chance
    variation of one world); ``mean_ci05``/``mean_ci95``: how precisely the
    mean is known (:func:`qdsim.results.summary.mean_ci`; NaN with one replicate, or
    in a report written before they were added).
    """

    mean: float
    p05: float
    p50: float
    p95: float
    n: int
    mean_ci05: float = math.nan
    mean_ci95: float = math.nan

    @classmethod
    def of(cls, values: np.ndarray) -> Interval:
        column = np.asarray(values, dtype=float)[:, None]
        mean, p05, p50, p95, n = (np.asarray(x).item() for x in describe(column))
        lo, hi = (np.asarray(x).item() for x in mean_ci(column))
        return cls(float(mean), float(p05), float(p50), float(p95), int(n), float(lo), float(hi))

    @property
    def within_chance(self) -> bool:
        """Whether the 5–95% spread includes zero (the difference may be chance variation): :func:`qdsim.foundation.format.within_chance`."""
        return within_chance(self.p05, self.p95)


@dataclass(frozen=True)
class Comparison:
    """A scenario against one reference run (its baseline or its counterfactual) over a window of years."""

    against: str  # "baseline" or "counterfactual"
    versus: str  # the reference's scenario id
    start: int
    end: int
    spending: Interval  # the scenario's spending over the window
    extra_spending: Interval
    income_gain: Interval  # in the end year
    employment_gain: Interval  # summed over the window
    per_money: bool  # whether spending changed; if not, there are no ratios
    income_per_100m: Interval | None
    employment_per_1m: Interval | None
    lever_costs: Interval | None = None  # None: no lever with a running cost changed
    taken_from_programmes: Interval | None = None
    income_per_100m_levers: Interval | None = None

    def measures(self) -> dict[str, Interval]:
        """The comparison's quantities by measure id (ratios only when spending changed)."""
        out = {m: getattr(self, m) for m in MEASURES}
        return {m: v for m, v in out.items() if v is not None}


@dataclass(frozen=True)
class CostReport:
    """What a run spent and what its money bought: written to ``cost.csv`` and the manifest's ``cost_effectiveness``."""

    scenario: str
    start: int
    end: int
    spending: Interval  # over the whole period
    change_year: int | None  # None: no baseline to change from
    vs_baseline: Comparison | None
    vs_counterfactual: Comparison | None

    def to_frame(self) -> pd.DataFrame:
        """The long table of ``cost.csv``: one row per (against, measure)."""
        rows = [_row(self.scenario, "none", "none", "spending", self.start, self.end, self.spending)]  # its own spending, against nothing
        for c in (self.vs_baseline, self.vs_counterfactual):
            if c is not None:
                rows += [_row(self.scenario, c.against, c.versus, m, c.start, c.end, v) for m, v in c.measures().items()]
        return pd.DataFrame(rows, columns=COLUMNS)

    def to_dict(self) -> dict:
        return {"definitions": DEFINITIONS, **asdict(self)}

    @classmethod
    def from_dict(cls, d: Mapping) -> CostReport:
        """The report as the manifest holds it (JSON)."""
        def comparison(c: Mapping | None) -> Comparison | None:
            if c is None:
                return None
            return Comparison(**{k: (Interval(**v) if isinstance(v, Mapping) else v) for k, v in c.items()})

        return cls(d["scenario"], d["start"], d["end"], Interval(**d["spending"]), d["change_year"],
                   comparison(d["vs_baseline"]), comparison(d["vs_counterfactual"]))


def _row(scenario: str, against: str, versus: str, measure: str, start: int, end: int, v: Interval) -> dict:
    unit, zh, en = MEASURES[measure]
    return {"scenario": scenario, "against": against, "versus": versus, "measure": measure, "label_zh": zh, "label_en": en, "unit": unit,
            "divides_by": DIVIDES_BY.get(measure, "not a ratio"), "start": start, "end": end, "mean": v.mean, "p05": v.p05, "p50": v.p50,
            "p95": v.p95, "mean_ci05": v.mean_ci05, "mean_ci95": v.mean_ci95, "n_replicates": v.n}


DEFINITIONS = {
    "spending": "the metric fiscal_funds_spent, which counts Qingdao's fiscal funds and social donations spent (元), summed over the "
                "years from start to end; against 'none' in cost.csv's first row (the scenario's own spending over the whole period)",
    "intervals": "p05/p95: the spread of the per-replicate values (the chance variation of one world; the 'within chance' rule reads it); "
                 "mean_ci05/mean_ci95: the 90% t confidence interval of the mean (how precisely the average is known)",
    "extra_spending": "scenario spending minus the reference's over the window, per replicate on common random numbers (元)",
    "income_gain": "rural_income_per_capita of the scenario minus the reference's in the end year (元/人)",
    "employment_gain": "stable_employment of the scenario minus the reference's, summed over the window (人次)",
    "income_per_100m": "每亿元增收: income_gain / (extra_spending / 1亿元), per replicate, then mean and percentiles; "
                       "positive when income moves with the money (more money, more income; or a cut, less income)",
    "employment_per_1m": "每百万元稳定就业: employment_gain / (extra_spending / 1百万元), per replicate, then mean and percentiles",
    "lever_costs": "lever_costs (running cost of showrooms, warehouses and the free train, 元) of the scenario minus the reference's, "
                   "summed over the window; only when it changed",
    "taken_from_programmes": "the part of lever_costs the programmes paid from their own money (lever_costs minus the change in "
                             "spending_beyond_budget): their other uses (events and supplier support; subsidies and training) got that much less",
    "income_per_100m_levers": "每亿元设施投入增收: income_gain / (lever_costs / 1亿元), per replicate, then mean and percentiles; only when "
                              "lever_costs changed by 1亿元 × 0.1% or more in every replicate the same way",
    "window": "against the baseline: from the change year (the first year the scenario's levers or conditions differ from the "
              "baseline's; the period start if its overrides differ) to the end year; against the counterfactual: the whole period",
    "per_money": f"false when spending did not change (the budgets over the window, fiscal funds and donations allocated, differ by "
                 f"less than {percent(MATERIAL, 0)}, or the money spent did not move the budget's way in every replicate): then there is no "
                 "ratio and the gains themselves are the result",
}


def budget(scenario: Scenario) -> np.ndarray:
    """The money allocated by year (元): fiscal funds and donations, with the horizon (taper, stop) applied."""
    table = resolve(scenario)
    return table["funds.fiscal"] + table["funds.donations"]


def compare(scenario: np.ndarray, reference: np.ndarray, years: list[int], *, start: int, against: str, versus: str,
            budgets: tuple[float, float], income: str = "end") -> Comparison:
    """The scenario's replicate values against a reference's on the same seeds, from ``start`` to the last year.

    Args:
        scenario, reference: replicate arrays (replicate, metric, year, county+all), paired replicate by replicate.
        years: the years of the arrays' year axis.
        start: the first year of the window (the change year).
        budgets: the money the scenario and the reference allocate over the window (元), which tells a
            change of spending from a reallocation.
        income: ``"end"`` (the gain in the end year, as ``cost.csv`` has it) or ``"sum"`` (the gains of
            the window's years added up: the same cumulative basis as spending; :func:`on_one_basis`).
    """
    window = slice(years.index(start), len(years))

    def summed(arr: np.ndarray, metric: str) -> np.ndarray:
        return arr[:, METRIC_IDS.index(metric), window, 0].sum(axis=1)

    on_top_s, on_top_r = summed(scenario, ON_TOP), summed(reference, ON_TOP)
    spend_s, spend_r = summed(scenario, SPENDING) + on_top_s, summed(reference, SPENDING) + on_top_r
    extra = spend_s - spend_r
    income_s, income_r = (arr[:, METRIC_IDS.index(INCOME), window, 0] for arr in (scenario, reference))
    gain = (income_s - income_r).sum(axis=1) if income == "sum" else income_s[:, -1] - income_r[:, -1]
    employment = summed(scenario, EMPLOYMENT) - summed(reference, EMPLOYMENT)
    # money paid on top of the budgets is spending too
    per_money = spending_changed(budgets[0] + float(on_top_s.mean()), budgets[1] + float(on_top_r.mean()), extra)
    levers = summed(scenario, LEVER_COSTS) - summed(reference, LEVER_COSTS)
    lever_changed = bool(np.all(np.abs(levers) >= LEVER_MATERIAL) and np.all(np.sign(levers) == np.sign(levers[0])))
    return Comparison(
        against, versus, start, years[-1], Interval.of(spend_s), Interval.of(extra), Interval.of(gain), Interval.of(employment), per_money,
        Interval.of(gain / (extra / YI)) if per_money else None,
        Interval.of(employment / (extra / MILLION)) if per_money else None,
        Interval.of(levers) if lever_changed else None,
        Interval.of(levers - (on_top_s - on_top_r)) if lever_changed else None,
        Interval.of(gain / (levers / YI)) if lever_changed else None,
    )


def spending_changed(budget: float, reference_budget: float, extra: np.ndarray) -> bool:
    """Whether the scenario's spending changed: budgets apart by MATERIAL or more, and every replicate's extra spending the same way."""
    gap = budget - reference_budget
    if abs(gap) < MATERIAL * max(abs(budget), abs(reference_budget)) or gap == 0:
        return False
    return bool(np.all(np.sign(extra) == np.sign(gap)))


def report(scenario: Scenario, with_coop: np.ndarray, *, without: np.ndarray | None = None,
           baseline: tuple[Scenario, np.ndarray] | None = None) -> CostReport:
    """A run's spending, and its results per unit of money against its baseline (from the change year) and its counterfactual.

    Args:
        scenario: the scenario run; ``with_coop`` its replicate arrays.
        without: the counterfactual's replicate arrays (None: not computed).
        baseline: the paired baseline and its replicate arrays (None: none).
    """
    years = scenario.period.years
    spending = Interval.of(with_coop[:, METRIC_IDS.index(SPENDING), :, 0].sum(axis=1))
    vs_base = None if baseline is None else against_baseline(scenario, with_coop, *baseline)
    vs_cf = None
    if without is not None:
        vs_cf = compare(with_coop, without, years, start=years[0], against="counterfactual", versus=f"{scenario.id}-counterfactual",
                        budgets=(float(budget(scenario).sum()), 0.0))
    return CostReport(scenario.id, years[0], years[-1], spending, None if vs_base is None else vs_base.start, vs_base, vs_cf)


def against_baseline(scenario: Scenario, values: np.ndarray, base: Scenario, base_values: np.ndarray) -> Comparison:
    """``scenario`` (its replicate arrays ``values``) against ``base`` on the same seeds, from the first year they differ."""
    years = scenario.period.years
    first = change_year(scenario, base)
    i = years.index(first)
    return compare(values, base_values, years, start=first, against="baseline", versus=base.id,
                   budgets=(float(budget(scenario)[i:].sum()), float(budget(base)[i:].sum())))


def on_one_basis(report: CostReport, values: np.ndarray, base_values: np.ndarray, years: list[int]) -> CostReport:
    """``report`` against its baseline with every quantity cumulative over the same window: the income gain
    summed over the years from the change year to the end year (元/人, added up), as spending and employment are.

    Cumulative benefit over cumulative cost, one basis for both measures (the
    app's and the brief's cost-effectiveness). Whether spending changed is the
    report's own reading (``per_money``); nothing else changes.
    """
    c = report.vs_baseline
    if c is None:
        return report
    # the report already read whether spending changed, and which way (c.extra_spending): the same reading here
    budget_gap = ((1.0, 0.0) if c.extra_spending.mean > 0 else (0.0, 1.0)) if c.per_money else (0.0, 0.0)
    cum = compare(values, base_values, years, start=c.start, against=c.against, versus=c.versus, budgets=budget_gap, income="sum")
    return CostReport(report.scenario, report.start, report.end, report.spending, report.change_year, cum, report.vs_counterfactual)


def rank(reports: Iterable[CostReport], measure: str = "income_per_100m", against: str = "baseline") -> pd.DataFrame:
    """Scenarios ranked by their result per unit of money (highest first), for the compare page and its CSV.

    Scenarios whose spending did not change (a reallocation) have no ratio:
    they come last, unranked, with their gain (the difference itself).

    Args:
        reports: the scenarios' cost reports (``RunResult.cost``).
        measure: ``"income_per_100m"``, ``"employment_per_1m"`` or ``"income_per_100m_levers"``.
        against: ``"baseline"`` or ``"counterfactual"``.

    Returns:
        One row per scenario with a comparison: ``rank`` (empty when unranked),
        ``scenario, versus, start, end, per_money``, the extra spending and the
        gain (mean, p05, p95), the measure (mean, p05, p95: the spread; and
        ``mean_ci05``/``mean_ci95``: the 90% confidence interval of its mean)
        and whether its 5–95% spread includes zero (``within_chance``).
    """
    if measure not in RATIOS:
        raise ValueError(f"measure must be one of {', '.join(RATIOS)}, got {measure!r}")
    gain = "employment_gain" if measure == "employment_per_1m" else "income_gain"
    rows = []
    for r in reports:
        c = r.vs_baseline if against == "baseline" else r.vs_counterfactual
        if c is None:
            continue
        ratio: Interval | None = getattr(c, measure)
        g: Interval = getattr(c, gain)
        rows.append({
            "scenario": r.scenario, "versus": c.versus, "start": c.start, "end": c.end, "per_money": c.per_money,
            "extra_spending_mean": c.extra_spending.mean, "extra_spending_p05": c.extra_spending.p05, "extra_spending_p95": c.extra_spending.p95,
            f"{gain}_mean": g.mean, f"{gain}_p05": g.p05, f"{gain}_p95": g.p95,
            f"{measure}_mean": ratio.mean if ratio else np.nan, f"{measure}_p05": ratio.p05 if ratio else np.nan,
            f"{measure}_p95": ratio.p95 if ratio else np.nan, f"{measure}_mean_ci05": ratio.mean_ci05 if ratio else np.nan,
            f"{measure}_mean_ci95": ratio.mean_ci95 if ratio else np.nan, "within_chance": ratio.within_chance if ratio else g.within_chance,
        })
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df = df.sort_values([f"{measure}_mean", "scenario"], ascending=[False, True], na_position="last", kind="stable").reset_index(drop=True)
    ranked = df[f"{measure}_mean"].notna()
    df.insert(0, "rank", pd.array([i + 1 if ok else pd.NA for i, ok in enumerate(ranked)], dtype="Int64"))
    return df
