"""Labour: where each working-age member works, month by month, and who the programme helped.

Destinations: home (farm and casual work), a local firm (hired by firms,
:mod:`qdsim.model.enterprises`), away within Gansu (Lanzhou and the county
towns), away in another province, or Qingdao through the cooperation channel
(青定人力, only while Qingdao offers jobs). Migrants return and firm workers
lose their jobs at monthly rates by destination (churn); after Spring Festival
(February) half of the workers not in a firm reconsider, in other months a
few. A decision is a multinomial logit over net monthly earnings by
destination, alternative-specific constants that reproduce the 2021 shares
of working away (in Gansu, elsewhere), a barrier to Qingdao that training,
the free train and the network of the county's workers already there lower, and
a Gumbel taste draw per worker. The barrier is one of entry: a worker already in
Qingdao who reconsiders does not face it again. The constants make the 2021
shares the market's own steady state without the cooperation
(:func:`away_constants`), so the counterfactual's shares stay level.

The programme's help (劳务协作) reaches workers three ways: every worker in
Qingdao came through the channel; a job in a firm the cooperation funded is
a cooperation job; and eligible workers (of formerly poor households) who
reconsider are reached by the programme's job services with probability
``assist_reach`` while the labour programme runs — a reached worker sees the
subsidy in the choice, and the job he then takes away from home is
*assisted*. Help is for the year: in January every migrant's help lapses
(except in Qingdao, where the channel keeps its workers) and is earned again
by workers who reconsider with the programme's help. "Stable employment"
(稳定就业人次) is the programme's annual count: workers with at least
``stable_months`` months this year in an assisted job, counted once a year
by destination (Qingdao; within Gansu — cooperation jobs held by workers of
its target group and assisted Gansu migrants —; other provinces). Help is
counted when it is given: a migrant's help is for the year and earned again,
so a migrant is counted in each year he is helped; a job in a cooperation
firm is found once and held (its holder does not reconsider), so it counts
once, in the year its holder reaches the mark in it, not again every year it
continues (counting the stock of such jobs every year made the within-Gansu
count grow with the firms' jobs, to 36% above the published 2025 figure). The transport and stabilisation
subsidy is paid when a worker reaches that mark, from the county's labour pot
and, when it is spent, the other counties' (the city pools the money), while
the programme's money lasts; it lowers that worker's return rate (stabilisation).

Workers who would have gone anyway are counted too, as the programme counts
them: what the cooperation *adds* is the difference in migration and wages
from the counterfactual, which runs the same workers on the same draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from qdsim.model import funds, kernels
from qdsim.model.households import CROPS, FIRM, GANSU, HOME, OTHER, QINGDAO, REPORTED_INDUSTRIES, STATE_NAMES, Households
from qdsim.model.order import smallest

if TYPE_CHECKING:
    from qdsim.foundation.catalogue import ParameterSet
    from qdsim.model.accounts import RawKey
    from qdsim.model.model import DingxiModel

SPRING_FESTIVAL_MONTH = 2
#: the smallest choice probability :func:`away_constants` gives an option
MIN_CHOICE_PROBABILITY = 1e-6
#: the options of a worker who reconsiders, in choice-column order
CHOICES = (HOME, GANSU, OTHER, QINGDAO)
#: stable-employment destinations as the programme reports them (Gansu includes local cooperation jobs)
DESTINATIONS = ("qingdao", "gansu", "other")
#: their year-book keys, in DESTINATIONS order
STABLE_KEYS: tuple[RawKey, ...] = ("stable_qingdao", "stable_gansu", "stable_other")
assert STABLE_KEYS == tuple(f"stable_{d}" for d in DESTINATIONS)
#: the same count to the end of November: the window of the published 2025 figures (1—11月)
STABLE_KEYS_JAN_NOV: tuple[RawKey, ...] = ("stable_qingdao_jan_nov", "stable_gansu_jan_nov", "stable_other_jan_nov")
assert STABLE_KEYS_JAN_NOV == tuple(f"{k}_jan_nov" for k in STABLE_KEYS)
_DESTINATION_OF_STATE = np.array([-1, 1, 1, 2, 0])  # HOME, FIRM, GANSU, OTHER, QINGDAO -> DESTINATIONS index
assert len(_DESTINATION_OF_STATE) == len(STATE_NAMES)


@dataclass
class LabourState:
    """What the labour mechanism keeps between months (typed, one copy of each fact)."""

    asc_gansu: float  # alternative-specific constants, set from the 2021 shares (structural)
    asc_other: float
    #: (2, county): the share of the county's farmland in potato and in herbs, where casual work at home is
    #: taken to be done (:func:`industry_land_shares`); farmland does not change during a run
    industry_land_share: NDArray[np.float64]


#: the year-book keys of the industries' income, in REPORTED_INDUSTRIES order
INDUSTRY_KEYS: tuple[RawKey, ...] = ("income_potato", "income_herbs")
assert INDUSTRY_KEYS == tuple(f"income_{c}" for c in REPORTED_INDUSTRIES)


def industry_land_shares(households: Households, n_counties: int) -> NDArray[np.float64]:
    """(2, county): each county's potato and herb land over all its farmland (0 where it has none)."""
    area = households.area
    total = kernels.bincount(households.county, area.sum(axis=1), 1.0, n_counties)
    crops = np.stack([kernels.bincount(households.county, area[:, CROPS.index(c)], 1.0, n_counties) for c in REPORTED_INDUSTRIES])
    out: NDArray[np.float64] = np.divide(crops, total, out=np.zeros_like(crops), where=total > 0)
    return out


def wage_indices(model: DingxiModel, t: int) -> tuple[float, float]:
    p = model.params
    return (1 + p.wage_growth) ** t, model.levers.at("conditions.qingdao_wage_index", t)


def net_earnings(model: DingxiModel, t: int, real: bool = False) -> dict[str, float]:
    """Monthly net earnings by option, 元 of year t (``real``: of 2021, what enters the choice).

    Wages, living costs and the value of farm work all grow with the wage index
    (Qingdao's wages with its own index), so choices respond to relative earnings,
    not to inflation.
    """
    p = model.params
    idx, q_idx = wage_indices(model, t)
    e = {
        "home": p.farm_work_value + p.casual_work_share * p.wage_local,
        "gansu": p.wage_gansu - p.living_cost_gansu,
        "other": p.wage_other - p.living_cost_other,
        "qingdao": p.wage_qingdao * q_idx / idx - p.living_cost_qingdao,
    }
    return e if real else {k: v * idx for k, v in e.items()}


def gross_wages(model: DingxiModel, t: int) -> NDArray[np.float64]:
    """Gross monthly wage by worker state, 元 (before living costs; what a worker earns)."""
    p = model.params
    idx, q_idx = wage_indices(model, t)
    return np.array([p.casual_work_share * p.wage_local * idx, p.wage_local * idx, p.wage_gansu * idx, p.wage_other * idx, p.wage_qingdao * q_idx])


def away_constants(params: ParameterSet, earnings: dict[str, float]) -> tuple[float, float]:
    """Constants of working away in Gansu and elsewhere, set so that the 2021 shares are the labour market's own
    steady state without the cooperation (structural, not fitted; a spin-up in closed form).

    Without the cooperation a worker's state follows one year's months: returns home at the monthly rates, then,
    for the share who reconsider that month (``spring_decision_share`` in February, ``offseason_decision_share``
    otherwise), a new draw from the choice probabilities P. January's shares ``s`` (home, Gansu, elsewhere: the
    statistics ``migrant_share_2021`` and ``gansu_share_2021``) come back after twelve months when
    s = A·s + B·P, with A = ∏ₘ (1 − dₘ)·R and B = Σₘ dₘ ∏ₖ₍ₖ₎ₘ₎ (1 − dₖ)·R (R: the month's returns); P sums to 1
    because R keeps the total. The constants are then ln(P_j / P_home) − β·(e_j − e_home). Setting them from the
    choice shares instead (P = s) would start the model above its steady state: the share away fell from 61% to
    51% in two years of the counterfactual before.

    Where no choice can hold the shares (returns outrun the deciders: in corners of the plausible ranges, such as
    nobody reconsidering outside February), the probabilities are clipped at ``MIN_CHOICE_PROBABILITY`` and
    renormalised: the shares then settle as close to 2021's as the rates allow, below them.
    """
    p = params
    b = p.logit_beta / 1000
    s = np.array([1 - p.migrant_share_2021, p.migrant_share_2021 * p.gansu_share_2021, p.migrant_share_2021 * (1 - p.gansu_share_2021)])
    returns = np.array([[1.0, p.return_rate_gansu, p.return_rate_other], [0.0, 1 - p.return_rate_gansu, 0.0], [0.0, 0.0, 1 - p.return_rate_other]])
    a, bb = np.eye(3), np.zeros((3, 3))
    for month in range(1, 13):
        d = p.spring_decision_share if month == SPRING_FESTIVAL_MONTH else p.offseason_decision_share
        step = (1 - d) * returns
        a, bb = step @ a, step @ bb + d * np.eye(3)
    if p.spring_decision_share == 0 and p.offseason_decision_share == 0:  # nobody ever chooses: the constants are never used
        prob = s
    else:
        prob = np.linalg.solve(bb, s - a @ s)
    if np.any(prob <= 0):  # returns outrun the deciders (rare corners of the plausible ranges): as close as the rates allow
        prob = np.clip(prob, MIN_CHOICE_PROBABILITY, None)
        prob /= prob.sum()
    asc_g = math.log(prob[1] / prob[0]) - b * (earnings["gansu"] - earnings["home"])
    asc_o = math.log(prob[2] / prob[0]) - b * (earnings["other"] - earnings["home"])
    return asc_g, asc_o


def qingdao_share_by_county(model: DingxiModel, in_qingdao: NDArray[np.integer]) -> NDArray[np.float64]:
    """Share of each county's workers in Qingdao (``in_qingdao``: their indices): the network of fellow workers there.

    The county's, not the village's: a village holds about 16 simulated workers at scale 0.02, so one of them in
    Qingdao made its share 6% and pulled the next (a utility of +0.4 at ``network_coef`` 6), while at full scale
    a village's share stays near the prefecture's 0.1%. Placements in 2025 were 23 pp higher at scale 0.02 than at
    full scale with the village's share (at the calibration of 2026-12-07 12:12, 20 and 4 replicates), and 6 pp
    without a network at all. A county's share is read from thousands of simulated workers at any scale.
    """
    w = model.workers
    in_qd = np.bincount(w.county[in_qingdao], minlength=model.n_counties).astype(float)
    return in_qd / np.maximum(model.workers_per_county, 1)


def return_rates(p: ParameterSet) -> NDArray[np.float64]:
    """Monthly probability of leaving the current state, by state (home stays home)."""
    return np.array([0.0, p.local_job_loss_rate, p.return_rate_gansu, p.return_rate_other, p.return_rate_qingdao])


def monthly(model: DingxiModel, month: int) -> None:
    """One month of the labour market."""
    t = model.year_index
    w = model.workers
    p = model.params
    rng = model.streams["labour"]
    u_leave = rng.random(w.n)  # one draw per worker every month (common random numbers)
    u_decide = rng.random(w.n)

    # returns and job losses (they go home, their help ends); the stabilisation subsidy keeps subsidised workers longer.
    # Who reconsiders depends only on the stream (found in the same pass: np.flatnonzero(u_decide < share)), so a
    # scenario and its counterfactual draw the same taste shocks for the same workers (those in firms then sit it out)
    share = p.spring_decision_share if month == SPRING_FESTIVAL_MONTH else p.offseason_decision_share
    lose, reconsider = kernels.leave_jobs(w.state, w.subsidised, w.assisted, u_leave, return_rates(p), 1 - p.stabilisation_effect,
                                          HOME, FIRM, u_decide, share)
    if len(lose):
        model.release_firm_workers(lose)

    # the free train runs, and training places go to workers at home, after Spring Festival; the labour programme pays
    if month == SPRING_FESTIVAL_MONTH:
        funds.pay_lever_cost(model, "labour", model.levers.at("labour.free_train", t) * p.free_train_cost)
        train(model, t)

    choose(model, reconsider, t, spring=(month == SPRING_FESTIVAL_MONTH))

    model.hire_firm_workers()
    count_months(model, t)
    accrue_wages(model, t)


def train(model: DingxiModel, t: int) -> None:
    w = model.workers
    u = model.streams["labour"].random(w.n)  # drawn whatever the lever, for common random numbers
    places = model.stochastic_round(model.levers.at("labour.training_places", t) * model.scale, "labour")
    if places <= 0:
        return
    cand = np.flatnonzero((w.state == HOME) & ~w.trained)
    chosen = cand[smallest(u[cand], places)]  # = np.argsort(u[cand], kind="stable")[:places]
    # pay for the places actually given, county by county, while the labour budget lasts
    unit = model.weight * model.params.training_cost
    keep = np.ones(len(chosen), dtype=bool)
    for c in range(model.n_counties):
        idx = np.flatnonzero(w.county[chosen] == c)
        n_ok = min(len(idx), int(model.funds.balance("labour", c) // unit)) if len(idx) else 0
        model.funds.spend("labour", c, n_ok * unit)
        keep[idx[n_ok:]] = False
    w.trained[chosen[keep]] = True


def choose(model: DingxiModel, candidates: NDArray[np.integer], t: int, spring: bool) -> None:
    """Multinomial logit over home / Gansu / another province / Qingdao for the workers reconsidering.

    Taste shocks, reach and queue priorities are drawn for every candidate (the
    same set in a scenario and its counterfactual); candidates in a firm keep their job.
    """
    if not len(candidates):
        return
    p = model.params
    w = model.workers
    st = model.labour
    rng = model.streams["labour"]
    e = net_earnings(model, t, real=True)
    idx = wage_indices(model, t)[0]
    subsidy = model.levers.at("labour.subsidy_per_worker", t) / idx  # in 2021 元, as the earnings
    quota = model.levers.at("labour.qingdao_job_quota", t) * model.scale
    draws = rng.random((len(candidates), 6))  # 4 taste shocks, reach, queue priority
    free = w.state[candidates] != FIRM
    deciders = candidates[free]
    if not len(deciders):
        return
    mine = np.flatnonzero(free)  # the deciders' rows of draws
    gumbel = np.maximum(draws[mine, :4], 1e-300)  # standard Gumbel by inversion: -log(-log(u)), in place
    np.log(gumbel, out=gumbel)
    np.negative(gumbel, out=gumbel)
    np.log(gumbel, out=gumbel)
    np.negative(gumbel, out=gumbel)
    u_reach, priority = draws[mine, 4], draws[mine, 5]

    b = p.logit_beta / 1000
    programme = runs(model, t)  # its services reach eligible workers
    reached = programme & w.eligible[deciders] & (u_reach < p.assist_reach)
    v_qingdao = np.empty(len(deciders))
    in_qingdao = np.flatnonzero(w.state == QINGDAO)
    if quota > 0:
        net = qingdao_share_by_county(model, in_qingdao)[w.county[deciders]]
        free_train = model.levers.at("labour.free_train", t) if spring else 0.0
        v_qingdao[:] = (
            b * (e["qingdao"] + subsidy / 12)
            + st.asc_other
            - p.qingdao_friction * (w.state[deciders] != QINGDAO)  # a barrier to entering: those there already are in
            + p.network_coef * net
            + p.training_utility * w.trained[deciders]
            + p.free_train_utility * free_train
        )
    else:
        v_qingdao[:] = -np.inf
    # utilities home, Gansu and another province (the programme's help adds to the reached), Qingdao: the first of equal maxima
    choice, fallback = kernels.logit_choice(gumbel, reached, b * e["home"], b * e["gansu"] + st.asc_gansu, b * e["other"] + st.asc_other,
                                            b * subsidy / 12, v_qingdao)

    # Qingdao takes no more than its quota (people at a time); the queue: lowest priority draw first
    want_qd = np.flatnonzero(choice == 3)
    deciding_in_qd = int(np.count_nonzero(w.state[deciders] == QINGDAO))
    slots = max(0, int(round(quota)) - (len(in_qingdao) - deciding_in_qd))
    if len(want_qd) > slots:
        refused = np.ones(len(want_qd), dtype=bool)
        refused[smallest(priority[want_qd], slots)] = False
        refused = want_qd[refused]
        choice[refused] = fallback[refused]

    new_state = np.array(CHOICES, dtype=np.int8)[choice]
    # this year's job away was found or kept with the programme's help: Qingdao always, elsewhere when reached
    w.assisted[deciders] = (new_state == QINGDAO) | ((new_state != HOME) & reached)
    w.state[deciders] = new_state


def runs(model: DingxiModel, t: int) -> bool:
    """Whether the labour programme runs this year (it pays a subsidy): its services, and its count."""
    return model.levers.at("labour.subsidy_per_worker", t) > 0


def count_months(model: DingxiModel, t: int) -> None:
    """Months employed and assisted; the stable-employment count and the subsidy at the mark."""
    w = model.workers
    p = model.params
    # a job in a cooperation firm is a cooperation job: the running programme counts those of its target group;
    # the mark in whole months (months are counted as integers)
    programme = runs(model, t)
    reached = kernels.count_months(w.state, w.employer, w.eligible, model.firms.coop, programme, w.assisted, w.employed_months,
                                   w.assisted_months, w.stable_counted, w.job_counted, math.ceil(p.stable_months), HOME, FIRM,
                                   model.firms.industry, w.industry_months)
    if not programme:  # no programme, no count (workers it placed earlier may still be at work)
        return
    if not len(reached):
        return
    w.stable_counted[reached] = True
    w.job_counted[reached] = w.state[reached] == FIRM  # a cooperation job counts once: in the year it reaches the mark
    dest = _DESTINATION_OF_STATE[w.state[reached]]
    counties, by_november = w.county[reached], model.month <= 11
    for j in range(len(DESTINATIONS)):
        counted = (dest == j) * model.weight
        model.book.add_by_county(STABLE_KEYS[j], counties, counted)
        if by_november:
            model.book.add_by_county(STABLE_KEYS_JAN_NOV[j], counties, counted)
    pay_subsidies(model, t, reached)


def pay_subsidies(model: DingxiModel, t: int, reached: NDArray[np.integer]) -> None:
    """Transport and stabilisation subsidy to workers reaching the stable mark, while the labour programme's money lasts.

    A worker is paid from his county's labour pot and, where that is spent, from the other counties' labour pots
    (largest balance first): the city pools the programme's money, as the published total shows (1.15亿元 for
    12.3万 stable workers: every one paid, the lever's 935元). Paying from the county pot alone left 3–9% of
    the count unpaid in counties whose pot ran out while others kept money.
    """
    w = model.workers
    funds = model.funds
    per = model.levers.at("labour.subsidy_per_worker", t) * model.weight  # > 0: called only while the programme runs
    counties = w.county[reached]
    for c in np.unique(counties):
        idx = reached[counties == c]
        paid_total = 0.0
        n_paid = 0
        for payer in _payers(funds, int(c)):
            n = int(min(len(idx) - n_paid, funds.balance("labour", int(payer)) // per))
            if n:
                paid_total += funds.spend("labour", int(payer), n * per)
                n_paid += n
            if n_paid == len(idx):
                break
        if n_paid:
            model.book.add("labour_subsidy_paid", c, paid_total)
            w.subsidised[idx[:n_paid]] = True


def _payers(pots: funds.Funds, c: int) -> Iterator[int]:
    """County ``c``, then the others by their labour pot's balance, largest first (ties in county order).

    The others' order is taken only when ``c``'s pot does not cover its workers, after ``c`` has paid what
    it could: ``c`` is not among them, and nothing else has changed their balances since."""
    yield c
    yield from (int(o) for o in np.argsort(-pots.available[:, pots.pot("labour")], kind="stable") if o != c)


def accrue_wages(model: DingxiModel, t: int) -> None:
    """Wages into households: local wages (casual work at home, firms) and the remitted part of migrants' net earnings."""
    p = model.params
    w = model.workers
    hh = model.households
    gross = gross_wages(model, t)
    e = net_earnings(model, t)
    local = np.array([gross[HOME], gross[FIRM], 0.0, 0.0, 0.0])
    net_away = np.array([0.0, 0.0, e["gansu"], e["other"], e["qingdao"]])
    migrant = p.remittance_share * np.maximum(net_away, 0.0)
    away_gross = gross * (np.arange(len(gross)) >= GANSU)  # GANSU, OTHER, QINGDAO
    wages_local, wages_migrant, earned = kernels.household_wages(w.household, w.state, w.skill, np.stack((local, migrant, away_gross)), hh.n)
    hh.income[:, 1] += wages_local
    hh.income[:, 2] += wages_migrant
    hh.migrant_earnings += earned


def industry_wages(model: DingxiModel, t: int) -> None:
    """December: the potato and herb industries' local wages of the year, booked with the crops' net income
    (``income_potato``, ``income_herbs``), as the sources count an industry's income (产业收入: growing, seed,
    processing): the wages of the industry's firms, and the industry's share of casual work at home, which is
    taken to be done on the county's farmland in each crop's share of it (:func:`industry_land_shares`; an
    assumption). Wages as :func:`accrue_wages` pays them, month by month: a firm's wage × skill for each month
    in the industry's firms (``industry_months``), the home wage × skill for each month at home
    (12 − ``employed_months``: every month not away or in a firm)."""
    w, b, k = model.workers, model.book, model.n_counties
    gross = gross_wages(model, t) * model.weight
    home_months = 12 - w.employed_months.astype(np.float64)
    casual = kernels.bincount(w.county, w.skill * home_months, gross[HOME], k)
    for j, key in enumerate(INDUSTRY_KEYS):
        firms = kernels.bincount(w.county, w.skill * w.industry_months[j], gross[FIRM], k)
        b.data[key][b.year, :k] += casual * model.labour.industry_land_share[j] + firms


def year_end_stocks(model: DingxiModel) -> None:
    """Record where workers are at year end (scenario and counterfactual alike)."""
    w, b, wt = model.workers, model.book, model.weight
    stocks: tuple[tuple[int, RawKey], ...] = ((GANSU, "migrants_gansu"), (OTHER, "migrants_other"), (QINGDAO, "migrant_workers_qingdao"), (FIRM, "enterprise_jobs"))
    for state, key in stocks:
        b.add_by_county(key, w.county, w.state == state, wt)
    b.add_by_county("wage_employment", w.county, w.state != HOME, wt)
    b.add_by_county("stable_employment", w.county, w.stable_counted, wt)
