"""Resolve a scenario into per-year lever values, with the programme horizon applied.

The model never reads the scenario object: it reads a :class:`LeverTable`,
arrays indexed by year offset, so that a lever's meaning (step function,
event, taper) is decided here once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qdsim.scenario.schema import ALL_YEARS, PROGRAMMES, Scenario
from qdsim.scenario.years import value_at

#: levers that are not amounts but conditions of the channel; not tapered
NOT_TAPERED = {("consumption", "price_premium"), ("consumption", "logistics_loss")}


def step_series(series: dict[int, float], years: list[int], before: float = 0.0) -> np.ndarray:
    """Step function: each given value holds until the next given year (ALL_YEARS alone: every year)."""
    if set(series) == {ALL_YEARS}:
        return np.full(len(years), series[ALL_YEARS], dtype=float)
    return np.array([value_at(series, y, before) for y in years], dtype=float)


def event_series(series: dict[int, float], years: list[int]) -> np.ndarray:
    """Only the years given (a scalar, stored under ALL_YEARS, means every year not given)."""
    every = series.get(ALL_YEARS, 0.0)
    return np.array([series.get(y, every) for y in years], dtype=float)


def horizon_factor(scenario: Scenario) -> np.ndarray:
    """Strength of the cooperation by year: 1, tapering, or 0 after the horizon."""
    years = scenario.period.years
    h = scenario.horizon
    f = np.ones(len(years))
    if h.mode == "continue":
        return f
    for i, y in enumerate(years):
        if y > h.after:
            f[i] = 0.0 if h.mode == "stop" else max(0.0, 1.0 - (y - h.after) / h.taper_years)
    return f


@dataclass
class LeverTable:
    """Lever values by year (index 0 = period start). Money in 元, areas in 亩."""

    years: list[int]
    values: dict[str, np.ndarray]  # "group.name" -> array
    shares: np.ndarray  # (n_years, n_programmes) in PROGRAMMES order

    def __getitem__(self, key: str) -> np.ndarray:
        return self.values[key]

    def at(self, key: str, year_index: int) -> float:
        return float(self.values[key][year_index])

    def share(self, programme: str, year_index: int) -> float:
        return float(self.shares[year_index, PROGRAMMES.index(programme)])


def resolve(scenario: Scenario) -> LeverTable:
    years = scenario.period.years
    factor = horizon_factor(scenario)
    values: dict[str, np.ndarray] = {}
    for path, series in scenario.iter_series():
        if path[0] == "levers":
            arr = step_series(series, years)
            if (path[1], path[2]) not in NOT_TAPERED:
                arr = arr * factor
            values[f"{path[1]}.{path[2]}"] = arr
        elif path[1] == "drought":
            values["conditions.drought"] = event_series(series, years)
        else:
            values[f"conditions.{path[1]}"] = step_series(series, years, before=1.0)
    values["conditions.hail_multiplier"] = np.full(len(years), scenario.conditions.hail_multiplier)
    for name in ("wage", "spending"):
        g = getattr(scenario.conditions, f"qingdao_{name}_growth")
        values[f"conditions.qingdao_{name}_index"] = (1.0 + g) ** np.arange(len(years))
    shares = scenario.levers.funds.shares
    table = np.zeros((len(years), len(PROGRAMMES)))
    for i, y in enumerate(years):
        s = value_at(shares, y, before=shares[min(shares)])
        table[i] = [getattr(s, p) for p in PROGRAMMES]
    return LeverTable(years, values, table)


def change_year(scenario: Scenario, reference: Scenario) -> int:
    """The first year ``scenario`` does something different from ``reference`` (its baseline).

    What a cost-effectiveness window starts from: money and results before the
    change are common to both and only dilute the comparison. The first year a
    lever (or a programme's share, or the horizon's effect on them) or a
    condition (a drought) differs; the period start when a behavioural
    parameter is overridden differently, since that acts from the start.

    Raises:
        ValueError: the two scenarios cover different years.
    """
    a, b = resolve(scenario), resolve(reference)
    if a.years != b.years:
        raise ValueError(f"{scenario.id} covers {a.years[0]}–{a.years[-1]}, {reference.id} {b.years[0]}–{b.years[-1]}")
    if scenario.overrides != reference.overrides:
        return a.years[0]
    zeros = np.zeros(len(a.years))
    changed = ~np.isclose(a.shares, b.shares, rtol=1e-12, atol=1e-15).all(axis=1)
    for k in set(a.values) | set(b.values):
        changed |= ~np.isclose(a.values.get(k, zeros), b.values.get(k, zeros), rtol=1e-12, atol=0.0)
    return a.years[int(np.argmax(changed))] if changed.any() else a.years[0]
