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

import numpy as np

from qdsim.model.households import AWAY, FIRM, HOME, QINGDAO

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


def qingdao_share_by_village(model) -> np.ndarray:
    w = model.workers
    n_v = len(model.village_list)
    in_qd = np.bincount(w.village, weights=(w.state == QINGDAO), minlength=n_v)
    total = np.bincount(w.village, minlength=n_v)
    return in_qd / np.maximum(total, 1)


def monthly(model, month: int) -> None:
    """One month of the labour market."""
    t = model.year_index
    w = model.workers
    p = model.params
    rng = model.streams["labour"]
    u_leave = rng.random(w.n)  # one draw per worker every month (common random numbers)
    u_decide = rng.random(w.n)

    # returns and job losses
    r_qd = np.where(w.subsidised, p.return_rate_qingdao * (1 - p.stabilisation_effect), p.return_rate_qingdao)
    leave = ((w.state == AWAY) & (u_leave < p.return_rate_elsewhere)) | ((w.state == QINGDAO) & (u_leave < r_qd))
    lose = (w.state == FIRM) & (u_leave < p.local_job_loss_rate)
    if lose.any():
        model.release_firm_workers(np.flatnonzero(lose))
    w.state[leave] = HOME

    # training places go to workers at home after Spring Festival
    if month == SPRING_FESTIVAL_MONTH:
        train(model, t)

    share = p.spring_decision_share if month == SPRING_FESTIVAL_MONTH else p.offseason_decision_share
    deciders = np.flatnonzero((u_decide < share) & (w.state != FIRM))
    choose(model, deciders, t, spring=(month == SPRING_FESTIVAL_MONTH))

    model.hire_firm_workers()

    # bookkeeping: cooperation-supported months, subsidies, wages
    coop = (w.state == QINGDAO) | ((w.state == FIRM) & model.firm_coop[np.maximum(w.employer, 0)] & (w.employer >= 0))
    w.coop_months[coop] += 1
    pay_subsidies(model, t)
    accrue_wages(model, t)


def train(model, t: int) -> None:
    w = model.workers
    places = model.stochastic_round(model.levers.at("labour.training_places", t) * model.scale, "labour")
    if places <= 0:
        return
    cand = np.flatnonzero((w.state == HOME) & ~w.trained)
    rng = model.streams["labour"]
    chosen = rng.permutation(cand)[:places]
    # pay for the places actually given, county by county, while the labour budget lasts
    unit = model.weight * model.params.training_cost
    keep = np.ones(len(chosen), dtype=bool)
    for c in range(model.n_counties):
        idx = np.flatnonzero(w.county[chosen] == c)
        n_ok = min(len(idx), int(model.funds.balance("labour", c) // unit)) if len(idx) else 0
        model.funds.spend("labour", c, n_ok * unit)
        keep[idx[n_ok:]] = False
    w.trained[chosen[keep]] = True


def choose(model, deciders: np.ndarray, t: int, spring: bool) -> None:
    """Multinomial logit over home / away / Qingdao for the workers deciding."""
    if not len(deciders):
        return
    p = model.params
    w = model.workers
    rng = model.streams["labour"]
    e = net_earnings(model, t)
    subsidy = model.levers.at("labour.subsidy_per_worker", t)
    quota = model.levers.at("labour.qingdao_job_quota", t) * model.scale
    gumbel = rng.gumbel(size=(len(deciders), 3))

    b = p.logit_beta / 1000
    v_home = np.full(len(deciders), b * e["home"])
    v_away = np.full(len(deciders), b * e["away"] + model.asc_away)
    channel_open = quota > 0
    if channel_open:
        net = qingdao_share_by_village(model)[w.village[deciders]]
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
    util = np.stack([v_home, v_away, v_qd], axis=1) + gumbel
    choice = np.argmax(util, axis=1)
    fallback = np.argmax(util[:, :2], axis=1)

    # Qingdao takes no more than its quota (people at a time)
    want_qd = np.flatnonzero(choice == 2)
    already = int(np.sum((w.state == QINGDAO)))
    deciding_in_qd = int(np.sum(w.state[deciders] == QINGDAO))
    slots = max(0, int(round(quota)) - (already - deciding_in_qd))
    if len(want_qd) > slots:
        refused = rng.permutation(want_qd)[slots:]
        choice[refused] = fallback[refused]
    w.state[deciders] = np.array([HOME, AWAY, QINGDAO], dtype=np.int8)[choice]


def pay_subsidies(model, t: int) -> None:
    """Transport and stabilisation subsidy when a worker reaches the stable mark."""
    w = model.workers
    p = model.params
    reached = np.flatnonzero((w.coop_months >= p.stable_months) & ~w.stable_counted)
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
        n_paid = min(len(idx), int(model.funds.balance("labour", c) // per)) if per > 0 else 0
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
    hh.income[:, 1] += np.bincount(w.household, weights=local[w.state] * w.skill, minlength=hh.n)
    hh.income[:, 2] += np.bincount(w.household, weights=migrant[w.state] * w.skill, minlength=hh.n)
