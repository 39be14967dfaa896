"""Chart definitions shared by the app and the brief (Altair; plain functions).

Each takes a run's ``summary`` DataFrame and returns a chart; the app shows
it, the brief saves it as a PNG (vl-convert), and tests call these directly.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from qdsim.metrics import catalogue

FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"


def _label(metric: str, lang: str) -> str:
    m = catalogue()[metric]
    return f"{m.name(lang)} ({m.unit})"


def _names(lang: str) -> dict[str, str]:
    return {"with": "协作情景" if lang == "zh" else "With cooperation", "without": "无协作对照" if lang == "zh" else "No cooperation"}


def series_frame(summary: pd.DataFrame, metric: str, county: str = "all", lang: str = "zh") -> pd.DataFrame:
    """Scenario and counterfactual rows of one metric, labelled for the legend."""
    d = summary[(summary.metric == metric) & (summary.county == county)].copy()
    names = _names(lang)
    d["series"] = [names["without"] if s.endswith("-counterfactual") else names["with"] for s in d.scenario]
    return d


def time_series(summary: pd.DataFrame, metric: str, county: str = "all", lang: str = "zh", title: str | None = None) -> alt.Chart:
    """Mean by year with the 5–95% band, scenario beside its counterfactual."""
    d = series_frame(summary, metric, county, lang)
    y_title = _label(metric, lang)
    names = _names(lang)
    base = alt.Chart(d).encode(
        x=alt.X("year:O", title="年份" if lang == "zh" else "Year"),
        # the scenario first, so it has the same colour in every language
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"), scale=alt.Scale(domain=[names["with"], names["without"]])),
    )
    band = base.mark_area(opacity=0.2).encode(y=alt.Y("p05:Q", title=y_title), y2="p95:Q")
    line = base.mark_line(point=True).encode(
        y="mean:Q",
        tooltip=[alt.Tooltip("year:O"), alt.Tooltip("series:N"), alt.Tooltip("mean:Q", format=",.4~g"),
                 alt.Tooltip("p05:Q", format=",.4~g"), alt.Tooltip("p95:Q", format=",.4~g")],
    )
    return (band + line).properties(title=title or y_title, width=520, height=260)


def impact(summary: pd.DataFrame, metric: str, county: str = "all", lang: str = "zh") -> alt.Chart:
    """Impact (scenario minus counterfactual) by year with its paired 5–95% interval."""
    d = summary[(summary.metric == metric) & (summary.county == county) & ~summary.scenario.str.endswith("-counterfactual")]
    title = ("影响：" if lang == "zh" else "Impact: ") + _label(metric, lang)
    base = alt.Chart(d).encode(x=alt.X("year:O", title="年份" if lang == "zh" else "Year"))
    bars = base.mark_bar(opacity=0.7).encode(y=alt.Y("impact_mean:Q", title=title))
    rule = base.mark_rule().encode(y="impact_p05:Q", y2="impact_p95:Q")
    return (bars + rule).properties(title=title, width=520, height=220)


def counties(summary: pd.DataFrame, metric: str, year: int, lang: str = "zh", county_names: dict[str, str] | None = None,
             value: str = "mean") -> alt.Chart:
    """The seven counties side by side in one year, with intervals: the level (``value="mean"``) or the impact (``"impact"``)."""
    d = summary[(summary.metric == metric) & (summary.year == year) & (summary.county != "all") & ~summary.scenario.str.endswith("-counterfactual")].copy()
    d["name"] = [county_names.get(c, c) if county_names else c for c in d.county]
    mean, lo, hi = ("impact_mean", "impact_p05", "impact_p95") if value == "impact" else ("mean", "p05", "p95")
    label = (("影响：" if lang == "zh" else "Impact: ") if value == "impact" else "") + _label(metric, lang)
    title = f"{label} · {year}"
    base = alt.Chart(d).encode(y=alt.Y("name:N", title=None, sort="-x"))
    bars = base.mark_bar().encode(x=alt.X(f"{mean}:Q", title=label))
    rule = base.mark_rule().encode(x=f"{lo}:Q", x2=f"{hi}:Q")
    return (bars + rule).properties(title=title, width=520, height=220)


def styled(chart: alt.Chart) -> alt.Chart:
    """Fonts that render Chinese (for static export)."""
    return chart.configure(font=FONT)
