"""The EMA Workbench adapter (qdsim[ema], installed by scripts/setup --test): names in, an EMA model out, experiments as qdsim runs.

Tiny on purpose (0.2% of households, one replicate); docs/ema.md's 16
experiments run in tests/docs/test_api_pages.py.
"""

from __future__ import annotations

import math
import pickle

import pytest
from ema_workbench import RealParameter, SequentialEvaluator

import qdsim
from qdsim import api, ema

SMALL = {"replicates": 1, "scale": 0.002}


def test_parameters_come_from_the_catalogue_with_the_used_value_as_default():
    (p,) = ema.parameters(["qingdao_friction"])
    cat = qdsim.parameters()
    assert isinstance(p, RealParameter) and (p.lower_bound, p.upper_bound) == cat.parameters["qingdao_friction"].range
    assert p.default == cat.parameters["qingdao_friction"].value  # the fitted value, not the prior


def test_the_model_has_the_uncertainties_levers_and_outcomes_named():
    m = ema.model(uncertainties=["wage_qingdao"], levers={"levers.funds.fiscal.2026": ("2 亿元", "8 亿元")},
                  outcomes=["rural_income_per_capita", "stable_employment:impact_mean", "income_per_100m"], **SMALL)
    assert [u.name for u in m.uncertainties] == ["wage_qingdao"]
    (lever,) = m.levers
    assert (lever.name, lever.lower_bound, lever.upper_bound) == ("levers_funds_fiscal_2026", 2e8, 8e8)
    assert [o.name for o in m.outcomes] == ["rural_income_per_capita", "stable_employment_impact_mean", "income_per_100m"]


@pytest.mark.parametrize(("kw", "message"), [
    ({"outcomes": ["income"]}, "unknown outcome 'income'"),
    ({"outcomes": ["rural_income_per_capita:median"]}, "unknown statistic 'median'"),
    ({"uncertainties": ["no_such_parameter"]}, "no_such_parameter"),
    ({"levers": {"levers.funds.fiscl": (1, 2)}}, "did you mean 'fiscal'"),
    ({"levers": {"levers.funds.fiscal": ("1 亩", "2 亩")}}, "wrong unit"),
    ({"year": 2040}, "outside the period"),
])
def test_bad_names_are_refused_before_anything_runs(kw, message):
    with pytest.raises(ValueError, match=message):
        ema.model(**{"uncertainties": ["wage_qingdao"], **kw})


def test_an_experiment_is_a_qdsim_run_and_its_baseline_shares_the_uncertain_values():
    m = ema.model(uncertainties=["wage_qingdao"], levers={"levers.funds.fiscal.2026": (2e8, 8e8)},
                  outcomes=["rural_income_per_capita", "rural_income_per_capita:vs_baseline_mean", "income_per_100m"], **SMALL)
    experiment = pickle.loads(pickle.dumps(m.function))  # EMA's multiprocessing evaluator sends it to its workers
    got = experiment(wage_qingdao=4800.0, levers_funds_fiscal_2026=7e8)
    base = qdsim.load("baseline").with_settings(**SMALL)
    world = base.with_changes({"overrides.wage_qingdao": 4800.0})
    run = api.run(world.with_changes({"levers.funds.fiscal.2026": 7e8}), baseline=world)
    assert got["rural_income_per_capita"] == run.outcomes()["rural_income_per_capita"]
    assert got["rural_income_per_capita_vs_baseline_mean"] == run.outcomes(stat="vs_baseline_mean")["rural_income_per_capita"]
    assert got["income_per_100m"] == run.cost.vs_baseline.income_per_100m.mean


def test_a_cost_measure_without_a_change_of_spending_is_nan():
    m = ema.model(uncertainties=["wage_qingdao"], levers={"levers.consumption.showrooms.2026": (20, 60)},
                  outcomes=["income_per_100m", "rural_income_per_capita:vs_baseline_mean"], **SMALL)
    got = m.function(wage_qingdao=4200.0, levers_consumption_showrooms_2026=40.0)
    assert math.isnan(got["income_per_100m"]) and not math.isnan(got["rural_income_per_capita_vs_baseline_mean"])


def test_ema_runs_a_few_experiments_and_they_are_reproducible():
    m = ema.model(uncertainties=["adoption_rate"], outcomes=["consumption_sales"], **SMALL)
    runs = []
    for _ in range(2):
        with SequentialEvaluator(m) as ev:
            experiments, outcomes = ev.perform_experiments(scenarios=3, uncertainty_sampling_kwargs={"rng": 7})
        runs.append((experiments["adoption_rate"].tolist(), outcomes["consumption_sales"].tolist()))
    assert runs[0] == runs[1] and len(set(runs[0][1])) == 3  # same samples, same seeds: the same outcomes; different inputs differ
