"""Quantities as planners write them: ``4.05 亿元``, ``500 万元``, ``5亿``, ``30%``, ``３０％``, ``1 万亩``.

A scenario value is a plain number in the field's base unit or a string
``"<number> <unit>"``. What is unambiguous is accepted as Chinese users type
it: full-width digits and ％ (what input methods give), thousands separators
(``50,000万元``), ``亿``/``万`` on money (5亿 is 5亿元) and ``/年`` after a
money unit (money levers are amounts a year). A unit of the wrong dimension
(``5 亩`` for money) is an error that says what to write, never a silent
conversion.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal, InvalidOperation

from qdsim.foundation.format import money_text, plain

#: base unit and accepted units (factor to the base unit) per dimension
DIMENSIONS: dict[str, tuple[str, dict[str, float]]] = {
    "money": ("元", {"元": 1.0, "yuan": 1.0, "CNY": 1.0, "千元": 1e3, "万元": 1e4, "百万元": 1e6, "千万元": 1e7, "亿元": 1e8,
                     "万": 1e4, "千万": 1e7, "亿": 1e8}),
    "area": ("亩", {"亩": 1.0, "mu": 1.0, "万亩": 1e4, "ha": 15.0, "公顷": 15.0}),
    "count": ("", {"": 1.0, "人": 1.0, "人次": 1.0, "个": 1.0, "家": 1.0, "所": 1.0, "万人": 1e4, "万": 1e4}),
    "share": ("", {"": 1.0, "%": 0.01}),
    "index": ("", {"": 1.0}),
    "money_per_worker": ("元/人", {"": 1.0, "元": 1.0, "元/人": 1.0, "万元": 1e4, "万元/人": 1e4, "万": 1e4}),
}
#: how to write a value of each dimension, for messages (zh, en), as every bilingual table of qdsim
EXAMPLES: dict[str, tuple[str, str]] = {
    "money": ("以 元、万元 或 亿元 为单位的金额，如 4.05亿元 或 500万元", "an amount in 元, 万元 or 亿元, e.g. 4.05亿元 or 500万元"),
    "area": ("以 亩 或 万亩 为单位的面积，如 10000亩 或 1万亩", "an area in 亩 or 万亩, e.g. 10000亩 or 1万亩"),
    "count": ("一个数，如 28 或 12.3万", "a number, e.g. 28 or 12.3万"),
    "share": ("百分数或小数，如 30% 或 0.3", "a share as a percentage or a fraction, e.g. 30% or 0.3"),
    "index": ("一个数，如 1.1", "a plain number, e.g. 1.1"),
    "money_per_worker": ("每人金额（元），如 935元", "元 per worker, e.g. 935元"),
}
#: dimensions whose values are amounts a year, so that 亿元/年 means 亿元
PER_YEAR = {"money"}

_QTY = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S*)\s*$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


class UnitError(ValueError):
    pass


def show(x: float, dimension: str) -> str:
    """A value of a dimension for a message, as a planner writes it: 2.5亿元, 30%, 10,000亩 — never 2.5e+08.

    >>> show(-2.5e8, "money"), show(1.5, "share"), show(1e7, "count"), show(935, "money_per_worker")
    ('-2.5亿元', '150%', '10,000,000', '935元/人')
    """
    if dimension == "money":
        return money_text(x)
    if dimension == "share":
        return f"{plain(x * 100)}%"
    return f"{plain(x)}{DIMENSIONS[dimension][0]}"


#: full-width forms (ＦＦ０１–ＦＦ５Ｅ: digits, ％, ，, ．, letters) and the ideographic space, as ASCII
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}


def ascii_text(text: str) -> str:
    """``text`` with full-width characters as their ASCII forms (``２０２６`` → ``2026``, ``３０％`` → ``30%``).

    Chinese input methods type these by default; they mean exactly the ASCII
    characters, so accepting them loses nothing.
    """
    return text.translate(_FULL_WIDTH)


def parse_quantity(value: object, dimension: str) -> float:
    """Return ``value`` in the base unit of ``dimension``.

    >>> parse_quantity("4.05 亿元", "money")
    405000000.0
    >>> parse_quantity("30%", "share")
    0.3
    >>> parse_quantity("５亿", "money"), parse_quantity("50,000万元", "money"), parse_quantity("３０％", "share")
    (500000000.0, 500000000.0, 0.3)
    """
    base, units = DIMENSIONS[dimension]
    write = EXAMPLES[dimension][1]
    if isinstance(value, bool):
        raise UnitError(f"expected {write}, got {value!r}")
    if isinstance(value, numbers.Real):  # numpy's numbers too (an EMA IntegerParameter gives numpy.int64)
        try:
            x = float(value)
        except OverflowError:  # a whole number of 400 digits
            raise UnitError("must be a finite number") from None
    elif isinstance(value, str):
        text = _THOUSANDS.sub("", ascii_text(value)).strip()
        m = _QTY.match(text)
        if not m:
            raise UnitError(f"cannot read {value!r}: write {write}")
        unit = m.group(2)
        if dimension in PER_YEAR and unit.endswith("/年"):
            unit = unit.removesuffix("/年")
        if unit == "" and base:  # a bare number is in the base unit
            unit = next(u for u, f in units.items() if f == 1.0)
        if unit not in units:
            raise UnitError(f"wrong unit {unit!r}: write {write}")
        try:  # decimal arithmetic, so "35%" is exactly 0.35 and "4.05 亿元" exactly 405000000
            x = float(Decimal(m.group(1)) * Decimal(repr(units[unit])))
        except (InvalidOperation, OverflowError):
            raise UnitError(f"cannot read {value!r} as a number") from None
    else:
        raise UnitError(f"expected {write}, got {type(value).__name__}")
    if not math.isfinite(x):
        raise UnitError("must be a finite number")
    return x
