"""qdsim.scenario.whatif: levers moved from a year on, on top of Scenario.with_changes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from qdsim.scenario import whatif
from qdsim.scenario.loader import load_scenario
from qdsim.scenario.schema import ALL_YEARS
from qdsim.scenario.shipped import baseline_file


@pytest.fixture(scope="module")
def base():
    return load_scenario(baseline_file())


def test_no_change_gives_back_the_base(base):
    assert whatif.from_year(base, 2026) is base


def test_a_lever_keeps_its_history_and_takes_the_value_from_the_year_as_with_changes_says(base):
    s = whatif.from_year(base, 2026, {"funds.fiscal": 2.28e8, "consumption.showrooms": 40})
    assert s.levers.funds.fiscal == {**{y: v for y, v in base.levers.funds.fiscal.items() if y < 2026}, 2026: 2.28e8}
    assert s == base.with_changes({"levers.funds.fiscal.2026": "2.28亿元", "levers.consumption.showrooms.2026": 40}, id=base.id)
    assert whatif.value_in(s, "funds.fiscal", 2025) == whatif.value_in(base, "funds.fiscal", 2025)
    assert whatif.value_in(s, "funds.fiscal", 2030) == 2.28e8 and whatif.value_in(s, "consumption.showrooms", 2027) == 40
    later = whatif.from_year(s, 2024, {"funds.fiscal": 3e8})  # a later year of the base gives way
    assert max(later.levers.funds.fiscal) == 2024


def test_from_the_first_year_the_whole_series_and_a_small_amount_is_元(base):
    s = whatif.from_year(base, base.period.start, {"funds.fiscal": 5e4})
    assert s.levers.funds.fiscal == {ALL_YEARS: 5e4}  # a what-if's amount is in 元, whatever its size


def test_shares_drought_conditions_and_horizon(base):
    split = {"industry": 0.5, "labour": 0.1, "consumption": 0.05, "village": 0.2, "ecology": 0.1, "social": 0.04, "talent": 0.01}
    s = whatif.from_year(base, 2026, shares=split, drought=(0.6, [2027, 2028]), conditions={"hail_multiplier": 2.0}, horizon={"mode": "stop"})
    assert whatif.shares_in(s, 2025) == whatif.shares_in(base, 2025) and whatif.shares_in(s, 2026).model_dump() == split
    assert whatif.droughts(s) == (0.6, [2027, 2028]) and s.conditions.hail_multiplier == 2.0 and s.horizon.mode == "stop"
    assert whatif.value_in(s, "conditions.hail_multiplier", 2030) == 2.0
    with pytest.raises(ValidationError, match="add up"):
        whatif.from_year(base, 2026, shares={**split, "industry": 0.9})


def test_a_price_index_is_1_before_its_first_year(base):
    assert whatif.value_in(base, "conditions.potato_price_index", base.period.start) == 1.0
    assert whatif.default_year(base) == 2026
