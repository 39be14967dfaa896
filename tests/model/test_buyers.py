"""Qingdao's buyers: rows and their draws, awareness and adoption, outlets' customers, orders, satisfaction and dropout."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdsim.model import buyers
from qdsim.model.buyers import (
    ACTIVE,
    AWARE,
    CANTEEN,
    ENCLAVE,
    EVENT,
    LAPSED,
    MAX_PER_MODE,
    MODES,
    PROCUREMENT,
    SHOWROOM,
    UNAWARE,
    WAREHOUSE,
    Buyers,
    SeasonDraws,
    Traits,
)

from .conftest import make_model, set_lever

N_MODES = len(MODES)


def draws(**values) -> SeasonDraws:
    """Season draws with every uniform 0.5 and every normal 0, except the (mode, rank) entries given:
    ``aware={(PROCUREMENT, 1): 0.2}``."""
    d = SeasonDraws(
        aware=np.full((N_MODES, MAX_PER_MODE), 0.5),
        adopt=np.full((N_MODES, MAX_PER_MODE), 0.5),
        drop=np.full((N_MODES, MAX_PER_MODE), 0.5),
        order=np.zeros((N_MODES, MAX_PER_MODE)),
        outlet=np.full((N_MODES, MAX_PER_MODE), 0.5),
        joiners=np.zeros((N_MODES, MAX_PER_MODE)),
        leavers=np.zeros((N_MODES, MAX_PER_MODE)),
        sales=np.zeros((N_MODES, MAX_PER_MODE)),
    )
    for name, entries in values.items():
        for (mode, rank), v in entries.items():
            getattr(d, name)[mode, rank] = v
    return d


def stand_in(b: Buyers, n_counties: int = 2, levers: dict | None = None, **params) -> SimpleNamespace:
    """The attributes of the model that the buyers' functions read."""
    table = {"consumption.canteen_share": 0.3, "conditions.qingdao_spending_index": 1.0, **(levers or {})}
    return SimpleNamespace(
        params=SimpleNamespace(**params),
        consumption=SimpleNamespace(buyers=b),
        n_counties=n_counties,
        levers=SimpleNamespace(at=lambda key, t: table[key]),
    )


# -- rows ---------------------------------------------------------------------


def test_add_gives_ranks_within_the_mode_and_of_lists_open_buyers_oldest_first():
    b = Buyers()
    a = b.add(PROCUREMENT, np.array([0, 1]), np.array([1.0, 2.0]), state=AWARE)
    s = b.add(SHOWROOM, np.array([1]), np.array([800.0]), 2000.0, state=ACTIVE)
    c = b.add(PROCUREMENT, np.array([1]), np.array([3.0]))
    assert a.tolist() == [0, 1] and s.tolist() == [2] and c.tolist() == [3]
    assert b.rank.tolist() == [0, 1, 0, 2] and b.mode.tolist() == [PROCUREMENT, PROCUREMENT, SHOWROOM, PROCUREMENT]
    assert b.state.tolist() == [AWARE, AWARE, ACTIVE, UNAWARE]
    assert b.catchment.tolist() == [0.0, 0.0, 2000.0, 0.0] and b.customers.tolist() == [0, 0, 0, 0]
    assert b.of(PROCUREMENT).tolist() == [0, 1, 3] and b.next_ranks(PROCUREMENT, 2).tolist() == [3, 4]
    b.open[1] = False
    assert b.of(PROCUREMENT).tolist() == [0, 3]
    assert b.next_ranks(PROCUREMENT, 1).tolist() == [3]  # a closed buyer keeps its rank (and its draws)


def test_add_refuses_more_buyers_of_a_mode_than_draws():
    b = Buyers()
    b.add(EVENT, np.zeros(MAX_PER_MODE, np.int64), np.ones(MAX_PER_MODE))
    with pytest.raises(RuntimeError, match="MAX_PER_MODE"):
        b.add(EVENT, np.zeros(1, np.int64), np.ones(1))


def test_resize_opens_closes_the_newest_and_reopens_the_oldest_closed_first():
    b = Buyers()

    def make(k):
        b.add(SHOWROOM, np.zeros(k, np.int64), np.full(k, 800.0), 1000.0, state=ACTIVE)

    b.resize(SHOWROOM, 3, make)
    assert b.of(SHOWROOM).tolist() == [0, 1, 2]
    b.resize(SHOWROOM, 1, make)  # close the two newest
    assert b.of(SHOWROOM).tolist() == [0] and b.n == 3
    b.customers[1] = 77.0
    b.resize(SHOWROOM, 2, make)  # reopen the oldest closed (1), with what it had
    assert b.of(SHOWROOM).tolist() == [0, 1] and b.customers[1] == 77.0 and b.n == 3
    b.resize(SHOWROOM, 4, make)  # reopen 2, then one new row (rank 3)
    assert b.of(SHOWROOM).tolist() == [0, 1, 2, 3] and b.rank.tolist() == [0, 1, 2, 3]
    b.resize(SHOWROOM, 4, make)  # already there: nothing changes
    assert b.n == 4
    b.resize(SHOWROOM, 0, make)
    assert len(b.of(SHOWROOM)) == 0 and b.n == 4


def test_traits_by_hand():
    t = Traits(z_budget=np.zeros((N_MODES, MAX_PER_MODE)), u_partner=np.zeros((N_MODES, MAX_PER_MODE)))
    t.z_budget[CANTEEN, 1] = 1.0
    # z = 0: mean × exp(−σ²/2) = 1e6 × exp(−0.5) = 606,530.66; z = 1: 1e6 × exp(1 − 0.5) = 1,648,721.27
    got = t.budgets(CANTEEN, np.array([0, 1]), 1e6, 1.0)
    assert got == pytest.approx([1e6 * math.exp(-0.5), 1e6 * math.exp(0.5)], rel=1e-15)
    # county weights 0.2, 0.5, 0.3: cumulative 0.2, 0.7, 1.0; a uniform on a boundary goes to the next county
    t.u_partner[SHOWROOM, :5] = [0.1, 0.2, 0.69, 0.7, 0.999]
    assert t.partners(SHOWROOM, np.arange(5), np.array([2.0, 5.0, 3.0])).tolist() == [0, 1, 1, 2, 2]


@settings(max_examples=60, deadline=None)
@given(n=st.lists(st.integers(0, 10**6), min_size=1, max_size=8), prob=st.floats(-0.5, 1.5), z=st.floats(-40, 40))
def test_binomial_approx_stays_within_zero_and_n(n, prob, z):
    n_ = np.array(n, float)
    got = buyers.binomial_approx(n_, np.full(len(n_), prob), np.full(len(n_), z))
    assert (got >= 0).all() and (got <= n_).all() and (got == np.round(got)).all()
    p = min(max(prob, 0.0), 1.0)
    if z == 0:
        assert (got == np.round(n_ * p)).all()  # the mean, rounded
    if p in (0.0, 1.0):
        assert (got == n_ * p).all()  # no variance at the edges


# -- awareness and adoption ----------------------------------------------------

INSTITUTION_PARAMS = dict(word_of_mouth=1.0, event_contacts=0.0, adoption_rate=0.0, readoption_share=0.3, intensity_initial=0.4)


def institutions() -> Buyers:
    """County 0: four paired units (active, unaware, unaware, aware); county 1: two unaware canteens."""
    b = Buyers()
    b.add(PROCUREMENT, np.zeros(4, np.int64), np.full(4, 1e6))
    b.state[:4] = [ACTIVE, UNAWARE, UNAWARE, AWARE]
    b.intensity[0] = 0.7
    b.add(CANTEEN, np.ones(2, np.int64), np.full(2, 2e6))
    return b


def test_word_of_mouth_by_hand_and_adoption_rate_zero_activates_nobody():
    """County 0: a quarter of its institutions are active, hazard 1 × 0.25, P(hear) = 1 − e^−0.25 = 0.2212:
    draw 0.2 hears, 0.25 does not. County 1: nobody active, nobody hears (draw 0)."""
    b = institutions()
    m = stand_in(b, **INSTITUTION_PARAMS)
    d = draws(aware={(PROCUREMENT, 1): 0.2, (PROCUREMENT, 2): 0.25, (CANTEEN, 0): 0.0, (CANTEEN, 1): 0.0})
    buyers.awareness_and_adoption(m, d, n_events=0)
    assert b.state.tolist() == [ACTIVE, AWARE, UNAWARE, AWARE, UNAWARE, UNAWARE]
    assert b.intensity[0] == 0.7  # an active buyer keeps its intensity


def test_events_reach_institutions_and_adoption_rate_one_activates_every_aware():
    """Two events × 5 contacts over 6 institutions: hazard += 10/6, P(hear) ≥ 1 − e^−1.667 = 0.811:
    draws of 0.8 hear everywhere. With adoption_rate 1 every aware institution starts at intensity_initial."""
    b = institutions()
    m = stand_in(b, **{**INSTITUTION_PARAMS, "event_contacts": 5.0, "adoption_rate": 1.0})
    assert 1 - math.exp(-10 / 6) > 0.8
    d = draws(
        aware={(PROCUREMENT, 1): 0.8, (PROCUREMENT, 2): 0.8, (CANTEEN, 0): 0.8, (CANTEEN, 1): 0.95},
        adopt={(m_, r): 0.999 for m_, r in ((PROCUREMENT, 1), (CANTEEN, 0))},
    )
    buyers.awareness_and_adoption(m, d, n_events=2)
    # the last canteen: 0.95 > 1 − e^−(0 + 10/6) = 0.811: still unaware
    assert b.state.tolist() == [ACTIVE, ACTIVE, ACTIVE, ACTIVE, ACTIVE, UNAWARE]
    assert b.intensity.tolist() == [0.7, 0.4, 0.4, 0.4, 0.4, 0.0]


def test_lapsed_institutions_come_back_at_the_readoption_rate():
    b = institutions()
    b.state[:] = LAPSED
    m = stand_in(b, **{**INSTITUTION_PARAMS, "adoption_rate": 0.5})
    # come back when u < 0.5 × 0.3 = 0.15
    d = draws(adopt={(PROCUREMENT, 0): 0.1, (PROCUREMENT, 1): 0.2, (CANTEEN, 0): 0.149})
    buyers.awareness_and_adoption(m, d, n_events=0)
    assert b.state.tolist() == [ACTIVE, LAPSED, LAPSED, LAPSED, ACTIVE, LAPSED]


def test_closed_institutions_do_nothing():
    b = institutions()
    b.open[:] = False
    m = stand_in(b, **{**INSTITUTION_PARAMS, "adoption_rate": 1.0})
    buyers.awareness_and_adoption(m, draws(), n_events=5)
    assert b.state.tolist() == [ACTIVE, UNAWARE, UNAWARE, AWARE, UNAWARE, UNAWARE]


# -- outlets --------------------------------------------------------------------

OUTLET_PARAMS = dict(
    enclave_open_rate=0.0, enclave_spend=600.0, enclave_catchment=2000.0, outlet_innovation=0.05, event_customers=0.0, outlet_imitation=0.5,
    customer_churn=0.15, customer_dissatisfaction=0.3,
)


def test_bass_customers_by_hand():
    """Normal draws 0, so each binomial is its rounded mean:
    a new showroom (0 of 1,000): joins 1,000 × (1 − e^−0.05) = 48.77 → 49, none leave → 49;
    one with 500 of 1,000: joins 500 × (1 − e^−(0.05 + 0.5 × 0.5)) = 129.59 → 130, leave 500 × 0.15 = 75 → 555."""
    b = Buyers()
    b.add(SHOWROOM, np.zeros(2, np.int64), np.full(2, 800.0), 1000.0, state=ACTIVE)
    b.customers[1] = 500.0
    buyers.outlets(stand_in(b, **OUTLET_PARAMS), draws(), n_events=0)
    assert b.customers.tolist() == [49.0, 555.0]


def test_customers_leave_more_after_a_short_season():
    """An outlet whose last order came 40% short: churn 0.15 + 0.3 × 0.4 = 0.27; of 500 customers (of 1,000)
    130 join (as above) and 500 × 0.27 = 135 leave → 495; its twin with a full order keeps 555."""
    b = Buyers()
    b.add(SHOWROOM, np.zeros(2, np.int64), np.full(2, 800.0), 1000.0, state=ACTIVE)
    b.customers[:] = 500.0
    b.satisfaction[0] = 0.6
    buyers.outlets(stand_in(b, **OUTLET_PARAMS), draws(), n_events=0)
    assert b.customers.tolist() == [495.0, 555.0]


def test_event_reach_by_hand():
    """A lone event sells in full; 50 events with an audience of 50 sell (1 − e^−1) = 0.632 each of a lone one's
    (together 31.6 lone events' worth); 200 with the same audience, 50 × (1 − e^−4) / 200 = 0.2454 each."""
    assert buyers.event_reach(0, 50.0) == 1.0
    assert buyers.event_reach(1, 50.0) == pytest.approx(50 * (1 - math.exp(-1 / 50)), rel=1e-12)
    assert buyers.event_reach(50, 50.0) == pytest.approx(1 - math.exp(-1), rel=1e-12)
    assert buyers.event_reach(200, 50.0) == pytest.approx(0.2454, abs=1e-4)


def test_active_paired_units_open_enclave_outlets_once():
    b = Buyers()
    b.add(PROCUREMENT, np.array([0, 1, 1]), np.full(3, 1e6))
    b.state[:] = [ACTIVE, ACTIVE, AWARE]
    m = stand_in(b, **{**OUTLET_PARAMS, "enclave_open_rate": 0.3})
    d = draws(outlet={(PROCUREMENT, 0): 0.29, (PROCUREMENT, 1): 0.31, (PROCUREMENT, 2): 0.0})
    buyers.outlets(m, d, n_events=0)
    # only unit 0 (active, 0.29 < 0.3); unit 2 is not active
    assert b.of(ENCLAVE).tolist() == [3] and b.partner[3] == 0 and b.host.tolist() == [-1, -1, -1, 0]
    assert b.state[3] == ACTIVE and b.budget[3] == 600.0 and b.catchment[3] == 2000.0
    assert b.customers[3] == round(2000 * (1 - math.exp(-0.05)))  # its first customers: 2,000 × (1 − e^−0.05) = 97.54 → 98
    buyers.outlets(m, d, n_events=0)
    assert len(b.of(ENCLAVE)) == 1  # a unit opens one outlet, not one a year


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    innovation=st.floats(0.01, 0.2),
    imitation=st.floats(0.1, 1.0),
    churn=st.floats(0.05, 0.3),
    event_customers=st.floats(0.0, 0.05),
    n_events=st.integers(0, 200),
)
def test_outlets_customers_never_exceed_their_catchment(seed, innovation, imitation, churn, event_customers, n_events):
    rng = np.random.default_rng(seed)
    b = Buyers()
    k = 20
    b.add(SHOWROOM, np.zeros(k, np.int64), np.full(k, 800.0), rng.integers(1, 5000, k).astype(float), state=ACTIVE)
    b.add(WAREHOUSE, np.zeros(k, np.int64), np.full(k, 5e5), rng.integers(1, 300, k).astype(float), state=ACTIVE)
    m = stand_in(b, **{**OUTLET_PARAMS, "outlet_innovation": innovation, "outlet_imitation": imitation, "customer_churn": churn, "event_customers": event_customers})
    for _ in range(8):
        buyers.outlets(m, SeasonDraws.draw(rng), n_events)
        assert (b.customers >= 0).all() and (b.customers <= b.catchment).all()
        assert (b.customers == np.round(b.customers)).all()


# -- orders, satisfaction, dropout ------------------------------------------------


def test_orders_by_hand():
    """order_noise 0.2 and z = 0: noise e^−0.02; Qingdao's wage index 1.1.
    unit: 1e6 × intensity 0.4 = 400,000; canteen: 2e6 × 0.5 × canteen share 0.3 = 300,000;
    showroom: 100 customers × 800 = 80,000; event: its sales, 1e6; an aware unit, a closed showroom: 0."""
    b = Buyers()
    b.add(PROCUREMENT, np.zeros(2, np.int64), np.full(2, 1e6))
    b.state[:2] = [ACTIVE, AWARE]
    b.intensity[:2] = [0.4, 0.9]
    b.add(CANTEEN, np.zeros(1, np.int64), np.full(1, 2e6), state=ACTIVE)
    b.intensity[2] = 0.5
    b.add(SHOWROOM, np.zeros(2, np.int64), np.full(2, 800.0), 1000.0, state=ACTIVE)
    b.customers[3:5] = 100.0
    b.open[4] = False
    b.add(EVENT, np.zeros(1, np.int64), np.full(1, 1e6), state=ACTIVE)
    m = stand_in(b, levers={"conditions.qingdao_spending_index": 1.1}, order_noise=0.2, consumer_price_elasticity=0.7)
    got = buyers.orders(m, 0, draws())
    f = 1.1 * math.exp(-0.02)
    assert got == pytest.approx([4e5 * f, 0.0, 3e5 * f, 8e4 * f, 0.0, 1e6 * f], rel=1e-12)
    # at a shelf price 1.2 times the reference, institutions spend their budgets as before; customers and event
    # visitors buy 1.2^−0.7 as much at 1.2 times the price: they spend 1.2^0.3 = 1.0562 times as much
    got = buyers.orders(m, 0, draws(), price=1.2)
    g = 1.2**0.3
    assert g == pytest.approx(1.0562, abs=1e-4)
    assert got == pytest.approx([4e5 * f, 0.0, 3e5 * f, 8e4 * f * g, 0.0, 1e6 * f * g], rel=1e-12)
    # no canteen share: canteens order nothing
    m0 = stand_in(b, levers={"conditions.qingdao_spending_index": 1.1, "consumption.canteen_share": 0.0}, order_noise=0.2, consumer_price_elasticity=0.7)
    assert buyers.orders(m0, 0, draws())[2] == 0.0


def test_satisfaction_raises_intensity_and_dissatisfaction_drops_buyers():
    """Intensity 0.4, 60% of the order accepted, growth 0.5: 0.4 + 0.5 × 0.6 × (1 − 0.4) = 0.58.
    Dropout probability 0.05 + 0.5 × (1 − 0.6) = 0.25: draw 0.24 drops, 0.26 stays."""
    b = Buyers()
    b.add(PROCUREMENT, np.zeros(3, np.int64), np.full(3, 1e6), state=ACTIVE)
    b.intensity[:] = 0.4
    b.add(SHOWROOM, np.zeros(1, np.int64), np.full(1, 800.0), 1000.0, state=ACTIVE)
    m = stand_in(b, intensity_growth=0.5, dropout_base=0.05, dropout_dissatisfaction=0.5)
    ordered = np.array([100.0, 100.0, 0.0, 50.0])
    accepted = np.array([60.0, 60.0, 0.0, 0.0])
    buyers.after_season(m, ordered, accepted, draws(drop={(PROCUREMENT, 0): 0.24, (PROCUREMENT, 1): 0.26, (PROCUREMENT, 2): 0.0, (SHOWROOM, 0): 0.0}))
    assert b.intensity[:3] == pytest.approx([0.58, 0.58, 0.4])  # a unit that ordered nothing learns nothing
    assert b.state.tolist() == [LAPSED, ACTIVE, ACTIVE, ACTIVE]  # outlets do not drop out this way
    # every buyer that ordered remembers the share that came; one that did not order keeps its last (1 when new)
    assert b.satisfaction.tolist() == [0.6, 0.6, 1.0, 0.0]


# -- with the model's levers ------------------------------------------------------


def test_sync_with_levers_in_2021(baseline):
    """2021: 300 paired villages × units per village (1.093: 327.9 → 328) paired units, aware, tied to
    their village's county; all of Qingdao's canteens, made aware by the canteen rule; 8 showrooms, active;
    no warehouse yet; 3 events."""
    m = make_model(baseline)
    p = m.params
    buyers.sync_with_levers(m, 0, n_events=3, d=draws())
    b = m.consumption.buyers
    units = b.of(PROCUREMENT)
    n_units = round(300 * p.procurement_units_per_village)
    assert len(units) == n_units and (b.state[units] == AWARE).all()
    village = m.villages.pairing_order[(np.arange(n_units) / p.procurement_units_per_village).astype(int)]
    assert (b.partner[units] == m.villages.county[village]).all()
    assert len(b.of(CANTEEN)) == round(p.canteens_total) and (b.state[b.of(CANTEEN)] == AWARE).all()
    assert len(b.of(SHOWROOM)) == 8 and (b.state[b.of(SHOWROOM)] == ACTIVE).all()
    assert len(b.of(WAREHOUSE)) == 0 and len(b.of(EVENT)) == 3
    # next season's events replace this season's
    buyers.sync_with_levers(m, 1, n_events=1, d=draws())
    assert len(b.of(EVENT)) == 1 and len(b.of(PROCUREMENT)) == round(400 * p.procurement_units_per_village) and len(b.of(WAREHOUSE)) == 1


def test_canteens_stay_unaware_without_the_rule(baseline):
    m = make_model(baseline.counterfactual())
    buyers.sync_with_levers(m, 0, n_events=0, d=draws())
    b = m.consumption.buyers
    assert len(b.of(PROCUREMENT)) == 0 and len(b.of(SHOWROOM)) == 0
    assert len(b.of(CANTEEN)) == round(m.params.canteens_total) and (b.state[b.of(CANTEEN)] == UNAWARE).all()


def test_a_buyer_keeps_its_traits_whatever_other_buyers_exist(baseline):
    """Common random numbers: the k-th paired unit has the same budget and county with or without showrooms."""
    a, c = make_model(baseline), make_model(baseline)
    set_lever(c, "consumption.showrooms", 0)
    set_lever(c, "consumption.canteen_share", 0)
    for m in (a, c):
        buyers.sync_with_levers(m, 0, n_events=5 if m is a else 0, d=draws())
    ba, bc = a.consumption.buyers, c.consumption.buyers
    ua, uc = ba.of(PROCUREMENT), bc.of(PROCUREMENT)
    assert np.array_equal(ba.budget[ua], bc.budget[uc]) and np.array_equal(ba.partner[ua], bc.partner[uc])
    assert np.array_equal(ba.budget[ba.of(CANTEEN)], bc.budget[bc.of(CANTEEN)])


def test_pairing_nearly_every_village_stays_within_the_draws(baseline):
    m = make_model(baseline, procurement_units_per_village=1.093)
    set_lever(m, "pairings.villages", 1900)
    buyers.sync_with_levers(m, 0, n_events=0, d=draws())
    assert len(m.consumption.buyers.of(PROCUREMENT)) == round(1900 * 1.093)
