"""``extends:``: a series given from year Y keeps the base's years before Y (one meaning of "from year Y on"), and shipped names."""

from __future__ import annotations

import pytest

from qdsim import api
from qdsim.app import scenario_builder
from qdsim.scenario import ScenarioError, load_scenario, loads_scenario

from ..conftest import SCENARIOS


def child(tmp_path, body: str, extends: str = "base.yaml"):
    (tmp_path / "base.yaml").write_text((SCENARIOS / "baseline.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    f = tmp_path / "child.yaml"
    f.write_text(f"extends: {extends}\nid: c\ntitle: {{zh: 子, en: Child}}\n{body}", encoding="utf-8")
    return load_scenario(f)


def test_a_series_from_a_year_keeps_the_bases_earlier_years(tmp_path):
    s = child(tmp_path, "levers:\n  funds:\n    fiscal: {2026: 2.28 亿元}\n")
    base = api.baseline()
    assert s.levers.funds.fiscal == {**base.levers.funds.fiscal, 2026: 2.28e8}
    assert s.levers.funds.donations == base.levers.funds.donations  # the rest untouched


def test_from_year_means_the_same_in_the_file_the_api_and_the_app(tmp_path):
    """Later years of the base give way to the value from Y on, wherever "from Y on" is said."""
    in_file = child(tmp_path, "levers:\n  pairings:\n    villages: {2022: 350}\n")
    base = api.baseline()
    by_path = base.with_changes({"levers.pairings.villages.2022": 350})
    app = scenario_builder.build(base, {**scenario_builder.form_values(base, 2022), "w.pairings.villages": 350}, 2022,
                                 scale=base.scale, replicates=base.replicates, seed=base.seed).scenario
    assert in_file.levers.pairings.villages == by_path.levers.pairings.villages == app.levers.pairings.villages == {2021: 300, 2022: 350}


def test_a_series_from_the_period_start_or_a_single_value_replaces_the_whole(tmp_path):
    s = child(tmp_path, "levers:\n  funds:\n    fiscal: {2021: 1 亿元, 2026: 2 亿元}\n    donations: 0.3 亿元\n")
    assert s.levers.funds.fiscal == {2021: 1e8, 2026: 2e8} and s.levers.funds.donations == {0: 0.3e8}


def test_a_base_given_as_one_value_holds_until_the_childs_first_year(tmp_path):
    s = child(tmp_path, "levers:\n  labour:\n    training_places: {2027: 9000}\n")
    assert s.levers.labour.training_places == {2021: 5000, 2027: 9000}


def test_a_drought_is_an_event_and_replaced_whole(tmp_path):
    s = child(tmp_path, "conditions:\n  drought: {2026: 0.6}\n")
    assert s.conditions.drought == {2026: 0.6}


def test_the_shipped_what_ifs_are_unchanged_by_the_rule():
    """The shipped files give their series from the period start, so they simulate as before."""
    s = load_scenario(SCENARIOS / "consumption-first.yaml")
    assert s.levers.consumption.showrooms == {2021: 8, 2022: 16, 2023: 24, 2024: 28, 2026: 40}


def test_extends_takes_a_shipped_scenarios_name(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text("extends: baseline\nid: mine\ntitle: {zh: 我的, en: Mine}\nlevers:\n  funds:\n    fiscal: {2026: 2.28 亿元}\n", encoding="utf-8")
    s = load_scenario(f)
    assert s.levers.funds.fiscal[2025] == 4.56e8 and s.levers.funds.fiscal[2026] == 2.28e8
    assert s._base == api.baseline() and api.baseline_for(s).id == "baseline"
    up = loads_scenario("extends: stop-after-2025\nid: up\ntitle: {zh: x, en: y}\n", "<upload>")  # an upload may name a shipped one
    assert up.horizon.mode == "stop"


def test_an_unknown_name_suggests_a_shipped_one(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text("extends: baselin\nid: mine\ntitle: {zh: 我的, en: Mine}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert e.value.problems[0].line == 1 and e.value.suggestion == "baseline"
    assert isinstance(e.value, api.InputError)


def test_a_bare_number_on_money_in_a_file_names_its_line(tmp_path):
    with pytest.raises(ScenarioError) as e:
        child(tmp_path, "levers:\n  funds:\n    fiscal: {2026: 5}\n")
    p = e.value.problems[0]
    assert (p.line, p.field) == (6, "levers.funds.fiscal.2026") and "did you mean '5亿元'" in p.message and "亿元" in p.zh
