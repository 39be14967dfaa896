"""range_warnings: a lever far beyond its 2021–2024 level is named, in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from qdsim import api
from qdsim.foundation.catalogue import load_catalogue
from qdsim.scenario.ranges import lever_levels, range_checks, range_warnings

from ..conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def variant(**changes) -> api.Scenario:
    """The baseline changed by dotted paths."""
    return api.load_scenario(BASELINE).with_changes(changes)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: Path(p).stem)
def test_shipped_scenarios_stay_within_the_calibrated_range(path):
    assert range_warnings(api.load_scenario(path)) == []


def test_a_lever_beyond_twice_its_maximum_is_named_with_its_years():
    s = variant(**{"levers.consumption.showrooms": {2021: 8, 2022: 16, 2023: 24, 2024: 28, 2027: 60}})
    checks = range_checks(s)
    assert [c.lever for c in checks] == ["consumption.showrooms"]
    c = checks[0]
    assert c.years == (2027, 2028, 2029, 2030) and c.value == 60 and c.limit == 56 and c.reference_max == 28
    zh, en = range_warnings(s, "zh")[0], range_warnings(s, "en")[0]
    assert "展示展销中心和电商体验馆" in zh and "2027–2030年" in zh and "28" in zh
    assert "Showrooms and e-commerce halls" in en and "2027–2030" in en and "28" in en
    assert range_warnings(s)[0] == f"{zh} / {en}"


def test_just_below_the_limit_is_not_flagged():
    assert range_warnings(variant(**{"levers.consumption.showrooms": {2021: 8, 2024: 56}})) == []


def test_money_share_and_overrides_are_flagged():
    s = variant(**{
        "levers.funds.fiscal": {2021: 4.05e8, 2026: 12e8},
        "levers.funds.shares": {"industry": 0.6, "labour": 0.08, "consumption": 0.12, "village": 0.1, "ecology": 0.06, "social": 0.03, "talent": 0.01},
        "overrides.procurement_budget": 5.0e6,
    })
    levers = {c.lever for c in range_checks(s)}
    assert levers == {"funds.fiscal", "funds.shares.consumption", "overrides.procurement_budget"}
    en = " ".join(range_warnings(s, "en"))
    assert "Qingdao fiscal assistance funds" in en and "consumption assistance" in en and "Purchasing potential of a paired unit" in en


def test_less_than_reported_is_not_flagged():
    """Down to zero is the counterfactual every run simulates, not an extrapolation."""
    s = variant(**{"levers.labour.subsidy_per_worker": 0, "levers.consumption.showrooms": 2, "horizon": {"mode": "stop", "after": 2022}})
    assert range_warnings(s) == []
    assert range_warnings(api.load_scenario(BASELINE).counterfactual()) == []


def test_overriding_a_non_calibrated_parameter_is_not_flagged():
    assert range_warnings(variant(**{"overrides.wage_qingdao": 4500.0})) == []


def test_reference_levels_are_those_of_the_calibration():
    stored = load_catalogue().calibration.get("lever_range")
    computed = lever_levels(api.load_scenario(BASELINE))
    if stored:
        assert stored == computed, "scenarios/baseline.yaml changed since the calibration: rerun `qdsim calibrate`"
