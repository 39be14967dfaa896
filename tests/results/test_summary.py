"""Summaries: chance and assumption intervals kept apart; paired impact intervals."""

from __future__ import annotations

import numpy as np
import pytest

from qdsim import api
from qdsim.foundation.metrics import METRIC_IDS, catalogue
from qdsim.results.uncertainty import draw_parameter_sets, varied_parameters


def test_paired_impact_interval_is_narrower_than_unpaired(tiny_run):
    """Common random numbers: the interval of per-replicate differences is narrower than
    the difference of the two unpaired intervals (compared on a metric with chance spread)."""
    r = api.run(tiny_run.scenario, replicates=8, scale=0.002, workers=1)
    with_, without = r.metric("rural_income_per_capita"), r.metric("rural_income_per_capita", counterfactual=True)
    paired = np.percentile(with_ - without, 95, axis=0) - np.percentile(with_ - without, 5, axis=0)
    unpaired = (np.percentile(with_, 95, axis=0) - np.percentile(with_, 5, axis=0)) + (
        np.percentile(without, 95, axis=0) - np.percentile(without, 5, axis=0)
    )
    assert (paired < unpaired).all()
    assert (paired < 0.5 * unpaired).mean() > 0.5


def test_draws_stay_in_ranges_and_are_reproducible(baseline):
    params = api.parameters_for(baseline)
    a = draw_parameter_sets(params, 5, seed=1)
    b = draw_parameter_sets(params, 5, seed=1)
    assert [x.as_dict() for x in a] == [x.as_dict() for x in b]
    reg = params.catalogue
    names = varied_parameters(params)
    assert names and all(reg.parameters[k].status in ("assumption", "calibrated") for k in names)
    assert {k for k in names if reg.parameters[k].status == "calibrated"} == {k for k, p in reg.parameters.items() if p.status == "calibrated"}
    post = reg.calibration["posterior"]  # calibrated parameters come as whole sets from the posterior
    rows = {tuple(round(v, 12) for v in row) for row in post["samples"]}
    for x in a:
        assert tuple(round(getattr(x, k), 12) for k in post["parameters"]) in rows
    for x in a:
        for k in names:
            lo, hi = reg.parameters[k].range
            assert lo <= getattr(x, k) <= hi
        # calibrated and reported values are never drawn
        assert x.potato_yield_high == params.potato_yield_high and x.potato_yield_traditional == params.potato_yield_traditional


def test_overridden_parameters_are_not_drawn(baseline):
    params = api.parameters_for(baseline).with_overrides({"wage_local": 2000})
    for x in draw_parameter_sets(params, 3, seed=2, fixed={"wage_local"}):
        assert x.wage_local == 2000


def test_summary_carries_both_intervals(tiny_run):
    s = tiny_run.scenario
    r = api.run(s, replicates=1, scale=0.002, workers=1, assumption_draws=3)
    df = r.summary
    base = df[df.scenario == s.id]
    inc = base[(base.metric == "rural_income_per_capita") & (base.county == "all")]
    assert (inc.n_assumption_draws == 3).all() and base.n_assumption_draws.max() == 3
    assert (inc.assumption_p05 <= inc.assumption_p95).all() and inc.impact_assumption_p05.notna().all()
    assert r.manifest["assumption_draws"] == 3 and r.manifest["assumption_parameters"]
    # without draws the assumption columns are empty
    assert tiny_run.summary.assumption_p05.isna().all()
    assert set(base.metric) == set(METRIC_IDS)


def test_every_difference_carries_its_spread_and_the_confidence_interval_of_its_mean():
    """Spread (p05/p95 of replicate differences) and a 90% t-interval of the mean difference, named apart, computed from the replicates."""
    from scipy import stats

    from qdsim.results.summary import INTERVALS, mean_ci, summarise, t95

    rng = np.random.default_rng(3)
    shape = (6, len(METRIC_IDS), 2, 2)
    with_, without, base = rng.normal(10, 2, shape), rng.normal(8, 2, shape), rng.normal(9, 2, shape)
    df = summarise("s", with_, without, [2029, 2030], ["all", "anding"], baseline=base)
    row = df[(df.scenario == "s") & (df.metric == METRIC_IDS[0]) & (df.county == "anding") & (df.year == 2030)].iloc[0]
    for prefix, ref in (("impact", without), ("vs_baseline", base)):
        d = (with_ - ref)[:, 0, 1, 1]
        lo, hi = stats.t.interval(0.90, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
        assert (row[f"{prefix}_mean_ci05"], row[f"{prefix}_mean_ci95"]) == pytest.approx((lo, hi))
        assert (row[f"{prefix}_p05"], row[f"{prefix}_p95"]) == pytest.approx(tuple(np.percentile(d, [5, 95])))
    assert [t95(k) for k in (1, 5, 40, 1000)] == pytest.approx([stats.t.ppf(0.95, k) for k in (1, 5, 40, 1000)], rel=1e-6)
    one = mean_ci(np.ones((1, 3)))
    assert np.isnan(one[0]).all()  # one replicate: no interval of the mean
    assert set(INTERVALS) == {"p05", "p95", "mean_ci05", "mean_ci95"}
    assert (row.label_zh, row.label_en) == (catalogue()[METRIC_IDS[0]].zh, catalogue()[METRIC_IDS[0]].en)  # readable without the source


def test_the_confidence_interval_narrows_with_replicates_and_the_spread_does_not():
    from qdsim.results.summary import summarise

    rng = np.random.default_rng(5)
    widths = {}
    for n in (4, 64):
        d = rng.normal(1, 3, (n, len(METRIC_IDS), 1, 1))
        df = summarise("s", d, None, [2030], ["all"], baseline=np.zeros_like(d))
        widths[n] = ((df.vs_baseline_mean_ci95 - df.vs_baseline_mean_ci05).median(), (df.vs_baseline_p95 - df.vs_baseline_p05).median())
    assert widths[64][0] < 0.4 * widths[4][0] and widths[64][1] > 0.6 * widths[4][1]
