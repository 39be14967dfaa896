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

from qdsim.model.agents import Enterprise, jobs_supported
from qdsim.model.funds import draw_project_costs, mean_project_cost
from qdsim.model.households import FIRM, HOME, REPORTED_INDUSTRIES

if TYPE_CHECKING:
    from qdsim.model.model import DingxiModel

BUYING_SECTORS = ("potato", "herbs", "livestock", "vegetables")


class Firms:
    """Every firm's facts as arrays, one slot per firm ever created (a closed firm keeps its slot, not alive).

    The ``Enterprise`` agents read and write them here; the mechanisms work on all firms at once.
    """

    positions: NDArray[np.int64]  # jobs in the simulated sample
    hired: NDArray[np.int64]
    coop: NDArray[np.bool_]
    county: NDArray[np.int64]
    industry: NDArray[np.int8]  # index in REPORTED_INDUSTRIES of the firm's sector, −1 for other sectors
    buying: NDArray[np.bool_]  # its sector buys farm products under contract (BUYING_SECTORS)
    capital: NDArray[np.float64]  # 元, productive
    profit: NDArray[np.float64]  # 元, the last year's
    cumulative_loss: NDArray[np.float64]  # 元
    age: NDArray[np.int64]  # year ends gone through
    alive: NDArray[np.bool_]  # not closed
    ready: NDArray[np.float64]  # step at which the first of its projects under way becomes productive; inf: none
    agents: list[Enterprise]  # by slot
    n: int  # slots in use

    #: the arrays and the value a new slot starts from
    FIELDS: tuple[tuple[str, type, float], ...] = (
        ("positions", np.int64, 0), ("hired", np.int64, 0), ("coop", np.bool_, False), ("county", np.int64, 0),
        ("industry", np.int8, -1), ("buying", np.bool_, False), ("capital", np.float64, 0.0), ("profit", np.float64, 0.0),
        ("cumulative_loss", np.float64, 0.0), ("age", np.int64, 0), ("alive", np.bool_, False), ("ready", np.float64, np.inf),
    )

    def __init__(self, capacity: int = 1024):
        for name, dtype, start in self.FIELDS:
            setattr(self, name, np.full(capacity, start, dtype=dtype))
        self.agents = []
        self.n = 0

    def new_slot(self, county: int, coop: bool, sector: str = "", capital: float = 0.0) -> int:
        if self.n == len(self.positions):
            for name, _, start in self.FIELDS:
                arr = getattr(self, name)
                setattr(self, name, np.concatenate([arr, np.full_like(arr, start)]))
        s = self.n
        self.n += 1
        self.county[s] = county
        self.coop[s] = coop
        self.industry[s] = REPORTED_INDUSTRIES.index(sector) if sector in REPORTED_INDUSTRIES else -1
        self.buying[s] = sector in BUYING_SECTORS
        self.capital[s] = capital
        self.alive[s] = True
        return s


def create_firm(model: DingxiModel, *, county: int, sector: str, capital: float, coop: bool, village: int = -1) -> Enterprise:
    slot = model.firms.new_slot(county, coop, sector, capital)
    firm = Enterprise(model, slot=slot, sector=sector, village=village)
    model.firms.agents.append(firm)
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
        s = model.firms
        firms = np.flatnonzero(s.alive[: s.n] & (s.county[: s.n] == c)).tolist()  # its firms, oldest first
        villages = model.villages.of_county[c]
        ready = model.steps + p.project_duration_months
        for cost, (u_kind, u_new, u_pick) in zip(costs, u, strict=True):
            if u_kind < p.industry_enterprise_share:
                invest = cost * (1 + p.investment_leverage)
                if u_new < p.new_enterprise_share or not firms:
                    slot = create_firm(model, county=c, sector=Enterprise.SECTORS[int(u_pick * 5)], capital=0.0, coop=True).slot
                    firms.append(slot)
                else:
                    slot = firms[int(u_pick * len(firms))]
                    s.coop[slot] = True
                add_project(s, slot, ready, invest)
            else:
                model.villages.assets[villages[int(u_pick * len(villages))]] += cost


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


def add_project(s: Firms, slot: int, ready: float, invest: float) -> None:
    """A project under way in the firm: ``invest`` 元 of capital productive from step ``ready`` (projects come in order)."""
    firm = s.agents[slot]
    if not firm.pending:
        s.ready[slot] = ready
    firm.pending.append((ready, invest))


def complete_projects(model: DingxiModel) -> None:
    """Monthly: capital of finished projects becomes productive (firms in slot order: each draws its rounding)."""
    s = model.firms
    for slot in np.flatnonzero(s.ready[: s.n] <= model.steps):
        firm = s.agents[slot]
        done = [c for m, c in firm.pending if m <= model.steps]
        firm.pending = [(m, c) for m, c in firm.pending if m > model.steps]
        s.ready[slot] = firm.pending[0][0] if firm.pending else np.inf
        s.capital[slot] += sum(done)
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
    if model.worker_county_bounds is not None:  # stored county by county
        first = np.searchsorted(home, model.worker_county_bounds)
    else:
        home_c = w.county[home]
        home = home[np.argsort(home_c, kind="stable")]
        first = np.concatenate([[0], np.cumsum(np.bincount(home_c, minlength=model.n_counties))])
    open_slots = np.flatnonzero(vac > 0)
    open_county = s.county[open_slots]
    for c in np.flatnonzero(np.bincount(open_county, minlength=model.n_counties)):  # the counties with vacancies, in order
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
    s = model.firms
    s.positions[firm.slot] = 0
    s.alive[firm.slot] = False
    s.ready[firm.slot] = np.inf
    firm.remove()


def purchases_by_county(model: DingxiModel) -> NDArray[np.float64]:
    """Firms' contract purchases of farm products, 元 a year, full scale (added firm by firm, in slot order)."""
    p = model.params
    s = model.firms
    buying = np.flatnonzero(s.alive[: s.n] & s.buying[: s.n])
    return np.bincount(s.county[buying], weights=p.purchase_per_job * jobs_supported(s.capital[buying], p), minlength=model.n_counties).astype(np.float64)


def year_end(model: DingxiModel) -> None:
    """Year-end accounts of every firm, in a random order: profit from a stochastic return on capital
    (one normal draw each, in that order), exit after heavy losses (their workers go home)."""
    p = model.params
    s = model.firms
    order = [f.slot for f in model.enterprises()]
    model.random.shuffle(order)  # the order Mesa's ``shuffle_do`` would step them in
    slots = np.array(order, dtype=np.intp)
    r = p.enterprise_return + p.enterprise_return_sd * model.streams["enterprises"].standard_normal(len(slots))
    profit = s.profit[slots] = r * s.capital[slots]
    loss = s.cumulative_loss[slots] = np.maximum(0.0, s.cumulative_loss[slots] - profit)
    s.age[slots] += 1
    for slot in slots[loss > p.exit_loss_threshold * s.capital[slots]]:
        close(model, s.agents[slot])
    shrink(model)
