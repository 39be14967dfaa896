"""Labour: choice shares, the Qingdao quota, returns, subsidies, wages."""

from __future__ import annotations

import numpy as np

from qdsim.model import labour
from qdsim.model.households import AWAY, FIRM, HOME, QINGDAO

from .conftest import make_model, run_months


def test_away_constant_reproduces_the_2021_share(model):
    p = model.params
    e = labour.net_earnings(model, 0)
    b = p.logit_beta / 1000
    v_away, v_home = b * e["away"] + model.asc_away, b * e["home"]
    share = np.exp(v_away) / (np.exp(v_away) + np.exp(v_home))
    assert abs(share - p.migrant_share_2021) < 1e-12


def test_net_earnings_by_hand(model):
    p = model.params
    e = labour.net_earnings(model, 0)
    assert e["qingdao"] == p.wage_qingdao - p.living_cost_qingdao
    assert e["home"] == p.farm_work_value + p.casual_work_share * p.wage_local


def test_no_channel_means_no_qingdao_workers(baseline):
    m = make_model(baseline.counterfactual())
    run_months(m, 14)
    assert not (m.workers.state == QINGDAO).any()


def test_quota_is_never_exceeded(baseline):
    m = make_model(baseline, scale=0.005, qingdao_friction=0.0)  # everyone would like Qingdao
    for _ in range(14):
        m.step()
        quota = m.levers.at("labour.qingdao_job_quota", m.year_index) * m.scale
        assert (m.workers.state == QINGDAO).sum() <= round(quota)


def test_subsidy_paid_per_stable_worker_within_budget(baseline):
    m = make_model(baseline, scale=0.005)
    run_months(m, 12)
    w = m.workers
    paid = m.book.data["labour_subsidy_paid"][0, :7].sum()
    subsidy = m.levers.at("labour.subsidy_per_worker", 0)
    # every payment is one subsidy for one represented worker
    assert paid > 0 and abs(paid / (subsidy * m.weight) - round(paid / (subsidy * m.weight))) < 1e-6
    # paid workers are among those who reached the stable mark (counted once a year)
    assert paid / subsidy <= m.book.data["stable_employment"][0, :7].sum() + 1e-6
    assert not w.stable_counted.any()  # reset for the new year
    assert (m.funds.spent[0, :, 1] <= m.funds.allocated[0, :, 1] + 1e-6).all()


def test_returns_follow_the_monthly_rate(baseline):
    m = make_model(baseline.counterfactual(), scale=0.01, offseason_decision_share=0.0, spring_decision_share=0.0)
    w = m.workers
    away0 = (w.state == AWAY).sum()
    run_months(m, 1)  # January: no decisions, only returns
    away1 = (w.state == AWAY).sum()
    rate = 1 - away1 / away0
    # binomial: mean 0.012, sd ≈ sqrt(0.012 × 0.988 / n)
    assert abs(rate - m.params.return_rate_elsewhere) < 4 * np.sqrt(0.012 * 0.988 / away0)


def test_wages_accrue_by_state_and_skill(model):
    hh, w, p = model.households, model.workers, model.params
    hh.income[:] = 0
    w.state[:] = HOME
    w.state[0] = AWAY
    labour.accrue_wages(model, 0)
    h0 = w.household[0]
    others = (w.household == h0) & (np.arange(w.n) != 0)
    expected_migrant = p.remittance_share * (p.wage_elsewhere - p.living_cost_elsewhere) * w.skill[0]
    assert abs(hh.income[h0, 2] - expected_migrant) < 1e-6
    expected_local = p.casual_work_share * p.wage_local * w.skill[others].sum()
    assert abs(hh.income[h0, 1] - expected_local) < 1e-6
    assert FIRM == 3
