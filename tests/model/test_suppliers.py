"""Dingxi's channel suppliers: traits, logistics loss, Poisson entry, expansion, certification, entry."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from qdsim.model import suppliers
from qdsim.model.suppliers import BASE, COOPERATIVE, LEADING_FIRM, MAX_ENTRANTS, MAX_SUPPLIERS, Suppliers

from .conftest import make_model

#: the shipped loss factors by kind (cooperative, leading firm, base)
FACTORS = np.array([1.5, 1.0, 0.6])


def three() -> Suppliers:
    s = Suppliers()
    s.add(COOPERATIVE, np.array([0]), np.array([100.0]), np.array([False]), np.array([0.8]))
    s.add(LEADING_FIRM, np.array([1]), np.array([300.0]), np.array([True]), np.array([0.9]))
    s.add(BASE, np.array([1]), np.array([200.0]), np.array([True]), np.array([0.97]))
    return s


# -- Poisson counts ----------------------------------------------------------------


def test_poisson_counts_at_known_quantiles():
    """Poisson(1): P(0) = e^−1 = 0.3679, F(1) = 0.7358, F(2) = 0.9197, F(3) = 0.9810, F(4) = 0.9963."""
    u = np.array([0.0, 0.3, 0.36, 0.37, 0.5, 0.73, 0.74, 0.9, 0.95, 0.99, 0.997])
    assert suppliers.poisson_counts(u, np.ones(len(u))).tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5]
    # Poisson(4): F(0) = e^−4 = 0.0183, F(3) = 0.4335, F(4) = 0.6288 (the median is 4)
    assert suppliers.poisson_counts(np.array([0.01, 0.02, 0.43, 0.44, 0.62, 0.63]), np.full(6, 4.0)).tolist() == [0, 1, 3, 4, 4, 5]
    # λ = 0 (or below): nobody enters
    assert suppliers.poisson_counts(np.array([0.0, 0.5, 0.999999]), np.array([0.0, 0.0, -3.0])).tolist() == [0, 0, 0]


def test_poisson_counts_stop_where_the_tail_is_below_rounding():
    """A uniform within rounding of 1: the count stops where the cumulative sum stops growing, not at the cap,
    and still grows with λ (it ran to the cap for λ = 4 but not for λ = 5, whose sum rounds up to 1)."""
    k = suppliers.poisson_counts(np.full(3, 1 - 2**-52), np.array([4.0, 5.0, 20.0]))
    assert (np.diff(k) >= 0).all() and k[0] < MAX_ENTRANTS


def test_poisson_counts_are_capped():
    assert suppliers.poisson_counts(np.array([0.999]), np.array([1e4])).tolist() == [MAX_ENTRANTS]
    assert suppliers.poisson_counts(np.array([0.999]), np.array([50.0]), cap=10).tolist() == [10]


@settings(max_examples=80, deadline=None)
@given(u=st.floats(0.0, 1.0, exclude_max=True), lam=st.floats(0.0, 30.0))
def test_poisson_counts_invert_the_poisson_cdf(u, lam):
    k = int(suppliers.poisson_counts(np.array([u]), np.array([lam]))[0])
    # the smallest k with F(k) ≥ u (up to rounding of the cumulative sum), or the cap (for λ = 28, F(64) = 1 − 1.7e-9)
    assert k == MAX_ENTRANTS or stats.poisson.cdf(k, lam) >= u - 1e-9
    assert k == 0 or stats.poisson.cdf(k - 1, lam) < u + 1e-9


@settings(max_examples=60, deadline=None)
@given(u=st.floats(0.0, 1 - 1e-12), lam=st.lists(st.floats(0.0, 40.0), min_size=2, max_size=6))
def test_poisson_counts_grow_with_lambda_for_a_fixed_uniform(u, lam):
    """Within 1e-12 of 1 the rounding of the cumulative sum (~1e-16 a term, summed in a different order for each λ)
    decides, and the count may step back by one (found by this test at u = 1 − 2⁻⁵²); a uniform lands there once in
    10¹² draws. Below, the counts never fall as λ grows (checked on a grid of 40,001 λ)."""
    lam = np.sort(np.array(lam))
    k = suppliers.poisson_counts(np.full(len(lam), u), lam)
    assert (np.diff(k) >= 0).all()


# -- traits and logistics -------------------------------------------------------------


def test_traits_by_hand():
    p = SimpleNamespace(supplier_capacity_sigma=0.6, supplier_quality_sigma=0.5)
    cap, q = suppliers.traits(p, 3e6, 0.85, np.array([0.0, 1.0]), np.array([0.0, 2.0]))
    # capacity: 3e6 × e^(0.6 z − 0.18); quality: logistic(logit(0.85) + 0.5 z)
    assert cap == pytest.approx([3e6 * math.exp(-0.18), 3e6 * math.exp(0.42)], rel=1e-14)
    assert q[0] == pytest.approx(0.85, rel=1e-14)
    assert q[1] == pytest.approx(1 / (1 + math.exp(-(math.log(0.85 / 0.15) + 1.0))), rel=1e-14)
    # a mean quality of 1 is kept inside (0, 1)
    _, q1 = suppliers.traits(p, 1.0, 1.0, np.zeros(1), np.zeros(1))
    assert 0 < q1[0] < 1 and q1[0] == pytest.approx(0.999)


def test_logistics_loss_by_kind_and_warehouses():
    s = three()
    # lever 5%: cooperative × 1.5 = 7.5%, leading firm × 1.0 = 5%, base × 0.6 = 3%
    assert s.loss(0.05, 0, 0.3, FACTORS) == pytest.approx([0.075, 0.05, 0.03], rel=1e-14)
    # forward warehouses cut certified suppliers' loss by 30%: the firm 3.5%, the base 2.1%; the uncertified cooperative keeps 7.5%
    assert s.loss(0.05, 2, 0.3, FACTORS) == pytest.approx([0.075, 0.035, 0.021], rel=1e-14)
    assert (s.loss(0.9, 0, 0.0, FACTORS) <= 1).all() and s.loss(0.9, 0, 0.0, FACTORS)[0] == 1.0  # never more than everything


def test_add_refuses_more_suppliers_than_draws():
    s = Suppliers()
    n = MAX_SUPPLIERS
    s.add(COOPERATIVE, np.zeros(n, np.int64), np.ones(n), np.zeros(n, bool), np.ones(n))
    with pytest.raises(RuntimeError, match="MAX_SUPPLIERS"):
        s.add(BASE, np.zeros(1, np.int64), np.ones(1), np.ones(1, bool), np.ones(1))


def test_initial_suppliers_follow_their_parameters(baseline):
    m = make_model(baseline)
    s, p = m.consumption.suppliers, m.params
    assert (s.kind == COOPERATIVE).sum() == round(p.cooperatives_initial) and (s.kind == LEADING_FIRM).sum() == round(p.leading_firms_initial)
    assert (s.kind != BASE).all()  # bases come with Qingdao's buyers
    assert (s.capacity > 0).all() and ((s.quality > 0) & (s.quality < 1)).all()
    assert set(np.unique(s.county)) <= set(range(m.n_counties))


# -- adapt: expansion, certification, entry -------------------------------------------


class FixedStream:
    """A stand-in stream: every uniform is ``u``, every normal 0."""

    def __init__(self, u: float):
        self.u = u

    def random(self, shape=None):
        return np.full(shape, self.u) if shape is not None else self.u

    def standard_normal(self, shape=None):
        return np.zeros(shape) if shape is not None else 0.0


ADAPT_PARAMS = dict(
    capacity_expansion=0.5,
    supplier_quality_sigma=0.5,
    capacity_expansion_spread=1.0,
    capacity_idle_threshold=0.5,
    quality_learning_probability=0.5,
    quality_learning_rate=0.1,
    capacity_idle_decay=0.05,
    certification_rate=0.3,
    certification_cost=1e5,
    supplier_entry_rate=0.3,
    base_entry_rate=0.3,
    base_capacity=2e7,
    cooperative_capacity=3e6,
    base_quality=0.97,
    cooperative_quality=0.85,
    supplier_capacity_sigma=0.6,
)


def adapt_model(s: Suppliers, u: float, **params) -> SimpleNamespace:
    return SimpleNamespace(
        params=SimpleNamespace(**{**ADAPT_PARAMS, **params}), consumption=SimpleNamespace(suppliers=s), streams={"consumption": FixedStream(u)}, n_counties=2
    )


def test_expansion_under_excess_orders_and_shrinking_when_idle():
    """Every uniform 0.25, so the expansion noise is 0.5 + 0.25 = 0.75:
    orders 2 × capacity: × (1 + 0.5 × min(2 − 1, 1) × 0.75) = × 1.375 → 137.5;
    orders 1.2 × capacity: × (1 + 0.5 × 0.2 × 0.75) = × 1.075 → 322.5;
    orders 0.4 × capacity (idle): × (1 − 0.05) → 190."""
    s = three()
    m = adapt_model(s, 0.25)
    suppliers.adapt(m, np.array([200.0, 360.0, 80.0]), np.zeros(2), np.zeros(2), support=0.0)
    assert s.capacity == pytest.approx([137.5, 322.5, 190.0], rel=1e-14)
    assert s.n == 3  # no unmet orders: nobody enters


def test_expansion_at_most_doubles_with_one_excess():
    s = three()
    m = adapt_model(s, 0.999999)  # noise ≈ 1.5: × (1 + 0.5 × 1 × 1.5) = × 1.75 at most, even with 10× orders
    suppliers.adapt(m, np.array([1000.0, 0.0, 200.0]), np.zeros(2), np.zeros(2), support=0.0)
    assert s.capacity[0] == pytest.approx(175.0, rel=1e-5) and s.capacity[0] <= 200.0


def test_certification_needs_support():
    """The only uncertified supplier is the cooperative; draws 0.25.
    Full support (≥ 1 × 100,000 元): 0.25 < 0.3 × 1 → certified; and then, certified, its quality rises a tenth of
    the gap (its quality draw 0.25 < 0.5): 0.8 + 0.1 × 0.2 = 0.82. Half support: 0.25 ≥ 0.3 × 0.5 → not."""
    for support, certified in ((1e5, True), (5e4, False), (0.0, False)):
        s = three()
        suppliers.adapt(adapt_model(s, 0.25), np.array([100.0, 300.0, 200.0]), np.zeros(2), np.zeros(2), support=support)
        assert s.certified[0] == certified, support
        assert s.quality[0] == pytest.approx(0.82 if certified else 0.8)
        # the certified ones learn too: 0.9 → 0.91, 0.97 → 0.973
        assert s.quality[1:] == pytest.approx([0.91, 0.973])


def test_entry_of_bases_and_cooperatives_where_orders_went_unmet():
    """Uniform 0.25 for entry. Bases: λ = 0.3 × unmet certified / 2e7. County 0: unmet 2e8 → λ = 3,
    F(0) = 0.0498, F(1) = 0.199, F(2) = 0.423 → 2 bases; county 1: unmet 5e7 → λ = 0.75, F(0) = 0.472 → none.
    Cooperatives: λ = 0.3 × unmet any / 3e6: county 1, 2e7 → λ = 2, F(0) = 0.135, F(1) = 0.406 → 1.
    Entrants' normals are 0: capacity mean × e^−0.18, quality the mean; bases certified, cooperatives not."""
    s = three()
    suppliers.adapt(adapt_model(s, 0.25), np.array([100.0, 300.0, 200.0]), np.array([2e8, 5e7]), np.array([0.0, 2e7]), support=0.0)
    new = slice(3, None)
    assert s.kind[new].tolist() == [BASE, BASE, COOPERATIVE] and s.county[new].tolist() == [0, 0, 1]
    assert s.capacity[new] == pytest.approx([2e7 * math.exp(-0.18)] * 2 + [3e6 * math.exp(-0.18)], rel=1e-14)
    assert s.quality[new] == pytest.approx([0.97, 0.97, 0.85], rel=1e-12)
    assert s.certified[new].tolist() == [True, True, False]


def test_adapt_draws_the_same_numbers_whatever_happens(baseline):
    """Common random numbers: adapt takes its draws in fixed shapes, so the stream ends in the same place."""
    a, b = make_model(baseline), make_model(baseline)
    n = a.consumption.suppliers.n
    suppliers.adapt(a, np.zeros(n), np.zeros(a.n_counties), np.zeros(a.n_counties), support=0.0)
    suppliers.adapt(b, np.full(n, 1e9), np.full(b.n_counties, 1e9), np.full(b.n_counties, 1e9), support=1e9)
    assert b.consumption.suppliers.n > n
    assert a.streams["consumption"].random() == b.streams["consumption"].random()
