"""Funds: every yuan allocated, spent per programme and county, carried over or unspent.

Qingdao's fiscal funds arrive each January, are split across programmes by
the scenario's shares and across counties by rural population, and stay in
the county's programme pot until spent; what is left at the end of a year is
carried over, and what is left at the end of the period is reported unspent.
Donations form a pot of their own. Invariant (tested): allocated = spent +
still available, to the yuan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from qdsim.scenario.schema import PROGRAMMES

if TYPE_CHECKING:
    from qdsim.foundation.catalogue import ParameterSet
    from qdsim.model.model import DingxiModel

POTS = PROGRAMMES + ("donations",)


class Funds:
    weights: NDArray[np.float64]  # county shares (sum 1)
    available: NDArray[np.float64]  # (county, pot) 元 not yet spent
    allocated: NDArray[np.float64]  # (year, county, pot) 元
    spent: NDArray[np.float64]  # (year, county, pot) 元
    year: int  # the year index money is spent in

    def __init__(self, county_weights: NDArray[np.float64], n_years: int):
        self.weights = np.asarray(county_weights, float) / np.sum(county_weights)
        n_c = len(self.weights)
        self.available = np.zeros((n_c, len(POTS)))
        self.allocated = np.zeros((n_years, n_c, len(POTS)))
        self.spent = np.zeros((n_years, n_c, len(POTS)))
        self.year = 0

    def allocate(self, year_index: int, fiscal: float, shares: NDArray[np.float64], donations: float) -> None:
        """January: this year's money into the county pots."""
        self.year = year_index
        alloc = np.zeros_like(self.available)
        alloc[:, : len(PROGRAMMES)] = fiscal * self.weights[:, None] * shares[None, :]
        alloc[:, -1] = donations * self.weights
        self.available += alloc
        self.allocated[year_index] += alloc

    def pot(self, programme: str) -> int:
        return POTS.index(programme)

    def spend(self, programme: str, county: int, amount: float) -> float:
        """Spend up to ``amount`` from a county pot; return what was spent."""
        j = POTS.index(programme)
        amount = float(min(max(amount, 0.0), self.available[county, j]))
        self.available[county, j] -= amount
        self.spent[self.year, county, j] += amount
        return amount

    def spend_all(self, programme: str, county: int) -> float:
        return self.spend(programme, county, self.available[county, POTS.index(programme)])

    def balance(self, programme: str, county: int) -> float:
        return float(self.available[county, POTS.index(programme)])

    def spent_by_county(self, year_index: int) -> NDArray[np.float64]:
        return self.spent[year_index].sum(axis=1)

    def unspent(self) -> float:
        return float(self.available.sum())

    def check_conservation(self, tol: float = 1e-3) -> None:
        """Raise if any yuan was created or lost."""
        gap = self.allocated.sum() - self.spent.sum() - self.available.sum()
        if abs(gap) > tol * max(1.0, self.allocated.sum() * 1e-12):
            raise AssertionError(f"funds not conserved: gap of {gap} 元")


#: the first year whose projects have the 2025 mean cost (``project_cost_mean_2025``)
LARGER_PROJECTS_FROM = 2025


def mean_project_cost(p: ParameterSet, year: int) -> float:
    """The mean cost of a project started in ``year`` (元): 2021–2024's, and from 2025 the larger 2025 projects'."""
    return float(p.project_cost_mean_2025 if year >= LARGER_PROJECTS_FROM else p.project_cost_mean)


def draw_project_costs(budget: float, mean: float, sigma: float, rng: np.random.Generator, max_projects: int = 10_000) -> list[float]:
    """Projects funded from a budget: lognormal costs drawn until the next one does not fit.

    The remainder is carried over. Costs are drawn in blocks so the stream
    advances by the same amount for the same budget.
    """
    costs: list[float] = []
    mu = np.log(mean) - sigma * sigma / 2
    left = budget
    while len(costs) < max_projects:
        block = rng.lognormal(mu, sigma, 16)
        for c in block:
            if c > left:
                return costs
            costs.append(float(c))
            left -= c
    return costs


def pay_lever_cost(model: DingxiModel, programme: str, cost: float) -> None:
    """A lever's running cost (元, the year's), paid by ``programme`` before its other uses.

    Each county's pot pays its share (by rural population, as the money came); what a pot cannot
    cover is paid on top of the programme's budget and booked as ``spending_beyond_budget``. The
    whole cost is booked as ``lever_costs``.
    """
    if cost <= 0:
        return
    funds, book = model.funds, model.book
    for c in range(model.n_counties):
        need = cost * funds.weights[c]
        short = need - funds.spend(programme, c, need)
        book.add("lever_costs", c, need)
        if short > 0:
            book.add("spending_beyond_budget", c, short)


def spend_programmes(model: DingxiModel, t: int) -> None:
    """January: the consumption programme, social projects and talent exchange.

    The consumption programme first pays the year's running cost of the showrooms and e-commerce halls
    and the forward warehouses open that year (``showroom_cost``, ``warehouse_cost``; :func:`pay_lever_cost`).
    The rest is spent in full on events and on suppliers' certification and cold chains
    (:mod:`qdsim.model.consumption`): more outlets with the same money means fewer events and less support;
    education and health projects are drawn like industry projects; talent
    money pays the exchanges of cadres and technicians.
    """
    p = model.params
    rng = model.streams["funds"]
    model.consumption.programme_money = 0.0
    outlets = (model.levers.at("consumption.showrooms", t) * p.showroom_cost
               + model.levers.at("consumption.warehouses", t) * p.warehouse_cost)
    pay_lever_cost(model, "consumption", outlets)
    for c in range(model.n_counties):
        model.consumption.programme_money += model.funds.spend_all("consumption", c)
        costs = draw_project_costs(model.funds.balance("social", c), mean_project_cost(p, model.years[t]), p.project_cost_sigma, rng)
        if costs:
            model.funds.spend("social", c, sum(costs))
            model.book.add("projects_started", c, len(costs))
        model.funds.spend_all("talent", c)
