"""Numbers as planners write them: 19.55亿元, 12.3万人次, 13,131元/人, 4.2%; and how to read a difference.

One function for the app, the brief and the command line, so that the same
number reads the same everywhere. People and other counts are whole numbers;
money in Chinese is 亿元 or 万元, never e-notation; a change in a share is
in percentage points (个百分点).

How a planner reads a metric — which direction of change is good news, and
whether one year's value is annual, at year end or cumulative — is data
(each metric's record in ``data/metrics.yaml``, :mod:`qdsim.foundation.metrics`), read by
:func:`reading`. :func:`verdict` says what a difference with its 5–95%
interval means: good or bad news, or within chance variation when the
interval includes zero; :func:`describe` puts a difference into words (its verdict, signed text,
interval and meaning), the one wording the app, the charts, the brief and the command line use.

This is the only module that turns a number into text: besides the planner's
forms above, :func:`plain` (a value written out), :func:`significant`,
:func:`short` (a number as typed), :func:`whole_or_significant`, :func:`fixed` and :func:`percent`.
``tests/test_presentation_contract.py`` fails if the app, the brief or the CLI
formats a number or words a verdict itself. It is one module of about 400
lines on purpose: the one number formatter is one place to read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

#: a result from fewer replicates is rough: the app and the brief say so
CREDIBLE_REPLICATES = 20
#: units counted in whole things: shown as whole numbers
COUNTS = frozenset({"人次", "人", "人年", "户", "岗", "个", "家", "所"})
_EN_UNITS = {"元": "CNY", "元/人": "CNY/person", "人次": "person-times", "人": "people", "人年": "person-years", "户": "households",
             "个": "", "岗": "jobs", "亩": "mu", "斤/亩": "jin/mu", "茬/年": "crops/yr", "index": "", "share": "",
             "家": "", "所": "", "元/人/亿元": "CNY/person per CNY 100m", "人次/百万元": "person-times per CNY 1m"}


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
    if unit in COUNTS:
        value = float(round(value)) + 0.0  # whole people, households, jobs (+ 0.0: never "-0")
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        return f"{sign}{value * 100:.1f}%"
    if unit == "index":  # a Gini moves in the fourth decimal: show two significant figures, at least three decimals
        return f"{sign}{value:.{_decimals(abs(value), 2, at_least=3)}f}"
    if lang == "zh":
        a = abs(value)
        if unit == "元" and a >= 1e8:
            return f"{sign}{_sig(value / 1e8, digits)}亿元"
        if unit == "元" and a >= 1e4:
            return f"{sign}{_sig(value / 1e4, digits)}万元"
        if unit in ("人次", "人", "户", "亩") and a >= 1e4:  # not 岗: "万岗" is no unit a planner writes
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
    text = f"{x:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text  # 2.5亿元, not 2.500亿元


def _grouped(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.1f}".rstrip("0").rstrip(".")
    text = f"{x:.2f}".rstrip("0").rstrip(".")  # small amounts: positional, never e-notation
    return "0" if text in ("0", "-0") else text


_PLAIN_UNIT = re.compile(r"[\u4e00-\u9fff/%]+")


def parameter_text(value: float, unit: str, lang: str = "zh") -> str:
    """A parameter's value: in a planner's unit where it has one (元, 亩, %); else the number, with the
    catalogue's English unit description in English only (the parameter's name says what it is)."""
    if unit == "share" or unit in _EN_UNITS or _PLAIN_UNIT.fullmatch(unit):
        return planner_number(value, unit, lang)
    number = _grouped(value) if abs(value) >= 1 or value == 0 else f"{value:.4g}" if "e" not in f"{value:.4g}" else f"{value:.6f}".rstrip("0")
    return f"{number} {unit}" if lang == "en" else number


def compact(value: float, unit: str, signed: bool = False) -> str:
    """A number for a table whose column states the unit: 1.64 bn, 53,333, 10.2%.

    A signed share is a difference, in percentage points.

    >>> compact(1.636e9, "元"), compact(53333, "人次"), compact(0.1021, "share"), compact(-0.041, "share", signed=True)
    ('1.64 bn', '53,333', '10.2%', '-4.1 pp')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        return f"{sign}{value * 100:.1f} pp" if signed else f"{value * 100:.1f}%"
    a = abs(value)
    if a >= 1e9:
        return f"{sign}{value / 1e9:,.2f} bn"
    if a >= 1e7:
        return f"{sign}{value / 1e6:,.0f} m"
    return sign + _grouped(value)


def unit_label(unit: str, lang: str = "en") -> str:
    return unit if lang == "zh" else _EN_UNITS.get(unit, unit)


def interval(lo: float, hi: float, unit: str, lang: str = "zh", signed: bool = False) -> str:
    """A 5–95% interval on one scale, the unit once: '15,210–15,487元/人', '28.9–32.0%'; a signed one, which
    may cross zero, as '+0.99 至 +1.59亿元' (never '+9,867万元 至 +1.593亿元') or '-0.4 至 +0.2个百分点'.

    >>> interval(9.867e7, 1.593e8, "元", signed=True), interval(-164.2, 42.9, "元/人", signed=True)
    ('+0.99 至 +1.59亿元', '-164 至 +43元/人')
    """
    if any(x is None or (isinstance(x, float) and math.isnan(x)) for x in (lo, hi)):
        return "–"
    sep = (" 至 " if lang == "zh" else " to ") if signed else "–"
    if unit == "share":
        scale, word = 100.0, ("个百分点" if lang == "zh" else " percentage points") if signed else "%"
        decimals = 1 if max(abs(lo), abs(hi)) * 100 >= 0.1 or (lo == 0 and hi == 0) else 2
    elif unit == "index":
        scale, word = 1.0, ""
        decimals = _decimals(max(abs(lo), abs(hi)), 2, at_least=3)
    else:
        divisor, shown = planner_scale(max(abs(lo), abs(hi)), unit, lang)
        scale, word = 1 / divisor, (shown if lang == "zh" else f" {shown}" if shown else "")
        whole = unit in COUNTS and divisor == 1.0
        decimals = 0 if whole else _decimals(max(abs(lo), abs(hi)) / divisor, 3)

    def one(x: float) -> str:
        v = round(x * scale, decimals) + 0.0
        sign = "+" if signed and v > 0 else ""
        return f"{sign}{v:,.{decimals}f}"

    return f"{one(lo)}{sep}{one(hi)}{word}"


def _decimals(largest: float, significant: int, at_least: int = 0) -> int:
    """Decimals that give the larger end of an interval ``significant`` significant figures (none at 100 and above)."""
    if largest == 0 or not math.isfinite(largest):
        return at_least
    return max(at_least, significant - 1 - int(math.floor(math.log10(largest))), 0)


def difference(value: float, unit: str, lang: str = "zh") -> str:
    """A difference with its sign: '+83人', '-2.5亿元', a share's in percentage points ('-0.4个百分点').

    >>> difference(-2.5e8, "元"), difference(0.0042, "share"), difference(-0.0042, "share", "en")
    ('-2.5亿元', '+0.4个百分点', '-0.4 percentage points')
    """
    if unit == "share" and value == value:
        digits = 1 if abs(value) >= 0.001 or value == 0 else 2  # 0.04, not 0.0, for a small change that is not zero
        pts = round(value * 100, digits) + 0.0
        word = "个百分点" if lang == "zh" else " percentage points"
        return f"{'+' if pts > 0 else ''}{pts:.{digits}f}{word}"
    return planner_number(value, unit, lang, signed=True)


@dataclass(frozen=True)
class Reading:
    """How a planner reads one metric (its ``good`` and ``period`` in ``data/metrics.yaml``)."""

    good: str  # up | down | none: the direction of change that is good news
    period: str  # annual | year_end | cumulative: what one year's value is


PERIODS = {"annual": ("当年", "annual"), "year_end": ("年末", "year end"), "cumulative": ("累计", "cumulative")}


@cache
def readings() -> dict[str, Reading]:
    """Every metric's reading, by metric id."""
    from qdsim.foundation.metrics import catalogue  # reads a YAML file: only when a metric is read

    return {k: Reading(good=m.good, period=m.period) for k, m in catalogue().items()}


def reading(metric: str) -> Reading:
    return readings()[metric]


def period_word(metric: str, lang: str = "zh") -> str:
    """当年 / 年末 / 累计 (annual / year end / cumulative)."""
    zh, en = PERIODS[reading(metric).period]
    return zh if lang == "zh" else en


#: what a verdict says, in Chinese and English (app, charts, brief and CLI)
VERDICT_WORDS: dict[str, tuple[str, str]] = {
    "good": ("向好", "good news"),
    "bad": ("变差", "bad news"),
    "chance": ("在随机波动范围内", "within chance variation"),
    "neutral": ("有变化", "a change"),
    "same": ("无差别", "no difference"),
}


#: the short mark after a number or a name whose difference is within chance variation (a table cell, a map label)
CHANCE_MARK = {"zh": "（随机）", "en": " (chance)"}


def verdict_word(key: str, lang: str = "zh") -> str:
    """The words of a verdict (:func:`verdict`): 向好 / good news, 在随机波动范围内 / within chance variation, …"""
    zh, en = VERDICT_WORDS[key]
    return zh if lang == "zh" else en


def within_chance(lo: float, hi: float) -> bool:
    """True when a 5–95% interval of a difference includes zero (or is unknown): it may be chance variation."""
    return not (lo > 0 or hi < 0)


def verdict(metric: str, mean: float, lo: float, hi: float) -> str:
    """What a difference with its interval says: ``same`` (no difference at all), ``chance`` (the
    interval includes zero), ``good`` or ``bad`` (for the metric's good direction), or ``neutral``
    (a real change of a metric that has no good direction)."""
    if mean == 0 and lo == 0 and hi == 0:
        return "same"
    if within_chance(lo, hi):
        return "chance"
    good = reading(metric).good
    if good == "none":
        return "neutral"
    return "good" if (mean > 0) == (good == "up") else "bad"


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
        if unit in ("人次", "人", "户", "亩") and a >= 1e4:
            return 1e4, f"万{unit}"
        return 1.0, unit
    if unit == "元" and a >= 1e9:
        return 1e9, "CNY bn"
    if unit == "元" and a >= 1e6:
        return 1e6, "CNY m"
    return 1.0, _EN_UNITS.get(unit, unit)


@dataclass(frozen=True)
class Difference:
    """A difference of one metric with its 5–95% interval, in words: what :func:`describe` returns.

    ``verdict`` is :func:`verdict`'s key (``same`` when the difference is
    unknown), ``text`` the signed difference ('+83元/人'), ``range`` its
    interval ('-164 至 +43元/人'), ``meaning`` the verdict's words ('' when
    unknown).
    """

    metric: str
    mean: float
    lo: float
    hi: float
    known: bool
    verdict: str
    text: str
    range: str
    meaning: str

    @property
    def chance(self) -> bool:
        """True when the difference may be chance variation (its interval includes zero), or there is none."""
        return self.verdict in ("chance", "same")


def describe(metric: str, mean: float, lo: float, hi: float, lang: str = "zh", unit: str | None = None) -> Difference:
    """A difference of ``metric`` (``mean`` with its 5–95% interval ``lo``–``hi``) in words, in ``lang``.

    The one wording of a difference: the app's cards and tables, the charts'
    colours and tooltips, the brief's sentences and the CLI's table read it.
    A NaN mean is unknown ('–'). ``unit`` defaults to the metric's.

    >>> d = describe("rural_income_per_capita", 120.0, -40.0, 290.0)
    >>> d.verdict, d.text, d.range, d.meaning
    ('chance', '+120元/人', '-40 至 +290元/人', '在随机波动范围内')
    """
    mean, lo, hi = float(mean), float(lo), float(hi)
    if math.isnan(mean):
        return Difference(metric, mean, lo, hi, False, "same", "–", "–", "")
    if unit is None:
        from qdsim.foundation.metrics import catalogue  # reads a YAML file: only when a metric is read

        unit = catalogue()[metric].unit
    key = verdict(metric, mean, lo, hi)
    return Difference(metric, mean, lo, hi, True, key, difference(mean, unit, lang), interval(lo, hi, unit, lang, signed=True),
                      verdict_word(key, lang))


def plain(value: object) -> str:
    """A value written out, never in e-notation: whole numbers grouped by thousands, others to six significant
    figures; what is not a number as it is.

    >>> plain(5.2e6), plain(1e12), plain(3388.6), plain(0.013012), plain(2.5e-7), plain(-2.5), plain("x")
    ('5,200,000', '1,000,000,000,000', '3,388.6', '0.013012', '0.00000025', '-2.5', 'x')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    text = f"{value:,.6g}"
    if "e" in text:  # 6 significant digits, written out
        import numpy as np

        text = np.format_float_positional(value, precision=6, unique=False, fractional=False, trim="-")
    return text


def significant(x: float, digits: int = 3) -> str:
    """``digits`` significant figures, grouped by thousands from 100 on; e-notation only beyond everyday sizes
    (1e12 and more, below 1e-4); '–' for what is not finite.

    >>> significant(3456.0), significant(180.0), significant(47.66), significant(0.01583), significant(12345.6, 4)
    ('3,460', '180', '47.7', '0.0158', '12,350')
    """
    if not math.isfinite(x):
        return "–"
    a = abs(x)
    if a >= 1e12 or (0 < a < 1e-4):
        return f"{x:.{digits}g}"
    if a >= 100:
        return f"{float(f'{x:.{digits}g}'):,.0f}"
    return f"{x:.{digits}g}"


def short(x: float, digits: int = 6, grouped: bool = False) -> str:
    """A number as a person types it (an input box, a setting, a factor): ``digits`` significant figures, no
    trailing zeros, no grouping unless ``grouped``.

    >>> short(2.28), short(0.05), short(123456.7, 10, grouped=True)
    ('2.28', '0.05', '123,456.7')
    """
    return f"{x:,.{digits}g}" if grouped else f"{x:.{digits}g}"


def whole_or_significant(x: float, digits: int = 4) -> str:
    """A value in a table of values of every size (a parameter's, in the calibration report): whole and grouped
    from 10,000 on, else ``digits`` significant figures.

    >>> whole_or_significant(123456.7), whole_or_significant(3500.0), whole_or_significant(0.031416)
    ('123,457', '3500', '0.03142')
    """
    return fixed(x, 0, grouped=True) if abs(x) >= 1e4 else short(x, digits)


def lever_value(x: float, unit: str, lang: str = "zh") -> str:
    """A lever's value in its unit (:data:`qdsim.scenario.labels.LEVERS`): a planner's number where the unit is one
    (元, share, 亩, people), else four significant figures with the count word in Chinese ('28家'); a switch or an index bare.

    >>> lever_value(4.05e8, "元"), lever_value(28, "家"), lever_value(28, "家", "en"), lever_value(1.1, "index")
    ('4.05亿元', '28家', '28', '1.1')
    """
    if unit in ("share", "元", "亩", "人次", "人", "岗"):
        return planner_number(x, unit, lang)
    if lang == "en" or unit in ("switch", "index"):
        return significant(x, 4)
    return f"{significant(x, 4)}{unit}"


def fixed(x: float, decimals: int, signed: bool = False, grouped: bool = False) -> str:
    """``x`` with exactly ``decimals`` decimals ('0.23', '+1.5', '12,345'), for a table's column of like numbers."""
    return f"{x:{'+' if signed else ''}{',' if grouped else ''}.{decimals}f}"


def percent(x: float, decimals: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: '12.3%', a signed one '+1.3%'; never '-0.0%' ('0.0%'), '–' for None.

    >>> percent(0.123), percent(0.0131, signed=True), percent(-0.0001, signed=True)
    ('12.3%', '+1.3%', '0.0%')
    """
    if x is None:
        return "–"
    text = f"{float(x):{'+' if signed else ''}.{decimals}%}"
    zero = f"{0:.{decimals}%}"
    return zero if text.lstrip("+-") == zero else text
