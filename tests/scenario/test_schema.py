"""Scenario files: good ones load, bad ones name file, line and field."""

from __future__ import annotations

import json

import pytest

from qdsim.scenario import ScenarioError, load_scenario, loads_scenario
from qdsim.scenario.levers import horizon_factor, resolve, step_series
from qdsim.scenario.schema import ALL_YEARS

from ..conftest import SCENARIOS

GOOD = """\
id: t
title: {zh: 测试, en: Test}
period: {start: 2021, end: 2025}
levers:
  funds:
    fiscal: {2021: 4 亿元, 2023: 500 万元}
"""


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_scenarios_are_valid(path):
    s = load_scenario(path)
    assert s.period.start == 2021 and s.title.zh and s.title.en


def test_units_are_converted():
    s = loads_scenario(GOOD)
    assert s.levers.funds.fiscal == {2021: 4e8, 2023: 5e6}


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as e:
        loads_scenario(text, "f.yaml")
    return [str(p) for p in e.value.problems]


def test_unknown_key_names_line_and_field():
    out = problems(GOOD + "  labour:\n    subsidy_per_workr: 900\n")
    assert out == ["f.yaml:8: levers.labour.subsidy_per_workr: unknown field (did you mean 'subsidy_per_worker'?)"]


def test_wrong_unit():
    out = problems(GOOD.replace("500 万元", "500 亩"))
    assert len(out) == 1 and out[0].startswith("f.yaml:6: levers.funds.fiscal:") and "wrong unit" in out[0]


def test_shares_must_add_up():
    text = GOOD + "    shares: {industry: 0.8, labour: 0.1, consumption: 0.1, village: 0.1, ecology: 0, social: 0, talent: 0}\n"
    out = problems(text)
    assert len(out) == 1 and "f.yaml:7: levers.funds.shares" in out[0] and "add up to 1.1000" in out[0]


def test_year_outside_period():
    out = problems(GOOD.replace("2023: 500 万元", "2027: 500 万元"))
    assert out == ["f.yaml:6: levers.funds.fiscal: year 2027 is outside the period 2021–2025"]


def test_negative_money_and_share_above_one():
    text = GOOD + "  consumption:\n    canteen_share: 1.5\n"
    out = problems(text.replace("4 亿元", "-4 亿元"))
    fields = {o.split(": ")[1] for o in out}
    assert fields == {"levers.funds.fiscal", "levers.consumption.canteen_share"}


def test_every_problem_is_reported_at_once():
    text = "id: Bad Id\ntitle: {zh: x}\nscale: 7\nreplicates: 0\n"
    out = problems(text)
    assert {o.split(": ")[1] for o in out} == {"id", "title.en", "scale", "replicates"}
    assert all(o.startswith("f.yaml:") for o in out)


def test_yaml_errors_are_located():
    out = problems("id: x\ntitle: [unclosed\n")
    assert out[0].startswith("f.yaml:") and "(yaml)" in out[0]


def test_python_tags_are_refused():
    out = problems("id: !!python/object/apply:os.system ['echo hi']\n")
    assert "YAML tags are not allowed" in out[0]


def test_duplicate_keys_are_errors():
    out = problems("id: a\nid: b\ntitle: {zh: x, en: y}\n")
    assert out[0].startswith("f.yaml:2: (yaml)") and "duplicate key 'id'" in out[0]


def test_empty_and_non_mapping_files():
    assert "empty" in problems("")[0]
    assert "mapping" in problems("- a\n- b\n")[0]
    assert "UTF-8" in problems(b"id: \xff\xfe\n")[0]


def test_unknown_override():
    out = problems(GOOD + "overrides: {no_such_param: 1}\n")
    assert out == ["f.yaml:7: overrides.no_such_param: unknown parameter"]


def test_extends_reports_the_child_line(tmp_path):
    (tmp_path / "base.yaml").write_text(GOOD, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nid: c\nscale: 3\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_scenario(child)
    assert [str(p) for p in e.value.problems] == [f"{child}:3: scale: Input should be less than or equal to 1"]


def test_extends_inherits_and_overrides():
    stop = load_scenario(SCENARIOS / "stop-after-2025.yaml")
    base = load_scenario(SCENARIOS / "baseline.yaml")
    assert stop.levers == base.levers and stop.horizon.mode == "stop"


def test_yaml_round_trip_is_exact():
    base = load_scenario(SCENARIOS / "consumption-first.yaml")
    again = loads_scenario(base.to_yaml())
    assert again == base and again.sha256() == base.sha256()


def test_step_series_holds_values_and_is_zero_before():
    years = [2021, 2022, 2023, 2024]
    assert step_series({2022: 5.0, 2024: 7.0}, years).tolist() == [0, 5, 5, 7]
    assert step_series({ALL_YEARS: 3.0}, years).tolist() == [3, 3, 3, 3]


def test_horizon_stop_and_taper():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    stop = load_scenario(SCENARIOS / "stop-after-2025.yaml")
    taper = load_scenario(SCENARIOS / "taper-after-2025.yaml")
    assert horizon_factor(base).tolist() == [1] * 10
    assert horizon_factor(stop).tolist() == [1] * 5 + [0] * 5
    assert [round(x, 3) for x in horizon_factor(taper)] == [1, 1, 1, 1, 1, 0.667, 0.333, 0, 0, 0]
    t = resolve(stop)
    assert t.at("funds.fiscal", 4) == 4.56e8 and t.at("funds.fiscal", 5) == 0
    assert t.at("consumption.price_premium", 9) == 0.35  # a condition of the channel, not an amount


def test_counterfactual_has_no_cooperation_but_keeps_conditions():
    d = load_scenario(SCENARIOS / "drought-2026.yaml")
    cf = d.counterfactual()
    t = resolve(cf)
    for key, arr in t.values.items():
        amounts = ("consumption.showrooms", "consumption.canteen_share", "consumption.warehouses")
        if key.startswith(("funds.", "labour.", "technology.", "people.", "pairings.")) or key in amounts:
            assert not arr.any(), key
    assert t.at("conditions.drought", 5) == 0.6


def test_counterfactual_of_a_long_title_stays_valid():
    from qdsim.scenario.schema import TITLE_MAX

    s = loads_scenario(GOOD.replace("{zh: 测试, en: Test}", "{zh: " + "长" * TITLE_MAX + ", en: " + "x" * TITLE_MAX + "}"))
    cf = s.counterfactual()
    assert len(cf.title.zh) == TITLE_MAX and cf.title.zh.endswith("（无协作对照）") and cf.title.en.endswith("(no cooperation)")


# -- inputs that cannot silently go wrong (issue 21) -------------------------------------------------------------


def test_a_whole_series_that_leaves_out_the_first_years_is_refused_with_the_from_year_form():
    from qdsim import api

    base = api.baseline()
    with pytest.raises(api.InputError) as e:
        base.with_changes({"levers.funds.fiscal": {"2026": 5e8}})
    assert e.value.suggestion == "levers.funds.fiscal.2026" and "2021–2025 at 0" in str(e.value) and "replace=True" in str(e.value)
    assert "2026年起" in e.value.message_zh
    assert base.with_changes({"levers.funds.fiscal": {"2026": 5e8}}, replace=True).levers.funds.fiscal == {2026: 5e8}  # said explicitly
    assert base.with_changes({"levers.funds.fiscal": {2021: "1 亿元", 2026: "5 亿元"}}).levers.funds.fiscal == {2021: 1e8, 2026: 5e8}
    assert base.with_changes({"conditions.drought": {2026: 0.6}}).conditions.drought == {2026: 0.6}  # an event: the years given
    # where the base had nothing before either, no year is silently lost: a later start is what it always was
    assert base.with_changes({"levers.consumption.warehouses": {2022: 1, 2026: 4}}).levers.consumption.warehouses == {2022: 1, 2026: 4}
    with pytest.raises(api.InputError):
        base.with_changes({"levers.consumption.warehouses": {2023: 2}})  # 2022's warehouse would be gone


def test_a_year_path_sets_the_value_from_that_year_on_and_later_years_of_the_base_give_way():
    from qdsim import api

    base = api.baseline()
    s = base.with_changes({"levers.people.incubator_firms.2024": 5})
    assert s.levers.people.incubator_firms == {2023: 20, 2024: 5}  # 2025's 10 gives way: 5 from 2024 on
    m = base.with_changes({"levers.people.incubator_firms.2024*": 2})
    assert m.levers.people.incubator_firms == {2023: 20, 2024: 46, 2025: 20}  # multiplied from 2024 on
    d = base.with_changes({"conditions.drought.2026": 0.5, "conditions.drought.2028": 0.2})
    assert d.conditions.drought == {2021: 0, 2022: 0, 2023: 0, 2024: 0, 2025: 0, 2026: 0.5, 2027: 0, 2028: 0.2, 2029: 0, 2030: 0}


@pytest.mark.parametrize("value", [5, "5", 4.05, "500"])
def test_a_bare_number_on_a_money_lever_is_refused_with_the_unit_suggested(value):
    from qdsim import api

    with pytest.raises(api.InputError) as e:
        api.baseline().with_changes({"levers.funds.fiscal.2026": value})
    assert e.value.suggestion == f"{value}亿元" and "read as 元" in str(e.value) and "请写明单位" in e.value.message_zh


def test_money_with_a_unit_or_in_yuan_at_budget_scale_is_read():
    from qdsim import api

    base = api.baseline()
    assert base.with_changes({"levers.funds.fiscal.2026": "5亿元"}).levers.funds.fiscal[2026] == 5e8
    assert base.with_changes({"levers.funds.donations.2026": 5e7}).levers.funds.donations[2026] == 5e7
    assert base.with_changes({"levers.funds.fiscal.2026": 0}).levers.funds.fiscal[2026] == 0
    small = base.with_changes({"levers.funds.donations": "5万元"})
    assert loads_scenario(small.to_yaml()) == small  # what it writes reads back: money is written with its unit


def test_run_settings_of_the_wrong_kind_are_an_input_error_naming_the_setting():
    from qdsim import api

    with pytest.raises(api.InputError) as e:
        api.baseline().with_settings(scale=0.0001)
    assert e.value.field == "scale" and "greater than or equal to 0.001" in str(e.value) and "pydantic" not in str(e.value)
    with pytest.raises(api.InputError) as e:
        api.baseline().with_settings(replicate=3)
    assert e.value.suggestion == "replicates"


# -- free text and numbers that would change how a scenario is shown or crash a reader


@pytest.mark.parametrize(("title", "says"), [
    ("a\n# fake heading", "a new line (U+000A) at character 2 (a title is one line)"),
    ("tab\there", "a tab (U+0009)"),
    ("bell\x07", "a control character (U+0007) at character 5"),
    ("escape \x1b[31m red", "a control character (U+001B)"),
    ("report\u202excod.exe", "a right-to-left/left-to-right override (U+202E)"),
    ("isolate \u2067x\u2069", "override (U+2067)"),
    ("c1 \x85 next line", "a control character (U+0085)"),
])
def test_a_title_refuses_control_characters_newlines_and_bidi_overrides(title, says):
    text = GOOD.replace("en: Test", "en: " + json.dumps(title))
    with pytest.raises(ScenarioError) as e:
        loads_scenario(text, "t.yaml")
    (p,) = e.value.problems
    assert p.field == "title.en" and says in p.text("en") and p.line == 2
    assert not p.text("zh").split(": ", 2)[-1].startswith("请检查此项")  # worded in Chinese too


def test_a_description_keeps_its_lines_and_refuses_the_rest():
    ok = loads_scenario(GOOD + "description: |\n  first line\n  second\tline\n")
    assert ok.description == "first line\nsecond\tline\n"
    with pytest.raises(ScenarioError, match=r"description: contains a right-to-left"):
        loads_scenario(GOOD + 'description: "x\\u202ey"\n')
    with pytest.raises(ScenarioError, match=r"description: contains a control character \(U\+0000\)"):
        loads_scenario(GOOD + 'description: "x\\0y"\n')


def test_markup_in_a_title_is_text_and_accepted():
    """Markup is escaped where the title is shown (terminal, Markdown, HTML), not refused: it may be the planner's words."""
    s = loads_scenario(GOOD.replace("en: Test", 'en: "[/bold] ![t](http://e.example/x.png) <b>"'))
    assert s.title.en == "[/bold] ![t](http://e.example/x.png) <b>"


@pytest.mark.parametrize("field", ["replicates", "seed", "assumption_draws"])
@pytest.mark.parametrize("value", ["true", "false"])
def test_a_boolean_is_not_a_count(field, value):
    with pytest.raises(ScenarioError, match=rf"{field}: must be a whole number, not {value}"):
        loads_scenario(GOOD + f"{field}: {value}\n")


@pytest.mark.parametrize("value", ["9" * 400, "-" + "9" * 400, "9" * 400 + " 亿元"])
def test_a_number_too_large_for_a_float_is_an_input_error(value):
    with pytest.raises(ScenarioError) as e:
        loads_scenario(GOOD.replace("2021: 4 亿元", f"2021: {value}"), "t.yaml")
    (p,) = e.value.problems
    assert p.field == "levers.funds.fiscal" and ("far too large" in p.text("en") or "finite" in p.text("en"))


def test_a_scenario_has_one_digest_and_three_named_uses_of_it():
    """sha256 (a run's identity), simulation_sha (what the model reads), content_sha (what it says, however run)."""
    import hashlib

    from qdsim.scenario.schema import NAMES, RUN_SETTINGS

    s = load_scenario(SCENARIOS / "stop-after-2025.yaml")
    assert s.sha256() == s.digest() == hashlib.sha256(s.model_dump_json().encode()).hexdigest()
    assert s.simulation_sha() == s.digest(NAMES | {"assumption_draws"}) and s.content_sha() == s.digest(RUN_SETTINGS)
    renamed, rerun = s.with_settings(id="other", title={"zh": "另一个", "en": "Another"}), s.with_settings(seed=1, replicates=3)
    assert renamed.simulation_sha() == s.simulation_sha() and renamed.sha256() != s.sha256() != rerun.sha256()
    assert rerun.content_sha() == s.content_sha() and rerun.simulation_sha() != s.simulation_sha()
    assert renamed.content_sha() != s.content_sha()
