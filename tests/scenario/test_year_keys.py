"""Year keys survive every round trip (YAML, JSON manifest, run registry), and a value by year is never ignored."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qdsim.api import RunResult, Scenario, loads_scenario
from qdsim.scenario.levers import resolve
from qdsim.scenario.schema import ALL_YEARS, year_key

from ..conftest import TINY

YEARS = st.integers(2021, 2030)
MONEY = st.integers(0, 10**10).map(float)
SERIES = st.one_of(MONEY, st.dictionaries(YEARS, MONEY, min_size=1, max_size=6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fiscal=SERIES, showrooms=st.dictionaries(YEARS, st.integers(0, 500).map(float), min_size=1, max_size=4),
       drought=st.dictionaries(YEARS, st.sampled_from([0.1, 0.5, 1.0]), max_size=3))
def test_a_scenario_is_the_same_after_yaml_and_json(baseline, fiscal, showrooms, drought):
    data = baseline.model_dump()
    data["levers"]["funds"]["fiscal"] = fiscal
    data["levers"]["consumption"]["showrooms"] = showrooms
    data["conditions"]["drought"] = drought or 0.0
    s = Scenario.model_validate(data)
    via_yaml = loads_scenario(s.to_yaml(), "<test>")
    via_json = Scenario.model_validate(json.loads(s.model_dump_json()))  # as manifest.json stores it
    via_dump = Scenario.model_validate(json.loads(json.dumps(s.model_dump(mode="json"))))
    assert via_yaml.sha256() == via_json.sha256() == via_dump.sha256() == s.sha256()
    assert via_json.levers.consumption.showrooms == s.levers.consumption.showrooms


@pytest.mark.parametrize("key", [2026, "2026", " 2026 ", "２０２６", "2026年"])
def test_year_keys_as_people_and_json_write_them(key):
    assert year_key(key) == 2026


@pytest.mark.parametrize("key", [True, 2026.5, "2026.0", "next", "", None])
def test_what_is_not_a_year_is_refused(key):
    with pytest.raises(ValueError, match="whole years"):
        year_key(key)


def test_quoted_year_keys_in_a_scenario_file_are_years():
    s = loads_scenario('id: q\ntitle: {zh: 引号, en: quoted}\nlevers: {funds: {fiscal: {"2021": 4亿元, "2026": "5 亿元"}}}\n', "<test>")
    assert s.levers.funds.fiscal == {2021: 4e8, 2026: 5e8}


def test_the_same_year_twice_is_an_error():
    from qdsim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="2026 is given twice"):
        loads_scenario('id: q\ntitle: {zh: 两次, en: twice}\nlevers: {funds: {fiscal: {2026: 1, "2026": 2}}}\n', "<test>")


def test_a_value_for_every_year_then_a_year_is_a_step(baseline):
    """{0: v} is how one value is stored; adding 2026: x means x from 2026 (it used to be ignored silently)."""
    data = baseline.model_dump()
    data["levers"]["labour"]["subsidy_per_worker"] = {ALL_YEARS: 935.0, 2026: 2000.0}
    s = Scenario.model_validate(data)
    assert s.levers.labour.subsidy_per_worker == {2021: 935.0, 2026: 2000.0}
    arr = resolve(s)["labour.subsidy_per_worker"]
    assert list(arr[:5]) == [935.0] * 5 and list(arr[5:]) == [2000.0] * 5
    assert loads_scenario(s.to_yaml(), "<test>").sha256() == s.sha256()


def test_a_drought_every_year_then_a_year_keeps_both(baseline):
    data = baseline.model_dump()
    data["conditions"]["drought"] = {ALL_YEARS: 0.1, 2026: 0.6}
    s = Scenario.model_validate(data)
    arr = resolve(s)["conditions.drought"]
    assert arr[s.period.years.index(2026)] == 0.6 and arr[0] == 0.1 and arr[-1] == 0.1


def test_a_year_added_in_python_changes_the_results(baseline):
    """The per-year value is used by the run, not only by the run ID."""
    from qdsim import api

    data = baseline.model_dump()
    data["levers"]["funds"]["donations"] = {ALL_YEARS: 0.0, 2026: 3e8}
    changed = Scenario.model_validate(data)
    a = api.run(baseline, **TINY).metric("fiscal_funds_spent")
    b = api.run(changed, **TINY).metric("fiscal_funds_spent")
    y = baseline.period.years.index(2026)
    assert np.all(b[:, y] > a[:, y])


def test_a_run_read_back_from_its_folder_is_the_same_run(tiny_run, tiny_run_dir):
    """manifest.json holds year keys as strings: reading it back must give the same scenario (the rerun crash)."""
    from qdsim.results.result import RunResult

    back: RunResult = RunResult.read(tiny_run_dir)
    assert back.scenario.sha256() == tiny_run.scenario.sha256()
    assert back.run_id == tiny_run.run_id
    np.testing.assert_array_equal(back.with_coop, tiny_run.with_coop)
