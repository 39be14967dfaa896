"""Shocks and protection: illness, transfers, assistance, the monitoring line, relapse.

Each household may suffer a serious illness in the year; its out-of-pocket
cost falls where the county's hospitals are paired with Qingdao's. Public
transfers are paid per person. Donations pay living assistance to households
under the monitoring line at the last assessment. At year end every household
whose per-capita income net of out-of-pocket medical cost is below the line
is monitored; a household monitored now but not a year ago has relapsed (from
the second year on: the first year has no previous assessment). Households
lifted out of poverty receive extra transfers (pension top-ups, subsidies),
and the minimum living guarantee (低保) fills part of the gap between a
household's per-capita income and its standard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from qdsim.model import farming, labour
from qdsim.model.households import FIRM, GANSU, HOME, OTHER, QINGDAO

if TYPE_CHECKING:
    from qdsim.foundation.catalogue import ParameterSet
    from qdsim.model.model import DingxiModel


def monitoring_line(p: ParameterSet, t: int) -> float:
    return p.monitoring_line_2021 * (1 + p.monitoring_line_growth) ** t


def initial_assessment(model: DingxiModel) -> None:
    """Who is under the monitoring line at the start: a quiet year without cooperation."""
    hh = model.households
    p = model.params
    w = model.workers
    e = labour.net_earnings(model, 0)
    monthly = np.zeros(5)
    monthly[HOME] = p.casual_work_share * p.wage_local
    monthly[FIRM] = p.wage_local
    monthly[GANSU], monthly[OTHER], monthly[QINGDAO] = (p.remittance_share * max(0.0, e[k]) for k in ("gansu", "other", "qingdao"))
    wages = 12 * np.bincount(w.household, weights=monthly[w.state], minlength=hh.n)
    yields = farming.potato_yields(p, hh.tech)
    farm = (
        hh.area[:, 0] * (yields * p.potato_price - p.potato_cost)
        + hh.area[:, 1] * (p.herbs_yield * p.herbs_price - p.herbs_cost)
        + hh.area[:, 2] * (p.grain_yield * p.grain_price - p.grain_cost)
        + hh.area[:, 3] * (p.greenhouse_revenue_per_cycle - p.greenhouse_cost_per_cycle)
        + hh.area[:, 4] * p.forage_net
    ) * hh.productivity
    per_capita = (farm + wages) / hh.size + p.transfer_per_capita + np.where(hh.formerly_poor, p.poor_household_transfer, 0.0)
    hh.monitored = per_capita < monitoring_line(p, 0)


def illness(model: DingxiModel, t: int) -> None:
    p = model.params
    hh = model.households
    rng = model.streams["shocks"]
    u = rng.random(hh.n)
    mu = np.log(p.medical_cost_mean) - p.medical_cost_sigma**2 / 2
    cost = rng.lognormal(mu, p.medical_cost_sigma, hh.n)
    coverage = min(1.0, model.levers.at("pairings.hospitals", t) / p.hospitals_total)
    oop = p.oop_share * (1 - p.paired_hospital_oop_reduction * coverage)
    hh.oop_medical += np.where(u < p.illness_probability, cost * oop, 0.0)


def transfers(model: DingxiModel, t: int) -> None:
    p = model.params
    hh = model.households
    growth = (1 + p.transfer_growth) ** t
    per_person = p.transfer_per_capita + np.where(hh.formerly_poor, p.poor_household_transfer, 0.0)
    hh.income[:, 3] += hh.size * per_person * growth
    # minimum living guarantee (低保): tops incomes up towards the standard
    gap = np.maximum(0.0, p.dibao_standard * growth - hh.total_income() / hh.size)
    hh.income[:, 3] += p.dibao_coverage * gap * hh.size
    # living assistance from donations, to households monitored at the last assessment
    transfers_col = hh.income[:, 3]  # a view
    bounds = np.searchsorted(hh.county, np.arange(model.n_counties + 1))  # households come county by county
    for c in range(model.n_counties):
        pot = model.funds.balance("donations", c)
        if pot <= 0:
            continue
        assist = model.funds.spend("donations", c, pot * p.donation_assistance_share)
        first, end = bounds[c], bounds[c + 1]
        target = first + np.flatnonzero(hh.monitored[first:end])  # = np.flatnonzero((hh.county == c) & hh.monitored)
        if not len(target):
            target = first + np.flatnonzero(hh.formerly_poor[first:end])
        size = hh.size[target]
        persons = size.sum() * hh.weight
        if persons > 0:
            transfers_col[target] += size * assist / persons
        model.funds.spend_all("donations", c)  # the rest funds social projects


def assess(model: DingxiModel, t: int) -> None:
    hh = model.households
    per_capita = (hh.total_income() - hh.oop_medical) / hh.size
    now = per_capita < monitoring_line(model.params, t)
    model.book.add_by_county("monitored", hh.county, now, hh.weight)
    if t == 0:  # relapse needs a previous assessment: none before the first year
        model.book.data["relapse_households"][0, :] = np.nan
    else:
        model.book.add_by_county("relapse_households", hh.county, now & ~hh.monitored, hh.weight)
    hh.monitored = now
