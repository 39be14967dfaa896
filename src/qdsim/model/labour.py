"""Labour: where each working-age member works, month by month.

Workers at home, away elsewhere, in Qingdao through the cooperation channel
(青定人力), or in a local firm. After Spring Festival (February) a large share
reconsider; in other months a few. A decision is a multinomial logit over
net monthly earnings (Qingdao: wage less living cost plus the subsidy spread
over the year), a barrier to Qingdao that training, the free train and the
network of fellow villagers already there lower, and a Gumbel taste draw per
worker. Qingdao takes no more than its job quota. Migrants return and firm
workers lose jobs at monthly rates; the stabilisation subsidy lowers returns.
"Stable employment" counts, once a year, each worker with at least
``stable_months`` months in a cooperation-supported job, as the programme
reports it; the transport and stabilisation subsidy is paid when a worker
reaches that mark, while the county's labour budget lasts.
"""

from __future__ import annotations

import math

import numpy as np

from qdsim.model.households import AWAY, FIRM, HOME, QINGDAO
from qdsim.model.order import smallest

SPRING_FESTIVAL_MONTH = 2


def wage_indices(model, t: int) -> tuple[float, float]:
    p = model.params
    return (1 + p.wage_growth) ** t, model.levers.at("conditions.qingdao_wage_index", t)


def net_earnings(model, t: int) -> dict[str, float]:
    """Monthly net earnings by option, 元 (what enters the choice)."""
    p = model.params
    idx, q_idx = wage_indices(model, t)
    return {
        "home": p.farm_work_value + p.casual_work_share * p.wage_local * idx,
        "away": p.wage_elsewhere * idx - p.living_cost_elsewhere,
        "qingdao": p.wage_qingdao * q_idx - p.living_cost_qingdao,
    }


def away_constant(model) -> float:
    """Alternative-specific constant of working away, set so that the 2021 choice
    shares reproduce the statistic ``migrant_share_2021`` (structural, not fitted)."""
    p = model.params
    e = net_earnings(model, 0)
    s = p.migrant_share_2021
    return float(np.log(s / (1 - s)) - p.logit_beta * (e["away"] - e["home"]) / 1000)


def qingdao_share_by_village(model, in_qingdao: np.ndarray | None = None) -> np.ndarray:
    """Share of each village's workers in Qingdao (``in_qingdao``: their indices, when known)."""
    w = model.workers
    n_v = len(model.village_list)
    in_qingdao = np.flatnonzero(w.state == QINGDAO) if in_qingdao is None else in_qingdao
    in_qd = np.bincount(w.village[in_qingdao], minlength=n_v).astype(float)
    return in_qd / np.maximum(model.workers_per_village, 1)


def monthly(model, month: int) -> None:
    """One month of the labour market."""
    t = model.year_index
    w = model.workers
    p = model.params
    rng = model.streams["labour"]
    u_leave = rng.random(w.n)  # one draw per worker every month (common random numbers)
    u_decide = rng.random(w.n)

    # returns and job losses (the few in Qingdao or in a firm looked at by index)
    leave = (w.state == AWAY) & (u_leave < p.return_rate_elsewhere)
    in_qd = np.flatnonzero(w.state == QINGDAO)
    r_qd = np.where(w.subsidised[in_qd], p.return_rate_qingdao * (1 - p.stabilisation_effect), p.return_rate_qingdao)
    leave[in_qd[u_leave[in_qd] < r_qd]] = True
    in_firm = np.flatnonzero(w.state == FIRM)
    lose = in_firm[u_leave[in_firm] < p.local_job_loss_rate]
    if len(lose):
        model.release_firm_workers(lose)
    w.state[leave] = HOME

    # training places go to workers at home after Spring Festival
    if month == SPRING_FESTIVAL_MONTH:
        train(model, t)

    share = p.spring_decision_share if month == SPRING_FESTIVAL_MONTH else p.offseason_decision_share
    # who reconsiders depends only on the stream, so a scenario and its counterfactual
    # draw the same taste shocks for the same workers (those in firms then sit it out)
    in_qd = in_qd[w.state[in_qd] == QINGDAO]  # still there after the returns (training moves no one)
    choose(model, np.flatnonzero(u_decide < share), t, spring=(month == SPRING_FESTIVAL_MONTH), in_qingdao=in_qd)

    model.hire_firm_workers()

    # bookkeeping: cooperation-supported months (Qingdao, or a cooperation firm), subsidies, wages
    in_firm = np.flatnonzero(w.state == FIRM)
    employer = w.employer[in_firm]
    w.coop_months[in_firm[(employer >= 0) & model.firm_coop[np.maximum(employer, 0)]]] += 1
    w.coop_months += w.state == QINGDAO
    pay_subsidies(model, t)
    accrue_wages(model, t)


def train(model, t: int) -> None:
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


def choose(model, candidates: np.ndarray, t: int, spring: bool, in_qingdao: np.ndarray | None = None) -> None:
    """Multinomial logit over home / away / Qingdao for the workers reconsidering.

    Taste shocks and queue priorities are drawn for every candidate (the same
    set in a scenario and its counterfactual); candidates in a firm keep their job.
    ``in_qingdao``: indices of the workers in Qingdao now, when the caller knows them.
    """
    if not len(candidates):
        return
    p = model.params
    w = model.workers
    rng = model.streams["labour"]
    e = net_earnings(model, t)
    subsidy = model.levers.at("labour.subsidy_per_worker", t)
    quota = model.levers.at("labour.qingdao_job_quota", t) * model.scale
    draws = rng.random((len(candidates), 4))
    free = w.state[candidates] != FIRM
    deciders = candidates[free]
    gumbel = np.asfortranarray(draws[free, :3])  # standard Gumbel by inversion, -log(-log(u)), in place
    np.maximum(gumbel, 1e-300, out=gumbel)
    np.log(gumbel, out=gumbel)
    np.negative(gumbel, out=gumbel)
    np.log(gumbel, out=gumbel)
    np.negative(gumbel, out=gumbel)
    priority = draws[free, 3]
    if not len(deciders):
        return

    b = p.logit_beta / 1000
    v_home = np.full(len(deciders), b * e["home"])
    v_away = np.full(len(deciders), b * e["away"] + model.asc_away)
    channel_open = quota > 0
    if channel_open:
        if in_qingdao is None:
            in_qingdao = np.flatnonzero(w.state == QINGDAO)
        net = qingdao_share_by_village(model, in_qingdao)[w.village[deciders]]
        free_train = model.levers.at("labour.free_train", t) if spring else 0.0
        v_qd = (
            b * (e["qingdao"] + subsidy / 12)
            + model.asc_away
            - p.qingdao_friction
            + p.network_coef * net
            + p.training_utility * w.trained[deciders]
            + p.free_train_utility * free_train
        )
    else:
        v_qd = np.full(len(deciders), -np.inf)
    # utilities and their argmax (the first of equal maxima), column by column
    u_home, u_away, u_qd = v_home + gumbel[:, 0], v_away + gumbel[:, 1], v_qd + gumbel[:, 2]
    fallback = (u_away > u_home).astype(np.intp)
    choice = fallback.copy()
    choice[u_qd > np.maximum(u_home, u_away)] = 2

    # Qingdao takes no more than its quota (people at a time)
    want_qd = np.flatnonzero(choice == 2)
    already = len(in_qingdao) if in_qingdao is not None else int(np.count_nonzero(w.state == QINGDAO))
    deciding_in_qd = int(np.sum(w.state[deciders] == QINGDAO))
    slots = max(0, int(round(quota)) - (already - deciding_in_qd))
    if len(want_qd) > slots:  # the queue: lowest priority draw first
        refused = np.ones(len(want_qd), dtype=bool)  # = want_qd[np.argsort(priority[want_qd], kind="stable")[slots:]], as a set
        refused[smallest(priority[want_qd], slots)] = False
        refused = want_qd[refused]
        choice[refused] = fallback[refused]
    w.state[deciders] = np.array([HOME, AWAY, QINGDAO], dtype=np.int8)[choice]


def pay_subsidies(model, t: int) -> None:
    """Transport and stabilisation subsidy when a worker reaches the stable mark."""
    w = model.workers
    p = model.params
    reached = np.flatnonzero((w.coop_months >= math.ceil(p.stable_months)) & ~w.stable_counted)  # whole months: compare as integers
    if not len(reached):
        return
    w.stable_counted[reached] = True
    subsidy = model.levers.at("labour.subsidy_per_worker", t)
    if subsidy <= 0:
        return
    counties = w.county[reached]
    for c in np.unique(counties):
        idx = reached[counties == c]
        per = subsidy * model.weight
        n_paid = int(min(len(idx), model.funds.balance("labour", c) // per)) if per > 0 else 0  # a tiny subsidy: inf, not an error
        if n_paid:
            paid = model.funds.spend("labour", c, n_paid * per)
            model.book.add("labour_subsidy_paid", c, paid)
            w.subsidised[idx[:n_paid]] = True


def accrue_wages(model, t: int) -> None:
    p = model.params
    w = model.workers
    hh = model.households
    idx, q_idx = wage_indices(model, t)
    local = np.array([p.casual_work_share * p.wage_local * idx, 0.0, 0.0, p.wage_local * idx])
    migrant = p.remittance_share * np.array(
        [0.0, max(0.0, p.wage_elsewhere * idx - p.living_cost_elsewhere), max(0.0, p.wage_qingdao * q_idx - p.living_cost_qingdao), 0.0]
    )
    wages_local, wages_migrant = model.household_wages.monthly(w, local, migrant)
    hh.income[:, 1] += wages_local
    hh.income[:, 2] += wages_migrant


class HouseholdWages:
    """Each household's monthly wages, kept from month to month (for speed only).

    A household's monthly wage is the sum, in worker order, of its workers'
    wage for their state times their skill (``np.bincount`` over all
    workers). Few workers change state in a month, so the sums are kept and
    only households with a worker whose state changed are summed again: the
    same additions in the same order, hence the same numbers to the last bit.
    Everything is summed again when the wages change (a new year) or many
    workers moved (Spring Festival). A worker's household and skill are
    fixed for the life of the model.
    """

    def __init__(self, workers, n_households: int):
        self.household = workers.household
        self.n_households = n_households
        self.per_household = np.bincount(workers.household, minlength=n_households)
        self.first = np.cumsum(self.per_household) - self.per_household  # workers are stored household by household
        self.contiguous = bool(np.all(workers.household[1:] >= workers.household[:-1]))
        self.rates: np.ndarray | None = None
        self.state: np.ndarray | None = None
        self.local, self.migrant = np.zeros(n_households), np.zeros(n_households)

    def monthly(self, w, local: np.ndarray, migrant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(local, migrant) wages of each household this month, 元 (the arrays are kept: do not modify)."""
        rates = np.stack([local, migrant])
        changed = None
        if self.contiguous and w.household is self.household and self.rates is not None and np.array_equal(rates, self.rates):
            changed = np.flatnonzero(w.state != self.state)
        if changed is None or len(changed) > w.n // 8:
            self.local = np.bincount(w.household, weights=local[w.state] * w.skill, minlength=self.n_households)
            self.migrant = np.bincount(w.household, weights=migrant[w.state] * w.skill, minlength=self.n_households)
        elif len(changed):
            hs = w.household[changed]  # sorted, as workers are
            hs = hs[np.concatenate([[True], hs[1:] != hs[:-1]])]
            counts = self.per_household[hs]
            ends = np.cumsum(counts)
            idx = np.repeat(self.first[hs] - (ends - counts), counts) + np.arange(ends[-1])  # their workers, in order
            pos = np.repeat(np.arange(len(hs)), counts)
            state, skill = w.state[idx], w.skill[idx]
            self.local[hs] = np.bincount(pos, weights=local[state] * skill, minlength=len(hs))
            self.migrant[hs] = np.bincount(pos, weights=migrant[state] * skill, minlength=len(hs))
        self.rates = rates
        if self.state is None or self.state.shape != w.state.shape:
            self.state = w.state.copy()
        else:
            np.copyto(self.state, w.state)  # into the kept buffer (a fresh copy each month costs page faults)
        return self.local, self.migrant
