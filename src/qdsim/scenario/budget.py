"""Budget-neutral changes: move fiscal funds between programmes while the total stays fixed.

A planner's what-if is often "the same money, spent differently": a yuan
more for consumption assistance is a yuan less for industry. The programmes'
money is the fiscal funds split by ``levers.funds.shares``, so moving an
amount between two programmes changes their shares — by the amount over
that year's fiscal funds, year by year, since the funds differ by year —
and leaves the fiscal funds, donations and every other programme as they
are. The horizon (taper, stop) scales the moved amount as it scales the
rest.
"""

from __future__ import annotations

from qdsim.foundation.format import money_text
from qdsim.foundation.units import parse_quantity
from qdsim.scenario.levers import step_series
from qdsim.scenario.schema import PROGRAMMES, Scenario, Shares
from qdsim.scenario.years import value_at


def split_in(scenario: Scenario, year: int) -> Shares:
    """The split of the fiscal funds in effect in ``year`` (as :func:`qdsim.scenario.levers.resolve` reads it)."""
    shares = scenario.levers.funds.shares
    return value_at(shares, year, before=shares[min(shares)])


def move_funds(scenario: Scenario, amount: float | str, source: str, target: str, *, year: int) -> Scenario:
    """``scenario`` with ``amount`` of fiscal funds a year moved from programme ``source`` to ``target`` from ``year`` on.

    The total (fiscal funds and donations) is unchanged, so the result is a
    budget-neutral what-if: its cost-effectiveness against ``scenario`` is
    the difference itself (see :mod:`qdsim.results.cost`). The scenario it extends is
    kept, so it stays paired with its baseline.

    Args:
        scenario: the scenario to change.
        amount: 元 a year (a number, or ``"1 亿元"``, ``"5000 万元"``).
        source, target: programmes (``industry``, ``labour``, ``consumption``,
            ``village``, ``ecology``, ``social``, ``talent``).
        year: the first year of the move; it holds to the end of the period.

    Returns:
        A validated Scenario (same id: give it another with ``with_settings`` or
        ``with_changes`` if both are to be run side by side).

    Raises:
        ValueError: an unknown programme, a year outside the period, a year
            without fiscal funds, or more than ``source`` has in some year.

    >>> from qdsim.scenario.loader import load_scenario
    >>> s = move_funds(load_scenario("baseline"), "0.25 亿元", "industry", "consumption", year=2026)
    >>> round(split_in(s, 2026).consumption, 4)  # 5% of 5亿元 plus 0.25亿元, over 5亿元
    0.1
    """
    for name, p in (("source", source), ("target", target)):
        if p not in PROGRAMMES:
            raise ValueError(f"{name}: unknown programme {p!r} (programmes: {', '.join(PROGRAMMES)})")
    if source == target:
        raise ValueError("source and target are the same programme")
    x = parse_quantity(amount, "money")
    if x < 0:
        raise ValueError(f"amount must be 0 or more (to move money the other way, swap source and target), got {amount!r}")
    years = scenario.period.years
    if year not in years:
        raise ValueError(f"year {year} is outside the period {years[0]}–{years[-1]}")
    fiscal = step_series(scenario.levers.funds.fiscal, years)
    splits: dict[int, dict[str, float]] = {}
    for y, funds in zip(years, fiscal, strict=True):
        split = split_in(scenario, y).model_dump()
        if y >= year and x > 0:
            if funds <= 0:
                raise ValueError(f"there are no fiscal funds in {y} to move")
            have = split[source] * funds
            if x > have * (1 + 1e-9):
                raise ValueError(f"{source} has {money_text(have)} in {y}, less than the {money_text(x)} to move")
            delta = min(x / funds, split[source])
            split[source] = _clean(split[source] - delta)
            split[target] = _clean(split[target] + delta)
        splits[y] = split
    return scenario.with_changes({"levers.funds.shares": _compress(splits)})


def _clean(x: float) -> float:
    """A share without float noise (0.1 rather than 0.10000000000000003); shares still add up to 1 within 1e-9."""
    return float(f"{x:.12g}")


def _compress(splits: dict[int, dict[str, float]]) -> dict[int, dict[str, float]] | dict[str, float]:
    """Splits by year written only where they change (one split for every year when they never do)."""
    out: dict[int, dict[str, float]] = {}
    last = None
    for y, s in splits.items():
        if s != last:
            out[y] = s
            last = s
    return next(iter(out.values())) if len(out) == 1 else out

