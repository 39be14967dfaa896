"""Dotted paths: the names batch files, ``Scenario.with_changes`` and the EMA adapter use for a scenario's fields.

A path names one field of a :class:`~qdsim.scenario.Scenario`:

- ``levers.labour.subsidy_per_worker`` — a lever; a value replaces the whole
  series (a single value holds for every year; ``Scenario.with_changes``
  refuses a series by year that starts after the period start unless
  ``replace=True``, since its earlier years would be 0);
- ``levers.funds.fiscal.2026`` — the value from that year on: the years
  before keep the base's values, the later years of the base give way to it
  (the meaning of the app's 调整从哪一年起生效 and of a series given from a
  year under ``extends:``); ``conditions.drought.2026`` sets that year alone
  (a drought is an event);
- ``levers.funds.fiscal*`` — a trailing ``*`` multiplies the base value (every
  year of a series) instead of replacing it: ``0.5`` halves the budget;
  ``levers.funds.fiscal.2026*`` multiplies it from 2026 on;
- ``overrides.<parameter>`` — a behavioural parameter from the parameter catalogue;
- ``conditions.…``, ``horizon.…``, ``period.…``, ``scale``.

The run identity (``id``, ``title``, ``replicates``, ``seed``) is set for
the whole batch and cannot be varied.

Paths are resolved against the scenario model passed as ``root`` (the
schema's ``Scenario``), so that the schema can use this module without
this module importing the schema.
"""

from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.errors import InputError
from qdsim.scenario import messages
from qdsim.scenario.years import ALL_YEARS, FIRST_YEAR, LAST_YEAR, is_year_mapping, outside, value_at

NOT_VARIABLE = {
    "id": "the point's id is derived from its values",
    "title": "the point's title is derived from its values",
    "description": "the point's description is derived from its values",
    "region": "a batch runs in one region",
    "replicates": "replicates are set for the whole batch (replicates:, or adaptive:)",
    "seed": "the seed is set for the whole batch (seed:), so that points share random numbers",
}


class PathError(InputError):
    """A variation path that names no variable field (an :class:`~qdsim.foundation.errors.InputError`)."""

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message, path=path, field=path, message_zh=messages.zh(message))


@dataclass(frozen=True)
class Target:
    """Where a variation path points in a scenario, and how to read a value for it."""

    path: str  # as written, with a trailing * if any
    parts: tuple[str, ...]  # the field path, without the *
    kind: str  # series | series_year | field | model | override
    multiply: bool = False
    year: int | None = None
    integer: bool = False
    adapter: TypeAdapter | None = None

    @property
    def label(self) -> str:
        """A short name for tables: the last two parts (``labour.subsidy_per_worker``)."""
        parts = self.parts[:-1] if self.kind == "series_year" else self.parts
        short = ".".join(parts[-2:]) if parts[0] == "levers" else ".".join(parts[-1:]) if parts[0] == "overrides" else ".".join(parts)
        if self.kind == "series_year":
            short += f"[{self.year}]"
        return short + ("×" if self.multiply else "")

    def number(self, value: Any) -> float:
        """A value for this path as a plain number in the field's base unit (``"500 万元"`` → 5e6)."""
        if self.multiply:
            x = _plain_number(value)
            if x < 0:
                raise ValueError(f"a multiplier must be 0 or more, got {value!r}")
            return x
        if self.adapter is None:
            raise ValueError("this field is not a number")
        try:
            v = self.adapter.validate_python(value)
        except ValidationError as e:
            raise ValueError(e.errors()[0]["msg"].removeprefix("Value error, ")) from None
        if isinstance(v, dict):
            if len(v) != 1:
                raise ValueError("give one number, not values by year")
            v = next(iter(v.values()))
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"{self.path} is not a number")
        return float(v)


def _plain_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"expected a plain number, got {value!r}")
    try:
        x = float(value)
    except OverflowError:
        raise ValueError("must be a finite number") from None
    if not math.isfinite(x):
        raise ValueError("must be a finite number")
    return x


def _adapter(field) -> TypeAdapter:
    ann = field.annotation
    return TypeAdapter(Annotated[ann, *field.metadata] if field.metadata else ann)


def _suggest(name: str, options) -> str:
    options = list(options)
    close = [o for o in options if o.startswith(name) or name in o][:1] or difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def did_you_mean(loc: tuple, root: type[BaseModel]) -> str:
    """`` (did you mean 'x'?)`` for an unknown field at ``loc`` in the model ``root``; empty when no field is close.

    Walks the models along ``loc`` (a split by year passes its year) and
    compares the last part with the fields where it was found.
    """
    model: type[BaseModel] = root
    rest = list(loc[:-1])
    while rest:
        part = rest.pop(0)
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return ""
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        elif get_origin(ann) is dict and isinstance(get_args(ann)[1], type) and issubclass(get_args(ann)[1], BaseModel):
            model = get_args(ann)[1]  # a model by year (programme shares): the next part may be the year
            if rest and not isinstance(rest[0], str):
                rest.pop(0)
        else:
            return ""
    return _suggest(str(loc[-1]), model.model_fields) if loc else ""


def resolve(path: str, root: type[BaseModel], region: str = "dingxi", period: tuple[int, int] | None = None) -> Target:
    """Check a path against the scenario model ``root`` (the schema's ``Scenario``); raise PathError saying what is wrong.

    ``period``: (start, end) of the scenario the path changes, that a year in the path must be in
    (default: the years any scenario may cover).
    """
    if not isinstance(path, str) or not path.strip():
        raise PathError("a variation path must be a dotted field name like levers.labour.subsidy_per_worker")
    multiply = path.endswith("*")
    parts = tuple((path[:-1] if multiply else path).split("."))
    if any(not p for p in parts):
        raise PathError(f"{path!r} has an empty part")
    if parts[0] in NOT_VARIABLE:
        raise PathError(f"{parts[0]} cannot be varied: {NOT_VARIABLE[parts[0]]}")
    if parts[0] == "overrides":
        params = load_catalogue(region).parameters
        if len(parts) != 2:
            raise PathError("write overrides.<parameter>, e.g. overrides.wage_qingdao")
        if parts[1] not in params:
            raise PathError(f"no parameter {parts[1]!r} in the parameter catalogue{_suggest(parts[1], params)}")
        return Target(path, parts, "override", multiply, adapter=TypeAdapter(float))
    model: type[BaseModel] = root
    i = 0
    while True:
        name = parts[i]
        fields = model.model_fields
        where = ".".join(parts[:i]) or "the scenario"
        if name not in fields:
            raise PathError(f"{where} has no field {name!r}{_suggest(name, fields)}")
        field = fields[name]
        last = i == len(parts) - 1
        if model is root and name == "overrides":  # pragma: no cover - handled above
            raise PathError("write overrides.<parameter>")
        if name == "shares" and model.__name__ == "FundsLevers":
            if last:
                if multiply:
                    raise PathError("programme shares cannot be multiplied; give the split")
                return Target(path, parts, "model", adapter=_adapter(field))
            model, i = get_args(field.annotation)[1], i + 1  # dict[int, Shares]: one split by year
            continue
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if last:
                if multiply:
                    raise PathError(f"{'.'.join(parts)} is a group of fields; it cannot be multiplied")
                return Target(path, parts, "model", adapter=_adapter(field))
            model, i = ann, i + 1
            continue
        if get_origin(ann) is dict:  # a series by year
            if last:
                return Target(path, parts, "series", multiply, adapter=_adapter(field))
            rest = parts[i + 1 :]
            if len(rest) == 1 and rest[0].isdigit():
                year = int(rest[0])
                lo, hi = period or (FIRST_YEAR, LAST_YEAR)
                if not lo <= year <= hi:
                    raise PathError(outside(year, lo, hi))
                return Target(path, parts, "series_year", multiply, year=year, adapter=_adapter(field))
            raise PathError(f"{'.'.join(parts[: i + 1])} is a series by year; only a year may follow it (…{name}.2026)")
        if not last:
            raise PathError(f"{'.'.join(parts[: i + 1])} is a single value; it has no field {parts[i + 1]!r}")
        if multiply and ann not in (int, float):
            raise PathError(f"{'.'.join(parts)} is not a number; it cannot be multiplied")
        return Target(path, parts, "field", multiply, integer=ann is int, adapter=_adapter(field))


#: series that are events, in the years given only (``conditions.drought``): a year path sets that year alone
EVENTS = {"drought"}


def _multiply(current: Any, factor: float) -> Any:
    if isinstance(current, dict):
        return {k: _multiply(v, factor) for k, v in current.items()}
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        raise ValueError(f"cannot multiply {current!r}")
    x = current * factor
    return float(f"{x:.12g}") if math.isfinite(x) else x  # 0.65 × 4e8 is 2.6e8, not 260000000.00000003


def apply(data: dict, target: Target, value: Any, region: str = "dingxi") -> None:
    """Set (or multiply) the field ``target`` names in a scenario's data (``Scenario.model_dump()``)."""
    if target.kind == "override":
        overrides = data.setdefault("overrides", {})
        name = target.parts[1]
        if target.multiply:
            current = overrides.get(name, load_catalogue(region).parameters[name].value)
            overrides[name] = _multiply(current, _plain_number(value))
        else:
            overrides[name] = value
        return
    field_parts = target.parts[:-1] if target.kind == "series_year" else target.parts
    parent = data
    for p in field_parts[:-1]:
        node = parent.get(p)
        if p == "shares" and is_year_mapping(node):
            raise ValueError("the base gives programme shares by year; vary levers.funds.shares as a whole")
        if not isinstance(node, dict):
            node = parent[p] = {}
        parent = node
    name = field_parts[-1]
    if target.kind == "series_year":
        current = parent.get(name, 0.0)
        # one value for every year: the schema reads {ALL_YEARS: v, year: x} as "v, then x from that year" (a drought: v in every other year)
        series = dict(current) if isinstance(current, dict) else {ALL_YEARS: current}
        if name in EVENTS:  # an event holds in the years it names: the year alone
            series[target.year] = _multiply(series.get(target.year, series.get(ALL_YEARS, 0.0)), _plain_number(value)) if target.multiply else value
        elif target.multiply:  # from the year on: the value in effect then, and every later one, multiplied
            factor = _plain_number(value)
            at = _multiply(value_at(series, target.year, 0.0), factor)
            series = {k: (_multiply(v, factor) if k > target.year else v) for k, v in series.items()}
            series[target.year] = at
        else:  # from the year on: the years before keep theirs, the later ones give way (as the app's 调整从哪一年起生效)
            series = {k: v for k, v in series.items() if k < target.year}
            series[target.year] = value
        parent[name] = dict(sorted(series.items()))
    elif target.multiply:
        parent[name] = _multiply(parent.get(name, 0.0), _plain_number(value))
    else:
        parent[name] = value


def matches(loc: tuple, message: str, target: Target) -> bool:
    """Whether a validation error (at ``loc`` in the scenario, saying ``message``) concerns ``target``'s field."""
    parts = tuple(target.parts[:-1] if target.kind == "series_year" else target.parts)
    loc = tuple(str(x) for x in loc)
    if len(loc) >= len(parts) and loc[: len(parts)] == parts:
        return True
    # checks across fields (years in the period, known overrides) name the field in the message
    return any(m.strip().startswith(".".join(parts) + ":") for m in message.split(";"))
