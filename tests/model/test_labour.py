"""Labour: destinations and flows, the 2021 shares, the Qingdao quota, returns,
programme help, stable employment and its subsidy, wages."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qdsim.model import labour
from qdsim.model.funds import POTS
from qdsim.model.households import AWAY_STATES, FIRM, GANSU, HOME, OTHER, QINGDAO, STATE_NAMES, Workers
from qdsim.model.order import smallest

from .conftest import make_model, peek, run_months, set_lever

LABOUR_POT = POTS.index("labour")


def test_states_and_destinations_are_numbered_as_documented():
    assert (HOME, FIRM, GANSU, OTHER, QINGDAO) == (0, 1, 2, 3, 4)
    assert STATE_NAMES == ("home", "firm", "gansu", "other", "qingdao")
    assert AWAY_STATES == (GANSU, OTHER, QINGDAO)
    assert labour.CHOICES == (HOME, GANSU, OTHER, QINGDAO)
    assert labour.DESTINATIONS == ("qingdao", "gansu", "other")


# -- earnings and the structural constants ----------------------------------


def test_net_earnings_and_gross_wages_by_hand(model):
    p = model.params
    e = labour.net_earnings(model, 0)
    assert e["home"] == p.farm_work_value + p.casual_work_share * p.wage_local
    assert e["gansu"] == p.wage_gansu - p.living_cost_gansu
    assert e["other"] == p.wage_other - p.living_cost_other
    assert e["qingdao"] == p.wage_qingdao - p.living_cost_qingdao
    # year 1: local and provincial wages × (1 + wage_growth); Qingdao's × its wage index (1.05 in the baseline)
    g = labour.gross_wages(model, 1)
    idx, q_idx = 1 + p.wage_growth, model.levers.at("conditions.qingdao_wage_index", 1)
    assert q_idx == 1.05
    expected = [p.casual_work_share * p.wage_local * idx, p.wage_local * idx, p.wage_gansu * idx, p.wage_other * idx, p.wage_qingdao * q_idx]
    assert np.allclose(g, expected, rtol=1e-15)
    e1 = labour.net_earnings(model, 1)
    assert math.isclose(e1["gansu"], (p.wage_gansu - p.living_cost_gansu) * idx)  # living costs grow with wages
    real = labour.net_earnings(model, 1, real=True)  # what enters the choice: in 2021 元
    assert math.isclose(real["gansu"], p.wage_gansu - p.living_cost_gansu)
    assert math.isclose(real["qingdao"], p.wage_qingdao * q_idx / idx - p.living_cost_qingdao)


def _shares(params, e, asc_g, asc_o):
    b = params.logit_beta / 1000
    v = np.array([b * e["home"], b * e["gansu"] + asc_g, b * e["other"] + asc_o])
    x = np.exp(v - v.max())
    return x / x.sum()


def _one_year(params, shares, prob):
    """A worker population's (home, Gansu, elsewhere) shares after twelve months, month by month as the model moves
    them without the cooperation: returns at the monthly rates, then the month's deciders draw from ``prob``."""
    x = np.array(shares, float)
    for month in range(1, 13):
        d = params.spring_decision_share if month == labour.SPRING_FESTIVAL_MONTH else params.offseason_decision_share
        back = np.array([x[1] * params.return_rate_gansu, x[2] * params.return_rate_other])
        x = x + np.array([back.sum(), -back[0], -back[1]])
        x = (1 - d) * x + d * np.asarray(prob)
    return x


def test_away_constants_make_the_2021_shares_the_steady_state(model):
    """With the shipped rates (returns 1.5% and 1.0% a month; half reconsider in February, 2% in other months) the
    choice must send more away than the 2021 shares (0.38, 0.341, 0.279), since returns drain them all year:
    a year of months from the 2021 shares with the logit's probabilities comes back to them."""
    p = model.params
    e = labour.net_earnings(model, 0)
    st_ = model.labour
    assert (st_.asc_gansu, st_.asc_other) == labour.away_constants(p, e)
    prob = _shares(p, e, st_.asc_gansu, st_.asc_other)
    s = [1 - p.migrant_share_2021, p.migrant_share_2021 * p.gansu_share_2021, p.migrant_share_2021 * (1 - p.gansu_share_2021)]
    assert prob[0] < s[0], "returns home all year: the deciders must go away more often than the shares"
    assert np.allclose(_one_year(p, s, prob), s, rtol=0, atol=1e-12)
    assert np.allclose(_one_year(p, _one_year(p, s, prob), prob), s, rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    share=st.floats(0.5, 0.72),
    gansu=st.floats(0.4, 0.7),
    beta=st.floats(0.4, 3.0),
    home=st.floats(300, 2000),
    eg=st.floats(-500, 3000),
    eo=st.floats(-500, 3000),
    rg=st.floats(0.005, 0.04),
    ro=st.floats(0.004, 0.03),
    spring=st.floats(0.2, 0.9),
    off=st.floats(0.0, 0.1),
)
def test_away_constants_give_a_steady_state_for_any_parameters(share, gansu, beta, home, eg, eo, rg, ro, spring, off):
    p = SimpleNamespace(migrant_share_2021=share, gansu_share_2021=gansu, logit_beta=beta, return_rate_gansu=rg, return_rate_other=ro,
                        spring_decision_share=spring, offseason_decision_share=off)
    e = {"home": home, "gansu": eg, "other": eo}
    s = [1 - share, share * gansu, share * (1 - gansu)]
    prob = _shares(p, e, *labour.away_constants(p, e))
    year = _one_year(p, s, prob)
    if prob[0] > 2 * labour.MIN_CHOICE_PROBABILITY:
        assert np.allclose(year, s, rtol=0, atol=1e-9)
    else:  # no choice holds the shares (returns outrun the deciders): all who decide go away, and fewer are away than in 2021
        assert year[0] > s[0]


def test_without_the_cooperation_the_share_working_away_stays_level(baseline):
    """The counterfactual from its 2021 shares: the share of workers away at each year's end stays at the 2021
    share (62%) within sampling noise (n ≈ 9,400 workers at scale 0.01: 4 sd ≈ 0.021) and a 1.5-point drift
    allowance for firms' hiring; before, it fell to 54% in the first year and 51% in the second."""
    m = make_model(baseline.counterfactual(), scale=0.01)
    w, p = m.workers, m.params
    for _ in range(3):
        run_months(m, 12)
        away = np.isin(w.state, (GANSU, OTHER)).mean()
        assert abs(away - p.migrant_share_2021) < 4 * math.sqrt(0.25 / w.n) + 0.015, f"share away {away:.3f} against {p.migrant_share_2021}"


def test_workers_in_qingdao_do_not_face_the_entry_barrier_again(baseline):
    """Everyone reconsiders with a prohibitive barrier (friction 1e6): nobody new enters Qingdao, but workers
    already there may stay (their utility has no barrier)."""
    m = make_model(baseline, scale=0.01, qingdao_friction=1e6)
    w = m.workers
    there = np.flatnonzero(w.state == HOME)[:200]
    w.state[there] = QINGDAO
    labour.choose(m, np.arange(w.n), 0, spring=True)
    assert np.count_nonzero(w.state == QINGDAO) > 0, "every worker in Qingdao left: the barrier was charged again"
    assert np.all(np.isin(np.flatnonzero(w.state == QINGDAO), there)), "a worker entered Qingdao through a prohibitive barrier"


# -- returns ------------------------------------------------------------------


def test_the_network_is_the_share_of_the_county_s_workers_in_qingdao(model):
    """Three of county 0's workers and one of county 1's in Qingdao: the shares are 3 / (county 0's workers) and
    1 / (county 1's), the others 0, whatever village they live in."""
    w = model.workers
    c0, c1 = np.flatnonzero(w.county == 0)[:3], np.flatnonzero(w.county == 1)[:1]
    share = labour.qingdao_share_by_county(model, np.concatenate([c0, c1]))
    n0, n1 = np.count_nonzero(w.county == 0), np.count_nonzero(w.county == 1)
    assert share[0] == 3 / n0 and share[1] == 1 / n1 and not share[2:].any()
    assert len(share) == model.n_counties


def test_return_rates_by_destination(model):
    p = model.params
    assert labour.return_rates(p).tolist() == [0.0, p.local_job_loss_rate, p.return_rate_gansu, p.return_rate_other, p.return_rate_qingdao]


def test_a_worker_whose_return_draw_is_below_the_rate_goes_home_and_loses_help(baseline):
    m = make_model(baseline, scale=0.005, offseason_decision_share=0.0, return_rate_gansu=0.3, return_rate_other=0.2, return_rate_qingdao=0.4)
    w, p = m.workers, m.params
    m.firms.positions[:] = 0  # no vacancies: nobody is hired back the same month
    w.state[::7] = QINGDAO
    away = np.isin(w.state, AWAY_STATES)
    w.assisted[:] = away
    w.subsidised[::2] = True  # the stabilisation subsidy cuts the rate by stabilisation_effect (0.3)
    state0 = w.state.copy()
    u_leave = peek(m, "labour").random(w.n)  # the month's first draw: one per worker
    labour.monthly(m, 1)  # January: no training, nobody reconsiders
    rate = np.array([0.0, p.local_job_loss_rate, 0.3, 0.2, 0.4])[state0] * np.where(w.subsidised, 1 - p.stabilisation_effect, 1.0)
    leave = u_leave < rate
    assert leave.sum() > 100 and (away & ~leave).sum() > 100
    assert (w.state[leave] == HOME).all() and not w.assisted[leave].any()
    assert (w.state[~leave] == state0[~leave]).all() and w.assisted[~leave & away].all()
    # e.g. a subsidised Qingdao worker with u = 0.3 stays (0.3 ≥ 0.4 × 0.7 = 0.28), an unsubsidised one leaves
    assert math.isclose(0.4 * (1 - p.stabilisation_effect), 0.28)


def test_returns_follow_the_monthly_rate_by_destination(baseline):
    m = make_model(baseline.counterfactual(), scale=0.01, offseason_decision_share=0.0, spring_decision_share=0.0)
    w, p = m.workers, m.params
    before = {s: w.state == s for s in (GANSU, OTHER)}
    run_months(m, 1)  # January: no decisions, only returns
    for s, rate in ((GANSU, p.return_rate_gansu), (OTHER, p.return_rate_other)):
        n = before[s].sum()
        got = (w.state[before[s]] == HOME).mean()
        assert abs(got - rate) < 4 * math.sqrt(rate * (1 - rate) / n) + 1e-12, STATE_NAMES[s]


# -- the choice: quota, reach, help -------------------------------------------


def test_no_channel_means_no_qingdao_workers(baseline):
    m = make_model(baseline.counterfactual())
    run_months(m, 14)
    assert not (m.workers.state == QINGDAO).any()


def test_the_quota_caps_qingdao_and_the_queue_is_by_priority(baseline):
    m = make_model(baseline, scale=0.005, wage_qingdao=1e5)  # 0.0012 × 10⁵ = 120 units of utility: everyone wants Qingdao
    w = m.workers
    set_lever(m, "labour.qingdao_job_quota", 100_000)  # × 0.005 = 500 places
    w.state[:100] = QINGDAO  # 100 already there, not reconsidering: 400 places left
    cand = np.arange(100, w.n)
    draws = peek(m, "labour").random((len(cand), 6))
    labour.choose(m, cand, 0, spring=True)
    in_qd = np.flatnonzero(w.state == QINGDAO)
    assert len(in_qd) == 500
    # the 400 candidates with the lowest queue draws (column 5) got the places
    assert set(in_qd[100:].tolist()) == set(cand[smallest(draws[:, 5], 400)].tolist())
    # every place in Qingdao is a programme job; the refused fell back to another option
    assert w.assisted[in_qd[100:]].all()
    refused = np.setdiff1d(cand, in_qd)
    assert np.isin(w.state[refused], (HOME, GANSU, OTHER)).all()


def test_the_quota_is_never_exceeded_month_by_month(baseline):
    m = make_model(baseline, scale=0.005, qingdao_friction=0.0)  # more would like Qingdao than it takes
    for _ in range(14):
        m.step()
        quota = m.levers.at("labour.qingdao_job_quota", m.year_index) * m.scale
        assert (m.workers.state == QINGDAO).sum() <= round(quota)


def test_reach_assists_eligible_workers_away_only_while_the_programme_runs(baseline):
    m = make_model(baseline, scale=0.005, assist_reach=1.0)
    w = m.workers
    set_lever(m, "labour.qingdao_job_quota", 0)  # no Qingdao: help comes from reach alone
    labour.choose(m, np.arange(w.n), 0, spring=True)
    away = np.isin(w.state, (GANSU, OTHER))
    assert (w.assisted == (away & w.eligible)).all()
    assert (away & w.eligible).sum() > 0 and (away & ~w.eligible).sum() > 0
    # no subsidy = no labour programme = nobody reached
    m2 = make_model(baseline, scale=0.005, assist_reach=1.0)
    set_lever(m2, "labour.qingdao_job_quota", 0)
    set_lever(m2, "labour.subsidy_per_worker", 0)
    labour.choose(m2, np.arange(m2.workers.n), 0, spring=True)
    assert not m2.workers.assisted.any()


def test_workers_in_a_firm_keep_their_job_when_reconsidering(baseline):
    m = make_model(baseline, scale=0.005)
    w = m.workers
    m.hire_firm_workers()
    in_firm = w.state == FIRM
    assert in_firm.sum() > 0
    labour.choose(m, np.arange(w.n), 0, spring=True)
    assert (w.state[in_firm] == FIRM).all()


# -- stable employment and the subsidy ----------------------------------------


def test_stable_count_by_destination_and_subsidy_while_the_pot_lasts(baseline):
    """Five workers of county 0, each with stable_months − 1 = 2 assisted months:

    Qingdao (assisted), Gansu (assisted), other province (assisted), a cooperation firm
    (eligible, so assisted by count_months), Gansu (not assisted). One more month gives
    4 workers at the mark: stable_qingdao 1, stable_gansu 2 (Gansu + the firm), stable_other 1,
    each × weight. The labour pot holds 2.5 subsidies × weight: the first two in worker order
    are paid, 2 × 935 × 200 = 374,000 元."""
    m = make_model(baseline, scale=0.005, stable_months=3)
    w, wt = m.workers, m.weight
    assert wt == 200
    m.book.year = 0
    idx = np.flatnonzero(w.county == 0)[:5]
    slot = m.firms.new_slot(0, coop=True)
    w.state[idx] = [QINGDAO, GANSU, OTHER, FIRM, GANSU]
    w.employer[idx[3]] = slot
    w.eligible[idx[3]] = True
    w.assisted[idx] = [True, True, True, False, False]
    w.assisted_months[idx] = 2
    subsidy = m.levers.at("labour.subsidy_per_worker", 0)
    assert subsidy == 935
    m.funds.available[0, LABOUR_POT] = 2.5 * subsidy * wt
    labour.count_months(m, 0)
    d = m.book.data
    assert (d["stable_qingdao"][0, 0], d["stable_gansu"][0, 0], d["stable_other"][0, 0]) == (wt, 2 * wt, wt)
    assert d["stable_qingdao"][0, 1:].sum() == d["stable_gansu"][0, 1:].sum() == d["stable_other"][0, 1:].sum() == 0
    assert w.stable_counted[idx].tolist() == [True, True, True, True, False]
    assert w.subsidised[idx].tolist() == [True, True, False, False, False]
    assert d["labour_subsidy_paid"][0, 0] == 2 * 935 * 200 == 374_000
    assert math.isclose(m.funds.balance("labour", 0), 0.5 * subsidy * wt)
    # counted once a year: a further month adds nothing, and pays nothing even with money in the pot
    m.funds.available[0, LABOUR_POT] = 10 * subsidy * wt
    labour.count_months(m, 0)
    assert d["stable_gansu"][0, 0] == 2 * wt and d["labour_subsidy_paid"][0, 0] == 374_000


def test_the_january_to_november_count_leaves_out_workers_reaching_the_mark_in_december(baseline):
    """The published 2025 counts run to the end of November (1—11月). Two workers of county 0 at the mark's
    eve (2 assisted months, stable_months 3), one in Qingdao reaching it in November, one in Gansu in
    December: the year's counts hold both (weight each), the January–November counts only the first."""
    m = make_model(baseline, scale=0.005, stable_months=3)
    w, wt, d = m.workers, m.weight, m.book.data
    m.book.year = 0
    first, second = np.flatnonzero(w.county == 0)[:2]
    for who, state, month in ((first, QINGDAO, 11), (second, GANSU, 12)):
        w.state[who], w.assisted[who], w.assisted_months[who] = state, True, 2
        m.steps = month  # the month of the step under way: (steps − 1) % 12 + 1
        assert m.month == month
        labour.count_months(m, 0)
    assert (d["stable_qingdao"][0, 0], d["stable_gansu"][0, 0]) == (wt, wt)
    assert (d["stable_qingdao_jan_nov"][0, 0], d["stable_gansu_jan_nov"][0, 0], d["stable_other_jan_nov"][0, 0]) == (wt, 0, 0)


def test_a_cooperation_job_counts_once_not_every_year_it_continues(baseline):
    """Two eligible workers of county 0 in one cooperation firm, stable_months 3, from January of year 0:
    each reaches the mark in March and is counted (2 × weight); in year 1 the same jobs continue and count
    nothing, while a worker hired into the firm in year 1 counts once when he reaches the mark (March of year 1).
    An assisted migrant is counted in each year he is helped (year 0 and, helped again, year 1)."""
    m = make_model(baseline, scale=0.005, stable_months=3)
    w, wt, d = m.workers, m.weight, m.book.data
    slot = m.firms.new_slot(0, coop=True)
    a, b, c, mig = np.flatnonzero(w.county == 0)[:4]
    w.state[[a, b]] = FIRM
    w.employer[[a, b]] = slot
    w.eligible[[a, b, c, mig]] = True
    w.state[mig], w.assisted[mig] = GANSU, True
    m.funds.available[0, LABOUR_POT] = 1e12
    m.book.year = 0
    for _ in range(3):
        labour.count_months(m, 0)
    assert d["stable_gansu"][0, 0] == 3 * wt  # the two firm workers and the migrant
    assert w.job_counted[[a, b]].all() and not w.job_counted[mig]
    w.reset_year()
    w.assisted[mig] = True  # helped again this year
    w.state[c], w.employer[c], w.job_counted[c] = FIRM, slot, False  # a new hire (as enterprises.hire sets him)
    m.book.year = 1
    for _ in range(3):
        labour.count_months(m, 1)
    assert d["stable_gansu"][1, 0] == 2 * wt  # the new hire and the migrant: not the continuing jobs
    assert w.stable_counted[[c, mig]].all() and not w.stable_counted[[a, b]].any()
    assert w.assisted_months[[a, b]].tolist() == [0, 0]  # a counted job's months do not count towards the mark again
    # worker a leaves his counted job for Gansu with the programme's help: counted after three months there, not at once
    w.state[a], w.employer[a], w.assisted[a] = GANSU, -1, True
    labour.count_months(m, 1)
    labour.count_months(m, 1)
    assert d["stable_gansu"][1, 0] == 2 * wt and not w.stable_counted[a]
    labour.count_months(m, 1)
    assert d["stable_gansu"][1, 0] == 3 * wt and w.stable_counted[a]


def test_a_cooperation_job_counts_only_for_the_target_group(baseline):
    m = make_model(baseline, scale=0.005)
    w = m.workers
    coop, plain = m.firms.new_slot(0, coop=True), m.firms.new_slot(0, coop=False)
    idx = np.flatnonzero(w.county == 0)[:3]
    w.state[idx] = FIRM
    w.employer[idx] = [coop, coop, plain]
    w.eligible[idx] = [True, False, True]
    labour.count_months(m, 0)
    assert w.assisted[idx].tolist() == [True, False, False]
    assert w.assisted_months[idx].tolist() == [1, 0, 0] and w.employed_months[idx].tolist() == [1, 1, 1]


def test_subsidy_paid_per_stable_worker_within_budget(baseline):
    m = make_model(baseline, scale=0.005)
    run_months(m, 12)
    w = m.workers
    d = m.book.data
    paid = d["labour_subsidy_paid"][0, :7].sum()
    subsidy = m.levers.at("labour.subsidy_per_worker", 0)
    # every payment is one subsidy for one represented worker
    assert paid > 0 and abs(paid / (subsidy * m.weight) - round(paid / (subsidy * m.weight))) < 1e-6
    # paid workers are among those who reached the stable mark (counted once a year, by destination)
    stable = d["stable_employment"][0, :7].sum()
    assert paid / subsidy <= stable + 1e-6
    assert stable == sum(d[f"stable_{k}"][0, :7].sum() for k in labour.DESTINATIONS)
    assert not w.stable_counted.any() and not w.subsidised.any()  # reset for the new year
    assert (m.funds.spent[0, :, LABOUR_POT] <= m.funds.allocated[0, :, LABOUR_POT] + 1e-6).all()


def test_training_places_go_to_workers_at_home_while_the_pot_lasts(baseline):
    """Places: 5,000 × 0.005 = 25; the pot of county 0 pays 3 places of 1,500 × 200 = 300,000 元;
    other counties' pots are empty: only 3 workers, all of county 0, all at home, are trained."""
    m = make_model(baseline, scale=0.005)
    w = m.workers
    m.funds.available[:, LABOUR_POT] = 0.0
    m.funds.available[0, LABOUR_POT] = 3.5 * m.params.training_cost * m.weight
    home0 = w.state == HOME
    labour.train(m, 0)
    assert w.trained.sum() == 3 and (w.county[w.trained] == 0).all() and home0[w.trained].all()
    assert math.isclose(m.funds.balance("labour", 0), 0.5 * m.params.training_cost * m.weight)


# -- the year -----------------------------------------------------------------


def test_reset_year_keeps_help_only_in_qingdao():
    n = 5
    w = Workers(
        household=np.arange(n, dtype=np.int32),
        county=np.zeros(n, np.int8),
        village=np.zeros(n, np.int32),
        state=np.array([HOME, FIRM, GANSU, OTHER, QINGDAO], np.int8),
        employer=np.full(n, -1, np.int32),
        trained=np.ones(n, bool),
        subsidised=np.ones(n, bool),
        assisted_months=np.full(n, 7, np.int8),
        eligible=np.ones(n, bool),
        assisted=np.ones(n, bool),
        stable_counted=np.ones(n, bool),
        employed_months=np.full(n, 9, np.int8),
    )
    w.reset_year()
    assert w.assisted.tolist() == [False, False, False, False, True]
    assert not w.subsidised.any() and not w.stable_counted.any()
    assert (w.assisted_months == 0).all() and (w.employed_months == 0).all()
    assert w.trained.all() and w.state.tolist() == [0, 1, 2, 3, 4]  # training and jobs carry over


# -- wages --------------------------------------------------------------------


def test_wages_accrue_by_state_and_skill(model):
    hh, w, p = model.households, model.workers, model.params
    hh.income[:] = 0
    hh.migrant_earnings[:] = 0
    w.state[:] = HOME
    h0 = w.household[0]
    mates = np.flatnonzero(w.household == h0)
    w.state[0] = GANSU
    labour.accrue_wages(model, 0)
    others = mates[mates != 0]
    # remitted: remittance_share × (2,000 − 700) × skill; gross earnings: 2,000 × skill
    assert math.isclose(hh.income[h0, 2], p.remittance_share * (p.wage_gansu - p.living_cost_gansu) * w.skill[0])
    assert math.isclose(hh.migrant_earnings[h0], p.wage_gansu * w.skill[0])
    expected_local = p.casual_work_share * p.wage_local * w.skill[others].sum()
    assert math.isclose(hh.income[h0, 1], expected_local, abs_tol=1e-9)
    # a month later in another province and in Qingdao: the kept sums follow
    w.state[0] = OTHER
    labour.accrue_wages(model, 0)
    assert math.isclose(hh.migrant_earnings[h0], (p.wage_gansu + p.wage_other) * w.skill[0])
    w.state[0] = QINGDAO
    before = hh.income[h0, 2]
    labour.accrue_wages(model, 0)
    assert math.isclose(hh.income[h0, 2] - before, p.remittance_share * (p.wage_qingdao - p.living_cost_qingdao) * w.skill[0])


def test_industry_land_shares_by_hand(model):
    """Each county's potato and herb land over its farmland, from the households' areas: county 0's sums by hand."""
    hh = model.households
    shares = labour.industry_land_shares(hh, model.n_counties)
    c0 = hh.county == 0
    total = hh.area[c0].sum()
    assert math.isclose(shares[0, 0], hh.area[c0, 0].sum() / total) and math.isclose(shares[1, 0], hh.area[c0, 1].sum() / total)
    assert shares.shape == (2, model.n_counties) and ((shares > 0) & (shares < 1)).all()
    assert np.array_equal(model.labour.industry_land_share, shares)


def test_industry_wages_are_booked_with_the_crops_income(model):
    """County 0: every worker at home but three — two in a potato firm, one in a herb firm — for one month
    (``count_months``), and every other county's workers in a livestock firm; the year's other eleven months
    everyone at home. December books, as the potato industry's income, the potato firm's month of wages and
    the year's casual work at home × the county's potato land share; the herb industry likewise. Livestock
    is neither industry: other counties get only their casual work's shares."""
    m, w, p = model, model.workers, model.params
    m.book.year = 0
    potato, herbs, other = (m.firms.new_slot(c, coop=False, sector=s) for c, s in ((0, "potato"), (0, "herbs"), (1, "livestock")))
    in0 = np.flatnonzero(w.county == 0)
    w.state[:] = FIRM
    w.employer[:] = other
    w.state[in0] = HOME
    w.employer[in0] = -1
    w.state[in0[:3]] = FIRM
    w.employer[in0[:3]] = [potato, potato, herbs]
    w.employed_months[:] = 0
    w.industry_months[:] = 0
    labour.count_months(m, 0)
    assert w.industry_months[0].sum() == 2 and w.industry_months[1].sum() == 1
    assert w.industry_months[0, in0[:2]].tolist() == [1, 1] and w.industry_months[1, in0[2]] == 1
    d = m.book.data
    d["income_potato"][:] = d["income_herbs"][:] = 0
    labour.industry_wages(m, 0)
    home_wage = p.casual_work_share * p.wage_local
    casual = home_wage * (12 * w.skill[in0[3:]].sum() + 11 * w.skill[in0[:3]].sum()) * m.weight
    land = m.labour.industry_land_share
    assert math.isclose(d["income_potato"][0, 0], casual * land[0, 0] + p.wage_local * w.skill[in0[:2]].sum() * m.weight)
    assert math.isclose(d["income_herbs"][0, 0], casual * land[1, 0] + p.wage_local * w.skill[in0[2]] * m.weight)
    for c in range(1, m.n_counties):
        elsewhere = home_wage * 11 * w.skill[w.county == c].sum() * m.weight
        assert math.isclose(d["income_potato"][0, c], elsewhere * land[0, c]) and math.isclose(d["income_herbs"][0, c], elsewhere * land[1, c])
    # a new year starts the months again
    w.reset_year()
    assert not w.industry_months.any()
