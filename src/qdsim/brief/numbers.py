"""How the brief writes a number from summary.csv, and the record that lets a reader trace it.

Every number the brief takes from ``summary.csv`` goes through :func:`show`
(the planner's format of :func:`qdsim.foundation.format.planner_number`) and leaves a
:class:`Trace`: which row and column it came from, the value, and the exact
text printed. Tests re-read ``summary.csv``, format the same cell the same way
and find the text in the document, so a number in the brief cannot drift from
the run it cites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qdsim.foundation.format import difference, fixed, planner_number

#: how a value is shown: as it is, without its sign (after 高/低 or more/less),
#: with its sign (a difference that may go either way), or a share difference
#: in percentage points.
HOWS = ("plain", "abs", "signed", "pp")


@dataclass(frozen=True)
class Trace:
    """One number of the brief and the summary.csv cell it was read from."""

    scenario: str
    metric: str
    county: str
    year: int
    stat: str  # a summary.csv column: mean, p05, p95, impact_mean, impact_p05, impact_p95
    interval: str  # the summary.csv `interval` kind the row belongs to (chance, ...)
    value: float
    unit: str
    how: str
    full: str  # the value formatted on its own
    text: str  # what the brief prints (``full``, or part of it inside a compact range)
    source: str = "summary.csv"  # or cost.csv (metric = "<against>:<measure>")


def show(value: float, unit: str, lang: str, how: str = "plain") -> str:
    """Format ``value`` for the brief (one function for the brief and its tests)."""
    if how not in HOWS:
        raise ValueError(f"how must be one of {HOWS}, not {how!r}")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if how == "pp":
        pts = fixed(abs(value) * 100, 1)
        return f"{pts}个百分点" if lang == "zh" else f"{pts} percentage points"
    if how == "abs":
        return planner_number(abs(value), unit, lang)
    if how == "signed":  # a difference: a share's in percentage points
        return difference(value, unit, lang)
    return planner_number(value, unit, lang)


def _digit(c: str) -> bool:
    return c.isdigit()


def compact(lo: str, hi: str) -> tuple[str, str]:
    """Drop the unit the two ends of a range share: ('900元/人', '966元/人') -> ('900', '966元/人').

    Only a unit that follows a digit in both is dropped from the low end, and
    only a prefix followed by a digit in both ('CNY ') from the high end, so a
    range never reads as another number ('8,000万元–1.02亿元' stays whole).
    """
    n = 0
    while n < min(len(lo), len(hi)) and lo[-1 - n] == hi[-1 - n] and not _digit(lo[-1 - n]):
        n += 1
    if n and len(lo) > n and len(hi) > n and _digit(lo[-1 - n]) and _digit(hi[-1 - n]):
        lo = lo[:-n]
    m = 0
    while m < min(len(lo), len(hi)) and lo[m] == hi[m] and not _digit(lo[m]) and lo[m] not in "+-":
        m += 1
    if m and len(lo) > m and len(hi) > m and _digit(lo[m]) and _digit(hi[m]):
        hi = hi[m:]
    return lo, hi
