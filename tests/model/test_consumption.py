"""The consumption season: orders meet suppliers (match), households are paid (household_shares), the season's books."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdsim import api
from qdsim.model import consumption, farming
from qdsim.model.buyers import ACTIVE, CANTEEN, MODES, PROCUREMENT, SHOWROOM, WAREHOUSE, Buyers
from qdsim.model.suppliers import BASE, COOPERATIVE, LEADING_FIRM, Suppliers

from .conftest import make_model, run_months, set_lever

# -- match: 2 buyers × 3 suppliers by hand --------------------------------------------


def channel(certified=(True, False, True), loss: float = 0.1, warehouses: float = 0.0, home_bias: float = 1.0) -> SimpleNamespace:
    """Two counties. Suppliers: S0 cooperative of county 0 (capacity 100, quality 0.8), S1 leading firm of
    county 0 (300, 1.0), S2 base of county 1 (200, 0.5). Buyers: B0 a paired unit tied to county 0
    (certified suppliers only), B1 a showroom tied to county 1 (any supplier)."""
    s = Suppliers()
    s.add(COOPERATIVE, np.array([0]), np.array([100.0]), np.array([certified[0]]), np.array([0.8]))
    s.add(LEADING_FIRM, np.array([0]), np.array([300.0]), np.array([certified[1]]), np.array([1.0]))
    s.add(BASE, np.array([1]), np.array([200.0]), np.array([certified[2]]), np.array([0.5]))
    b = Buyers()
    b.add(PROCUREMENT, np.array([0]), np.array([1.0]))
    b.add(SHOWROOM, np.array([1]), np.array([1.0]), 10.0)
    table = {"consumption.logistics_loss": loss, "consumption.warehouses": warehouses}
    return SimpleNamespace(
        params=SimpleNamespace(home_bias=home_bias, warehouse_loss_cut=0.3, loss_factor_cooperative=1.5, loss_factor_leading_firm=1.0, loss_factor_base=0.6),
        consumption=SimpleNamespace(buyers=b, suppliers=s),
        n_counties=2,
        year_index=0,
        levers=SimpleNamespace(at=lambda key, t: table[key]),
    )


ORDERED = np.array([130.0, 290.0])


def test_match_by_hand_where_capacity_binds():
    """Spread by capacity × quality × (1 + home bias 1 for the buyer's county):
    B0 (certified only): S0 100 × 0.8 × 2 = 160, S2 200 × 0.5 × 1 = 100 → 130 × 160/260 = 80 to S0, 50 to S2.
    B1: S0 80 × 1 = 80, S1 300, S2 100 × 2 = 200 (total 580) → 290 × 80/580 = 40, 150, 100.
    Received: S0 120, S1 150, S2 150. Supply is ample (1,000 a county), so capacity binds at S0 only:
    S0 fills 100/120 = 5/6 of each order → 66.67 and 33.33; S1 and S2 fill everything.
    Shipped: 100, 150, 150. Loss (lever 10%): cooperative 15%, firm 10%, base 6%;
    accepted = filled × (1 − loss) × quality: S0 × 0.68, S1 × 0.9, S2 × 0.47.
    Unmet: B0 130 − 116.67 = 13.33 (needed certified, county 0); B1 290 − 283.33 = 6.67 (any, county 1)."""
    m = channel()
    accepted, shipped, received, unmet_cert, unmet_any = consumption.match(m, ORDERED, np.array([1000.0, 1000.0]))
    assert received == pytest.approx([120, 150, 150], rel=1e-14)
    assert shipped == pytest.approx([100, 150, 150], rel=1e-14)
    expected = np.array([[80 * 5 / 6 * 0.68, 0.0, 50 * 0.47], [40 * 5 / 6 * 0.68, 150 * 0.9, 100 * 0.47]])
    assert accepted == pytest.approx(expected, rel=1e-12)
    assert accepted[0, 1] == 0.0  # the uncertified firm sells nothing to the paired unit
    assert unmet_cert == pytest.approx([40 / 3, 0.0], rel=1e-12) and unmet_any == pytest.approx([0.0, 20 / 3], rel=1e-12)


def test_match_where_the_county_supply_binds():
    """County 0 has 40 of channel-grade produce: S0 may source 40 × 100/400 = 10 and S1 40 × 300/400 = 30.
    S0 fills 10/120 = 1/12, S1 30/150 = 1/5, S2 (county 1, ample) all.
    Filled: B0 80/12 + 50 = 56.67, B1 40/12 + 30 + 100 = 133.33; county 0 ships exactly its 40."""
    m = channel()
    accepted, shipped, received, unmet_cert, unmet_any = consumption.match(m, ORDERED, np.array([40.0, 1000.0]))
    assert shipped == pytest.approx([10, 30, 150], rel=1e-14)
    assert unmet_cert == pytest.approx([130 - (80 / 12 + 50), 0.0], rel=1e-12)
    assert unmet_any == pytest.approx([0.0, 290 - (40 / 12 + 30 + 100)], rel=1e-12)
    assert accepted[1] == pytest.approx([40 / 12 * 0.68, 30 * 0.9, 100 * 0.47], rel=1e-12)


def test_match_where_a_drought_cuts_what_suppliers_can_deliver():
    """Weather index 0.5 in county 0 (a drought there), 1 in county 1. S0 can deliver 100 × 0.5 = 50 of its
    120 received and S1 300 × 0.5 = 150 of 150 (all); S2 (county 1) as in a normal season.
    S0 fills 50/120 = 5/12: B0 80 × 5/12 + 50 = 83.33, B1 40 × 5/12 + 150 + 100 = 266.67; shipped 50, 150, 150.
    Orders that bring new suppliers are those capacity alone would have left: as in a normal season
    (13.33 certified in county 0, 6.67 in county 1), not the harvest's shortfall."""
    m = channel()
    accepted, shipped, received, unmet_cert, unmet_any = consumption.match(m, ORDERED, np.array([1000.0, 1000.0]), np.array([0.5, 1.0]))
    assert shipped == pytest.approx([50, 150, 150], rel=1e-14)
    assert accepted[0] == pytest.approx([80 * 5 / 12 * 0.68, 0.0, 50 * 0.47], rel=1e-12)
    assert accepted[1] == pytest.approx([40 * 5 / 12 * 0.68, 150 * 0.9, 100 * 0.47], rel=1e-12)
    assert unmet_cert == pytest.approx([40 / 3, 0.0], rel=1e-12) and unmet_any == pytest.approx([0.0, 20 / 3], rel=1e-12)


def test_match_in_a_normal_season_is_the_match_without_weather():
    m = channel()
    plain = consumption.match(m, ORDERED, np.array([40.0, 1000.0]))
    normal = consumption.match(channel(), ORDERED, np.array([40.0, 1000.0]), np.ones(2))
    for a, b in zip(plain, normal, strict=True):
        assert np.array_equal(a, b)


def test_weather_index_by_hand():
    """Two counties: county 0 grows 10 亩 potato (value 10 × 2300 × 0.75 = 17,250) and 1 亩 herbs (400 × 8 = 3,200);
    county 1 only 2 亩 greenhouse (2 × 9,000 = 18,000). Drought weather: potato 0.5, herbs 0.65, greenhouse 0.95.
    County 0: (17,250 × 0.5 + 3,200 × 0.65) / 20,450 = 10,705 / 20,450; county 1: 0.95. Without drought: exactly 1."""
    area = np.zeros((2, 5))
    area[0, farming.POTATO], area[0, farming.HERBS], area[1, farming.GREENHOUSE] = 10.0, 1.0, 2.0
    m = SimpleNamespace(
        params=SimpleNamespace(potato_yield_traditional=2300, potato_price=0.75, herbs_yield=400, herbs_price=8.0, greenhouse_revenue_per_cycle=9000),
        households=SimpleNamespace(county=np.array([0, 1], np.int8), area=area), n_counties=2)
    weather = np.array([0.5, 0.65, 0.4, 0.95, 0.6])
    assert farming.weather_index(m, weather) == pytest.approx([10705 / 20450, 0.95], rel=1e-12)
    assert np.array_equal(farming.weather_index(m, np.ones(5)), np.ones(2))


def test_match_where_certification_binds():
    """No certified supplier: the paired unit gets nothing and its whole order is unmet_certified;
    the showroom buys as before (only its own supplier weights matter)."""
    m = channel(certified=(False, False, False))
    accepted, shipped, received, unmet_cert, unmet_any = consumption.match(m, ORDERED, np.array([1000.0, 1000.0]))
    assert (accepted[0] == 0).all()
    assert unmet_cert.tolist() == [130.0, 0.0]
    # B1 alone: S0 40 (≤ 100: no binding), S1 150, S2 100
    assert received == pytest.approx([40, 150, 100]) and shipped == pytest.approx([40, 150, 100])
    assert unmet_any == pytest.approx([0.0, 0.0], abs=1e-12)


def test_forward_warehouses_cut_the_loss_of_certified_suppliers():
    """With warehouses, certified S0 and S2 lose 30% less: S0 15% → 10.5%, S2 6% → 4.2%; uncertified S1 keeps 10%."""
    m = channel(warehouses=2)
    accepted, *_ = consumption.match(m, ORDERED, np.array([1000.0, 1000.0]))
    assert accepted[1] == pytest.approx([40 * 5 / 6 * 0.895 * 0.8, 150 * 0.9, 100 * 0.958 * 0.5], rel=1e-12)


def test_no_orders_or_no_suppliers_means_no_trade():
    m = channel()
    out = consumption.match(m, np.zeros(2), np.array([1000.0, 1000.0]))
    assert all((x == 0).all() for x in out) and out[0].shape == (2, 3)
    m.consumption.suppliers = Suppliers()
    accepted, shipped, received, unmet_cert, unmet_any = consumption.match(m, ORDERED, np.array([1000.0, 1000.0]))
    assert accepted.shape == (2, 0) and shipped.shape == (0,)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_b=st.integers(1, 12),
    n_s=st.integers(1, 10),
    supply_scale=st.floats(0.0, 3.0),
    loss=st.floats(0.0, 0.5),
    warehouses=st.integers(0, 3),
    home_bias=st.floats(0.0, 5.0),
)
def test_match_invariants(seed, n_b, n_s, supply_scale, loss, warehouses, home_bias):
    """accepted ≤ filled ≤ ordered for every buyer; accepted ≤ shipped ≤ received and ≤ capacity for every
    supplier; each county ships no more than its supply; what is not shipped is unmet."""
    rng = np.random.default_rng(seed)
    n_c = 3
    s = Suppliers()
    for _ in range(n_s):
        s.add(int(rng.integers(3)), rng.integers(0, n_c, 1), rng.lognormal(0, 1, 1) * 100, rng.random(1) < 0.5, rng.uniform(0.5, 1, 1))
    b = Buyers()
    for _ in range(n_b):
        b.add(int(rng.integers(len(MODES))), rng.integers(0, n_c, 1), np.ones(1))
    ordered = rng.lognormal(0, 1, n_b) * 100 * (rng.random(n_b) < 0.8)
    supply = rng.lognormal(0, 1, n_c) * 100 * supply_scale
    table = {"consumption.logistics_loss": loss, "consumption.warehouses": warehouses}
    m = SimpleNamespace(
        params=SimpleNamespace(home_bias=home_bias, warehouse_loss_cut=0.3, loss_factor_cooperative=1.5, loss_factor_leading_firm=1.0, loss_factor_base=0.6),
        consumption=SimpleNamespace(buyers=b, suppliers=s),
        n_counties=n_c,
        year_index=0,
        levers=SimpleNamespace(at=lambda key, t: table[key]),
    )
    accepted, shipped, received, unmet_cert, unmet_any = consumption.match(m, ordered, supply)
    tol = 1e-9 * (1 + ordered.sum())
    assert (accepted >= 0).all() and (shipped >= 0).all() and (unmet_cert >= -tol).all() and (unmet_any >= -tol).all()
    assert (accepted.sum(axis=0) <= shipped + tol).all() and (shipped <= received + tol).all()
    assert (shipped <= s.capacity + tol).all()
    assert (np.bincount(s.county, weights=shipped, minlength=n_c) <= supply + tol).all()
    assert (accepted.sum(axis=1) <= ordered + tol).all()
    assert received.sum() <= ordered.sum() + tol
    # certified-only buyers buy only from certified suppliers
    need = np.isin(b.mode, (PROCUREMENT, CANTEEN, WAREHOUSE))
    assert (accepted[np.ix_(need, ~s.certified)] == 0).all()
    # what is ordered from someone and not shipped is unmet, by the buyer's county
    routed = received.sum()
    assert unmet_cert.sum() + unmet_any.sum() >= routed - shipped.sum() - tol


# -- household_shares -------------------------------------------------------------------


def shares_model(county, village, paired, priority=1.0, n_counties=2) -> SimpleNamespace:
    return SimpleNamespace(
        households=SimpleNamespace(county=np.asarray(county), village=np.asarray(village), n=len(county)),
        villages=SimpleNamespace(paired=np.asarray(paired)),
        params=SimpleNamespace(paired_village_priority=priority),
        n_counties=n_counties,
    )


def test_household_shares_by_hand():
    """County 0: households of a paired village (supply 100 and 300) and of an unpaired one (200).
    Weights with priority 1: 200, 600, 200 (total 1,000); purchases 500 → ½ of each weight: 100, 300, 100.
    County 1: one household with 50, purchases 20 → 20."""
    m = shares_model(county=[0, 0, 0, 1], village=[0, 0, 1, 2], paired=[True, False, False])
    got = consumption.household_shares(m, np.array([100.0, 300.0, 200.0, 50.0]), np.array([500.0, 20.0]))
    assert got == pytest.approx([100.0, 300.0, 100.0, 20.0], rel=1e-14)


def test_household_shares_pay_out_the_whole_purchase_when_supply_covers_it():
    """Supply 100 (paired) and 200 (unpaired), weights 200 and 200; purchases 300 = all the supply:
    each is owed 150; the paired household has only 100, so the 50 it cannot sell goes to the other: 100 + 200."""
    m = shares_model(county=[0, 0], village=[0, 1], paired=[True, False], n_counties=1)
    got = consumption.household_shares(m, np.array([100.0, 200.0]), np.array([300.0]))
    assert got.sum() == pytest.approx(300.0)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), priority=st.floats(0.0, 3.0), demand=st.floats(0.0, 2.0))
def test_household_shares_never_pay_more_than_supply_or_purchases(seed, priority, demand):
    rng = np.random.default_rng(seed)
    n, n_v, n_c = 40, 8, 3
    village = rng.integers(0, n_v, n)
    county = village % n_c
    supply = rng.lognormal(0, 1, n) * (rng.random(n) < 0.8)
    paired = rng.random(n_v) < 0.5
    purchases = np.bincount(county, weights=supply, minlength=n_c) * demand * rng.random(n_c)
    got = consumption.household_shares(shares_model(county, village, paired, priority, n_c), supply, purchases)
    assert (got >= 0).all() and (got <= supply + 1e-12).all()
    assert (np.bincount(county, weights=got, minlength=n_c) <= purchases * (1 + 1e-12) + 1e-12).all()
    if priority == 0:  # no priority: a plain split in proportion to supply, paid in full when supply covers it
        full = np.minimum(purchases, np.bincount(county, weights=supply, minlength=n_c))
        assert np.allclose(np.bincount(county, weights=got, minlength=n_c), full, rtol=1e-12, atol=1e-9)


# -- the season in the model ---------------------------------------------------------------


def _to_harvest(scenario, **overrides):
    m = make_model(scenario, scale=0.005, **overrides)
    run_months(m, 8)
    m.book.year = 0
    farming.harvest(m, 0)
    return m


def test_the_season_books_add_up(baseline):
    m = _to_harvest(baseline)
    p, hh = m.params, m.households
    supply = p.channel_grade_share * m.harvest.marketable
    income0 = hh.income[:, 0].copy()
    sold = consumption.season(m, 0, supply)
    d = {k: v[0, : m.n_counties] for k, v in m.book.data.items()}
    sales = d["consumption_sales"]
    assert sales.sum() > 0
    assert np.allclose(sales, sum(d[f"sales_{mode}"] for mode in MODES), rtol=1e-12)
    # sales at Qingdao prices never exceed the channel-grade produce (full scale, Qingdao prices), county by county
    premium = m.levers.at("consumption.price_premium", 0)
    price = consumption.shelf_price(p, premium)
    cap = np.bincount(hh.county, weights=supply, minlength=m.n_counties) * hh.weight * p.retail_markup * price
    assert (sales <= cap * (1 + 1e-12)).all()
    # households: never more than their channel-grade produce; paid the farm-gate value plus the premium
    assert (sold >= 0).all() and (sold <= supply + 1e-9).all()
    assert np.allclose(hh.income[:, 0] - income0, sold * premium)
    assert np.isclose(d["channel_paid_households"].sum(), sold.sum() * (1 + premium) * hh.weight)
    # active buyers are counted when they order, before some drop out after the season
    b = m.consumption.buyers
    assert np.count_nonzero(b.open & (b.state == ACTIVE)) <= d["channel_buyers_active"].sum() <= np.count_nonzero(b.open)


def test_shelf_price_by_hand():
    """A 36% premium on the farm-gate value, which is the shelf value / 1.8, adds 20% to the shelf price when passed on
    in full, 10% when half is."""
    p = SimpleNamespace(premium_pass_through=1.0, retail_markup=1.8)
    assert consumption.shelf_price(p, 0.36) == pytest.approx(1.2, rel=1e-12)
    assert consumption.shelf_price(SimpleNamespace(premium_pass_through=0.5, retail_markup=1.8), 0.36) == pytest.approx(1.1, rel=1e-12)
    assert consumption.shelf_price(p, 0.0) == 1.0


def test_a_higher_premium_sells_less_produce(baseline):
    """The premium is paid through the shelf price: budget buyers get less for the same money and customers buy
    less, so the channel takes less of the households' produce (each unit paid more)."""
    m = _to_harvest(baseline)
    supply = m.params.channel_grade_share * m.harvest.marketable
    twin = copy.deepcopy(m)
    set_lever(twin, "consumption.price_premium", 0.7)
    low = consumption.season(m, 0, supply).sum()
    high = consumption.season(twin, 0, supply).sum()
    assert 0 < high < low


def test_no_channel_no_sales(baseline):
    m = make_model(baseline.counterfactual())
    run_months(m, 12)
    assert m.book.data["consumption_sales"][0].sum() == 0 and m.book.data["channel_paid_households"][0].sum() == 0


def test_a_big_consumption_programme_runs_to_2030_within_its_draws(baseline):
    """30% of the funds to consumption (a valid split): about 1.35亿元 a year, half of it on events at
    3e5 each: 225 events a year, 2,250 by 2030 — more than the 2,048 draws per mode."""
    data = baseline.model_dump()
    data["levers"]["funds"]["shares"] = {"industry": 0.4, "labour": 0.08, "consumption": 0.3, "village": 0.139, "ecology": 0.05, "social": 0.021, "talent": 0.01}
    m = make_model(api.Scenario.model_validate(data), event_cost=3e5, promotion_share=0.5)
    m.run()
    assert m.book.data["sales_event"].sum() > 0



def test_active_buyers_are_those_who_buy(baseline):
    m = _to_harvest(baseline)
    for lever in ("consumption.canteen_share", "consumption.showrooms", "consumption.warehouses", "pairings.villages"):
        set_lever(m, lever, 0)
    m.consumption.programme_money = 0.0  # no events
    b = m.consumption.buyers
    k = 10
    b.add(CANTEEN, np.arange(k) % m.n_counties, np.full(k, 2e6), state=ACTIVE)
    b.intensity[:] = 0.5
    consumption.season(m, 0, m.params.channel_grade_share * m.harvest.marketable)
    assert m.book.data["consumption_sales"][0].sum() == 0  # nobody bought
    assert m.book.data["channel_buyers_active"][0].sum() == 0


def test_match_gives_each_buyer_the_weights_of_its_own_row(baseline):
    """The weights worked out once per (needs certified, county) pair are those of each buyer's own row, as
    the dense expressions gave them (the former code, here): the same numbers to the last bit, on a channel
    of hundreds of buyers and suppliers of every kind after two seasons."""
    m = make_model(baseline, scale=0.005)
    run_months(m, 24)
    b, s, p = m.consumption.buyers, m.consumption.suppliers, m.params
    rng = np.random.default_rng(3)
    ordered = np.where(rng.random(b.n) < 0.7, rng.lognormal(12, 2, b.n), 0.0)
    supply = rng.lognormal(16, 1, m.n_counties)
    accepted, shipped, received, *_ = consumption.match(m, ordered, supply)
    need_cert = np.isin(b.mode, consumption.NEED_CERTIFIED)
    rows = np.flatnonzero(ordered > 0)
    weight = np.where(need_cert[rows, None] & ~s.certified[None, :], 0.0, (s.capacity * s.quality)[None, :])
    weight *= np.where(b.partner[rows, None] == s.county[None, :], 1 + p.home_bias, 1.0)
    total = weight.sum(axis=1)
    alloc = weight * ordered[rows, None]
    np.divide(alloc, total[:, None], out=alloc, where=total[:, None] > 0)
    assert b.n > 300 and s.n > 100 and need_cert[rows].any() and not need_cert[rows].all()
    assert np.array_equal(received, alloc.sum(axis=0))  # every buyer's share of every supplier, summed as before
    assert shipped.sum() > 0 and (accepted[ordered == 0] == 0).all()
