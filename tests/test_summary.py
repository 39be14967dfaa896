"""Summaries: chance and assumption intervals kept apart; paired impact intervals."""

from __future__ import annotations

import numpy as np

from qdsim import api
from qdsim.metrics import METRIC_IDS
from qdsim.uncertainty import draw_parameter_sets, varied_parameters


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
