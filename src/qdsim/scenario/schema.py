"""The scenario schema (pydantic): what a scenario file may say, and its units.

A *series* is a lever's value by year. Written as a single value it holds for
the whole period; written as ``{2021: x, 2024: y}`` it is a step function that
holds each value until the next given year and is 0 before the first one.
Exogenous *events* (drought) apply only in the years given.
Money is in 元 unless a unit is written (``"4.05 亿元"``); a bare number below
10万 (:data:`BARE_MONEY_MIN`) on a money lever, in a file or a change, is
refused, since ``5`` is almost surely ``5亿元`` or ``5万元`` with the unit left
out (:func:`bare_money_problems`).

What one field accepts (a quantity in its unit and range, a series by year,
a title) is in :mod:`qdsim.scenario.fields`; each lever's kind, range and
default in its record (``data/levers.yaml``). This module is about 470 lines,
over the ~400 of issue 22, for a stated reason: it is the ``Scenario`` model
and its parts, with the validators that check fields against each other
(years within the period, known overrides, programme shares) and
``with_changes``, which applies a change and reports every problem with its
path; splitting them would put a check away from the model it checks.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PrivateAttr, ValidationError, create_model, field_validator, model_validator

from qdsim.foundation.format import fixed, plain
from qdsim.foundation.units import UnitError, ascii_text, parse_quantity
from qdsim.scenario.fields import (  # noqa: F401 - bare_money_problems and BARE_MONEY_MIN are read here by the batch files and the EMA adapter
    BARE_MONEY_MIN,
    MONEY_LEVERS,
    Description,
    TitleText,
    Whole,
    _scalar,
    _series,
    _with_yuan,
    bare_money_problems,
)
from qdsim.scenario.paths import PathError, apply, did_you_mean, resolve
from qdsim.scenario.records import LeverRecord, lever_records
from qdsim.scenario.yamlfile import Problem, ScenarioError, problems_from_validation
from qdsim.scenario.years import ALL_YEARS, FIRST_YEAR, LAST_YEAR, is_year_mapping, outside, year_key

__all__ = ["ALL_YEARS", "FIRST_YEAR", "LAST_YEAR", "PROGRAMMES", "Scenario", "Shares", "is_year_mapping", "year_key"]


def is_count(parts: tuple[str, ...] | list[str]) -> bool:
    """Whether the field at ``parts`` (``("levers", "consumption", "showrooms")``) is a series of counts (whole things)."""
    model: Any = Scenario
    field = None
    for part in parts:
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return False
        field = fields[part]
        model = field.annotation
    return field is not None and any(getattr(getattr(m, "func", None), "dimension", None) == "count" for m in field.metadata)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


TITLE_MAX = 200


def _fit(title: str, suffix: str) -> str:
    """The title with a suffix, shortened so that it stays within TITLE_MAX."""
    room = TITLE_MAX - len(suffix)
    return (title if len(title) <= room else title[: room - 1] + "…") + suffix


class Title(Strict):
    zh: TitleText = Field(min_length=1, max_length=TITLE_MAX)
    en: TitleText = Field(min_length=1, max_length=TITLE_MAX)


class Period(Strict):
    start: Whole = Field(FIRST_YEAR, ge=FIRST_YEAR, le=LAST_YEAR)
    end: Whole = Field(2030, ge=FIRST_YEAR, le=LAST_YEAR)

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.start, self.end + 1))


PROGRAMMES = ("industry", "labour", "consumption", "village", "ecology", "social", "talent")


class Shares(Strict):
    """Split of fiscal funds across programmes; must add up to 1."""

    industry: float = Field(0.64, ge=0, le=1)
    labour: float = Field(0.08, ge=0, le=1)
    consumption: float = Field(0.05, ge=0, le=1)
    village: float = Field(0.14, ge=0, le=1)
    ecology: float = Field(0.06, ge=0, le=1)
    social: float = Field(0.02, ge=0, le=1)
    talent: float = Field(0.01, ge=0, le=1)

    @model_validator(mode="before")
    @classmethod
    def _percent(cls, data: Any):
        if isinstance(data, dict):
            out = {}
            for k, v in data.items():
                try:
                    out[k] = parse_quantity(v, "share")
                except UnitError:
                    out[k] = v  # let the field report it
            return out
        return data

    @model_validator(mode="after")
    def _sum_to_one(self):
        total = sum(getattr(self, p) for p in PROGRAMMES)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"programme shares add up to {fixed(total, 4)}, not 1")
        return self


def _shares_by_year(v: Any) -> Any:
    """One split for every year, or a split by year from which it holds."""
    if is_year_mapping(v):
        out = {}
        for k, split in v.items():
            if year_key(k) in out:
                raise ValueError(f"the year {year_key(k)} is given twice")
            out[year_key(k)] = split
        return dict(sorted(out.items()))
    return {ALL_YEARS: v}


def _dump_shares(v: dict[int, Shares]) -> Any:
    if set(v) == {ALL_YEARS}:
        return v[ALL_YEARS].model_dump()
    return {k: s.model_dump() for k, s in v.items()}


SharesByYear = Annotated[dict[int, Shares], BeforeValidator(_shares_by_year), PlainSerializer(_dump_shares)]


def _all_years(value: float) -> dict[int, float]:
    return {ALL_YEARS: value}


def _lever_field(r: LeverRecord) -> tuple[Any, Any]:
    """A scenario field from a lever's record (:mod:`qdsim.scenario.records`): its type (kind and range) and default."""
    lo, hi = r.range or (0.0, 0.0)
    if r.series:
        return _series(r.dimension, lo, hi), Field(default_factory=partial(_all_years, r.default), description=r.en)
    return _scalar(r.dimension, lo, hi), Field(r.default, description=r.en)


def _group(group: str, class_name: str, doc: str, **extra: Any) -> type[Strict]:
    """The model of one group of a scenario's levers (or its conditions): a field per record of ``data/levers.yaml``, in its order."""
    fields = {r.field: _lever_field(r) for r in lever_records().values() if r.group == group and r.written}
    model = create_model(class_name, __base__=Strict, __doc__=doc, __module__=__name__, **fields, **extra)
    return model


# The groups of levers: built from the lever records (data/levers.yaml), so that a lever is declared once.
FundsLevers = _group("funds", "FundsLevers", "Qingdao's fiscal funds and donations, and their split across programmes.",
                     shares=(SharesByYear, Field(default_factory=lambda: {ALL_YEARS: Shares()}, description="Split across programmes (one split, or by year)")))
LabourLevers = _group("labour", "LabourLevers", "Labour cooperation.")
ConsumptionLevers = _group("consumption", "ConsumptionLevers", "Consumption assistance.")
TechnologyLevers = _group("technology", "TechnologyLevers", "Technology demonstration.")
PeopleLevers = _group("people", "PeopleLevers", "Exchanges of people.")
PairingLevers = _group("pairings", "PairingLevers", "Pairings.")


class Levers(Strict):
    funds: FundsLevers = Field(default_factory=FundsLevers)
    labour: LabourLevers = Field(default_factory=LabourLevers)
    consumption: ConsumptionLevers = Field(default_factory=ConsumptionLevers)
    technology: TechnologyLevers = Field(default_factory=TechnologyLevers)
    people: PeopleLevers = Field(default_factory=PeopleLevers)
    pairings: PairingLevers = Field(default_factory=PairingLevers)


class Horizon(Strict):
    """What happens to the cooperation after a year: continue, taper to zero, or stop."""

    mode: Literal["continue", "taper", "stop"] = "continue"
    after: Whole = Field(2025, ge=FIRST_YEAR, le=LAST_YEAR, description="Last year at full strength")
    taper_years: int = Field(3, ge=1, le=10)


#: exogenous conditions; the counterfactual shares them (built from the lever records, as the groups of levers)
Conditions = _group("conditions", "Conditions", "Exogenous conditions; the counterfactual shares them.")


MAX_REPLICATES = 1000
MAX_ASSUMPTION_DRAWS = 500


def _partial_series(target, value: Any, current: Any, start: int) -> None:
    """Refuse a whole series by year that leaves out the period's first years where ``current`` (the base's series) is not 0.

    Those years would silently run at 0 (or at 1 for a price index); the
    message says to write ``.YEAR`` (the value from that year on) instead.
    """
    if target.kind != "series" or target.multiply or target.parts[-1] == "drought" or not is_year_mapping(value):
        return
    years = sorted(year_key(k) for k in value)
    if isinstance(current, dict):
        before = [x for y, x in current.items() if y < years[0]]
    else:
        before = [current]
    default = 1.0 if target.parts[-1].endswith("price_index") else 0.0
    if years[0] > start and any(x != default for x in before):
        path = ".".join(target.parts)
        raise ValueError(f"a whole series that starts in {years[0]} leaves {start}–{years[0] - 1} at 0 "
                         f"(did you mean '{path}.{years[0]}'?, the value from {years[0]} on; or pass replace=True)")


def _at(data: dict, parts: tuple[str, ...]) -> Any:
    for p in parts:
        data = data.get(p) if isinstance(data, dict) else None
    return data


#: a scenario's names: what it is called, not what it says (left out of :meth:`Scenario.simulation_sha`)
NAMES = frozenset({"id", "title", "description"})
#: how a scenario is run, not what it says (left out of :meth:`Scenario.content_sha`)
RUN_SETTINGS = frozenset({"seed", "replicates", "scale", "assumption_draws"})


class Scenario(Strict):
    """One scenario: levers by year, conditions, overrides, and how to run it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="Short identifier (lower case, digits, - and _)")
    title: Title
    description: Description = ""
    period: Period = Field(default_factory=Period)
    levers: Levers = Field(default_factory=Levers)
    horizon: Horizon = Field(default_factory=Horizon)
    conditions: Conditions = Field(default_factory=Conditions)
    overrides: dict[str, float] = Field(default_factory=dict, description="Behavioural parameters replaced for this scenario")
    scale: float = Field(0.02, ge=0.001, le=1.0, description="Share of households simulated (1.0 = every household)")
    replicates: Whole = Field(10, ge=1, le=MAX_REPLICATES)
    assumption_draws: Whole = Field(0, ge=0, le=MAX_ASSUMPTION_DRAWS, description="Parameter sets drawn from the assumptions' ranges (0: chance interval only)")
    seed: Whole = Field(20210414, ge=0, le=2**63 - 1)
    region: str = Field("dingxi", description="Region folder under qdsim/data/regions")
    #: the scenario this one ``extends:`` (set by the loader): the baseline its what-if is paired with
    _base: Scenario | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _half_width(cls, data: Any) -> Any:
        """Full-width digits, letters and signs as their ASCII forms (``１０`` → ``10``, ``ｓｔｏｐ`` → ``stop``), titles aside.

        Chinese input methods type them; outside the titles and description
        they mean exactly the ASCII characters, so reading them loses nothing.
        """
        if not isinstance(data, dict):
            return data

        def half(v: Any) -> Any:
            if isinstance(v, str):
                return ascii_text(v)
            if isinstance(v, dict):
                return {half(k): half(x) for k, x in v.items()}
            if isinstance(v, list):
                return [half(x) for x in v]
            return v

        return {k: (v if k in ("title", "description") else half(v)) for k, v in data.items()}

    @field_validator("region")
    @classmethod
    def _known_region(cls, v: str) -> str:
        from qdsim.foundation.catalogue import available_regions

        if v not in available_regions():
            raise ValueError(f"unknown region {v!r} (available: {', '.join(available_regions())})")
        return v

    @model_validator(mode="after")
    def _all_years_then_by_year(self):
        """A series holding one value for every year *and* values by year starts with that value.

        ``{0: v}`` is how a single value is stored; adding ``2026: x`` to it (as
        :meth:`with_changes` or a script does) means "v, and x from 2026". It is
        written out as ``{start: v, 2026: x}``, so that every reader — the step
        function, the YAML written, the run ID — sees the same series.
        """
        start = self.period.start
        for path, series in self.iter_series():
            if ALL_YEARS in series and len(series) > 1:
                first = series.pop(ALL_YEARS)
                every = self.period.years if path[-1] == "drought" else [start]  # an event holds in each year it names
                for y in every:
                    series.setdefault(y, first)
                ordered = dict(sorted(series.items()))
                series.clear()
                series.update(ordered)
        shares = self.levers.funds.shares
        if ALL_YEARS in shares and len(shares) > 1:
            first = shares.pop(ALL_YEARS)
            shares.setdefault(start, first)
            ordered = dict(sorted(shares.items()))
            shares.clear()
            shares.update(ordered)
        return self

    @model_validator(mode="after")
    def _years_in_period(self):
        problems = []
        for path, series in self.iter_series():
            for y in series:
                if y != ALL_YEARS and not self.period.start <= y <= self.period.end:
                    problems.append(f"{'.'.join(path)}: {outside(y, self.period.start, self.period.end)}")
        for y in self.levers.funds.shares:
            if y != ALL_YEARS and not self.period.start <= y <= self.period.end:
                problems.append(f"levers.funds.shares: {outside(y, self.period.start, self.period.end)}")
        if self.horizon.mode != "continue" and not self.period.start <= self.horizon.after <= self.period.end:
            problems.append(f"horizon.after: {self.horizon.after} is outside the period {self.period.start}–{self.period.end}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _known_overrides(self):
        from qdsim.foundation.catalogue import load_catalogue

        reg = load_catalogue(self.region)
        problems = []
        for k, v in self.overrides.items():
            if k not in reg.parameters:
                close = difflib.get_close_matches(k, list(reg.parameters), n=1)
                problems.append(f"overrides.{k}: unknown parameter" + (f" (did you mean '{close[0]}'?)" if close else ""))
                continue
            lo, hi = reg.parameters[k].range
            span = hi - lo
            if not math.isfinite(v) or not (lo - 10 * span - abs(lo) <= v <= hi + 10 * span + abs(hi)):
                problems.append(f"overrides.{k}: {plain(v)} is far outside the plausible range [{plain(lo)}, {plain(hi)}]")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def iter_series(self):
        for group in ("funds", "labour", "consumption", "technology", "people", "pairings"):
            gm = getattr(self.levers, group)
            for name in type(gm).model_fields:
                v = getattr(gm, name)
                if isinstance(v, dict) and name != "shares":
                    yield ("levers", group, name), v
        for name in ("drought", "potato_price_index", "herbs_price_index"):
            yield ("conditions", name), getattr(self.conditions, name)

    # -- identity -------------------------------------------------------
    def to_yaml(self) -> str:
        """The scenario as a scenario file; money with its unit (``405000000 元``), so that it reads back as written."""
        data = self.model_dump(mode="python")
        funds = data["levers"]["funds"]
        for name in ("fiscal", "donations"):
            v = funds[name]
            funds[name] = {k: _with_yuan(x) for k, x in v.items()} if isinstance(v, dict) else _with_yuan(v)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    def digest(self, leave_out: frozenset[str] = frozenset()) -> str:
        """The one hash of a scenario: SHA-256 of its resolved fields as JSON, but those in ``leave_out``.

        Its three uses, each a named set of fields left out: :meth:`sha256`
        (nothing: a run's identity), :meth:`simulation_sha` (:data:`NAMES` and
        ``assumption_draws``: what the model reads) and :meth:`content_sha`
        (:data:`RUN_SETTINGS`: what the scenario says, however it is run).
        """
        return hashlib.sha256(self.model_dump_json(exclude=set(leave_out) or None).encode()).hexdigest()

    def sha256(self) -> str:
        """Hash of the resolved scenario (run settings included): the scenario's part of a run's identity
        (:class:`qdsim.results.provenance.RunIdentity`)."""
        return self.digest()

    def __eq__(self, other: object) -> bool:
        """Equal when they say the same; the scenario a file extended (kept to pair it with) is not part of what it says."""
        return isinstance(other, Scenario) and self.model_dump() == other.model_dump()

    __hash__ = None  # mutable, as pydantic models are

    def simulation_sha(self) -> str:
        """Hash of what the model reads: two scenarios that differ only in id, title or description simulate alike."""
        return self.digest(NAMES | {"assumption_draws"})

    def content_sha(self) -> str:
        """Hash of what the scenario says, whatever its seed, replicates, scale and assumption draws (the app names its what-ifs by it)."""
        return self.digest(RUN_SETTINGS)

    def with_settings(self, **settings: Any) -> Scenario:
        """A validated copy with run settings (``replicates``, ``seed``, ``scale``, ``assumption_draws``) changed.

        Unlike ``model_validate(model_dump() | …)``, it keeps the scenario it
        extends, so a what-if stays paired with its own base.
        """
        problems = [Problem("<settings>", 0, str(k), f"unknown setting (did you mean '{close[0]}'?)" if close else "unknown setting")
                    for k in settings if k not in Scenario.model_fields
                    for close in [difflib.get_close_matches(str(k), list(Scenario.model_fields), n=1)]]
        if problems:
            raise ScenarioError(problems)
        try:
            new = Scenario.model_validate({**self.model_dump(), **settings})
        except ValidationError as e:
            raise ScenarioError(problems_from_validation(e, lambda loc: ("<settings>", 0))) from None
        new._base = self._base
        return new

    def with_changes(self, changes: Mapping[str, Any], *, id: str | None = None, replace: bool = False) -> Scenario:  # noqa: A002 - the scenario's field
        """A validated copy with fields changed by the dotted paths batch files use (see :mod:`qdsim.scenario.paths`).

        A what-if in a script reads as the planner says it, and means exactly
        what the same line in a batch file means:

        >>> from qdsim.scenario.loader import load_scenario
        >>> s = load_scenario("baseline").with_changes(
        ...     {"levers.funds.fiscal.2026": "2.5 亿元", "overrides.qingdao_friction": 4.0}, id="half-funds")
        >>> s.levers.funds.fiscal[2026], s.levers.funds.fiscal[2025], s.overrides
        (250000000.0, 500000000.0, {'qingdao_friction': 4.0})

        ``levers.funds.fiscal.2026`` sets the value from 2026 on (the years
        before keep theirs, later years of the base give way to it);
        ``levers.funds.fiscal*`` multiplies every year. A series by year on
        ``levers.funds.fiscal`` replaces the whole series: one that leaves out
        the period's first years where the base has values (which would then
        be 0) is refused, with the ``.2026`` form suggested, unless ``replace=True``. The scenario it
        extends is kept, so it stays paired with its baseline.

        Args:
            changes: path → value (units as in a scenario file: ``"2.5 亿元"``, ``"30%"``).
            id: a new id. Without one, a copy that differs gets this one's id
                and a short hash of what it simulates (``baseline-1a2b3c4d``),
                so that it is never reported under its base's name.
            replace: a series by year replaces the whole series even when it
                starts after the period start (the earlier years are then 0).

        Raises:
            ScenarioError: (an :class:`~qdsim.foundation.errors.InputError`) every problem,
                each naming its path: an unknown path (with a "did you mean"),
                a value its field does not take, a partial series.
        """
        if not isinstance(changes, Mapping):
            raise ScenarioError([Problem("<changes>", 0, "(changes)", f"expected a mapping of dotted path → value, got {type(changes).__name__}")])
        data = self.model_dump()
        problems = []
        for path, value in changes.items():
            try:
                target = resolve(path, Scenario, self.region, (self.period.start, self.period.end))
                if not replace:
                    _partial_series(target, value, _at(data, target.parts), self.period.start)
                if tuple(target.parts[:3]) in MONEY_LEVERS and not target.multiply:
                    for _, message in bare_money_problems({"levers": {"funds": {target.parts[2]: value}}})[:1]:
                        raise ValueError(message)
                apply(data, target, value, self.region)
            except (PathError, ValueError) as e:
                problems.append(Problem("<changes>", 0, str(path), getattr(e, "message_en", str(e))))
        if id is not None:
            data["id"] = id
        try:
            new = Scenario.model_validate(data)
        except ValidationError as e:
            problems += problems_from_validation(e, lambda loc: ("<changes>", 0), suggest=lambda loc: did_you_mean(loc, Scenario))
        if problems:
            raise ScenarioError(problems)
        if id is None and new.model_dump(exclude={"id"}) != self.model_dump(exclude={"id"}):
            new = new.model_copy(update={"id": f"{self.id[:55]}-{new.simulation_sha()[:8]}"})
        new._base = self._base
        return new

    def counterfactual(self) -> Scenario:
        """The same scenario with no cooperation at all (conditions and overrides kept)."""
        return Scenario(
            id=f"{self.id}-counterfactual"[:64],
            title=Title(zh=_fit(self.title.zh, "（无协作对照）"), en=_fit(self.title.en, " (no cooperation)")),
            period=self.period,
            levers=Levers(),
            horizon=Horizon(),
            conditions=self.conditions,
            overrides=self.overrides,
            scale=self.scale,
            replicates=self.replicates,
            assumption_draws=self.assumption_draws,
            seed=self.seed,
            region=self.region,
        )
