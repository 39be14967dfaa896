"""The year book: raw quantities by year and county, from which metrics are derived.

Mechanisms add to it (already scaled back to 1:1); :mod:`qdsim.results.derive`
turns it into the catalogue's metrics for each county and the prefecture.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from qdsim.model import kernels
from qdsim.model.order import stable_argsort

#: the year book's quantities: a key a mechanism books under must be one of these (a misspelt key is a type
#: error, found by ``mypy``, tests/model/test_typing.py); :mod:`qdsim.results.derive` turns them into metrics
RawKey = Literal[
    "fiscal_funds_spent",
    "projects_started",
    "consumption_sales",
    "stable_employment",
    "labour_subsidy_paid",
    "migrant_workers_qingdao",
    "income_total",
    "persons",
    "households",
    "monitored",
    "relapse_households",
    "potato_output",
    "potato_area",
    "demo_output",
    "demo_area",
    "gh_demo_cycles_area",
    "gh_demo_area",
    "eco_forest_area",
    "demo_villages_stock",
    "enterprise_jobs",
    "village_collective_income",
    "income_gini",
    "income_farm",
    "income_wages_local",
    "income_wages_migrant",
    "income_transfers",
    "income_dividends",
    "stable_qingdao",
    "stable_gansu",
    "stable_other",
    "stable_qingdao_jan_nov",
    "stable_gansu_jan_nov",
    "stable_other_jan_nov",
    "migrants_gansu",
    "migrants_other",
    "wage_employment",
    "migrant_earnings",
    "sales_procurement",
    "sales_canteen",
    "sales_showroom",
    "sales_warehouse",
    "sales_event",
    "sales_enclave",
    "channel_buyers_active",
    "channel_paid_households",
    "channel_bases",
    "farm_sales",
    "income_potato",
    "income_herbs",
    "canteens_buying",
    "lever_costs",
    "spending_beyond_budget",
    "income_wages",
]
#: the quantities in the order of :meth:`YearBook.array` (the order of ``RawKey``)
RAW: tuple[RawKey, ...] = get_args(RawKey)


class YearBook:
    """Raw quantities by ``RawKey``: ``data[key]`` is a (year, county + 1) array of this replicate's year book."""

    def __init__(self, n_years: int, n_counties: int):
        # last column: prefecture (for non-additive)
        self.data: dict[RawKey, NDArray[np.float64]] = {k: np.zeros((n_years, n_counties + 1)) for k in RAW}
        self.n_counties = n_counties
        self.year = 0

    def add(self, key: RawKey, county: int, value: float) -> None:
        self.data[key][self.year, county] += value

    def add_by_county(self, key: RawKey, county: NDArray[np.integer], values: NDArray[np.floating | np.integer | np.bool_], scale: float = 1.0) -> None:
        """Add ``values × scale`` by county to this year's row: ``np.bincount(county, weights=values * scale)``;
        ``values`` may be a mask (a count of ``scale`` each where it holds)."""
        self.data[key][self.year, : self.n_counties] += kernels.bincount(county, values, scale, self.n_counties)

    def set(self, key: RawKey, county: int, value: float) -> None:
        self.data[key][self.year, county] = value

    def array(self) -> NDArray[np.float64]:
        """(raw, year, county+1) array in RAW order."""
        return np.stack([self.data[k] for k in RAW])


def gini(values: NDArray[np.floating], weights: NDArray[np.floating]) -> float:
    """Weighted Gini coefficient (weights: persons)."""
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = stable_argsort(values)
    return _gini_sorted(values[order], weights[order])


def gini_by_group(values: NDArray[np.floating], weights: NDArray[np.floating], group: NDArray[np.integer], n_groups: int) -> NDArray[np.float64]:
    """``gini`` of each group (0 … n_groups-1) and, last, of all values, from one sort.

    A group's elements taken in the stable order of all values are in the
    stable order of the group's values, so every result equals
    ``gini(values[group == g], weights[group == g])`` to the last bit.
    Weights are non-negative.
    """
    out = np.empty(n_groups + 1)
    order = stable_argsort(values)
    g = group[order]
    by_group = np.argsort(g, kind="stable")  # group after group, each in the order of all values
    in_groups = order[by_group]
    edges = np.searchsorted(g[by_group], np.arange(n_groups + 1))
    for c in range(n_groups):
        out[c] = _gini_of(values, weights, in_groups[edges[c] : edges[c + 1]])
    out[n_groups] = _gini_of(values, weights, order)
    return out


def _gini_of(values: NDArray[np.floating], weights: NDArray[np.floating], idx: NDArray[np.integer]) -> float:
    """``_gini_sorted(values[idx], weights[idx])`` (``idx`` in increasing order of values; nan when empty or
    weightless), in one compiled pass and NumPy's sum: the same arithmetic in the same order. For
    non-negative weights the sequential sum is positive exactly when NumPy's pairwise sum is."""
    if not len(idx):
        return float("nan")
    terms, cw, total = kernels.gini_terms(values, weights, idx)
    if not cw > 0 or total <= 0:
        return float("nan")
    area = np.sum(terms) / (2 * cw)
    return float(1 - 2 * area)


def _gini_sorted(x: NDArray[np.floating], w: NDArray[np.floating]) -> float:
    """Gini of values ``x`` already in increasing order, with weights ``w``."""
    cw = np.cumsum(w)
    cxw = np.cumsum(x * w)
    total = cxw[-1]
    if total <= 0:
        return float("nan")
    # area under the Lorenz curve by trapezoids
    lorenz = cxw / total
    prev = np.concatenate([[0.0], lorenz[:-1]])
    area = np.sum(w * (lorenz + prev)) / (2 * cw[-1])
    return float(1 - 2 * area)
