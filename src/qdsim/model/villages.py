"""Villages: pairing, demonstration-village upgrades, collective income and dividends.

Villages are paired with Qingdao in a fixed order (formerly poor first) up to
the scenario's number of paired villages. The village programme (百村振兴)
upgrades villages to demonstration villages, paired ones first, while the
county's pot covers the cost of the next one; each gets a workshop with
``demo_jobs`` jobs and a gain in collective income. Collective income (base,
returns on funded assets, demonstration and pairing) is partly paid out to the
village's households as dividends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from qdsim.model.agents import Village
from qdsim.model.enterprises import create_firm

if TYPE_CHECKING:
    from qdsim.model.model import DingxiModel

COST_DRAWS = 64  # cost draws per county and year, fixed for common random numbers


@dataclass
class Villages:
    """Every village's facts as arrays (one copy each; the ``Village`` agents read them)."""

    county: NDArray[np.int64]
    formerly_poor: NDArray[np.bool_]
    rank: NDArray[np.int64]  # pairing order (paired when rank < paired-villages lever)
    township: NDArray[np.int64]
    paired: NDArray[np.bool_]  # paired with a Qingdao unit this year
    demo: NDArray[np.bool_]  # a demonstration village (乡村振兴示范村)
    assets: NDArray[np.float64]  # 元 of funded collective assets (greenhouses, cold storage)
    collective_income: NDArray[np.float64]  # 元 this year
    agents: list[Village]  # in index order
    of_county: list[NDArray[np.intp]]  # each county's village indices, in index order

    @property
    def pairing_order(self) -> NDArray[np.intp]:
        """Village indices in the order they are paired."""
        return np.argsort(self.rank, kind="stable")


def build(model: DingxiModel, county: NDArray[np.int64], formerly_poor: NDArray[np.bool_], rank: NDArray[np.int64], township: NDArray[np.int64]) -> Villages:
    n = len(county)
    agents = [Village(model, index=i) for i in range(n)]
    of_county = [np.flatnonzero(county == c) for c in range(model.n_counties)]
    return Villages(county, formerly_poor, rank, township, np.zeros(n, bool), np.zeros(n, bool), np.zeros(n), np.zeros(n), agents, of_county)


def update_pairing(model: DingxiModel, t: int) -> None:
    v = model.villages
    v.paired[:] = v.rank < model.levers.at("pairings.villages", t)


def upgrade_demo_villages(model: DingxiModel, t: int) -> None:
    p = model.params
    rng = model.streams["villages"]
    vs = model.villages
    order = np.lexsort((vs.rank, ~vs.paired))  # paired villages first, then by pairing rank (ranks are unique)
    for c in range(model.n_counties):
        costs = p.demo_village_cost * np.clip(rng.normal(1.0, 0.15, COST_DRAWS), 0.5, 1.5)
        candidates = (i for i in order[vs.county[order] == c] if not vs.demo[i])
        for cost, v in zip(costs, candidates, strict=False):
            if model.funds.balance("village", c) < cost:
                break
            model.funds.spend("village", c, cost)
            model.book.add("projects_started", c, 1)
            vs.demo[v] = True
            capital = p.demo_jobs * p.capital_per_job / p.fill_rate
            create_firm(model, county=c, sector="workshop", capital=capital, coop=True, village=int(v))


def year_end(model: DingxiModel, t: int) -> None:
    """Collective income for every village (base, returns on funded assets, demonstration and pairing);
    dividends to the village's simulated households."""
    p = model.params
    hh = model.households
    vs = model.villages
    income = vs.collective_income
    income[:] = p.collective_income_base + p.asset_return * vs.assets
    income += np.where(vs.demo, p.demo_collective_boost, 0.0)
    income += np.where(vs.paired, p.pairing_income, 0.0)
    # by county, village by village: the same sums as adding one village at a time to the year's (empty) row
    model.book.add_by_county("village_collective_income", vs.county, income)
    model.book.add_by_county("demo_villages_stock", vs.county, vs.demo.astype(np.float64))
    # dividends: a share of collective income, split among the households each simulated one represents
    n_hh_v = np.bincount(hh.village, minlength=len(income)) * hh.weight
    per_household = np.divide(p.dividend_share * income, n_hh_v, out=np.zeros_like(income), where=n_hh_v > 0)
    hh.income[:, 4] += per_household[hh.village]
