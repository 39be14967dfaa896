"""The brief's charts: the app's chart definitions (:mod:`qdsim.presentation.charts`) saved as PNG, the county map included.

A what-if's brief shows its difference from the baseline first; every brief
shows the scenario beside no cooperation, the impact, the counties sorted by
their difference, and the map of the seven counties.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd

from qdsim.presentation import charts

WIDTH = 560  # chart units; PNGs are drawn at charts.png's scale

_cache_lock = threading.Lock()
_cache: OrderedDict[tuple, list] = OrderedDict()
_CACHE_SIZE = 8


@dataclass(frozen=True)
class ChartSpec:
    name: str
    kind: str  # vs_baseline | time_series | impact | counties | map
    metric: str
    paired_only: bool = False  # only in a what-if's brief


#: the charts of a brief, in order
CHARTS = (
    ChartSpec("income-vs-baseline", "vs_baseline", "rural_income_per_capita", paired_only=True),
    ChartSpec("income-series", "time_series", "rural_income_per_capita"),
    ChartSpec("income-impact", "impact", "rural_income_per_capita"),
    ChartSpec("monitored-series", "time_series", "monitored_share"),
    ChartSpec("income-counties", "counties", "rural_income_per_capita"),
    ChartSpec("income-map", "map", "rural_income_per_capita"),
)

_SERIES = {"zh": ("本情景", "无协作对照"), "en": ("This scenario", "No cooperation")}


def chart(summary: pd.DataFrame, spec: ChartSpec, lang: str, county_names: dict[str, str], year: int, scenario: str,
          paired: bool, region: str = "dingxi"):
    """The Altair chart of ``spec`` as the app draws it; county charts show the difference from the baseline in a what-if."""
    of = "vs_baseline" if paired else "impact"
    if spec.kind == "time_series":
        mine, none = _SERIES[lang]
        return charts.trend([(mine, summary, scenario), (none, summary, f"{scenario}-counterfactual")], spec.metric, lang=lang, width=WIDTH)
    if spec.kind in ("vs_baseline", "impact"):
        return charts.difference_by_year(summary, spec.metric, lang=lang, of=spec.kind, scenario=scenario, width=WIDTH)
    if spec.kind == "counties":
        return charts.counties(summary, spec.metric, year, lang, county_names, of=of, width=WIDTH)
    if spec.kind == "map":
        return charts.county_map(summary, spec.metric, year, lang, county_names, of=of, region=region, width=420)
    raise ValueError(spec.kind)  # pragma: no cover - CHARTS is fixed above


def render_all(summary: pd.DataFrame, lang: str, county_names: dict[str, str], year: int, *, scenario: str, paired: bool,
               region: str = "dingxi", key: tuple | None = None) -> list[tuple[ChartSpec, bytes]]:
    """PNG of every chart of :data:`CHARTS` that applies; cached on ``key`` (the run's identity) when given."""
    ck = (key, lang, year) if key is not None else None
    if ck is not None:
        with _cache_lock:  # the app renders from several sessions (threads) at once
            if ck in _cache:
                _cache.move_to_end(ck)
                return _cache[ck]
    specs = [s for s in CHARTS if paired or not s.paired_only]
    out = [(s, charts.png(chart(summary, s, lang, county_names, year, scenario, paired, region))) for s in specs]
    if ck is not None:
        with _cache_lock:
            _cache[ck] = out
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return out
