"""Funds: allocation, spending and conservation to the yuan."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdsim.model.accounts import YearBook
from qdsim.model.funds import POTS, Funds, draw_project_costs, pay_lever_cost


def test_allocation_splits_by_share_and_county_weight():
    f = Funds(np.array([1.0, 3.0]), n_years=2)
    shares = np.array([0.6, 0.1, 0.1, 0.1, 0.05, 0.05, 0.0])
    f.allocate(0, 1000.0, shares, 40.0)
    # county 1 has 3/4 of the weight: 1000 × 0.6 × 0.75 = 450 to industry; donations 40 × 0.75 = 30
    assert f.balance("industry", 1) == 450.0
    assert f.balance("donations", 1) == 30.0
    assert f.available.sum() == 1040.0


def test_spend_is_capped_by_what_is_available_and_carried_over():
    f = Funds(np.array([1.0]), n_years=2)
    f.allocate(0, 100.0, np.array([1, 0, 0, 0, 0, 0, 0.0]), 0.0)
    assert f.spend("industry", 0, 70.0) == 70.0
    assert f.spend("industry", 0, 70.0) == 30.0  # only 30 left
    f.allocate(1, 100.0, np.array([1, 0, 0, 0, 0, 0, 0.0]), 0.0)
    assert f.balance("industry", 0) == 100.0
    assert f.spend("labour", 0, 5.0) == 0.0


def test_project_costs_fit_the_budget():
    rng = np.random.default_rng(1)
    costs = draw_project_costs(1e8, 2e6, 0.7, rng)
    assert sum(costs) <= 1e8 and len(costs) > 10
    assert draw_project_costs(0.0, 2e6, 0.7, rng) == []


@settings(max_examples=60, deadline=None)
@given(
    weights=st.lists(st.floats(0.1, 10), min_size=1, max_size=7),
    years=st.lists(
        st.tuples(st.floats(0, 1e9), st.floats(0, 1e8), st.lists(st.tuples(st.integers(0, 7), st.integers(0, 6), st.floats(0, 5e8)), max_size=20)),
        min_size=1,
        max_size=5,
    ),
)
def test_funds_are_conserved(weights, years):
    """Whatever is allocated is spent or still available, to the yuan; nothing goes negative."""
    f = Funds(np.array(weights), n_years=len(years))
    shares = np.full(7, 1 / 7)
    for t, (fiscal, donations, spends) in enumerate(years):
        f.allocate(t, fiscal, shares, donations)
        for pot, county, amount in spends:
            got = f.spend(POTS[pot], county % len(weights), amount)
            assert 0 <= got <= amount
        assert (f.available >= -1e-6).all()
    f.check_conservation()
    assert abs(f.allocated.sum() - f.spent.sum() - f.unspent()) <= 1e-6 * max(1, f.allocated.sum())


def test_a_lever_cost_is_paid_by_its_programme_and_what_it_cannot_cover_on_top():
    """Two counties weighted 3:1 with 40 and 5 in their consumption pots; outlets cost 100 a year: county 0 owes 75
    and pays 40 (35 on top), county 1 owes 25 and pays 5 (20 on top). Both pots end empty; spent 40 + 5."""
    f = Funds(np.array([3.0, 1.0]), 1)
    f.allocate(0, 1.0, np.zeros(len(POTS) - 1), 0.0)
    f.available[:, f.pot("consumption")] = [40.0, 5.0]
    book = YearBook(1, 2)
    m = SimpleNamespace(funds=f, book=book, n_counties=2)
    pay_lever_cost(m, "consumption", 100.0)
    assert book.data["lever_costs"][0, :2] == pytest.approx([75.0, 25.0])
    assert book.data["spending_beyond_budget"][0, :2] == pytest.approx([35.0, 20.0])
    assert f.available[:, f.pot("consumption")] == pytest.approx([0.0, 0.0])
    assert f.spent[0, :, f.pot("consumption")] == pytest.approx([40.0, 5.0])
