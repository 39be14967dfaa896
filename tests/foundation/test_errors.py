"""qdsim.InputError: one error type for bad input, naming where, the field, the message in zh and en, and a suggestion."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import pytest

import qdsim
from qdsim import api
from qdsim.foundation.errors import InputError, suggestion_in
from qdsim.pipeline import execution
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
    monkeypatch.setattr(execution, "run_simulations", lambda *a, **k: pytest.fail("a simulation ran"))
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


# -- property: random wrong inputs find no other exception type, and no traceback ------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from qdsim.cli import app  # noqa: E402

PATHS = ["levers.funds.fiscal", "levers.funds.fiscal.2026", "levers.funds.fiscal*", "levers.funds.fiscal.2026*", "levers.funds.shares",
         "levers.consumption.showrooms.2027", "levers.labour.free_train", "overrides.qingdao_friction", "overrides.adoption_rate*",
         "conditions.drought.2026", "conditions.qingdao_wage_growth", "horizon.mode", "horizon.after", "period.end", "scale", "seed", "id"]
ANYTHING = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.just(10**400), st.just(-(10**400)), st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=12), st.sampled_from(["5", "5亿元", "5 亩", "30%", "１０", "2026", "2026年", "nan", "1e400", "-1", "4,5", "亿元"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.one_of(st.integers(2015, 2040), st.text(max_size=6)), inner, max_size=3)),
    max_leaves=6)
PATH = st.one_of(st.sampled_from(PATHS), st.text(max_size=30), st.integers(), st.none())


class Ran(Exception):
    """A simulation was about to run: the input was accepted (so it was not wrong)."""


def _never_run(*a, **k):
    raise Ran


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.dictionaries(PATH, ANYTHING, max_size=3), id_=st.one_of(st.none(), st.text(max_size=8)), replace=st.booleans())
def test_random_changes_raise_input_error_or_nothing(changes, id_, replace):
    try:
        api.baseline().with_changes(changes, id=id_, replace=replace)
    except InputError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kw=st.dictionaries(st.sampled_from(["replicates", "seed", "scale", "assumption_draws", "workers", "counterfactual", "baseline"]),
                          ANYTHING, max_size=3))
def test_random_run_arguments_raise_input_error_before_anything_runs(kw, monkeypatch):
    monkeypatch.setattr(execution, "run_simulations", _never_run)
    try:
        api.run(api.baseline(), **kw)
    except (InputError, Ran):
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(what=st.one_of(ANYTHING, st.sampled_from(["baseline", "basline", "no-such.yaml", "", "/", "scenarios"])))
def test_random_files_and_names_raise_input_error(what):
    for load in (api.load_scenario, api.loads_scenario, api.validate_file, qdsim.load):
        try:
            load(what)
        except InputError:
            pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(year=ANYTHING, county=ANYTHING, stat=ANYTHING)
def test_random_outcome_reads_raise_input_error(result, year, county, stat):
    try:
        result.outcomes(year, county, stat)
    except InputError:
        pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.dictionaries(st.sampled_from(["id", "title", "period", "levers", "overrides", "scale", "replicates", "seed", "extends",
                                             "conditions", "horizon", "region"]), ANYTHING, max_size=4))
def test_random_scenario_files_raise_input_error(data):
    import yaml

    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, OverflowError):
        return
    try:
        api.loads_scenario(text, "<random>")
    except InputError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kw=st.dictionaries(st.sampled_from(["uncertainties", "levers", "outcomes", "year", "county", "replicates", "scale", "seed", "spread",
                                           "calibrated", "scenario"]), ANYTHING, max_size=3))
def test_random_ema_models_raise_input_error_before_anything_runs(kw, monkeypatch):
    pytest.importorskip("ema_workbench")
    from qdsim import ema

    monkeypatch.setattr(execution, "run_simulations", _never_run)
    try:
        ema.model(**kw)
    except InputError:
        pass


CLI = CliRunner()
TEXTS = st.one_of(st.text(max_size=200), ANYTHING.map(lambda d: __import__("yaml").safe_dump({"id": "x", "title": {"zh": "甲", "en": "A"}, "levers": d},
                                                                                            allow_unicode=True) if not isinstance(d, float) else "x"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=TEXTS, options=st.lists(st.tuples(st.sampled_from(["--scale", "--replicates", "--seed", "--assumptions"]),
                                              st.one_of(st.text(max_size=6), st.sampled_from(["0", "-1", "0.0001", "1e400", "1" + "0" * 400, "nan"]))),
                                    max_size=2))
def test_random_cli_input_exits_2_or_runs_with_no_traceback(tmp_path_factory, text, options, monkeypatch):
    monkeypatch.setattr(execution, "run_simulations", _never_run)
    folder = tmp_path_factory.mktemp("cli")
    f = folder / "s.yaml"
    f.write_text(text, encoding="utf-8", errors="surrogatepass") if text.isprintable() or True else None
    checked = CLI.invoke(app, ["validate", str(f)])
    assert checked.exit_code in (0, 2) and checked.exception is None or isinstance(checked.exception, SystemExit), checked.output
    argv = ["run", str(f), "--out", str(folder / "out"), "--workers", "1", "--quiet"] + [x for pair in options for x in pair]
    ran = CLI.invoke(app, argv)
    assert ran.exception is None or isinstance(ran.exception, SystemExit), repr(ran.exception)
    assert "Traceback" not in ran.output
    # 2: bad input (nothing run); 1: only because the simulation was stopped here (the input was accepted)
    assert ran.exit_code == 2 or (ran.exit_code == 1 and "Ran" in ran.output), ran.output


def test_a_400_digit_number_is_an_input_error_everywhere(tmp_path):
    huge = "1" + "0" * 400
    with pytest.raises(InputError, match="finite"):
        api.baseline().with_changes({"levers.labour.training_places": int(huge)})
    with pytest.raises(InputError, match="finite"):
        api.baseline().with_changes({"levers.funds.fiscal.2026": f"{huge} 亿元"})
    with pytest.raises(InputError):
        api.baseline().with_settings(seed=int(huge))
    f = tmp_path / "huge.yaml"
    f.write_text(f"extends: baseline\nid: huge\ntitle: {{zh: 大, en: Huge}}\nlevers:\n  pairings:\n    towns: {huge}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        api.load_scenario(f)
    assert e.value.path == f"{f}:6" and e.value.field == "levers.pairings.towns"
    r = CLI.invoke(app, ["validate", str(f)])
    assert r.exit_code == 2 and r.exception is None or isinstance(r.exception, SystemExit)
    r = CLI.invoke(app, ["run", "baseline", "--seed", huge, "--quiet"])
    assert r.exit_code == 2 and "--seed" in r.output and "Traceback" not in r.output
