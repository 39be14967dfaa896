"""Metrics from a run's year book: raw yearly quantities into the catalogue's metrics, for each county and the prefecture.

Sums add up across counties by construction; ratios are computed from the
prefecture's (or the county's) own numerator and denominator. Apart from the
metric catalogue (:mod:`qdsim.metrics`) because it reads the model's year
book, and naming a metric should not import the model.
"""

from __future__ import annotations

import numpy as np

from qdsim.metrics import METRIC_IDS
from qdsim.model.accounts import RAW

# metric -> raw quantity it sums (flows and stocks)
_SUMS = {
    "fiscal_funds_spent": "fiscal_funds_spent",
    "projects_started": "projects_started",
    "consumption_sales": "consumption_sales",
    "stable_employment": "stable_employment",
    "labour_subsidy_paid": "labour_subsidy_paid",
    "migrant_workers_qingdao": "migrant_workers_qingdao",
    "relapse_households": "relapse_households",
    "eco_forest_area": "eco_forest_area",
    "demo_villages": "demo_villages_stock",
    "enterprise_jobs": "enterprise_jobs",
    "village_collective_income": "village_collective_income",
    "households": "households",
    "rural_population": "persons",
    "stable_employment_qingdao": "stable_qingdao",
    "stable_employment_gansu": "stable_gansu",
    "stable_employment_other": "stable_other",
    "migrants_gansu": "migrants_gansu",
    "migrants_other_provinces": "migrants_other",
    "wage_employment": "wage_employment",
    "migrant_earnings": "migrant_earnings",
    "consumption_sales_procurement": "sales_procurement",
    "consumption_sales_canteen": "sales_canteen",
    "consumption_sales_showroom": "sales_showroom",
    "consumption_sales_warehouse": "sales_warehouse",
    "consumption_sales_event": "sales_event",
    "consumption_sales_enclave": "sales_enclave",
    "consumption_paid_households": "channel_paid_households",
    "channel_buyers_active": "channel_buyers_active",
    "channel_bases": "channel_bases",
    "farm_sales": "farm_sales",
    "canteens_buying": "canteens_buying",
    "lever_costs": "lever_costs",
    "spending_beyond_budget": "spending_beyond_budget",
}
#: the four statistical sources of rural disposable income (NBS household survey) and the model's incomes each sums:
#: 工资性收入 wages (local jobs and casual work, and the part of migrant members' net earnings the household receives),
#: 经营净收入 net business income (farming: revenue less costs, with the channel's and firms' premiums),
#: 财产净收入 net property income (village collective dividends), 转移净收入 net transfers
_SOURCES = {
    "wage": ("income_wages_local", "income_wages_migrant"),
    "business": ("income_farm",),
    "property": ("income_dividends",),
    "transfer": ("income_transfers",),
}
# metric -> (numerator, denominator); a numerator of several raw quantities is their sum
_RATIOS = {
    "rural_income_per_capita": ("income_total", "persons"),
    "monitored_share": ("monitored", "households"),
    "potato_yield_mean": ("potato_output", "potato_area"),
    "potato_yield_demo": ("demo_output", "demo_area"),
    "greenhouse_cycles_demo": ("gh_demo_cycles_area", "gh_demo_area"),
    "potato_income_share": ("income_potato", "income_total"),
    "herbs_income_share": ("income_herbs", "income_total"),
} | {f"income_{k}_per_capita": (raws, "persons") for k, raws in _SOURCES.items()} | {
    f"income_{k}_share": (raws, "income_total") for k, raws in _SOURCES.items()}


def derive(raw: np.ndarray, n_counties: int) -> np.ndarray:
    """Metrics from a year book array.

    Args:
        raw: (len(RAW), n_years, n_counties + 1) — the last column holds
            prefecture values of non-additive quantities (the Gini).
    Returns:
        (len(METRIC_IDS), n_years, n_counties + 1); column 0 is ``all``, then
        the counties in catalogue order.
    """
    r = {k: raw[i] for i, k in enumerate(RAW)}
    n_years = raw.shape[1]
    out = np.full((len(METRIC_IDS), n_years, n_counties + 1), np.nan)

    def with_all(a: np.ndarray) -> np.ndarray:
        counties = a[:, :n_counties]
        return np.concatenate([counties.sum(axis=1, keepdims=True), counties], axis=1)

    for i, m in enumerate(METRIC_IDS):
        if m in _SUMS:
            out[i] = with_all(r[_SUMS[m]])
        elif m in _RATIOS:
            num_keys, den_key = _RATIOS[m]
            num = sum(with_all(r[k]) for k in ((num_keys,) if isinstance(num_keys, str) else num_keys))
            den = with_all(r[den_key])
            with np.errstate(invalid="ignore", divide="ignore"):
                out[i] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
        elif m == "income_gini":
            g = r["income_gini"]
            out[i] = np.concatenate([g[:, n_counties : n_counties + 1], g[:, :n_counties]], axis=1)
        else:  # pragma: no cover - the catalogue and this module must agree
            raise KeyError(f"metric {m} has no derivation")
    return out
