"""What a field of a scenario file accepts: a quantity in its unit within a range, a series by year, a one-line
title or free text, a whole number; and the rule that refuses a bare small number on a money lever.

The scenario schema (:mod:`qdsim.scenario.schema`) builds its fields from
these; each refuses a wrong value with a message that says what to write.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

from qdsim.foundation.format import plain
from qdsim.foundation.units import ascii_text, parse_quantity, show
from qdsim.scenario.years import ALL_YEARS, year_key

#: a bare number (no unit) on a money lever below this is refused: 5 is 5 元 a year, almost surely a missing 亿元 or 万元
BARE_MONEY_MIN = 1e5


def _bare_money(v: Any) -> None:
    """Refuse a number without a unit on a money lever that is too small to be meant in 元 (``5`` for ``5亿元``)."""
    if isinstance(v, bool):
        return
    if isinstance(v, str):
        text = ascii_text(v).replace(",", "").strip()
        try:
            x = float(text)
        except ValueError:
            return  # has a unit (or is not a number: parse_quantity says so)
    elif isinstance(v, numbers.Real):
        try:
            x = float(v)
        except OverflowError:
            return  # parse_quantity says it is not a finite number
    else:
        return
    if x != 0 and math.isfinite(x) and abs(x) < BARE_MONEY_MIN:
        raise ValueError(f"a number without a unit is read as 元, and {plain(x)} 元 a year is far below any cooperation budget "
                         f"(did you mean '{plain(x)}亿元'?): write the unit, e.g. {plain(x)}亿元 or {plain(x)}万元")


#: the money levers, whose bare numbers are checked where people write them (files, changes)
MONEY_LEVERS = (("levers", "funds", "fiscal"), ("levers", "funds", "donations"))


def bare_money_problems(data: Any) -> list[tuple[tuple, str]]:
    """``(location, message)`` for every bare number too small to be meant in 元 on a money lever of scenario data as written.

    Checked where a person writes a value (a scenario file, ``with_changes``),
    not when the schema reads data it wrote itself (a dump, a manifest), which
    holds plain 元.
    """
    out = []
    for path in MONEY_LEVERS:
        node = data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        values = node.items() if isinstance(node, dict) else [(None, node)] if node is not None else []
        for year, v in values:
            try:
                _bare_money(v)
            except ValueError as e:
                out.append((path + ((year,) if year is not None else ()), str(e)))
    return out


def _series(dimension: str, lo: float, hi: float):
    def parse(v: Any) -> dict[int, float]:
        if isinstance(v, dict):
            if not v:
                raise ValueError("give at least one year")
            out = {}
            for k, x in v.items():
                year = year_key(k)
                if year in out:
                    raise ValueError(f"the year {year} is given twice")
                out[year] = _check(_quantity(x, dimension, lo, hi), year)
            return dict(sorted(out.items()))
        return {ALL_YEARS: _check(_quantity(v, dimension, lo, hi), None)}

    def _check(x: float, year: int | None) -> float:
        if not lo <= x <= hi:
            where = f" in {year}" if year else ""
            raise ValueError(f"{show(x, dimension)}{where} is outside the allowed range [{show(lo, dimension)}, {show(hi, dimension)}]")
        return x

    def dump(v: dict[int, float]) -> Any:
        if set(v) == {ALL_YEARS}:
            return _num(v[ALL_YEARS])
        return {k: _num(x) for k, x in v.items()}

    parse.dimension = dimension  # what is_count reads
    return Annotated[dict[int, float], BeforeValidator(parse), PlainSerializer(dump)]


def _with_yuan(x: float | int) -> float | int | str:
    return x if x == 0 else f"{x!r} 元"


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def _quantity(v: Any, dimension: str, lo: float, hi: float) -> float:
    """:func:`parse_quantity`, with a number too large for a float (a 400-digit one) refused as out of range."""
    try:
        return parse_quantity(v, dimension)
    except OverflowError:
        raise ValueError(f"the number is far too large (allowed: {show(lo, dimension)} to {show(hi, dimension)})") from None


def _scalar(dimension: str, lo: float, hi: float):
    def parse(v: Any) -> float:
        x = _quantity(v, dimension, lo, hi)
        if not lo <= x <= hi:
            raise ValueError(f"{show(x, dimension)} is outside the allowed range [{show(lo, dimension)}, {show(hi, dimension)}]")
        return x

    return Annotated[float, BeforeValidator(parse), PlainSerializer(_num)]


# A lever's type (its dimension and range) is made from its record in data/levers.yaml: see _lever_field.


#: control characters (C0, DEL, C1); newline and tab among them
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: bidirectional embeddings, overrides, isolates and marks: they reorder the text shown (a file name read backwards)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _shown_text(v: Any, *, lines: bool) -> Any:
    """Refuse in free text what would change how it is shown rather than what it says: control characters
    (newlines too where ``lines`` is False: in a title a newline makes a fake heading) and bidirectional overrides."""
    if not isinstance(v, str):
        return v
    bad = _BIDI.search(v) or _CONTROL.search(v.replace("\n", "").replace("\t", "") if lines else v)
    if bad:
        ch = bad.group(0)
        what = ("a new line" if ch in "\r\n" else "a tab" if ch == "\t" else "a right-to-left/left-to-right override"
                if _BIDI.match(ch) else "a control character")
        where = " (a title is one line)" if ch in "\r\n\t" else ""
        raise ValueError(f"contains {what} (U+{hex(ord(ch))[2:].upper().zfill(4)}) at character {bad.start() + 1}{where}; remove it")
    return v


TitleText = Annotated[str, BeforeValidator(lambda v: _shown_text(v, lines=False))]
Description = Annotated[str, BeforeValidator(lambda v: _shown_text(v, lines=True))]


def _whole(v: Any) -> Any:
    """A whole number, never ``true``/``false`` (YAML's booleans are not counts)."""
    if isinstance(v, bool):
        raise ValueError(f"must be a whole number, not {str(v).lower()}")
    return v


Whole = Annotated[int, BeforeValidator(_whole)]
