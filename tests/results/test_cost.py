"""Cost and effectiveness: spending, results per 亿元 / per 百万元 against the baseline, the ranking, budget-neutral moves.

The arithmetic cases use small hand-made arrays whose results are written
out in the comments; the end-to-end cases read what a real run writes.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from qdsim import api
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.results import cost
from qdsim.scenario.budget import move_funds, split_in
from qdsim.scenario.levers import change_year, resolve

YEARS = [2021, 2022, 2023]


def arrays(spending, income, employment, lever_costs=0.0, on_top=0.0) -> np.ndarray:
    """A replicate array (replicate, metric, year, all) holding the metrics a comparison reads, by replicate and year."""
    n = len(spending)
    a = np.zeros((n, len(METRIC_IDS), len(YEARS), 1))
    for metric, values in ((cost.SPENDING, spending), (cost.INCOME, income), (cost.EMPLOYMENT, employment),
                           (cost.LEVER_COSTS, lever_costs), (cost.ON_TOP, on_top)):
        a[:, METRIC_IDS.index(metric), :, 0] = values
    return a


def test_more_outlets_paid_from_the_programme_name_what_they_take_and_their_effect_per_yi():
    """Twice the outlets, paid inside the programme's budget: spending is the same (no ratio per extra spending),
    but the outlets cost 0.3亿 a year more in 2022–2023 (0.6亿 in all), all of it taken from the programme's other
    uses; income +12 元/人 in the end year → 12 / 0.6 = 20 元/人 per 亿元 of outlets."""
    s = arrays(spending=[[1e8, 1e8, 1e8]], income=[[10, 20, 42]], employment=[[0, 0, 0]], lever_costs=[[3e7, 6e7, 6e7]])
    r = arrays(spending=[[1e8, 1e8, 1e8]], income=[[10, 20, 30]], employment=[[0, 0, 0]], lever_costs=[[3e7, 3e7, 3e7]])
    c = cost.compare(s, r, YEARS, start=2022, against="baseline", versus="base", budgets=(2e8, 2e8))
    assert not c.per_money and c.income_per_100m is None
    assert c.lever_costs.mean == pytest.approx(6e7) and c.taken_from_programmes.mean == pytest.approx(6e7)
    assert c.income_per_100m_levers.mean == pytest.approx(20.0)


def test_outlets_beyond_the_programmes_money_are_spending_paid_on_top():
    """The same outlets when the programme can pay only 0.1亿 of the extra 0.3亿 a year: 0.4亿 is paid on top over
    2022–2023, so spending rises by 0.4亿 (a change of 20% of the 2亿 budget) and the ratio per extra spending exists:
    12 / 0.4 = 30 元/人 per 亿元; 0.2亿 was taken from the programme's other uses."""
    s = arrays(spending=[[1e8, 1e8, 1e8]], income=[[10, 20, 42]], employment=[[0, 0, 0]], lever_costs=[[3e7, 6e7, 6e7]],
               on_top=[[0, 2e7, 2e7]])
    r = arrays(spending=[[1e8, 1e8, 1e8]], income=[[10, 20, 30]], employment=[[0, 0, 0]], lever_costs=[[3e7, 3e7, 3e7]])
    c = cost.compare(s, r, YEARS, start=2022, against="baseline", versus="base", budgets=(2e8, 2e8))
    assert c.extra_spending.mean == pytest.approx(4e7) and c.per_money
    assert c.income_per_100m.mean == pytest.approx(30.0)
    assert c.taken_from_programmes.mean == pytest.approx(2e7)
    assert c.income_per_100m_levers.mean == pytest.approx(20.0)


def test_extra_spending_buys_income_and_employment_per_replicate():
    # two replicates; the window is 2022–2023
    s = arrays(spending=[[1e8, 3e8, 3e8], [1e8, 4e8, 2e8]], income=[[10, 20, 130], [10, 20, 90]], employment=[[0, 300, 500], [0, 100, 100]])
    r = arrays(spending=[[1e8, 1e8, 1e8], [1e8, 1e8, 1e8]], income=[[10, 20, 30], [10, 20, 40]], employment=[[0, 100, 100], [0, 50, 50]])
    c = cost.compare(s, r, YEARS, start=2022, against="baseline", versus="base", budgets=(6e8, 2e8))
    # replicate 0: extra 3e8+3e8-2e8 = 4e8 (4亿元); income 130-30 = 100 元/人 → 25 元/人 per 亿元; employment 200+400 = 600 人次 → 1.5 per 百万元
    # replicate 1: extra 4e8+2e8-2e8 = 4e8; income 90-40 = 50 → 12.5 per 亿元; employment 50+50 = 100 → 0.25 per 百万元
    assert (c.start, c.end, c.per_money) == (2022, 2023, True)
    assert c.extra_spending.mean == pytest.approx(4e8)
    assert c.income_gain.mean == pytest.approx(75.0)
    assert c.employment_gain.mean == pytest.approx(350.0)
    assert c.income_per_100m.mean == pytest.approx((25 + 12.5) / 2)  # the mean of the per-replicate ratios
    assert c.employment_per_1m.mean == pytest.approx((1.5 + 0.25) / 2)
    assert (c.income_per_100m.p05, c.income_per_100m.p95) == pytest.approx(tuple(np.percentile([25, 12.5], [5, 95])))
    assert c.spending.mean == pytest.approx(6e8)  # the scenario's own spending over the window


def test_a_cut_that_lowers_income_has_a_positive_ratio():
    # 2亿元 less in 2022–2023, 40 元/人 less income: 40/2 = 20 元/人 lost per 亿元 saved — the money and the income move together
    s = arrays(spending=[[1e8, 0, 0]], income=[[10, 15, 60]], employment=[[0, 0, 0]])
    r = arrays(spending=[[1e8, 1e8, 1e8]], income=[[10, 20, 100]], employment=[[0, 0, 0]])
    c = cost.compare(s, r, YEARS, start=2022, against="baseline", versus="base", budgets=(0.0, 2e8))
    assert c.extra_spending.mean == pytest.approx(-2e8) and c.income_gain.mean == pytest.approx(-40)
    assert c.income_per_100m.mean == pytest.approx(20.0)


def test_money_that_buys_nothing_has_a_negative_ratio_when_income_falls():
    # 1亿元 more and 10 元/人 less: −10 元/人 per 亿元
    s = arrays(spending=[[0, 0, 1e8]], income=[[0, 0, 90]], employment=[[0, 0, 0]])
    r = arrays(spending=[[0, 0, 0]], income=[[0, 0, 100]], employment=[[0, 0, 0]])
    c = cost.compare(s, r, YEARS, start=2021, against="baseline", versus="base", budgets=(1e8, 0.0))
    assert c.income_per_100m.mean == pytest.approx(-10.0)


def test_a_reallocation_reports_the_difference_not_a_ratio():
    # same budget; the money spent differs by chance (±0.1%): dividing by it would give ±50,000 元/人 per 亿元
    s = arrays(spending=[[1e8, 1.001e8, 1e8], [1e8, 0.999e8, 1e8]], income=[[0, 0, 105], [0, 0, 103]], employment=[[0, 10, 10], [0, 10, 10]])
    r = arrays(spending=[[1e8, 1e8, 1e8], [1e8, 1e8, 1e8]], income=[[0, 0, 100], [0, 0, 100]], employment=[[0, 0, 0], [0, 0, 0]])
    c = cost.compare(s, r, YEARS, start=2022, against="baseline", versus="base", budgets=(2e8, 2e8))
    assert not c.per_money and c.income_per_100m is None and c.employment_per_1m is None
    assert c.income_gain.mean == pytest.approx(4.0) and c.employment_gain.mean == pytest.approx(20.0)
    assert "income_per_100m" not in c.measures() and "income_gain" in c.measures()


@pytest.mark.parametrize(("budgets", "extra", "changed"), [
    ((2e8, 2e8), [1e6, 2e6], False),  # the same budget
    ((2.01e8, 2e8), [1e6, 1e6], False),  # 0.5% more: below MATERIAL
    ((2.1e8, 2e8), [1e7, 9e6], True),  # 5% more, spent in every replicate
    ((2.1e8, 2e8), [1e7, -1e6], False),  # 5% more budgeted, but one replicate spent less: the change is within chance
    ((0.0, 2e8), [-2e8, -2e8], True),  # a cut
])
def test_what_counts_as_a_change_of_spending(budgets, extra, changed):
    assert cost.spending_changed(*budgets, np.array(extra)) is changed


def test_the_report_round_trips_through_json_and_makes_a_table():
    s = arrays(spending=[[1e8, 3e8, 3e8], [1e8, 4e8, 2e8]], income=[[10, 20, 130], [10, 20, 90]], employment=[[0, 300, 500], [0, 100, 100]])
    r = arrays(spending=[[1e8, 1e8, 1e8], [1e8, 1e8, 1e8]], income=[[10, 20, 30], [10, 20, 40]], employment=[[0, 100, 100], [0, 50, 50]])
    c = cost.compare(s, r, YEARS, start=2022, against="baseline", versus="base", budgets=(6e8, 2e8))
    report = cost.CostReport("s", 2021, 2023, cost.Interval.of(np.array([7e8, 7e8])), 2022, c, None)
    again = cost.CostReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again == report
    df = report.to_frame()
    assert list(df.columns) == cost.COLUMNS
    assert list(df.measure) == ["spending", "spending", "extra_spending", "income_gain", "employment_gain", "income_per_100m", "employment_per_1m"]
    row = df[df.measure == "income_per_100m"].iloc[0]
    assert (row.unit, row.start, row.end, row.versus) == ("元/人/亿元", 2022, 2023, "base")


def _report(name: str, ratio: float | None, gain: float) -> cost.CostReport:
    one = cost.Interval(1.0, 1.0, 1.0, 1.0, 2)
    iv = cost.Interval(ratio, ratio - 1, ratio, ratio + 1, 2) if ratio is not None else None
    c = cost.Comparison("baseline", "baseline", 2026, 2030, one, one, cost.Interval(gain, gain - 1, gain, gain + 1, 2), one,
                        ratio is not None, iv, iv)
    return cost.CostReport(name, 2021, 2030, one, 2026, c, None)


def test_scenarios_rank_by_effect_per_yi_and_reallocations_come_last_unranked():
    df = cost.rank([_report("a", 5.0, 50), _report("realloc", None, 12), _report("b", 30.0, 90), _report("c", 0.5, 1)])
    assert list(df.scenario) == ["b", "a", "c", "realloc"]
    assert df["rank"].tolist()[:3] == [1, 2, 3] and pd.isna(df["rank"].iloc[3])
    assert df.income_gain_mean.iloc[3] == 12  # the difference itself
    assert df.within_chance.tolist() == [False, False, True, False]  # c: 0.5 ± 1 includes zero (the spread)
    assert {"income_per_100m_mean_ci05", "income_per_100m_mean_ci95"} <= set(df.columns)  # both intervals, named
    with pytest.raises(ValueError, match="measure"):
        cost.rank([], measure="income_gain")


# -- the change year -----------------------------------------------------------------------

def test_the_change_year_is_the_first_year_a_lever_differs(baseline):
    assert change_year(api.load_scenario("stop-after-2025"), baseline) == 2026  # the horizon zeroes the levers from 2026
    assert change_year(api.load_scenario("consumption-first"), baseline) == 2026
    assert change_year(api.load_scenario("drought-2026"), baseline) == 2026  # no lever: the first year a condition differs
    both = baseline.model_dump()
    both["levers"]["labour"]["training_places"] = {2021: 5000, 2028: 8000}
    both["conditions"]["drought"] = {2027: 0.5}
    assert change_year(api.Scenario.model_validate(both), baseline) == 2027  # whichever comes first
    friction = api.Scenario.model_validate({**baseline.model_dump(), "overrides": {"qingdao_friction": 4.0}})
    assert change_year(friction, baseline) == 2021  # an override acts from the start
    assert change_year(baseline, baseline) == 2021
    later = baseline.model_dump()
    later["levers"]["labour"]["training_places"] = {2021: 5000, 2028: 8000}
    assert change_year(api.Scenario.model_validate(later), baseline) == 2028


# -- moving money between programmes ---------------------------------------------------------

def test_moving_funds_keeps_the_total_and_changes_the_two_programmes_by_the_amount(baseline):
    moved = move_funds(baseline, "0.53 亿元", "industry", "consumption", year=2024)
    # fiscal funds: 5.30亿元 in 2024, 4.56亿元 from 2025 → 0.53亿元 is 10% of 2024's funds and 0.53/4.56 = 11.62% of later years'
    assert split_in(moved, 2023) == split_in(baseline, 2023)
    assert (split_in(moved, 2024).industry, split_in(moved, 2024).consumption) == pytest.approx((0.65 - 0.10, 0.05 + 0.10))
    later = 0.53 / 4.56
    assert (split_in(moved, 2026).industry, split_in(moved, 2026).consumption) == pytest.approx((0.64 - later, 0.05 + later))
    a, b = resolve(moved), resolve(baseline)
    np.testing.assert_array_equal(cost.budget(moved), cost.budget(baseline))  # fiscal funds and donations as they were
    i = moved.period.years.index(2027)
    amounts = (a.shares[i] - b.shares[i]) * a["funds.fiscal"][i]
    assert amounts.tolist() == pytest.approx([-0.53e8, 0, 0.53e8, 0, 0, 0, 0])  # industry, labour, consumption, …
    assert moved.id == f"{baseline.id}-{moved.simulation_sha()[:8]}" and moved.levers.funds.fiscal == baseline.levers.funds.fiscal  # a changed scenario is named so


def test_moving_funds_in_a_scenario_that_extends_another_keeps_its_baseline():
    s = move_funds(api.load_scenario("consumption-first"), 1e7, "village", "labour", year=2027)
    assert s._base is not None and s._base.id == "baseline"
    assert api.baseline_for(s).id == "baseline"


@pytest.mark.parametrize(("args", "message"), [
    (("10 亿元", "talent", "industry", 2026), "talent has 456万元 in 2026, less than the 10亿元 to move"),
    (("1 亿元", "industry", "farming", 2026), "unknown programme 'farming'"),
    (("1 亿元", "industry", "industry", 2026), "the same programme"),
    (("1 亿元", "industry", "labour", 2031), "outside the period"),
    (("-1 亿元", "industry", "labour", 2026), "0 or more"),
    (("1 亩", "industry", "labour", 2026), "wrong unit"),
])
def test_moving_funds_refuses_what_cannot_be_done(baseline, args, message):
    amount, source, target, year = args
    with pytest.raises(ValueError, match=message):
        move_funds(baseline, amount, source, target, year=year)


# -- what a run writes --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stop(tmp_path_factory):
    run = api.run(api.load_scenario("stop-after-2025"), replicates=3, scale=0.003)
    return run, run.write(tmp_path_factory.mktemp("cost") / "stop")


def test_a_run_writes_its_cost_table_and_the_manifest_holds_the_report(stop):
    run, folder = stop
    table, expected = pd.read_csv(folder / "cost.csv", keep_default_na=False), run.cost.to_frame()
    pd.testing.assert_frame_equal(table, expected, rtol=1e-9)  # written with 10 significant digits
    assert table.against.tolist()[:2] == ["none", "baseline"] and table.versus[0] == "none"  # the first row filled: its own spending
    assert {"label_zh", "label_en", "unit", "divides_by", "mean_ci05", "mean_ci95"} <= set(table.columns)  # readable without the source
    ratio = table[(table.against == "baseline") & (table.measure == "income_per_100m")].iloc[0]
    assert ratio.divides_by.startswith("extra_spending / 1亿元") and ratio.label_zh == "每亿元增收" and ratio.unit == "元/人/亿元"
    assert table[table.measure == "income_gain"].divides_by.eq("not a ratio").all()
    assert (table.mean_ci05 <= table["mean"]).all() and (table["mean"] <= table.mean_ci95).all()
    assert "fiscal funds" in table.label_en[0] and "donations" in table.label_en[0]  # donations are not called fiscal
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["cost_effectiveness"]["change_year"] == 2026
    assert manifest["cost_effectiveness"]["definitions"]["income_per_100m"].startswith("每亿元增收")
    assert api.RunResult.read(folder).cost == run.cost


def test_the_reported_figures_are_the_runs_own_arrays(stop):
    run, _ = stop
    y = run.years.index(2026)
    spend = run.metric(cost.SPENDING)[:, y:].sum(axis=1) - run.baseline[:, METRIC_IDS.index(cost.SPENDING), y:, 0].sum(axis=1)
    income = run.metric(cost.INCOME)[:, -1] - run.baseline[:, METRIC_IDS.index(cost.INCOME), -1, 0]
    c = run.cost.vs_baseline
    assert (c.start, c.end, c.per_money) == (2026, 2030, True)
    assert c.extra_spending.mean == pytest.approx(spend.mean()) and c.extra_spending.mean < 0  # it stops: it spends less
    assert c.income_per_100m.mean == pytest.approx(np.mean(income / (spend / 1e8)))
    assert run.cost.spending.mean == pytest.approx(run.metric(cost.SPENDING).sum(axis=1).mean())
    assert run.cost.vs_counterfactual.start == 2021 and run.cost.vs_counterfactual.per_money


def test_scenario_against_scenario_cost_uses_their_common_random_numbers(stop):
    run, _ = stop
    base = api.run(api.load_scenario("baseline"), replicates=3, scale=0.003, counterfactual=False)
    assert api.compare_cost(run, base) == run.cost.vs_baseline
