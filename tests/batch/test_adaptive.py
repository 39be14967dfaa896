"""Adaptive replicates: the width a rule reads, and when a point stops (no simulation here: arrays made up)."""

from __future__ import annotations

import numpy as np

from qdsim import api
from qdsim.batch.adaptive import decide, interval_width
from qdsim.batch.spec import Adaptive
from qdsim.foundation.metrics import METRIC_IDS

METRIC = "rural_income_per_capita"


def test_the_width_is_of_the_impact_or_the_value_in_the_rule_s_year_and_county():
    s = api.baseline()
    years, counties = s.period.years, ["all", "a", "b"]
    with_coop = np.zeros((5, len(METRIC_IDS), len(years), len(counties)))
    without = np.zeros_like(with_coop)
    m, y = METRIC_IDS.index(METRIC), years.index(2030)
    with_coop[:, m, y, 2] = [10, 20, 30, 40, np.nan]  # the nan replicate is left out
    without[:, m, y, 2] = 5
    impact = Adaptive(metric=METRIC, county="b", target_width=1.0)
    width, mean = interval_width(impact, s, with_coop, without, counties)
    lo, hi = np.percentile([5, 15, 25, 35], [5, 95])
    assert (width, mean) == (hi - lo, 20.0)
    value = Adaptive(metric=METRIC, county="b", statistic="value", year=2030, target_width=1.0)
    assert interval_width(value, s, with_coop, without, counties)[1] == 25.0


def test_a_point_stops_when_converged_or_at_its_maximum():
    rule = Adaptive(metric=METRIC, target_relative=0.1, start=4, step=2, max_replicates=8)
    stop, why, info = decide(rule, 4, width=5.0, mean=100.0, unit="元/人")
    assert stop and why.startswith("converged: impact 5–95% width") and info["reason"] == "converged" and info["target"] == 10.0
    stop, why, info = decide(rule, 6, width=50.0, mean=100.0, unit="元/人")
    assert not stop and why == "" and "reason" not in info
    stop, why, info = decide(rule, 8, width=50.0, mean=100.0, unit="元/人")
    assert stop and why == "max reached: impact 5–95% width of rural_income_per_capita (all, last year) 50 > target 10 元/人 at 8 replicates"
    assert not decide(rule, 6, width=float("nan"), mean=100.0, unit="元/人")[0]
