"""The EMA Workbench adapter (qdsim[ema], installed by scripts/setup --test): names in, an EMA model out, experiments as qdsim runs.

Tiny on purpose (0.2% of households, one replicate); docs/ema.md's 16
experiments run in tests/docs/test_api_pages.py.
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from ema_workbench import IntegerParameter, RealParameter, SequentialEvaluator

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
    assert [o.name for o in m.outcomes] == ["rural_income_per_capita", "stable_employment_impact_mean", "income_per_100m",
                                            "spending_unchanged", "range_warnings"]


@pytest.mark.parametrize(("kw", "message"), [
    ({"outcomes": ["income"]}, "unknown outcome 'income'"),
    ({"outcomes": ["rural_income_per_capita:median"]}, "unknown statistic 'median'"),
    ({"uncertainties": ["no_such_parameter"]}, "no_such_parameter"),
    ({"levers": {"levers.funds.fiscl": (1, 2)}}, "did you mean 'fiscal'"),
    ({"levers": {"levers.funds.fiscal": ("1 亩", "2 亩")}}, "wrong unit"),
    ({"year": 2040}, "year 2040 is outside the period 2021–2030"),
    ({"year": "2030"}, "whole year like 2030, got str"),
    ({"county": "Anding"}, "did you mean 'anding'"),
    ({"outcomes": "rural_income_per_capita"}, "a list of outcome names"),
    ({"levers": {"levers.consumption.showrooms.2026": (40.2, 40.8)}}, "holds none"),
    ({"calibrated": "both"}, "'posterior' or 'prior'"),
])
def test_bad_names_are_refused_before_anything_runs(kw, message, monkeypatch):
    monkeypatch.setattr(api, "run", lambda *a, **k: pytest.fail("a simulation ran"))
    with pytest.raises(qdsim.InputError, match=message):
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


def test_a_ratio_without_a_change_of_spending_is_flagged_not_nan():
    m = ema.model(uncertainties=["wage_qingdao"], levers={"levers.consumption.showrooms.2026": (20, 60)},
                  outcomes=["income_per_100m", "rural_income_per_capita:vs_baseline_mean"], **SMALL)
    got = m.function(wage_qingdao=4200.0, levers_consumption_showrooms_2026=40)
    assert got["income_per_100m"] == 0.0 and got["spending_unchanged"] == 1.0
    assert not any(math.isnan(v) for v in got.values())
    more = ema.model(uncertainties=["wage_qingdao"], levers={"levers.funds.fiscal.2026": ("6 亿元", "8 亿元")}, outcomes=["income_per_100m"], **SMALL)
    got = more.function(wage_qingdao=4200.0, levers_funds_fiscal_2026=7e8)
    assert got["spending_unchanged"] == 0.0 and got["income_per_100m"] != 0.0


def test_calibrated_parameters_are_drawn_jointly_from_the_posterior_by_default():
    m = ema.model(uncertainties=["adoption_rate", "wage_qingdao"], outcomes=["rural_income_per_capita"], **SMALL)
    names, sets = ema.posterior_sets()
    draw = next(u for u in m.uncertainties if u.name == ema.DRAW)
    assert isinstance(draw, IntegerParameter) and (draw.lower_bound, draw.upper_bound) == (0, len(sets) - 1)
    assert "adoption_rate" not in [u.name for u in m.uncertainties]
    got = m.function(calibration_draw=3, wage_qingdao=4500.0)
    assert [got[k] for k in names] == sets[3].tolist()  # one whole posterior set: every calibrated parameter moves together
    assert got["range_warnings"] == 0.0  # a posterior draw is within the calibration: no "overridden" warning
    world = qdsim.load("baseline").with_settings(**SMALL).with_changes({"overrides.wage_qingdao": 4500.0,
                                                                         **{f"overrides.{k}": float(v) for k, v in zip(names, sets[3], strict=True)}})
    assert got["rural_income_per_capita"] == api.run(world, counterfactual=False, baseline=False).outcomes()["rural_income_per_capita"]


def test_the_posterior_sets_are_the_weighted_posterior_resampled():
    names, sets = ema.posterior_sets()
    post = qdsim.parameters().calibration["posterior"]
    w = np.asarray(post["weights"]) / np.sum(post["weights"])
    mean = np.average(np.asarray(post["samples"]), axis=0, weights=w)
    assert names == post["parameters"] and len(sets) == len(w)
    np.testing.assert_allclose(sets.mean(axis=0), mean, rtol=0.05)  # the equally weighted sets keep the weighted mean


def test_sampling_calibrated_parameters_over_their_priors_is_explicit_and_warns():
    with pytest.warns(UserWarning, match="do not reproduce 2021–2024"):
        m = ema.model(uncertainties=["adoption_rate"], calibrated="prior", **SMALL)
    assert [(type(u), u.name) for u in m.uncertainties] == [(RealParameter, "adoption_rate")]


def test_counts_are_integer_parameters():
    m = ema.model(uncertainties=["initial_enterprises"], levers={"levers.consumption.showrooms.2026": (20.5, 60), "levers.labour.free_train": (0, 1)},
                  **SMALL)
    assert isinstance(m.uncertainties[0], IntegerParameter)
    showrooms, train = m.levers
    assert isinstance(showrooms, IntegerParameter) and (showrooms.lower_bound, showrooms.upper_bound) == (21, 60)
    assert isinstance(train, RealParameter)


def test_without_policies_the_levers_are_the_bases_with_a_warning_and_differences_are_zero():
    m = ema.model(uncertainties=["wage_qingdao"], levers={"levers.funds.fiscal.2026": ("2 亿元", "8 亿元")},
                  outcomes=["rural_income_per_capita:vs_baseline_mean", "income_per_100m"], **SMALL)
    with pytest.warns(UserWarning, match="no lever values given for levers_funds_fiscal_2026"):
        got = m.function(wage_qingdao=4500.0)
    assert got["rural_income_per_capita_vs_baseline_mean"] == 0.0 and got["income_per_100m"] == 0.0 and got["spending_unchanged"] == 1.0


def test_qdsims_warnings_are_an_outcome_and_logged(caplog):
    m = ema.model(uncertainties=["wage_qingdao"], levers={"levers.consumption.showrooms.2026": (20, 200)}, **SMALL)
    with caplog.at_level("WARNING", logger="qdsim.ema"):
        got = m.function(wage_qingdao=4500.0, levers_consumption_showrooms_2026=150)
    assert got["range_warnings"] >= 1 and "Showrooms" in caplog.text


def test_ema_runs_a_few_experiments_and_they_are_reproducible():
    m = ema.model(uncertainties=["adoption_rate"], outcomes=["consumption_sales"], **SMALL)
    runs = []
    for _ in range(2):
        with SequentialEvaluator(m) as ev:
            experiments, outcomes = ev.perform_experiments(scenarios=3, uncertainty_sampling_kwargs={"rng": 7})
        x = ema.inputs(m, experiments, outcomes)
        runs.append((x["adoption_rate"].tolist(), outcomes["consumption_sales"].tolist()))
    assert runs[0] == runs[1] and len(set(runs[0][1])) == 3  # same samples, same seeds: the same outcomes; different inputs differ
    assert ema.DRAW not in x and set(x) >= set(ema.posterior_sets()[0])
