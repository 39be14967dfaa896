"""Years of a scenario: the span a scenario may cover, and year keys as people write them.

Apart from the schema so that :mod:`qdsim.scenario.paths` (which the schema's
``with_changes`` uses) can read them without importing the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qdsim.foundation.units import ascii_text

FIRST_YEAR = 2021
LAST_YEAR = 2035
ALL_YEARS = 0  # key of a series given as one value for every year


def year_key(k: Any) -> int:
    """A key of a series by year as the whole year it names.

    JSON (manifests, the run registry) and quoted YAML (``"2026": …``) give
    year keys as strings, and Chinese input methods type full-width digits
    (``２０２６``) or add 年; all of these name the year unambiguously.

    Raises:
        ValueError: the key is not a whole year (``2026.5``, ``"next year"``, ``True``).
    """
    if isinstance(k, int) and not isinstance(k, bool):
        return k
    if isinstance(k, str):
        text = ascii_text(k).strip().removesuffix("年").strip()
        if text.isascii() and text.isdigit():
            return int(text)
    raise ValueError(f"year keys must be whole years like 2024, got {k!r}")


def is_year_mapping(v: Any) -> bool:
    """Whether ``v`` is a non-empty mapping whose keys all name years (a series or a split by year)."""
    if not isinstance(v, dict) or not v:
        return False
    try:
        for k in v:
            year_key(k)
    except ValueError:
        return False
    return True


def value_at[V, D](series: Mapping[int, V], year: int, before: D) -> V | D:
    """The value in effect in ``year``: the one given for the latest year not after it, else ``before``.

    A series by year (a lever's values, the split of the funds) says what holds from each given year
    on, until the next given year; a value under ``ALL_YEARS`` (0) holds from the start. ``before`` is
    what holds in a year before the first one given (each caller says what that is: 0 for an amount,
    1 for an index, the first split for the shares).
    """
    given = [k for k in series if k <= year]
    return series[max(given)] if given else before


def outside(year: int, start: int = FIRST_YEAR, end: int = LAST_YEAR) -> str:
    """The one wording of a year outside a scenario's period (every check of years says it so)."""
    return f"year {year} is outside the period {start}–{end}"
