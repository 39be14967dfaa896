"""qdsim.InputError: one error type for bad input, naming where, the field, the message in zh and en, and a suggestion."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import pytest

import qdsim
from qdsim import api
from qdsim.errors import InputError, suggestion_in
from qdsim.scenario import ScenarioError
from qdsim.scenario.paths import PathError

TINY = {"replicates": 2, "scale": 0.003}


def test_input_error_is_a_value_error_with_path_field_messages_and_suggestion():
    e = InputError("unknown county 'Anding' (did you mean 'anding'?)", path="county", field="county", message_zh="未知县区")
    assert isinstance(e, ValueError) and qdsim.InputError is InputError and api.InputError is InputError
    assert (e.path, e.field, e.message_zh, e.suggestion) == ("county", "county", "未知县区", "anding")
    assert str(e) == "county: unknown county 'Anding' (did you mean 'anding'?)" and e.text("zh") == "county: 未知县区"
    again = pickle.loads(pickle.dumps(e))  # crosses process boundaries (EMA's multiprocessing evaluator)
    assert (type(again), again.path, again.message_zh, again.suggestion) == (InputError, "county", "未知县区", "anding")
    assert suggestion_in("no") is None


def test_the_old_error_types_are_input_errors():
    assert issubclass(ScenarioError, InputError) and issubclass(PathError, InputError)
    with pytest.raises(InputError) as e:
        api.baseline().with_changes({"levers.funds.fiscl.2026": "1 亿元"})
    assert (e.value.path, e.value.field, e.value.suggestion) == ("levers.funds.fiscl.2026", "levers.funds.fiscl.2026", "fiscal")
    assert "是否应为“fiscal”" in e.value.message_zh
    err = pickle.loads(pickle.dumps(e.value))
    assert isinstance(err, ScenarioError) and err.problems == e.value.problems


@pytest.fixture(scope="module")
def result():
    return api.run(api.baseline(), **TINY, counterfactual=False)


@pytest.mark.parametrize(("args", "field", "words"), [
    (("2030",), "year", "whole year like 2030, got str '2030'"),   # a string year: its type is blamed, not the year
    ((2035,), "year", "year 2035 is outside the period 2021–2030"),
    ((2019,), "year", "year 2019 is outside the period 2021–2030"),  # worded once, whichever side
    ((2030, "Anding"), "county", "did you mean 'anding'?"),
    ((2030, "all", "p5"), "stat", "unknown statistic 'p5'"),
])
def test_outcomes_refuse_bad_years_counties_and_statistics_as_input_errors(result, args, field, words):
    with pytest.raises(InputError) as e:
        result.outcomes(*args)
    assert e.value.field == field and words in str(e.value) and isinstance(e.value, KeyError)  # still a KeyError for old callers


@pytest.mark.parametrize(("kw", "field"), [
    ({"scale": 0.0001}, "scale"), ({"scale": "0.01"}, "scale"), ({"replicates": 2.5}, "replicates"), ({"replicates": 0}, "replicates"),
    ({"workers": 0}, "workers"), ({"workers": "2"}, "workers"), ({"seed": 10**400}, "seed"), ({"scale": 10**400}, "scale"),
    ({"baseline": "baseline"}, "baseline"), ({"counterfactual": "no"}, "counterfactual"),
])
def test_run_refuses_bad_arguments_before_anything_runs(kw, field, monkeypatch):
    monkeypatch.setattr(api, "run_simulations", lambda *a, **k: pytest.fail("a simulation ran"))
    with pytest.raises(InputError) as e:
        api.run(api.baseline(), **kw)
    assert e.value.field == field


def test_run_refuses_a_scenario_name_and_says_to_load_it():
    with pytest.raises(InputError, match=r"qdsim.load"):
        api.run("baseline")


def test_compare_runs_on_other_numbers_is_an_input_error(result):
    other = api.run(api.baseline(), replicates=3, scale=0.003, counterfactual=False)
    with pytest.raises(InputError, match="same random numbers"):
        api.compare(result, other)


SCRIPT = """\
from qdsim import api
{call}
"""


@pytest.mark.parametrize(("call", "ok"), [
    ("api.run(api.baseline(), replicates=2, scale=0.001, counterfactual=False, workers=2)", False),
    ("if __name__ == '__main__':\n    api.run(api.baseline(), replicates=2, scale=0.001, counterfactual=False, baseline=False, workers=2)", True),
])
def test_workers_in_a_script_without_the_main_guard_fail_at_once_naming_the_fix(tmp_path, call, ok):
    script = tmp_path / "study.py"
    script.write_text(SCRIPT.format(call=textwrap.dedent(call)), encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    if ok:
        assert r.returncode == 0, r.stderr
    else:
        assert r.returncode == 1 and "InputError" in r.stderr and 'if __name__ == "__main__":' in r.stderr
        assert "BrokenProcessPool" not in r.stderr and "study.py:2" in r.stderr
