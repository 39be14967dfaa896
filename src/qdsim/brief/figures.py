"""The brief's charts: the app's chart definitions (:mod:`qdsim.charts`) saved as PNG.

vl-convert renders Vega-Lite without a browser. The charts are configured
with :data:`qdsim.charts.FONT` (Noto Sans CJK SC first) and the Noto CJK
font directory is registered with vl-convert when present, so Chinese labels
render as text, not as missing-glyph boxes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qdsim import charts

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto-cjk")
SCALE = 2.0  # pixels per chart unit: sharp in print and on screens

_lock = threading.Lock()  # vl-convert, one conversion at a time
_cache_lock = threading.Lock()
_fonts_registered = False
_cache: OrderedDict[tuple, list] = OrderedDict()
_CACHE_SIZE = 8


@dataclass(frozen=True)
class ChartSpec:
    name: str
    kind: str  # time_series | impact | counties
    metric: str


#: the charts of a brief, in order
CHARTS = (
    ChartSpec("income-series", "time_series", "rural_income_per_capita"),
    ChartSpec("income-impact", "impact", "rural_income_per_capita"),
    ChartSpec("monitored-series", "time_series", "monitored_share"),
    ChartSpec("impact-counties", "counties", "rural_income_per_capita"),
)


def _register_fonts() -> None:
    global _fonts_registered
    if _fonts_registered:
        return
    import vl_convert as vlc

    for d in FONT_DIRS:
        if Path(d).is_dir():
            vlc.register_font_directory(d)
    _fonts_registered = True


def chart(summary: pd.DataFrame, spec: ChartSpec, lang: str, county_names: dict[str, str], year: int):
    """The Altair chart of ``spec``, as the app draws it, with the CJK font configured."""
    if spec.kind == "time_series":
        c = charts.time_series(summary, spec.metric, "all", lang)
    elif spec.kind == "impact":
        c = charts.impact(summary, spec.metric, "all", lang)
    elif spec.kind == "counties":
        c = charts.counties(summary, spec.metric, year, lang, county_names, value="impact")
    else:  # pragma: no cover - CHARTS is fixed above
        raise ValueError(spec.kind)
    return charts.styled(c)


def png(chart_obj) -> bytes:
    """The chart as PNG, recompressed losslessly (a third of vl-convert's size: smaller briefs)."""
    import io

    import vl_convert as vlc
    from PIL import Image

    with _lock:
        _register_fonts()
        raw = vlc.vegalite_to_png(chart_obj.to_dict(), scale=SCALE)
    buf = io.BytesIO()
    Image.open(io.BytesIO(raw)).save(buf, "PNG", optimize=True)
    return buf.getvalue() if buf.tell() < len(raw) else raw


def render_all(summary: pd.DataFrame, lang: str, county_names: dict[str, str], year: int, key: tuple | None = None) -> list[tuple[ChartSpec, bytes]]:
    """PNG of every chart in :data:`CHARTS`; cached on ``key`` (the run's identity) when given."""
    ck = (key, lang, year) if key is not None else None
    if ck is not None:
        with _cache_lock:  # the app renders from several sessions (threads) at once
            if ck in _cache:
                _cache.move_to_end(ck)
                return _cache[ck]
    out = [(spec, png(chart(summary, spec, lang, county_names, year))) for spec in CHARTS]
    if ck is not None:
        with _cache_lock:
            _cache[ck] = out
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return out
