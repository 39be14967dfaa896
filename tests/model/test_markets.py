"""Markets: the channel first, then firms' contracts, the rest locally; farm sales in every scenario."""

from __future__ import annotations

import numpy as np

from qdsim.model import farming, markets

from .conftest import make_model, run_months, set_lever


def _after_harvest(scenario, **overrides):
    m = make_model(scenario, scale=0.005, **overrides)
    run_months(m, 8)
    m.book.year = 0
    farming.harvest(m, 0)
    return m


def test_no_channel_no_sales(baseline):
    m = make_model(baseline.counterfactual())
    run_months(m, 12)
    assert m.book.data["consumption_sales"][0].sum() == 0
    assert m.book.data["farm_sales"][0].sum() > 0  # farm sales are recorded without the cooperation too


def test_sales_never_exceed_the_channel_grade_supply(baseline):
    # buyers who would buy far more than Dingxi grows: the harvest binds
    m = make_model(baseline, procurement_budget=1e12, intensity_initial=0.9, adoption_rate=1.0)
    run_months(m, 9)
    p = m.params
    cap = (p.channel_grade_share * m.harvest.marketable * p.retail_markup).sum() * m.weight
    sales = m.book.data["consumption_sales"][0, :7].sum()
    assert 0 < sales <= cap * (1 + 1e-9)


def test_farm_income_gains_the_channel_premium_and_farm_sales_add_up(baseline):
    """Without firms' contract premium, selling adds to farm income exactly the channel's premium on what
    households sold through it: paid = sold × (1 + premium) × weight, so the gain is paid × premium / (1 + premium) / weight;
    farm sales = (harvest revenue + that premium) × weight."""
    m = _after_harvest(baseline, contract_premium=0.0)
    hh = m.households
    before = hh.income[:, 0].copy()
    markets.sell(m, 0)
    d = m.book.data
    premium = m.levers.at("consumption.price_premium", 0)
    paid = d["channel_paid_households"][0, :7].sum()
    gain = (hh.income[:, 0] - before).sum()
    assert paid > 0 and np.isclose(gain, paid * premium / (1 + premium) / m.weight, rtol=1e-9)
    assert np.isclose(d["farm_sales"][0, :7].sum(), (m.harvest.revenue.sum() + gain) * m.weight, rtol=1e-9)


def test_without_premium_the_channel_adds_no_farm_income(baseline):
    m = _after_harvest(baseline, contract_premium=0.0)
    set_lever(m, "consumption.price_premium", 0.0)
    before = m.households.income[:, 0].copy()
    markets.sell(m, 0)
    assert m.book.data["consumption_sales"][0].sum() > 0
    assert np.array_equal(m.households.income[:, 0], before)


def test_firms_contract_premium_on_what_the_channel_left(baseline):
    """With no channel (counterfactual), each county's firms buy up to their purchases from the rest:
    premium = rest × min(1, purchases × scale / county rest) × contract_premium."""
    m = _after_harvest(baseline.counterfactual(), contract_premium=0.1)
    hh = m.households
    before = hh.income[:, 0].copy()
    purchases = m.firm_purchases_by_county() * m.scale
    markets.sell(m, 0)
    rest = m.harvest.marketable
    by_county = np.bincount(hh.county, weights=rest, minlength=m.n_counties)
    expected = rest * np.minimum(1.0, purchases / by_county)[hh.county] * 0.1
    assert purchases.sum() > 0
    assert np.allclose(hh.income[:, 0] - before, expected, rtol=1e-12, atol=1e-9)
    assert np.isclose(m.book.data["farm_sales"][0, :7].sum(), (m.harvest.revenue + expected).sum() * m.weight)
