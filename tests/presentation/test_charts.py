"""Charts colour by meaning: the county map's shade follows each metric's good direction, not the sign."""

from __future__ import annotations

import json

import pandas as pd

from qdsim.foundation.format import reading
from qdsim.presentation import charts

COUNTIES = ["anding", "tongwei", "longxi", "weiyuan", "lintao", "zhangxian", "minxian"]


def summary(metric: str, diff: float) -> pd.DataFrame:
    """A summary with every county's impact ``diff`` (interval well away from zero)."""
    rows = [{"scenario": "s", "metric": metric, "county": c, "year": 2030, "unit": "share", "mean": 0.3, "p05": 0.29, "p95": 0.31,
             "impact_mean": diff, "impact_p05": diff * 1.2, "impact_p95": diff * 0.8} for c in ["all", *COUNTIES]]
    return pd.DataFrame(rows)


def shades(metric: str, diff: float) -> tuple[list[float], list[str]]:
    spec = charts.county_map(summary(metric, diff), metric, 2030, "zh").to_dict()
    values = [f["properties"]["value"] for f in spec["data"]["values"]]
    return values, spec["layer"][0]["encoding"]["color"]["scale"]["range"]


def test_a_fall_in_the_monitored_share_is_green_and_a_fall_in_income_red():
    assert reading("monitored_share").good == "down" and reading("rural_income_per_capita").good == "up"
    values, colours = shades("monitored_share", -0.02)
    assert all(v > 0 for v in values) and colours[-1] == charts.VERDICT_COLOURS["good"]  # good news: the green end
    values, colours = shades("rural_income_per_capita", -0.02)
    assert all(v < 0 for v in values) and colours[0] == charts.VERDICT_COLOURS["bad"]
    assert "绿色为向好" in json.dumps(charts.county_map(summary("monitored_share", -0.02), "monitored_share", 2030, "zh").to_dict(),
                                   ensure_ascii=False)
