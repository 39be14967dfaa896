"""Quantities as planners write them: ``4.05 亿元``, ``500 万元``, ``30%``, ``1 万亩``.

A scenario value is a plain number in the field's base unit or a string
``"<number> <unit>"``. A unit of the wrong dimension (``5 亩`` for money) is
an error, never a silent conversion.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

#: base unit and accepted units (factor to the base unit) per dimension
DIMENSIONS: dict[str, tuple[str, dict[str, float]]] = {
    "money": ("元", {"元": 1.0, "yuan": 1.0, "CNY": 1.0, "万元": 1e4, "亿元": 1e8}),
    "area": ("亩", {"亩": 1.0, "mu": 1.0, "万亩": 1e4, "ha": 15.0, "公顷": 15.0}),
    "count": ("", {"": 1.0, "人": 1.0, "人次": 1.0, "个": 1.0, "家": 1.0, "所": 1.0, "万人": 1e4, "万": 1e4}),
    "share": ("", {"": 1.0, "%": 0.01}),
    "index": ("", {"": 1.0}),
    "money_per_worker": ("元/人", {"": 1.0, "元": 1.0, "元/人": 1.0}),
}

_QTY = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S*)\s*$")


class UnitError(ValueError):
    pass


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
    """
    base, units = DIMENSIONS[dimension]
    if isinstance(value, bool):
        raise UnitError(f"expected a number{f' in {base}' if base else ''}, got {value!r}")
    if isinstance(value, (int, float)):
        x = float(value)
    elif isinstance(value, str):
        m = _QTY.match(value.replace(",", ""))
        if not m:
            raise UnitError(f"cannot read {value!r} as a number with a unit")
        unit = m.group(2)
        if unit == "" and base:  # a bare number is in the base unit
            unit = next(u for u, f in units.items() if f == 1.0)
        if unit not in units:
            accepted = ", ".join(u for u in units if u) or "no unit"
            raise UnitError(f"wrong unit {unit!r} for a {dimension} value (use {accepted})")
        try:  # decimal arithmetic, so "35%" is exactly 0.35 and "4.05 亿元" exactly 405000000
            x = float(Decimal(m.group(1)) * Decimal(repr(units[unit])))
        except InvalidOperation:
            raise UnitError(f"cannot read {value!r} as a number") from None
    else:
        raise UnitError(f"expected a number, got {type(value).__name__}")
    if not math.isfinite(x):
        raise UnitError("must be a finite number")
    return x
