"""The value in effect in a year: one rule for the levers, the split of the funds and the dotted paths."""

from __future__ import annotations

import pytest

from qdsim.api import load_scenario
from qdsim.scenario.budget import split_in
from qdsim.scenario.levers import resolve, step_series
from qdsim.scenario.schema import PROGRAMMES
from qdsim.scenario.years import ALL_YEARS, value_at


@pytest.mark.parametrize("year, expected", [(2021, "before"), (2022, 5.0), (2023, 5.0), (2024, 7.0), (2035, 7.0)])
def test_a_value_holds_from_its_year_until_the_next(year, expected):
    assert value_at({2024: 7.0, 2022: 5.0}, year, "before") == expected  # the order the years are given in does not matter


def test_a_value_for_every_year_holds_from_the_start():
    assert value_at({ALL_YEARS: 3.0}, 2021, None) == 3.0
    assert value_at({ALL_YEARS: 3.0, 2026: 1.0}, 2025, None) == 3.0
    assert value_at({ALL_YEARS: 3.0, 2026: 1.0}, 2026, None) == 1.0


def test_before_the_first_year_given_the_caller_says_what_holds():
    assert value_at({2026: 1.0}, 2025, 0.0) == 0.0
    assert value_at({2026: 1.0}, 2025, 1.0) == 1.0
    assert value_at({}, 2025, "nothing") == "nothing"


def test_the_levers_and_the_split_of_the_funds_read_a_year_alike():
    """resolve's lever table, step_series and budget.split_in all give value_at's value for each year."""
    s = load_scenario("baseline")
    table = resolve(s)
    years = s.period.years
    fiscal = s.levers.funds.fiscal
    assert step_series(fiscal, years).tolist() == [value_at(fiscal, y, 0.0) for y in years]
    assert table.values["funds.fiscal"].tolist() == [value_at(fiscal, y, 0.0) for y in years]  # the baseline continues: no taper
    shares = s.levers.funds.shares
    for i, y in enumerate(years):
        split = value_at(shares, y, shares[min(shares)])
        assert split_in(s, y) == split
        assert table.shares[i].tolist() == [getattr(split, p) for p in PROGRAMMES]
