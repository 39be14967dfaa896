"""What-ifs as a planner builds them: a base scenario with levers moved *from a year on*, on top of ``Scenario.with_changes``.

"What if the showrooms grow to 40 from 2026?": the lever keeps its history
before that year and takes the new value from it — the dotted path
``levers.consumption.showrooms.2026`` of :meth:`~qdsim.scenario.Scenario.with_changes`,
whose meaning of "from year Y on" this is (:mod:`qdsim.scenario.paths`). A
change in the period's first year (or before) replaces the whole series. A
lever left out keeps its series untouched, so no change gives back the base
itself. The split of the fiscal funds from a year on, which no dotted path
names, is set here on the scenario's data. Values are in model units (元, a
share as a fraction); the app's form converts its display units
(:mod:`qdsim.app.scenario_builder`) and names the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qdsim.scenario import schema as sch
from qdsim.scenario.levers import event_series, step_series
from qdsim.scenario.records import lever_records
from qdsim.scenario.schema import Scenario

#: the first year after the transition period: where a what-if changes by default (:func:`default_year`), and so where
#: a baseline keeps its model states for the what-ifs that go on from them (:func:`qdsim.simulation.snapshots.default_index`)
DEFAULT_YEAR = 2026


def default_year(scenario: Scenario) -> int:
    """The first year a what-if changes by default: :data:`DEFAULT_YEAR` (2026), the first after the transition period,
    within the scenario's period."""
    return min(max(DEFAULT_YEAR, scenario.period.start), scenario.period.end)


def shares_in(scenario: Scenario, year: int) -> sch.Shares:
    """The split in effect in ``year`` (as :func:`qdsim.scenario.levers.resolve` reads it)."""
    shares = scenario.levers.funds.shares
    given = [k for k in shares if k <= year]  # ALL_YEARS (0) is always given
    return shares[max(given)] if given else shares[min(shares)]


def value_in(scenario: Scenario, key: str, year: int) -> float:
    """The value lever ``key`` (a record's key, or ``funds.shares.<programme>``) has in ``year`` (model units)."""
    if key.startswith("funds.shares."):
        return getattr(shares_in(scenario, year), key.rsplit(".", 1)[1])
    r = lever_records()[key]
    owner = scenario.conditions if r.group == "conditions" else getattr(scenario.levers, r.group)
    value = getattr(owner, r.field)
    if not r.series:
        return value
    return float(step_series(value, [year], before=1.0 if r.kind == "index" else 0.0)[0])  # price indices start at 1


def droughts(scenario: Scenario) -> tuple[float, list[int]]:
    """(severity, years) of the scenario's droughts; the strongest severity if they differ."""
    years = scenario.period.years
    sev = event_series(scenario.conditions.drought, years)
    hit = [y for y, s in zip(years, sev, strict=True) if s > 0]
    return (float(sev.max()) if hit else 0.0), hit


def _money_text(key: str, value: Any) -> Any:
    """A money lever's value with its unit written (a what-if's amounts are 元, whatever their size)."""
    r = lever_records()[key]
    return f"{float(value)!r} 元" if r.kind == "money" and isinstance(value, (int, float)) and value != 0 else value


def from_year(base: Scenario, year: int, levers: Mapping[str, float] | None = None, *, shares: Mapping[str, float] | None = None,
              drought: tuple[float, list[int]] | None = None, conditions: Mapping[str, float] | None = None,
              horizon: Mapping[str, Any] | None = None) -> Scenario:
    """``base`` with ``levers`` (record key → value, model units) moved from ``year`` on.

    ``shares``: a new split of the fiscal funds from ``year`` on (programme →
    share, adding up to 1); ``drought``: (severity, years), the droughts of the
    whole period; ``conditions``: one-value conditions (``hail_multiplier``,
    ``qingdao_wage_growth``); ``horizon``: its fields. The id stays the base's
    (the caller names a what-if). Raises
    :class:`~qdsim.scenario.yamlfile.ScenarioError` (each problem naming its
    path) or pydantic's ValidationError (a split that does not add up).
    """
    year = min(max(year, base.period.start), base.period.end)
    changes: dict[str, Any] = {}
    for key, value in (levers or {}).items():
        r = lever_records()[key]
        path = ".".join(r.path)
        if not r.series:
            changes[path] = value
        elif year <= base.period.start:
            changes[path] = _money_text(key, value)  # from the first year: the whole series
        else:
            changes[f"{path}.{year}"] = _money_text(key, value)
    if drought is not None:
        severity, years = drought
        changes["conditions.drought"] = {y: severity for y in years} if years and severity > 0 else 0.0
    for name, value in (conditions or {}).items():
        changes[f"conditions.{name}"] = value
    for name, value in (horizon or {}).items():
        changes[f"horizon.{name}"] = value
    out = base.with_changes(changes, id=base.id) if changes else base
    if shares is None:
        return out
    data = out.model_dump()
    data["levers"]["funds"]["shares"] = _split_from(base, dict(shares), year)
    new = Scenario.model_validate(data)
    new._base = out._base  # still paired with the scenario it extends, as with_changes keeps it
    return new


def _split_from(base: Scenario, split: dict[str, float], year: int) -> Any:
    """The base's split before ``year``, ``split`` from it (one split for the whole period from its first year)."""
    if year <= base.period.start:
        return split
    shares = base.levers.funds.shares
    kept = {y: s.model_dump() for y, s in shares.items() if y < year and y != sch.ALL_YEARS}
    if sch.ALL_YEARS in shares or not kept:
        kept = {base.period.start: shares_in(base, base.period.start).model_dump(), **kept}
    return {**kept, year: split}
