"""Markets: channel demand, its limits, and who gains."""

from __future__ import annotations

from qdsim.model import markets

from .conftest import make_model, run_months


def test_channel_demand_by_hand(model):
    p, L = model.params, model.levers
    model.awareness = 0.5
    t = 3  # 2024: 28 showrooms, 2 warehouses, canteen share 0.3
    d = markets.channel_demand(model, t, promotion=1e7)
    expected = 0.5 * (
        0.3 * p.canteen_market * L.at("conditions.qingdao_wage_index", t)
        + p.showroom_sales * 28**p.showroom_exponent
        + p.warehouse_sales * 2
        + p.promo_scale * 1e7**p.promo_elasticity
    )
    assert abs(d / expected - 1) < 1e-12


def test_diminishing_returns_to_promotion(model):
    model.awareness = 1.0
    base = markets.channel_demand(model, 3, 0.0)
    g1, g2, g4 = (markets.channel_demand(model, 3, x) - base for x in (1e7, 2e7, 4e7))
    # sales per extra yuan fall as promotion grows
    assert g1 / 1e7 > (g2 - g1) / 1e7 > (g4 - g2) / 2e7 > 0


def test_no_channel_no_sales(baseline):
    m = make_model(baseline.counterfactual())
    run_months(m, 12)
    assert m.book.data["consumption_sales"][0].sum() == 0


def test_sales_never_exceed_the_channel_grade_supply(baseline):
    m = make_model(baseline, showroom_sales=1e12)  # demand far beyond supply
    run_months(m, 9)
    p = m.params
    cap = (p.channel_grade_share * m.marketable * p.retail_markup).sum() * m.weight
    assert m.book.data["consumption_sales"][0, :7].sum() <= cap * (1 + 1e-9)


def test_channel_raises_farm_income_by_the_net_premium(baseline):
    a = make_model(baseline)
    b = make_model(baseline)
    run_months(a, 8)
    run_months(b, 8)
    farming_income = a.households.income[:, 0].copy()
    from qdsim.model import farming

    for m in (a, b):
        farming.harvest(m, 0)
    b.levers.values["consumption.price_premium"][:] = 0.0
    b.levers.values["consumption.logistics_loss"][:] = 0.0
    markets.sell(a, 0)
    markets.sell(b, 0)
    gain = a.households.income[:, 0] - b.households.income[:, 0]
    sales = a.book.data["consumption_sales"][0, :7].sum() / a.weight / a.params.retail_markup
    assert abs(gain.sum() - sales * ((1.35) * 0.95 - 1)) < 1e-6 * max(1, sales)
    assert farming_income.shape == gain.shape
