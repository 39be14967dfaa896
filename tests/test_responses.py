"""Responses of the model to its levers, on common random numbers (issue 4).

Each test changes one lever of the shipped baseline (with whatever calibrated
parameters the registry holds) and runs both on the same replicate seeds, so
that a difference is the lever's doing and not the draws'. The tests check the
*sign* of each response and that its size is plausible — never a functional
form: nothing in the model is written to produce these responses, they come
out of buyers meeting suppliers and workers choosing jobs. If one fails, the
mechanism that should carry it is named in the failure.

Runs: scale 0.005, 6 replicates, to 2028 (2030 where the question is about
2030); each scenario runs once per session.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from qdsim import api
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.model.streams import replicate_seeds
from qdsim.scenario.levers import resolve
from qdsim.scenario.schema import PROGRAMMES
from qdsim.simulation.runner import simulate

from .conftest import SCENARIOS

SCALE = 0.005
REPLICATES = 6
SEED = 20240923  # the 8th joint meeting; any fixed seed
END = 2028


@cache
def baseline(end: int = END) -> api.Scenario:
    return variant(api.load_scenario(SCENARIOS / "baseline.yaml"), **{"period.end": end})


def variant(scenario: api.Scenario, **changes) -> api.Scenario:
    data = scenario.model_dump()
    for path, value in changes.items():
        node = data
        *parents, last = path.split(".")
        for k in parents:
            node = node[k]
        node[last] = value
    return api.Scenario.model_validate(data)


def with_programme_money(programme: str, factor: float) -> dict:
    """Levers giving ``programme`` ``factor`` times its baseline money every year while every other
    programme keeps its own: each year's fiscal total grows by the difference (the baseline's split is by year)."""
    scenario = baseline()
    resolved = resolve(scenario)
    shares, fiscal = {}, {}
    for i, y in enumerate(scenario.period.years):
        old = dict(zip(PROGRAMMES, resolved.shares[i].tolist(), strict=True))
        extra = old[programme] * (factor - 1)
        new = {p: old[p] / (1 + extra) for p in PROGRAMMES}
        new[programme] = old[programme] * factor / (1 + extra)
        new["industry"] += 1 - sum(new.values())  # rounding only
        shares[y], fiscal[y] = new, float(resolved["funds.fiscal"][i]) * (1 + extra)
    return {"levers.funds.shares": shares, "levers.funds.fiscal": fiscal}


_RUNS: dict[str, np.ndarray] = {}


def metric(scenario: api.Scenario, name: str) -> np.ndarray:
    """(replicate, year) of a metric for the prefecture; each scenario runs once per session."""
    key = scenario.model_dump_json()
    if key not in _RUNS:
        params = api.parameters_for(scenario)
        _RUNS[key] = np.stack([simulate(scenario, params, s, SCALE) for s in replicate_seeds(SEED, REPLICATES)])
    return _RUNS[key][:, METRIC_IDS.index(name), :, 0]


def year(y: int, scenario: api.Scenario | None = None) -> int:
    return (scenario or baseline()).period.years.index(y)


def significant(diff: np.ndarray) -> bool:
    """The mean paired difference is more than two standard errors from zero."""
    return abs(diff.mean()) > 2 * diff.std(ddof=1) / np.sqrt(len(diff))


def test_more_consumption_money_more_sales_but_not_in_proportion():
    """buyers/suppliers: twice the consumption programme's money buys more tasting events and certifies more
    suppliers; sales rise, but they are what buyers order and suppliers can fill, not a multiple of the money."""
    more = variant(baseline(), **with_programme_money("consumption", 2))
    base_sales = metric(baseline(), "consumption_sales")[:, year(2026) :].sum(axis=1)
    gain = metric(more, "consumption_sales")[:, year(2026) :].sum(axis=1) - base_sales
    assert gain.mean() > 0 and significant(gain), f"sales gain 2026–28 by replicate: {gain} (buyers.awareness_and_adoption, consumption.season)"
    assert np.all(metric(more, "consumption_sales_event").sum(axis=1) > metric(baseline(), "consumption_sales_event").sum(axis=1)), "more money, yet no more event sales"
    # the money doubles (+100%); sales grow by far less — the buyers' budgets and the suppliers bind
    assert 0 < gain.mean() / base_sales.mean() < 0.5, f"sales grew {gain.mean() / base_sales.mean():.1%} for +100% money"
    # and the gain per year is not a fixed multiple of the (constant from 2025) extra money
    per_year = (metric(more, "consumption_sales") - metric(baseline(), "consumption_sales")).mean(axis=0)[year(2025) :]
    assert per_year.std() > 0.01 * abs(per_year.mean()), f"gains by year {per_year}"


def test_more_labour_subsidy_more_stable_employment():
    """labour.choose / labour.pay_subsidies: a doubled subsidy per worker, with the labour programme's money
    doubled to pay it: reached workers go away more, more reach the stable mark; not twice as many."""
    base = metric(baseline(), "stable_employment")[:, : year(2024) + 1].sum(axis=1)
    scenario = variant(baseline(), **with_programme_money("labour", 2), **{"levers.labour.subsidy_per_worker": 1870})
    more = metric(scenario, "stable_employment")[:, : year(2024) + 1].sum(axis=1)
    diff = more - base
    assert diff.mean() > 0 and significant(diff), f"stable employment 2021–24: {base.mean():.0f} → {more.mean():.0f}"
    assert diff.mean() / base.mean() < 0.5, f"a doubled subsidy raised stable employment by {diff.mean() / base.mean():.1%}"
    paid = metric(scenario, "labour_subsidy_paid").sum(axis=1) - metric(baseline(), "labour_subsidy_paid").sum(axis=1)
    assert np.all(paid > 0), "a doubled subsidy with the money to pay it, yet no more subsidy paid"


def test_stopping_after_2025_lowers_income_and_raises_the_monitored_share_by_2030():
    stop = api.load_scenario(SCENARIOS / "stop-after-2025.yaml")
    cont = baseline(2030)
    assert stop.period.end == 2030 and cont.period.years == stop.period.years
    # identical to the baseline while the cooperation runs (same levers, same draws)
    before = year(2025, stop) + 1
    assert np.array_equal(metric(stop, "rural_income_per_capita")[:, :before], metric(cont, "rural_income_per_capita")[:, :before])
    income = metric(stop, "rural_income_per_capita")[:, -1] - metric(cont, "rural_income_per_capita")[:, -1]
    monitored = metric(stop, "monitored_share")[:, -1] - metric(cont, "monitored_share")[:, -1]
    assert np.all(income < 0), f"2030 income, stop minus continue: {income}"
    assert monitored.mean() > 0 and np.mean(monitored > 0) >= 0.5, f"2030 monitored share, stop minus continue: {monitored}"
    # the channel's programme buyers stop with the cooperation (enclave outlets already open stay: see the report),
    # the channel collapses, and nobody goes to Qingdao any more
    for mode in ("procurement", "canteen", "showroom", "warehouse", "event"):
        assert np.all(metric(stop, f"consumption_sales_{mode}")[:, before:] == 0), mode
    sales = metric(stop, "consumption_sales")
    assert np.all(sales[:, before:] < 0.1 * sales[:, [before - 1]])
    in_qd = metric(stop, "migrant_workers_qingdao")
    assert np.all(np.diff(in_qd[:, before - 1 :], axis=1) <= 0) and np.all(in_qd[:, -1] < in_qd[:, before - 1])


def test_no_cooperation_lowers_income_in_every_year():
    impact = metric(baseline(), "rural_income_per_capita") - metric(baseline().counterfactual(), "rural_income_per_capita")
    assert baseline().period.years[0] == 2021
    assert np.all(impact > 0), f"years with no income gain in some replicate: {np.array(baseline().period.years)[~np.all(impact > 0, axis=0)]}"


def test_closing_the_showrooms_from_2026_lowers_sales_by_less_than_their_own():
    """buyers.sync_with_levers closes the outlets; the suppliers' freed capacity goes partly to other buyers."""
    showrooms = dict(baseline().levers.consumption.showrooms)
    closed = variant(baseline(), **{"levers.consumption.showrooms": {**showrooms, 2026: 0}})
    y = year(2026)
    for name in ("consumption_sales", "rural_income_per_capita", "stable_employment"):
        assert np.array_equal(metric(closed, name)[:, :y], metric(baseline(), name)[:, :y]), f"{name} changed before 2026"
    assert np.all(metric(closed, "consumption_sales_showroom")[:, y:] == 0)
    lost = metric(baseline(), "consumption_sales_showroom")[:, y:]
    drop = metric(baseline(), "consumption_sales")[:, y:] - metric(closed, "consumption_sales")[:, y:]
    assert np.all(drop > 0), f"closing the showrooms did not lower sales: {drop}"
    assert np.all(drop <= lost * 1.05), f"sales fell by more than the showrooms sold: {drop / lost}"
    assert (metric(closed, "rural_income_per_capita")[:, y:] < metric(baseline(), "rural_income_per_capita")[:, y:]).mean() > 0.5


def test_no_canteen_share_no_canteen_sales_and_lower_sales():
    none = variant(baseline(), **{"levers.consumption.canteen_share": 0})
    assert np.all(metric(none, "consumption_sales_canteen") == 0)
    lost = metric(baseline(), "consumption_sales_canteen")
    drop = metric(baseline(), "consumption_sales") - metric(none, "consumption_sales")
    assert np.all(lost > 0) and drop.sum(axis=1).min() > 0, f"total sales 2021–28 without canteens, drop by replicate: {drop.sum(axis=1)}"
    # word of mouth among institutions may carry a little of the loss further, but not much
    assert np.all(drop.sum(axis=1) <= 1.5 * lost.sum(axis=1)), f"drop / canteen sales: {drop.sum(axis=1) / lost.sum(axis=1)}"


def test_a_larger_qingdao_quota_more_workers_in_qingdao_within_the_quota():
    """labour.choose: where the quota binds (the network of fellow villagers grows), more places bring more
    workers to Qingdao (counted as stable when they stay), but not as many more as the extra places; where it
    does not bind (a high barrier to Qingdao), the runs are the same."""
    raised = variant(baseline(), **{"levers.labour.qingdao_job_quota": 16000})
    base_qd, in_qd = metric(baseline(), "migrant_workers_qingdao"), metric(raised, "migrant_workers_qingdao")
    assert np.all(in_qd <= 16000 + 1e-6) and np.all(base_qd <= 8000 + 1e-6)
    gain = in_qd[:, -1] - base_qd[:, -1]
    if np.array_equal(in_qd, base_qd):  # the quota never bound: raising it changes nothing
        assert not (base_qd >= 8000 - 1e-6).any(), "Qingdao filled its quota, yet more places changed nothing"
        return
    assert gain.mean() > 0 and significant(gain), f"workers in Qingdao in 2028, raised minus baseline: {gain}"
    assert gain.mean() < 8000, "every extra place was filled at once"
    stable = metric(raised, "stable_employment_qingdao")[:, -1] - metric(baseline(), "stable_employment_qingdao")[:, -1]
    assert stable.mean() > 0, f"stable employment in Qingdao, 2028: {stable}"


def test_a_severe_drought_lowers_channel_sales_and_farm_income_that_year():
    """farming.weather_index / consumption.match: a 2026 drought of severity 1 cuts the potato, herb and
    greenhouse harvests by their sensitivities (50%, 35%, 5%), so suppliers sourcing under contract deliver
    at most that share of their capacity: channel sales fall, by no more than the potato's 50% cut (the
    largest) and no less than nothing; farm sales fall, and 2025 (before it) is untouched."""
    dry = variant(baseline(), **{"conditions.drought": {2026: 1.0}})
    i = year(2026)
    sales = metric(dry, "consumption_sales")[:, i] - metric(baseline(), "consumption_sales")[:, i]
    farm = metric(dry, "farm_sales")[:, i] - metric(baseline(), "farm_sales")[:, i]
    income = metric(dry, "income_business_per_capita")[:, i] - metric(baseline(), "income_business_per_capita")[:, i]
    base_sales = metric(baseline(), "consumption_sales")[:, i]
    assert np.all(sales < 0) and np.all(farm < 0) and np.all(income < 0), f"sales {sales}, farm sales {farm}, farm income {income}"
    assert np.all(-sales <= 0.5 * base_sales), f"channel sales fell by {(-sales / base_sales)} of the baseline's"
    assert np.array_equal(metric(dry, "consumption_sales")[:, year(2025)], metric(baseline(), "consumption_sales")[:, year(2025)])


def test_doubling_the_showrooms_costs_their_running_cost_taken_from_events_and_support():
    """funds.pay_lever_cost / consumption.season: 28 more showrooms from 2026 cost 28 × showroom_cost a year, which
    the consumption programme pays before its events and supplier support (its money is unchanged): the lever
    costs exactly that, spending does not move, and there are fewer events (the promotion money is down by
    promotion_share × the cost, at event_cost each)."""
    more = variant(baseline(), **{"levers.consumption.showrooms": {2021: 8, 2022: 16, 2023: 24, 2024: 28, 2026: 56}})
    p = api.parameters_for(baseline())
    window = slice(year(2026), None)
    extra_cost = (metric(more, "lever_costs") - metric(baseline(), "lever_costs"))[:, window].sum(axis=1)
    assert np.allclose(extra_cost, 28 * p.showroom_cost * 3, rtol=1e-12), f"the extra showrooms cost {extra_cost}"
    spent = (metric(more, "fiscal_funds_spent") - metric(baseline(), "fiscal_funds_spent"))[:, window].sum(axis=1)
    assert np.allclose(spent, 0, atol=1.0), f"spending moved by {spent}"
    assert np.all(metric(more, "spending_beyond_budget") == 0)
    fewer_events = 28 * p.showroom_cost * p.promotion_share / p.event_cost  # a year, before rounding
    event_sales = (metric(more, "consumption_sales_event") - metric(baseline(), "consumption_sales_event"))[:, window].sum(axis=1)
    assert np.all(event_sales < 0), f"event sales 2026–28 changed by {event_sales} though {fewer_events:.0f} fewer events a year were paid for"
