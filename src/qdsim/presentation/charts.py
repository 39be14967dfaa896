"""Chart definitions shared by the app and the brief (Altair; plain functions of a run's ``summary``).

The app shows them, the brief saves them as PNG (vl-convert), and tests call
them directly. Data stay in the metric's own unit (元, 人次, share); only the
axis reads in planner units (亿元, 万人次, %, 个百分点) through
:func:`qdsim.foundation.format.planner_scale`. A difference (impact against no
cooperation, or against the baseline) is drawn with its 5–95% interval and
coloured by what it means (:func:`qdsim.foundation.format.verdict`): green good news,
red bad news, grey within chance variation or without a good direction.
"""

from __future__ import annotations

import io
import json
import threading
from functools import cache
from importlib import resources
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from qdsim.foundation.format import CHANCE_MARK, VERDICT_WORDS, describe, fixed, planner_scale, reading, verdict_word
from qdsim.foundation.metrics import catalogue
from qdsim.presentation.words import SHARED

FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
#: line colours: the scenario first (the app's red), then the baseline, the counterfactual, others
PALETTE = ["#d33f49", "#1f77b4", "#8c8c8c", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf"]
#: a difference's colour by its verdict
VERDICT_COLOURS = {"good": "#2e8b57", "bad": "#c0392b", "chance": "#a6a6a6", "neutral": "#7f8c8d", "same": "#a6a6a6"}
#: what the difference columns of summary.csv are called
DIFFS = {"impact": ("impact_mean", "impact_p05", "impact_p95"), "vs_baseline": ("vs_baseline_mean", "vs_baseline_p05", "vs_baseline_p95"),
         "diff": ("diff_mean", "diff_p05", "diff_p95")}

_WORDS = {
    "year": ("年份", "Year"),
    "impact": ("较无协作：", "Against no cooperation: "),
    "vs_baseline": ("较基准：", "Against the baseline: "),
    "diff": ("差别：", "Difference: "),
    "interval": SHARED["interval"],
    "county": SHARED["county"],
    "series": ("情景", "Series"),
}


def word(key: str, lang: str) -> str:
    """A chart's word (year, county, …), or a verdict's (:data:`qdsim.foundation.format.VERDICT_WORDS`)."""
    zh, en = _WORDS[key] if key in _WORDS else VERDICT_WORDS[key]
    return zh if lang == "zh" else en


def axis_unit(metric: str, lang: str, max_abs: float = 0.0, diff: bool = False) -> str:
    """The unit a planner would label an axis with, for values up to ``max_abs`` ("" where the ticks say it: %)."""
    unit = catalogue()[metric].unit
    if unit == "share":
        return ("个百分点" if lang == "zh" else "percentage points") if diff else ""
    if unit == "index":
        return ""
    return planner_scale(max_abs, unit, lang)[1]


def metric_label(metric: str, lang: str, max_abs: float = 0.0, diff: bool = False) -> str:
    """``name (unit)`` with the unit a planner would use for values up to ``max_abs``."""
    name, unit = catalogue()[metric].name(lang), axis_unit(metric, lang, max_abs, diff)
    if not unit or f"({unit})" in name or f"（{unit}）" in name:
        return name
    return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


def _axis(metric: str, max_abs: float, lang: str, diff: bool) -> alt.Axis:
    unit = catalogue()[metric].unit
    if unit == "share":
        return alt.Axis(labelExpr="format(datum.value * 100, '.2~f')") if diff else alt.Axis(format=".1~%")  # never two ticks alike
    if unit == "index":
        return alt.Axis(format=".2f")
    div, _ = planner_scale(max_abs, unit, lang)
    if div == 1:
        return alt.Axis(format=",.4~r")
    return alt.Axis(labelExpr=f"format(datum.value / {fixed(div, 0)}, ',.4~r')")


def _max_abs(values) -> float:
    a = np.abs(np.asarray(values, dtype=float))
    a = a[np.isfinite(a)]
    return float(a.max()) if a.size else 0.0


def planner_axis(chart: alt.LayerChart, metric: str, values, lang: str, channel: str = "y", prefix: str = "", suffix: str = "",
                 diff: bool = False) -> alt.LayerChart:
    """The chart titled ``prefix + name (unit) + suffix``, its quantitative ``channel`` axis in planner units.

    The axis title is the unit alone: a long rotated title squeezes the plot
    in a short chart. ``values`` are the numbers the axis spans (to choose
    亿元 or 万元); ``diff``: the values are differences (a share's are in
    percentage points).
    """
    max_abs = _max_abs(values)
    axis = _axis(metric, max_abs, lang, diff)
    unit = axis_unit(metric, lang, max_abs, diff)
    for layer in chart.layer:
        enc = getattr(layer.encoding, channel, alt.Undefined)
        if enc is alt.Undefined or isinstance(enc, str) or getattr(enc, "field", None) is None:
            continue
        enc.axis = axis
        enc.title = unit or None
    title = alt.TitleParams(prefix + metric_label(metric, lang, max_abs, diff) + suffix, anchor="start")
    return chart.properties(title=title)


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


def trend(series: list[tuple[str, pd.DataFrame, str]], metric: str, county: str = "all", lang: str = "zh", prefix: str = "",
          width: int | str = "container") -> alt.LayerChart:
    """Mean by year with its 90% band, one line per scenario (in the order given)."""
    d = scenarios_frame(series, metric, county)
    labels = [s[0] for s in series]
    long = {"columns": 1} if max(len(x) for x in labels) > 16 else {}  # long names: one per line
    fmt = ".1%" if catalogue()[metric].unit == "share" else ",.4~g"
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=labels, range=PALETTE),
                      legend=alt.Legend(orient="bottom", labelLimit=600, symbolOpacity=1, **long))
    base = alt.Chart(d).encode(x=alt.X("year:O", title=word("year", lang), axis=alt.Axis(labelAngle=0)), color=color)
    band = base.mark_area(opacity=0.18).encode(y=alt.Y("p05:Q", scale=alt.Scale(zero=False)), y2="p95:Q")
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q"),
        tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("year:O"), alt.Tooltip("mean:Q", format=fmt),
                 alt.Tooltip("p05:Q", format=fmt), alt.Tooltip("p95:Q", format=fmt)],
    )
    chart = (band + line).properties(height=300, width=width)
    return planner_axis(chart, metric, d[["p05", "p95"]].to_numpy(), lang, prefix=prefix)


def _with_verdicts(d: pd.DataFrame, metric: str, of: str, lang: str) -> pd.DataFrame:
    """The difference rows with what each means and its text, for colour and tooltip."""
    mean, lo, hi = DIFFS[of]
    unit = catalogue()[metric].unit
    words = [describe(metric, m, a, b, lang, unit) for m, a, b in zip(d[mean], d[lo], d[hi], strict=True)]
    d = d.copy()
    d["verdict"] = [w.verdict for w in words]
    d["meaning"] = [w.meaning for w in words]
    d["text"] = [w.text for w in words]
    d["range"] = [w.range for w in words]
    return d


def _verdict_colour(lang: str) -> alt.Color:
    keys = list(VERDICT_COLOURS)
    return alt.Color("meaning:N", title=None, scale=alt.Scale(domain=[verdict_word(k, lang) for k in keys], range=list(VERDICT_COLOURS.values())),
                     legend=alt.Legend(orient="bottom"))


def _tooltip(lang: str, first: alt.Tooltip) -> list:
    return [first, alt.Tooltip("text:N", title=word("diff", lang).rstrip("：: ")), alt.Tooltip("range:N", title=word("interval", lang)),
            alt.Tooltip("meaning:N", title="")]


def difference_by_year(summary: pd.DataFrame, metric: str, county: str = "all", lang: str = "zh", of: str = "impact",
                       scenario: str | None = None, width: int | str = "container") -> alt.LayerChart:
    """A difference by year (``of``: impact, vs_baseline) as bars with their 5–95% whiskers, coloured by meaning."""
    d = summary[(summary.metric == metric) & (summary.county == county) & ~summary.scenario.str.endswith("-counterfactual")]
    if scenario is not None:
        d = d[d.scenario == scenario]
    mean, lo, hi = DIFFS[of]
    d = _with_verdicts(d.dropna(subset=[mean]), metric, of, lang)
    base = alt.Chart(d).encode(x=alt.X("year:O", title=word("year", lang), axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(opacity=0.8).encode(y=alt.Y(f"{mean}:Q"), color=_verdict_colour(lang),
                                             tooltip=_tooltip(lang, alt.Tooltip("year:O", title=word("year", lang))))
    rule = base.mark_rule(color="#333").encode(y=f"{lo}:Q", y2=f"{hi}:Q")
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#555", strokeDash=[3, 3]).encode(y="zero:Q")
    chart = (bars + rule + zero).properties(height=260, width=width)
    return planner_axis(chart, metric, d[[lo, hi]].to_numpy(), lang, prefix=word(of, lang), diff=True)


def counties(summary: pd.DataFrame, metric: str, year: int, lang: str = "zh", county_names: dict[str, str] | None = None,
             of: str = "impact", width: int | str = "container") -> alt.LayerChart:
    """The seven counties' difference in one year, sorted by effect, with 5–95% whiskers and a zero line."""
    d = county_rows(summary, metric, year, of)
    d = d.assign(name=[county_names.get(c, c) if county_names else c for c in d.county])
    return difference_bars(d, metric, lang, of, word("county", lang), suffix=f" · {year}", width=width)


def difference_bars(d: pd.DataFrame, metric: str, lang: str, of: str, what: str, suffix: str = "",
                    width: int | str = "container") -> alt.LayerChart:
    """One bar per row of ``d`` (labelled by its ``name``), sorted by the difference ``of``, with 5–95% whiskers and a zero line.

    Used for counties and for scenarios on the compare page: a horizontal bar a
    row keeps every label readable, however many rows and however close their
    values.
    """
    mean, lo, hi = DIFFS[of]
    d = _with_verdicts(d.dropna(subset=[mean]), metric, of, lang)
    order = list(d.sort_values(mean, ascending=False).name)
    base = alt.Chart(d).encode(y=alt.Y("name:N", title=None, sort=order, axis=alt.Axis(labelLimit=320, labelOverlap=False)))
    bars = base.mark_bar(opacity=0.8).encode(x=alt.X(f"{mean}:Q"), color=_verdict_colour(lang),
                                             tooltip=_tooltip(lang, alt.Tooltip("name:N", title=what)))
    rule = base.mark_rule(color="#333").encode(x=f"{lo}:Q", x2=f"{hi}:Q")
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#555", strokeDash=[3, 3]).encode(x="zero:Q")
    chart = (bars + rule + zero).properties(height=max(120, 40 * len(d)), width=width)
    return planner_axis(chart, metric, d[[lo, hi]].to_numpy(), lang, channel="x", prefix=word(of, lang), suffix=suffix, diff=True)


@cache
def boundaries(region: str = "dingxi") -> dict:
    """The region's county boundaries (GeoJSON; source and licence in the region's README.md)."""
    return json.loads((resources.files("qdsim") / "data" / "regions" / region / "counties.geojson").read_text(encoding="utf-8"))


def county_map(summary: pd.DataFrame, metric: str, year: int, lang: str = "zh", county_names: dict[str, str] | None = None,
               of: str = "impact", region: str = "dingxi", width: int | str = 420) -> alt.LayerChart:
    """The counties coloured by what their difference in one year means: green good news, red bad news (by the
    metric's good direction: a fall in the monitored share is green); grey where within chance.

    The shade says how large the change is; a county whose interval includes
    zero is drawn grey with its name marked, whatever its mean. A metric with
    no good direction is coloured blue up, orange down.
    """
    mean = DIFFS[of][0]
    d = _with_verdicts(county_rows(summary, metric, year, of), metric, of, lang).set_index("county")
    unit = catalogue()[metric].unit
    max_abs = _max_abs(d[mean])
    div = 0.01 if unit == "share" else 1.0 if unit == "index" else planner_scale(max_abs, unit, lang)[0]
    direction = reading(metric).good
    good = -1.0 if direction == "down" else 1.0  # the colour's value: positive is good news
    ends = ["#e67e22", "#2c7bb6"] if direction == "none" else [VERDICT_COLOURS["bad"], VERDICT_COLOURS["good"]]
    features = []
    for f in boundaries(region)["features"]:
        cid = f["id"]
        if cid not in d.index:
            continue
        r = d.loc[cid]
        name = county_names.get(cid, cid) if county_names else cid
        features.append({**f, "properties": {"name": name, "value": float(r[mean]) / div * good, "chance": r.verdict in ("chance", "same"),
                                             "text": r.text, "range": r.range, "meaning": r.meaning}})
    span = max((abs(x["properties"]["value"]) for x in features), default=1.0) or 1.0
    data = alt.Data(values=features)
    tooltip = [alt.Tooltip("properties.name:N", title=word("county", lang)), alt.Tooltip("properties.text:N", title=word("diff", lang).rstrip("：: ")),
               alt.Tooltip("properties.range:N", title=word("interval", lang)), alt.Tooltip("properties.meaning:N", title="")]
    shapes = alt.Chart(data).mark_geoshape(stroke="white", strokeWidth=1.2).encode(
        color=alt.condition("datum.properties.chance", alt.value("#d9d9d9"),
                            alt.Color("properties.value:Q", legend=None,
                                      scale=alt.Scale(domain=[-span, 0, span], range=[ends[0], "#f4f4f4", ends[1]]))),
        tooltip=tooltip,
    )
    labels = alt.Chart(data).mark_text(fontSize=11, color="#222").encode(
        longitude="lon:Q", latitude="lat:Q", text="label:N",
    ).transform_calculate(
        lon="geoCentroid(null, datum)[0]", lat="geoCentroid(null, datum)[1]",
        label=f"datum.properties.name + (datum.properties.chance ? '{CHANCE_MARK[lang]}' : '')",
    )
    title = alt.TitleParams(word(of, lang) + metric_label(metric, lang, max_abs, diff=True) + f" · {year}", anchor="start",
                            subtitle=_map_note(lang, direction))
    return (shapes + labels).project("mercator").properties(width=width, height=width if isinstance(width, int) else 420, title=title)


def _map_note(lang: str, direction: str = "up") -> list[str]:
    """The map's subtitle, one short line each (a narrow column must not cut it)."""
    if direction == "none":
        first = "蓝色为增加、橙色为减少，颜色越深差别越大；" if lang == "zh" else "Blue up, orange down, darker for larger;"
    else:
        first = "绿色为向好、红色为变差，颜色越深差别越大；" if lang == "zh" else "Green good news, red bad news, darker for larger;"
    return [first, "灰色为在随机波动范围内（90%区间包含零）。" if lang == "zh" else "grey: within chance variation (the 90% interval includes zero)."]


def styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Fonts that render Chinese (for static export)."""
    return chart.configure(font=FONT)


FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto-cjk")
_png_lock = threading.Lock()  # vl-convert, one conversion at a time
_fonts: list[str] = []


def png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart as a PNG with fonts that render Chinese, recompressed losslessly (a third of vl-convert's size).

    vl-convert renders Vega-Lite without a browser; the Noto CJK font
    directory is registered with it when present, so Chinese labels render as
    text, not as missing-glyph boxes. A chart with ``width="container"`` is
    drawn 640 pixels wide.
    """
    import vl_convert as vlc
    from PIL import Image

    spec = styled(chart).to_dict()
    if spec.get("width") == "container":
        spec["width"] = 640
    with _png_lock:
        if not _fonts:
            _fonts.extend(d for d in FONT_DIRS if Path(d).is_dir())
            for d in _fonts:
                vlc.register_font_directory(d)
        raw = vlc.vegalite_to_png(spec, scale=scale)
    buf = io.BytesIO()
    Image.open(io.BytesIO(raw)).save(buf, "PNG", optimize=True)
    return buf.getvalue() if buf.tell() < len(raw) else raw


def county_rows(summary: pd.DataFrame, metric: str, year: int, of: str = "impact") -> pd.DataFrame:
    """The counties' rows of one metric and year, sorted by their difference (largest first)."""
    d = summary[(summary.metric == metric) & (summary.year == year) & (summary.county != "all")
                & ~summary.scenario.str.endswith("-counterfactual")]
    return d.sort_values(DIFFS[of][0], ascending=False)


__all__ = ["DIFFS", "FONT", "PALETTE", "VERDICT_COLOURS", "axis_unit", "boundaries", "counties", "county_map", "county_rows",
           "difference_bars", "difference_by_year", "metric_label", "planner_axis", "png", "scenarios_frame", "styled", "trend", "word"]
