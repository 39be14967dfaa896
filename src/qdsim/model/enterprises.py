"""Enterprises: entry through projects and investment, hiring, buying, profit and exit.

Industry projects (January) either found a new firm, expand an existing one,
or build a village collective asset; cooperation money attracts private and
eastern investment (``investment_leverage``). A project becomes productive
``project_duration_months`` after it starts. Firms hire rural workers at home
in their county up to the jobs their capital supports, buy farm products under
contract, make a stochastic return and exit after heavy losses (their
workers go home). Firms also enter without the cooperation at a small rate.
Incubator firms (青定智慧谷) enter as the scenario says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from qdsim.model.agents import Enterprise
from qdsim.model.funds import draw_project_costs, mean_project_cost
from qdsim.model.households import FIRM, HOME, REPORTED_INDUSTRIES

if TYPE_CHECKING:
    from qdsim.model.model import DingxiModel

BUYING_SECTORS = ("potato", "herbs", "livestock", "vegetables")


class Firms:
    """The firms' facts that mechanisms read as arrays, one slot per firm (the ``Enterprise`` agents hold the rest)."""

    positions: NDArray[np.int64]  # jobs in the simulated sample
    hired: NDArray[np.int64]
    coop: NDArray[np.bool_]
    county: NDArray[np.int64]
    industry: NDArray[np.int8]  # index in REPORTED_INDUSTRIES of the firm's sector, −1 for other sectors
    n: int  # slots in use

    def __init__(self, capacity: int = 1024):
        self.positions = np.zeros(capacity, dtype=np.int64)  # jobs in the simulated sample
        self.hired = np.zeros(capacity, dtype=np.int64)
        self.coop = np.zeros(capacity, dtype=bool)
        self.county = np.zeros(capacity, dtype=np.int64)
        self.industry = np.full(capacity, -1, dtype=np.int8)
        self.n = 0

    def new_slot(self, county: int, coop: bool, sector: str = "") -> int:
        if self.n == len(self.positions):
            for name in ("positions", "hired", "coop", "county", "industry"):
                arr = getattr(self, name)
                setattr(self, name, np.concatenate([arr, np.full_like(arr, -1 if name == "industry" else 0)]))
        s = self.n
        self.n += 1
        self.county[s] = county
        self.coop[s] = coop
        self.industry[s] = REPORTED_INDUSTRIES.index(sector) if sector in REPORTED_INDUSTRIES else -1
        return s


def create_firm(model: DingxiModel, *, county: int, sector: str, capital: float, coop: bool, village: int = -1) -> Enterprise:
    slot = model.firms.new_slot(county, coop, sector)
    firm = Enterprise(model, slot=slot, county=county, sector=sector, capital=capital, village=village)
    set_positions(model, firm)
    return firm


def set_positions(model: DingxiModel, firm: Enterprise) -> None:
    """Sample positions = full-scale jobs × scale, rounded stochastically."""
    model.firms.positions[firm.slot] = model.stochastic_round(firm.jobs_target * model.scale, "enterprises")


def initial_firms(model: DingxiModel) -> None:
    p = model.params
    rng = model.streams["enterprises"]
    n = int(round(p.initial_enterprises))
    counties = rng.choice(model.n_counties, size=n, p=model.county_weights)
    sectors = rng.choice(len(Enterprise.SECTORS) - 2, size=n)  # no workshops or tech firms at start
    jobs = rng.lognormal(np.log(p.firm_jobs_mean) - 0.5, 1.0, n)
    for c, s, j in zip(counties, sectors, jobs, strict=True):
        create_firm(model, county=int(c), sector=Enterprise.SECTORS[s], capital=j * p.capital_per_job / p.fill_rate, coop=False)


def fund_industry(model: DingxiModel, t: int) -> None:
    """January: industry projects from each county's industry pot."""
    p = model.params
    rng = model.streams["funds"]
    for c in range(model.n_counties):
        costs = draw_project_costs(model.funds.balance("industry", c), mean_project_cost(p, model.years[t]), p.project_cost_sigma, rng)
        if not costs:
            continue
        model.funds.spend("industry", c, sum(costs))
        model.book.add("projects_started", c, len(costs))
        u = rng.random((len(costs), 3))
        firms = [f for f in model.enterprises() if f.county == c]
        villages = model.villages.by_county[c]
        ready = model.steps + p.project_duration_months
        for cost, (u_kind, u_new, u_pick) in zip(costs, u, strict=True):
            if u_kind < p.industry_enterprise_share:
                invest = cost * (1 + p.investment_leverage)
                if u_new < p.new_enterprise_share or not firms:
                    firm = create_firm(model, county=c, sector=Enterprise.SECTORS[int(u_pick * 5)], capital=0.0, coop=True)
                    firms.append(firm)
                else:
                    firm = firms[int(u_pick * len(firms))]
                    model.firms.coop[firm.slot] = True
                firm.pending.append((ready, invest))
            else:
                village = villages[int(u_pick * len(villages))]
                village.assets += cost


def natural_entry(model: DingxiModel, t: int) -> None:
    p = model.params
    rng = model.streams["enterprises"]
    n_new = rng.poisson(p.enterprise_entry_rate * p.initial_enterprises * model.county_weights)
    for c, k in enumerate(n_new):
        for _ in range(int(k)):
            jobs = rng.lognormal(np.log(p.firm_jobs_mean) - 0.5, 1.0)
            create_firm(model, county=c, sector=Enterprise.SECTORS[int(rng.integers(5))], capital=jobs * p.capital_per_job / p.fill_rate, coop=False)


def incubator_entry(model: DingxiModel, t: int) -> None:
    """Firms entering the joint tech incubator (青定智慧谷; its county is in region.yaml) this year."""
    p = model.params
    k = model.stochastic_round(model.levers.at("people.incubator_firms", t), "enterprises")
    for _ in range(k):
        create_firm(model, county=model.incubator_county, sector="tech", capital=p.incubator_jobs * p.capital_per_job / p.fill_rate, coop=True)


def complete_projects(model: DingxiModel) -> None:
    """Monthly: capital of finished projects becomes productive."""
    for firm in model.enterprises():
        if firm.pending and firm.pending[0][0] <= model.steps:
            done = [c for m, c in firm.pending if m <= model.steps]
            firm.pending = [(m, c) for m, c in firm.pending if m > model.steps]
            firm.capital += sum(done)
            set_positions(model, firm)


def hire(model: DingxiModel) -> None:
    """Firms fill vacancies with workers at home in their county (random order).

    Each county's seats (vacancies in slot order) go to a random sample, in
    random order, of the county's workers at home, drawn for the seats only.
    """
    s = model.firms
    w = model.workers
    n = s.n
    vac = np.maximum(s.positions[:n] - s.hired[:n], 0)
    if vac.sum() == 0:
        return
    rng = model.streams["hiring"]  # its own stream: how many draws hiring takes depends on labour, and must not re-deal firms' returns
    home = np.flatnonzero(w.state == HOME)
    if model.n_counties < np.iinfo(w.county.dtype).max and np.all(w.county[1:] >= w.county[:-1]):  # stored county by county
        counties = np.arange(model.n_counties + 1).astype(w.county.dtype)  # in the array's own type: no converted copy of it
        first = np.searchsorted(home, np.searchsorted(w.county, counties))
    else:
        home_c = w.county[home]
        home = home[np.argsort(home_c, kind="stable")]
        first = np.concatenate([[0], np.cumsum(np.bincount(home_c, minlength=model.n_counties))])
    open_slots = np.flatnonzero(vac > 0)
    open_county = s.county[open_slots]
    for c in np.unique(open_county):
        slots_c = open_slots[open_county == c]
        seats = np.repeat(slots_c, vac[slots_c])
        pool = home[first[c] : first[c + 1]]
        cand = pool[rng.choice(len(pool), size=min(len(seats), len(pool)), replace=False)]
        seats = seats[: len(cand)]
        w.state[cand] = FIRM
        w.employer[cand] = seats
        w.job_counted[cand] = False  # a new job: not yet counted as stable
        s.hired[:n] += np.bincount(seats, minlength=n)


def release(model: DingxiModel, workers: NDArray[np.integer]) -> None:
    """Workers who lose their job go home; their firms' hires fall."""
    w = model.workers
    s = model.firms
    s.hired[: s.n] -= np.bincount(w.employer[workers], minlength=s.n)
    w.state[workers] = HOME
    w.employer[workers] = -1
    w.assisted[workers] = False


def shrink(model: DingxiModel) -> None:
    """Firms with more hires than positions let the surplus go (after a loss or exit)."""
    s = model.firms
    w = model.workers
    over = np.flatnonzero(s.hired[: s.n] > s.positions[: s.n])
    if not len(over):
        return
    in_firm = np.flatnonzero(w.employer >= 0)
    drop = []
    for slot in over:
        members = in_firm[w.employer[in_firm] == slot]
        drop.append(members[: s.hired[slot] - s.positions[slot]])
    release(model, np.concatenate(drop))


def close(model: DingxiModel, firm: Enterprise) -> None:
    model.firms.positions[firm.slot] = 0
    firm.remove()


def purchases_by_county(model: DingxiModel) -> NDArray[np.float64]:
    """Firms' contract purchases of farm products, 元 a year, full scale."""
    p = model.params
    out = np.zeros(model.n_counties)
    for f in model.enterprises():
        if f.sector in BUYING_SECTORS:
            out[f.county] += p.purchase_per_job * f.jobs_target
    return out


def year_end(model: DingxiModel) -> None:
    model.agents_by_type[Enterprise].shuffle_do("step")
    shrink(model)
