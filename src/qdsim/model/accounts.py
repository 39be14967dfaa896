"""The year book: raw quantities by year and county, from which metrics are derived.

Mechanisms add to it (already scaled back to 1:1); :mod:`qdsim.metrics`
turns it into the catalogue's metrics for each county and the prefecture.
"""

from __future__ import annotations

import numpy as np

RAW = (
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
)


class YearBook:
    def __init__(self, n_years: int, n_counties: int):
        self.data = {k: np.zeros((n_years, n_counties + 1)) for k in RAW}  # last column: prefecture (for non-additive)
        self.n_counties = n_counties
        self.year = 0

    def add(self, key: str, county: int, value: float) -> None:
        self.data[key][self.year, county] += value

    def add_by_county(self, key: str, county: np.ndarray, values: np.ndarray) -> None:
        self.data[key][self.year, : self.n_counties] += np.bincount(county, weights=values, minlength=self.n_counties)

    def set(self, key: str, county: int, value: float) -> None:
        self.data[key][self.year, county] = value

    def array(self) -> np.ndarray:
        """(raw, year, county+1) array in RAW order."""
        return np.stack([self.data[k] for k in RAW])


def gini(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted Gini coefficient (weights: persons)."""
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    x, w = values[order], weights[order]
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
