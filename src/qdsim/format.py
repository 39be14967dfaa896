"""Numbers as planners write them: 19.55亿元, 12.3万人次, 13,131元/人, 4.2%.

One function for the app, the brief and the command line, so that the same
number reads the same everywhere.
"""

from __future__ import annotations

import math
import re

_EN_UNITS = {"元": "CNY", "元/人": "CNY/person", "人次": "person-times", "人": "people", "户": "households",
             "个": "", "岗": "jobs", "亩": "mu", "斤/亩": "jin/mu", "茬/年": "crops/yr", "index": "", "share": ""}


def planner_number(value: float, unit: str, lang: str = "zh", signed: bool = False, digits: int = 4) -> str:
    """Format ``value`` (in ``unit``) for a planner.

    >>> planner_number(1.955e9, "元")
    '19.55亿元'
    >>> planner_number(123000, "人次", "en")
    '123,000 person-times'
    >>> planner_number(0.042, "share")
    '4.2%'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        return f"{sign}{value * 100:.1f}%"
    if unit == "index":
        return f"{sign}{value:.3f}"
    if lang == "zh":
        a = abs(value)
        if unit == "元" and a >= 1e8:
            return f"{sign}{_sig(value / 1e8, digits)}亿元"
        if unit == "元" and a >= 1e4:
            return f"{sign}{_sig(value / 1e4, digits)}万元"
        if unit in ("人次", "人", "户", "岗", "亩") and a >= 1e4:
            return f"{sign}{_sig(value / 1e4, digits)}万{unit}"
        return f"{sign}{_grouped(value)}{unit}"
    en_unit = _EN_UNITS.get(unit, unit)
    a = abs(value)
    if unit == "元" and a >= 1e8:
        return f"{sign}CNY {_sig(value / 1e9, digits)} bn" if a >= 1e9 else f"{sign}CNY {_sig(value / 1e6, digits)} m"
    if unit == "元" and a >= 1e6:
        return f"{sign}CNY {_sig(value / 1e6, digits)} m"
    text = _grouped(value)
    return f"{sign}{text} {en_unit}".rstrip()


def money_text(value: float, lang: str = "zh") -> str:
    """An amount of money for a sentence (a message, a problem): 2.5亿元, 500万元, 935元; never 2.5e+08.

    >>> money_text(2.5e8), money_text(5e6), money_text(-2.5e8, "en")
    ('2.5亿元', '500万元', 'CNY -250 m')
    """
    text = planner_number(value, "元", lang)
    return re.sub(r"(\d)\.(\d*?)0+(?!\d)", lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), text)


def _sig(x: float, digits: int) -> str:
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{decimals}f}"


def _grouped(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.1f}".rstrip("0").rstrip(".")
    return f"{x:.3g}"


def compact(value: float, unit: str, signed: bool = False) -> str:
    """A number for a table whose column states the unit: 1.64 bn, 53,333, 10.2%.

    >>> compact(1.636e9, "元"), compact(53333, "人次"), compact(0.1021, "share", signed=True)
    ('1.64 bn', '53,333', '+10.2%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        return f"{sign}{value * 100:.1f}%"
    a = abs(value)
    if a >= 1e9:
        return f"{sign}{value / 1e9:,.2f} bn"
    if a >= 1e7:
        return f"{sign}{value / 1e6:,.0f} m"
    return sign + _grouped(value)


def unit_label(unit: str, lang: str = "en") -> str:
    return unit if lang == "zh" else _EN_UNITS.get(unit, unit)


def interval(lo: float, hi: float, unit: str, lang: str = "zh", signed: bool = False) -> str:
    sep = "–"
    return f"{planner_number(lo, unit, lang, signed)}{sep}{planner_number(hi, unit, lang, signed)}"


def planner_scale(max_abs: float, unit: str, lang: str = "zh") -> tuple[float, str]:
    """The divisor and unit a planner would label an axis with, for values up to ``max_abs``.

    >>> planner_scale(6e8, "元")
    (100000000.0, '亿元')
    >>> planner_scale(6e8, "元", "en")
    (1000000.0, 'CNY m')
    """
    a = abs(max_abs) if max_abs == max_abs else 0.0  # NaN counts as 0
    if lang == "zh":
        if unit == "元" and a >= 1e8:
            return 1e8, "亿元"
        if unit == "元" and a >= 1e4:
            return 1e4, "万元"
        if unit in ("人次", "人", "户", "岗", "亩") and a >= 1e4:
            return 1e4, f"万{unit}"
        return 1.0, unit
    if unit == "元" and a >= 1e9:
        return 1e9, "CNY bn"
    if unit == "元" and a >= 1e6:
        return 1e6, "CNY m"
    return 1.0, _EN_UNITS.get(unit, unit)
