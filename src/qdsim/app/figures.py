"""Charts as the app shows them: :mod:`qdsim.charts` with planner units, several scenarios on one axis, PNG export.

Plain functions over ``summary`` DataFrames (as :mod:`qdsim.charts`), so
tests call them directly. Data stay in the metric's own unit (元, 人次); only
the axis reads in planner units (亿元, 万人次) through
:func:`qdsim.format.planner_scale`.
"""

from __future__ import annotations

import threading

import altair as alt
import numpy as np
import pandas as pd

from qdsim import charts
from qdsim.format import planner_scale
from qdsim.metrics import catalogue

_png_lock = threading.Lock()
#: line colours: the scenario first (the app's red), then the baseline, the counterfactual, others
PALETTE = ["#d33f49", "#1f77b4", "#8c8c8c", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf"]


def axis_unit(metric: str, lang: str, max_abs: float = 0.0) -> str:
    """The unit a planner would label an axis with, for values up to ``max_abs`` ("" for shares and indices)."""
    unit = catalogue()[metric].unit
    if unit in ("share", "index"):
        return ""
    return planner_scale(max_abs, unit, lang)[1]


def metric_label(metric: str, lang: str, max_abs: float = 0.0) -> str:
    """``name (unit)`` with the unit a planner would use for values up to ``max_abs``."""
    name, unit = catalogue()[metric].name(lang), axis_unit(metric, lang, max_abs)
    if not unit:
        return name
    return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


def _axis(metric: str, max_abs: float, lang: str) -> alt.Axis:
    unit = catalogue()[metric].unit
    if unit == "share":
        return alt.Axis(format=".0%")
    if unit == "index":
        return alt.Axis(format=".2f")
    div, _ = planner_scale(max_abs, unit, lang)
    if div == 1:
        return alt.Axis(format=",.4~r")
    return alt.Axis(labelExpr=f"format(datum.value / {div:.0f}, ',.4~r')")


def _max_abs(values) -> float:
    a = np.abs(np.asarray(values, dtype=float))
    a = a[np.isfinite(a)]
    return float(a.max()) if a.size else 0.0


def planner_axis(chart: alt.LayerChart, metric: str, values, lang: str, channel: str = "y", prefix: str = "", suffix: str = "") -> alt.LayerChart:
    """The chart titled ``prefix + name (unit) + suffix``, its quantitative ``channel`` axis in planner units.

    The axis title is the unit alone: a long rotated title squeezes the plot
    in a short chart. ``values`` are the numbers the axis spans (to choose
    亿元 or 万元).
    """
    max_abs = _max_abs(values)
    axis = _axis(metric, max_abs, lang)
    unit = axis_unit(metric, lang, max_abs)
    for layer in chart.layer:
        enc = getattr(layer.encoding, channel, alt.Undefined)
        if enc is alt.Undefined or isinstance(enc, str):
            continue
        enc.axis = axis
        enc.title = unit or None
        x = layer.encoding.x
        if channel == "y" and getattr(x, "field", None) == "year":
            x.axis = alt.Axis(labelAngle=0)  # years read level
    title = alt.TitleParams(prefix + metric_label(metric, lang, max_abs) + suffix, anchor="start")
    return chart.properties(title=title, width="container")


def impact(summary: pd.DataFrame, metric: str, county: str = "all", lang: str = "zh") -> alt.LayerChart:
    """:func:`qdsim.charts.impact` in planner units."""
    d = summary[(summary.metric == metric) & (summary.county == county) & ~summary.scenario.str.endswith("-counterfactual")]
    prefix = "影响：" if lang == "zh" else "Impact: "
    chart = charts.impact(summary, metric, county, lang).properties(height=260)
    return planner_axis(chart, metric, d[["impact_p05", "impact_p95"]].to_numpy(), lang, prefix=prefix)


def counties(summary: pd.DataFrame, metric: str, year: int, lang: str, county_names: dict[str, str]) -> alt.LayerChart:
    """:func:`qdsim.charts.counties` in planner units."""
    d = summary[(summary.metric == metric) & (summary.year == year) & (summary.county != "all")]
    chart = charts.counties(summary, metric, year, lang, county_names).properties(height=300)  # room for seven names
    return planner_axis(chart, metric, d[["p05", "p95"]].to_numpy(), lang, channel="x", suffix=f" · {year}")


def scenarios_frame(series: list[tuple[str, pd.DataFrame, str]], metric: str, county: str = "all") -> pd.DataFrame:
    """Rows of one metric for several scenarios, labelled.

    Args:
        series: (label, summary, scenario id) for each line; the id picks the
            scenario or its counterfactual (``<id>-counterfactual``) out of
            the summary.
    """
    frames = []
    for label, summary, sid in series:
        d = summary[(summary.metric == metric) & (summary.county == county) & (summary.scenario == sid)].copy()
        d["series"] = label
        frames.append(d)
    return pd.concat(frames, ignore_index=True)


def trend(series: list[tuple[str, pd.DataFrame, str]], metric: str, county: str = "all", lang: str = "zh", prefix: str = "") -> alt.LayerChart:
    """Mean by year with its 90% band, one line per scenario (in the order given)."""
    d = scenarios_frame(series, metric, county)
    labels = [s[0] for s in series]
    long = {"columns": 1} if max(len(x) for x in labels) > 16 else {}  # long names: one per line
    fmt = ".1%" if catalogue()[metric].unit == "share" else ",.4~g"
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=labels, range=PALETTE), legend=alt.Legend(orient="bottom", labelLimit=600, symbolOpacity=1, **long))
    base = alt.Chart(d).encode(x=alt.X("year:O", title="年份" if lang == "zh" else "Year", axis=alt.Axis(labelAngle=0)), color=color)
    band = base.mark_area(opacity=0.18).encode(y=alt.Y("p05:Q", scale=alt.Scale(zero=False)), y2="p95:Q")
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q"),
        tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("year:O"), alt.Tooltip("mean:Q", format=fmt),
                 alt.Tooltip("p05:Q", format=fmt), alt.Tooltip("p95:Q", format=fmt)],
    )
    return planner_axis((band + line).properties(height=300), metric, d[["p05", "p95"]].to_numpy(), lang, prefix=prefix)


def png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart as a PNG, with fonts that render Chinese (:func:`qdsim.charts.styled`)."""
    import vl_convert as vlc

    with _png_lock:
        return vlc.vegalite_to_png(charts.styled(chart).to_json(), scale=scale)
