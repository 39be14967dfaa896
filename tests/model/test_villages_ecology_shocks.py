"""Villages, ecology, and shocks & protection."""

from __future__ import annotations

import numpy as np

from qdsim.model import ecology, shocks, villages

from .conftest import make_model


def test_collective_income_by_hand(model):
    p, vs = model.params, model.villages
    v, w = vs.agents[0], vs.agents[1]
    vs.assets[v.index], vs.demo[v.index] = 1e6, True
    vs.paired[v.index] = True  # one copy of each fact: the agent reads the arrays
    assert v.paired and v.demo and v.assets == 1e6 and not w.demo
    villages.year_end(model, 0)
    assert v.collective_income == p.collective_income_base + p.asset_return * 1e6 + p.demo_collective_boost + p.pairing_income
    assert w.collective_income == p.collective_income_base + p.asset_return * w.assets + (p.pairing_income if w.paired else 0.0)


def test_pairing_is_one_fact_in_the_village_arrays(model):
    vs = model.villages
    villages.update_pairing(model, 0)  # 2021: 300 villages paired, in rank order (formerly poor first)
    assert vs.paired.sum() == 300
    assert (vs.paired == (vs.rank < 300)).all()
    assert vs.formerly_poor[vs.paired].all()  # 1,101 formerly poor villages come first
    assert all(v.paired == vs.paired[v.index] and v.county == vs.county[v.index] for v in vs.agents)
    order = vs.pairing_order
    assert (vs.rank[order] == np.arange(len(order))).all()


def test_dividends_add_up_to_the_share_paid_out(model):
    hh, p = model.households, model.params
    hh.income[:] = 0
    villages.year_end(model, 0)
    inhabited = np.bincount(hh.village, minlength=len(model.villages.agents)) > 0
    paid_out = sum(v.collective_income for v in model.villages.agents if inhabited[v.index]) * p.dividend_share
    assert abs(hh.income[:, 4].sum() * hh.weight - paid_out) < 1e-6 * paid_out


def test_demo_villages_cost_the_village_pot(baseline):
    m = make_model(baseline)
    m.funds.allocate(0, 4e8, m.levers.shares[0], 0.0)
    m.book.year = 0
    villages.update_pairing(m, 0)
    villages.upgrade_demo_villages(m, 0)
    n_demo = sum(v.demo for v in m.villages.agents)
    spent = m.funds.spent[0, :, 3].sum()
    assert n_demo > 0 and 0.5 * n_demo * m.params.demo_village_cost <= spent <= 1.5 * n_demo * m.params.demo_village_cost
    # paired villages first
    demo_ranks = [v.pairing_rank for v in m.villages.agents if v.demo]
    assert max(demo_ranks) < m.levers.at("pairings.villages", 0)


def test_forest_area_is_money_over_cost(baseline):
    m = make_model(baseline, forest_cost_per_mu=4000.0)
    m.funds.allocate(0, 1e9, np.array([0, 0, 0, 0, 1.0, 0, 0]), 0.0)
    m.book.year = 0
    ecology.plant(m, 0)
    # cost varies ±10% a year by county: area within 1e9/4000 × [0.7, 1.4]
    assert 0.7 * 250_000 < m.forest.area.sum() < 1.4 * 250_000
    assert m.funds.available[:, 4].sum() == 0


def test_monitoring_line_grows(model):
    p = model.params
    assert shocks.monitoring_line(p, 0) == p.monitoring_line_2021
    assert abs(shocks.monitoring_line(p, 2) - p.monitoring_line_2021 * (1 + p.monitoring_line_growth) ** 2) < 1e-9


def test_assessment_flags_and_relapse(model):
    hh = model.households
    hh.income[:] = 0
    hh.oop_medical[:] = 0
    hh.income[:, 0] = 100_000.0  # everyone far above the line ...
    hh.income[0, 0] = 0.0  # ... except household 0
    hh.monitored[:] = False
    model.book.year = 1
    shocks.assess(model, 1)
    assert hh.monitored[0] and hh.monitored.sum() == 1
    assert model.book.data["relapse_households"][1, :7].sum() == hh.weight


def test_minimum_living_guarantee_fills_the_gap(model):
    hh, p = model.households, model.params
    hh.income[:] = 0
    shocks.transfers(model, 0)
    per_capita = hh.income.sum(axis=1) / hh.size
    basic = p.transfer_per_capita + np.where(hh.formerly_poor, p.poor_household_transfer, 0.0)
    expected = basic + p.dibao_coverage * np.maximum(0, p.dibao_standard - basic)
    assert np.allclose(per_capita[~hh.monitored], expected[~hh.monitored])


def test_paired_hospitals_cut_out_of_pocket_costs(baseline):
    with_pairing = make_model(baseline)
    without = make_model(baseline.counterfactual())
    for m in (with_pairing, without):
        m.households.oop_medical[:] = 0
        shocks.illness(m, 0)
    a, b = with_pairing.households.oop_medical.sum(), without.households.oop_medical.sum()
    cover = min(1, 83 / with_pairing.params.hospitals_total)
    assert abs(a / b - (1 - with_pairing.params.paired_hospital_oop_reduction * cover)) < 1e-9
