"""Responses that must follow from the mechanisms (issue 4), on common random numbers.

Each test runs the shipped baseline (calibrated parameters) and a variant that
changes one lever, on the same replicate streams, and checks the direction
(and, for the consumption budget, the shape) of the response. Nothing in the
model is written to produce these responses; if one fails, the mechanism that
should carry it is named in the failure.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from qdsim import api
from qdsim.metrics import METRIC_IDS
from qdsim.model.streams import replicate_seeds
from qdsim.runner import simulate
from qdsim.scenario.levers import resolve
from qdsim.scenario.schema import PROGRAMMES

from .conftest import SCENARIOS

SCALE = 0.01
REPLICATES = 6
SEED = 20240923  # the 8th joint meeting; any fixed seed


@cache
def baseline() -> api.Scenario:
    return api.load_scenario(SCENARIOS / "baseline.yaml")


def variant(**changes) -> api.Scenario:
    data = baseline().model_dump()
    for path, value in changes.items():
        node = data
        *parents, last = path.split(".")
        for k in parents:
            node = node[k]
        node[last] = value
    return api.Scenario.model_validate(data)


def with_programme_money(programme: str, factor: float) -> dict:
    """Levers giving ``programme`` ``factor`` times its baseline money while every other
    programme keeps its own: the fiscal total grows by the difference."""
    base = baseline().levers.funds
    table = resolve(baseline()).shares
    assert np.all(table == table[0]), "the baseline's programme split is expected to be the same every year"
    shares = dict(zip(PROGRAMMES, table[0].tolist(), strict=True))
    extra = shares[programme] * (factor - 1)
    new = {p: shares[p] / (1 + extra) for p in PROGRAMMES}
    new[programme] = shares[programme] * factor / (1 + extra)
    new["industry"] += 1 - sum(new.values())  # rounding only
    return {"levers.funds.shares": new, "levers.funds.fiscal": {y: v * (1 + extra) for y, v in base.fiscal.items()}}


_RUNS: dict[str, np.ndarray] = {}


def metric(scenario: api.Scenario, name: str) -> np.ndarray:
    """(replicate, year) of a metric for the prefecture; each scenario runs once per session."""
    key = scenario.model_dump_json()
    if key not in _RUNS:
        params = api.parameters_for(scenario)
        _RUNS[key] = np.stack([simulate(scenario, params, s, SCALE) for s in replicate_seeds(SEED, REPLICATES)])
    return _RUNS[key][:, METRIC_IDS.index(name), :, 0]


def test_more_consumption_budget_more_sales_with_diminishing_returns():
    """markets.channel_demand: promotion money raises Qingdao demand, with promo_elasticity < 1."""
    sales = [metric(variant(**with_programme_money("consumption", f)), "consumption_sales").sum(axis=1) for f in (1, 2, 3)]
    gain1, gain2 = sales[1] - sales[0], sales[2] - sales[1]
    assert np.all(gain1 > 0) and np.all(gain2 > 0), "more consumption-assistance money did not raise sales (markets.channel_demand)"
    assert np.all(gain2 < gain1), f"no diminishing returns: gains {gain1.mean():.4g} then {gain2.mean():.4g} (markets.channel_demand)"


def test_more_labour_subsidy_more_stable_employment():
    """labour.choose / labour.pay_subsidies: a doubled subsidy per worker, with the labour budget doubled to pay it."""
    base = metric(baseline(), "stable_employment").sum(axis=1)
    more = metric(variant(**with_programme_money("labour", 2), **{"levers.labour.subsidy_per_worker": 1870}), "stable_employment").sum(axis=1)
    diff = more - base
    assert diff.mean() > 2 * diff.std(ddof=1) / np.sqrt(len(diff)), f"stable employment {base.mean():.0f} → {more.mean():.0f}"


def test_stopping_after_2025_lowers_income_and_raises_the_monitored_share_in_2030():
    stop = api.load_scenario(SCENARIOS / "stop-after-2025.yaml")
    assert stop.period.end == 2030
    income = metric(stop, "rural_income_per_capita")[:, -1] - metric(baseline(), "rural_income_per_capita")[:, -1]
    monitored = metric(stop, "monitored_share")[:, -1] - metric(baseline(), "monitored_share")[:, -1]
    assert np.all(income < 0), f"2030 income, stop minus continue: {income}"
    assert np.all(monitored > 0), f"2030 monitored share, stop minus continue: {monitored}"


def test_no_cooperation_lowers_income_in_every_year():
    impact = metric(baseline(), "rural_income_per_capita") - metric(baseline().counterfactual(), "rural_income_per_capita")
    assert baseline().period.years[0] == 2021
    assert np.all(impact > 0), f"years with no income gain in some replicate: {np.array(baseline().period.years)[~np.all(impact > 0, axis=0)]}"
