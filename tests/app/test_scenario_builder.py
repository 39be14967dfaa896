"""From form values to a Scenario: schema coverage, from-year changes, shares, calibrated range, YAML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qdsim import api
from qdsim.app import scenario_builder
from qdsim.app.i18n import STRINGS, tr
from qdsim.presentation import charts
from qdsim.scenario import schema as sch
from qdsim.scenario.ranges import range_checks
from tests.app.apptest import ROOT

RUN = {"scale": 0.002, "replicates": 2, "seed": 20210414}


@pytest.fixture(scope="module")
def base() -> api.Scenario:
    return api.load_scenario(ROOT / "scenarios" / "baseline.yaml")


def test_every_lever_of_the_schema_has_a_widget_with_zh_and_en_labels():
    specs = {(s.group, s.name) for s in scenario_builder.lever_specs()}
    for group, gfield in sch.Levers.model_fields.items():
        for name in gfield.annotation.model_fields:
            if name == "shares":
                assert all((group, f"shares.{p}") in specs for p in sch.PROGRAMMES)
            else:
                assert (group, name) in specs
    assert {n for g, n in specs if g == "conditions"} == set(sch.Conditions.model_fields)
    assert set(scenario_builder.HORIZON_FIELDS) == set(sch.Horizon.model_fields)
    for spec in scenario_builder.lever_specs():
        assert all(STRINGS[f"help.{spec.key.removeprefix('w.')}"]), spec.key  # every tooltip says what the lever does
        keys = [f"{spec.label_key}.severity", f"{spec.label_key}.years"] if spec.kind == "event" else [spec.label_key]
        for key in keys:
            zh, en = STRINGS[key]
            assert zh and en and zh != en
    assert [tr(f"group.{g}", "en") for g in scenario_builder.group_names()] == [
        "Funds and shares", "Labour cooperation", "Consumption assistance", "Technology",
        "Exchanges of people", "Pairings", "Programme horizon", "Conditions"]


def test_an_untouched_form_gives_back_the_base(base):
    what = scenario_builder.build(base, scenario_builder.form_values(base, 2026), 2026, **RUN)
    assert what.changes == []
    assert what.scenario.model_dump(exclude=set(RUN)) == base.model_dump(exclude=set(RUN))


def test_a_moved_lever_keeps_its_history_and_changes_from_the_year(base):
    values = {**scenario_builder.form_values(base, 2026), "w.funds.fiscal": 7.5, "w.consumption.showrooms": 40}
    s = scenario_builder.build(base, values, 2026, **RUN).scenario
    # the base's yearly funds before 2026 (as reported and assumed), then 7.5亿元 from 2026
    history = {y: v for y, v in base.levers.funds.fiscal.items() if y < 2026}
    assert len(history) >= 4 and s.levers.funds.fiscal == {**history, 2026: 7.5e8}
    assert s.levers.consumption.showrooms == {**{y: v for y, v in base.levers.consumption.showrooms.items() if y < 2026}, 2026: 40}
    assert s.levers.labour == base.levers.labour
    assert s.id.startswith("whatif-") and "2026" in s.title.zh
    # a one-value lever becomes a step from the first year
    values = {**scenario_builder.form_values(base, 2027), "w.labour.subsidy_per_worker": 1500}
    s = scenario_builder.build(base, values, 2027, **RUN).scenario
    assert s.levers.labour.subsidy_per_worker == {2021: 935, 2027: 1500}


def test_shares_that_do_not_add_up_are_rescaled_from_the_year(base):
    values = {**scenario_builder.form_values(base, 2026), "w.funds.shares.consumption": 10.0}  # 105% in all
    what = scenario_builder.build(base, values, 2026, **RUN)
    assert what.shares_rescaled_from == pytest.approx(105.0)
    shares = what.scenario.levers.funds.shares
    assert {y: x for y, x in shares.items() if y < 2026} == base.levers.funds.shares  # the base's split (by year) before 2026
    assert set(shares) - set(base.levers.funds.shares) == {2026}
    assert shares[2026].consumption == pytest.approx(10 / 105)
    assert sum(getattr(shares[2026], p) for p in sch.PROGRAMMES) == pytest.approx(1.0, abs=1e-9)


def test_horizon_drought_and_conditions(base):
    values = {**scenario_builder.form_values(base, 2026), "w.horizon.mode": "taper", "w.horizon.taper_years": 2,
              "w.conditions.drought.severity": 0.6, "w.conditions.drought.years": [2027],
              "w.conditions.qingdao_wage_growth": 3.0}
    s = scenario_builder.build(base, values, 2026, **RUN).scenario
    assert (s.horizon.mode, s.horizon.after, s.horizon.taper_years) == ("taper", 2025, 2)
    assert s.conditions.drought == {2027: 0.6}
    assert s.conditions.qingdao_wage_growth == pytest.approx(0.03)


def test_the_yaml_of_a_what_if_reproduces_its_run_exactly(base):
    values = {**scenario_builder.form_values(base, 2026), "w.funds.fiscal": 6.35, "w.consumption.price_premium": 45}
    scenario = scenario_builder.build(base, values, 2026, **RUN).scenario
    again = api.loads_scenario(scenario.to_yaml())
    assert again == scenario and again.sha256() == scenario.sha256()
    a, b = api.run(scenario, workers=1), api.run(again, workers=1)
    assert a.run_id == b.run_id
    assert a.summary.equals(b.summary)


def test_calibrated_range_is_the_baselines_2021_2024_span(base):
    ranges = scenario_builder.calibrated_ranges(base)
    assert ranges["w.consumption.showrooms"] == (8, 28)  # {2021: 8, 2022: 16, 2023: 24, 2024: 28}
    fiscal = [v for y, v in base.levers.funds.fiscal.items() if 2021 <= y <= 2024]
    assert ranges["w.funds.fiscal"] == (min(fiscal), max(fiscal))  # 2021–2024 only: 2025 is not a calibration year
    assert ranges["w.consumption.warehouses"] == (0, 2)  # none in 2021, 2 from 2023
    values = {**scenario_builder.form_values(base, 2026), "w.consumption.showrooms": 56, "w.funds.fiscal": 10.7}
    flagged = range_checks(scenario_builder.build(base, values, 2026, **RUN).scenario)  # the library's rule
    assert [(w.lever, w.years[0]) for w in flagged] == [("funds.fiscal", 2026)]  # 10.7 > 2 × 5.30; 56 = 2 × 28 is not beyond


def test_slider_ranges_leave_room_beyond_the_calibrated_range(base):
    ranges = scenario_builder.calibrated_ranges(base)
    specs = {s.key: s for s in scenario_builder.lever_specs()}
    assert scenario_builder.slider_range(specs["w.consumption.showrooms"], 28, ranges["w.consumption.showrooms"][1]) == (0, 120)
    assert scenario_builder.slider_range(specs["w.funds.fiscal"], 5.0, ranges["w.funds.fiscal"][1]) == (0, 25)
    assert scenario_builder.slider_range(specs["w.consumption.canteen_share"], 30, 0.3) == (0, 100)


def test_every_label_the_app_asks_for_exists():
    used = set()
    for path in (Path(scenario_builder.__file__).parent).rglob("*.py"):
        if path.name == "i18n.py":
            continue
        used |= set(re.findall(r"\bt\(\s*\"([a-z_.]+)\"", path.read_text(encoding="utf-8")))
    assert used and used <= set(STRINGS), sorted(used - set(STRINGS))


def test_planner_axis_and_png(base):
    result = api.run(base, **{**RUN, "workers": 1})
    chart = charts.difference_by_year(result.summary, "consumption_sales", lang="zh").to_dict()
    assert "亿元" in chart["title"]["text"] and "/ 100000000" in chart["layer"][0]["encoding"]["y"]["axis"]["labelExpr"]
    share = charts.difference_by_year(result.summary, "monitored_share", lang="en").to_dict()
    assert "percentage points" in share["title"]["text"] and "(share)" not in share["title"]["text"]
    png = charts.png(charts.trend([("a", result.summary, "baseline")], "rural_income_per_capita", lang="en"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_budget_neutral_move_keeps_the_total_and_lists_the_shares(base):
    what = scenario_builder.move(base, 0.25, "industry", "consumption", 2026, **RUN)
    s = what.scenario
    assert s.levers.funds.fiscal == base.levers.funds.fiscal and s.levers.funds.donations == base.levers.funds.donations
    assert {c.key for c in what.changes} == {"w.funds.shares.industry", "w.funds.shares.consumption"}
    assert all(c.year == 2026 for c in what.changes)
    before = scenario_builder.form_values(base, 2026)
    moved = next(c for c in what.changes if c.key == "w.funds.shares.consumption")
    assert moved.after > before["w.funds.shares.consumption"]
    assert s.id.startswith("whatif-") and "总额不变" in s.title.zh
    with pytest.raises(ValueError):
        scenario_builder.move(base, 50.0, "talent", "industry", 2026, **RUN)  # talent has far less than 50亿元 a year
