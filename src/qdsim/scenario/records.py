"""The lever catalogue: one record per lever — key, kind, unit, range, default, cost parameter, zh/en name,
the unit the form shows and what it does.

The records live in ``data/levers.yaml``, the one place a lever is declared.
The scenario schema builds its lever and condition fields from them
(:mod:`qdsim.scenario.schema`: kind, range, default), the app its form
(:mod:`qdsim.app.scenario_builder`, :mod:`qdsim.app.i18n`: label, unit shown,
help), the brief, the range warnings and the sensitivity analysis their names
(:mod:`qdsim.scenario.labels`), and ``docs/parameters.md`` its table of levers
(:mod:`qdsim.docs`). This module reads only that file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

import yaml

Kind = Literal["money", "per_worker", "count", "share", "switch", "area", "index", "event", "multiplier", "rate", "derived"]
#: how a scenario reads each kind of value (:func:`qdsim.foundation.units.parse_quantity`'s dimension)
DIMENSIONS: dict[str, str] = {"money": "money", "per_worker": "money_per_worker", "count": "count", "share": "share", "switch": "share",
                              "area": "area", "index": "index", "event": "share", "multiplier": "index", "rate": "share"}
#: kinds that are one value for the whole run, not a series by year
SCALARS = ("multiplier", "rate")
#: the groups of ``levers:`` in a scenario, in order (a record's key starts with one of them, or with ``conditions``)
GROUPS = ("funds", "labour", "consumption", "technology", "people", "pairings")


@dataclass(frozen=True)
class LeverRecord:
    """One lever (or condition) as ``data/levers.yaml`` declares it."""

    key: str  # group.name: its key in the model's lever table (qdsim.scenario.levers.LeverTable)
    kind: Kind
    unit: str
    zh: str
    en: str
    range: tuple[float, float] | None = None  # what a scenario may give (model units); None for a derived value
    default: float | None = None
    cost: str | None = None  # the parameter that prices one unit of it
    form: tuple[str, str] | None = None  # (zh, en) unit the app's form shows after the name
    help: tuple[str, str] | None = None  # (zh, en) what it does
    source: str | None = None  # a derived value: the lever it is computed from

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def field(self) -> str:
        return self.key.split(".", 1)[1]

    @property
    def path(self) -> tuple[str, ...]:
        """Where a scenario holds it: ``("levers", "consumption", "showrooms")`` or ``("conditions", "drought")``."""
        return ("conditions", self.field) if self.group == "conditions" else ("levers", self.group, self.field)

    @property
    def written(self) -> bool:
        """False for a derived value (the scenario does not hold it)."""
        return self.kind != "derived"

    @property
    def series(self) -> bool:
        """A value by year (a step series, or events for a drought), not one value for the run."""
        return self.kind not in SCALARS and self.written

    @property
    def dimension(self) -> str:
        return DIMENSIONS[self.kind]

    def name(self, lang: str) -> str:
        """Its one name: the brief's, the app's (before the unit), the warnings' and the docs'."""
        return self.zh if lang == "zh" else self.en

    def form_label(self, lang: str) -> str:
        """The app's label: the name and the unit the form shows, '青岛财政帮扶资金（亿元/年）'."""
        unit = self.form[0 if lang == "zh" else 1] if self.form else ""
        if not unit:
            return self.name(lang)
        return f"{self.zh}（{unit}）" if lang == "zh" else f"{self.en} ({unit})"

    def help_text(self, lang: str) -> str:
        return (self.help[0] if lang == "zh" else self.help[1]) if self.help else ""


@dataclass(frozen=True)
class Programme:
    """One programme the fiscal funds are split across (``levers.funds.shares``)."""

    id: str
    zh: str
    en: str
    help: tuple[str, str]

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


_REQUIRED = ("kind", "unit", "zh", "en")
_INPUT = ("range", "default", "cost", "help")
_OPTIONAL = ("form", "from")
_KINDS = get_args(Kind)


def _pair(where: str, name: str, value: object) -> tuple[str, str]:
    if not (isinstance(value, dict) and set(value) == {"zh", "en"} and all(isinstance(v, str) for v in value.values())):
        raise ValueError(f"{where}: {name} must be {{zh: …, en: …}}, not {value!r}")
    return value["zh"], value["en"]


def _number(where: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: {name} must be a number, not {value!r}")
    return float(value)


def _record(path: Path, key: str, value: object) -> LeverRecord:
    """One lever's record, or a ValueError naming the file, the lever and the field."""
    where = f"{path.name}: lever {key!r}"
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a mapping of {', '.join(_REQUIRED + _INPUT)}")
    group = key.split(".", 1)[0]
    if "." not in key or group not in (*GROUPS, "conditions"):
        raise ValueError(f"{where}: the key is group.name, the group one of {', '.join((*GROUPS, 'conditions'))}")
    if value.get("kind") not in _KINDS:
        raise ValueError(f"{where}: kind is {value.get('kind')!r}, not one of {', '.join(_KINDS)}")
    derived = value["kind"] == "derived"
    fields = _REQUIRED + (("from",) if derived else _INPUT + ("form",))
    missing = [f for f in fields if f not in value and f != "form"]
    unknown = [f for f in value if f not in fields]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    if unknown:
        raise ValueError(f"{where}: unknown field {', '.join(map(str, unknown))} (the fields are {', '.join(fields)})")
    for name in ("unit", "zh", "en"):
        if not isinstance(value[name], str) or not value[name]:
            raise ValueError(f"{where}: {name} must be a text")
    if derived:
        return LeverRecord(key, "derived", value["unit"], value["zh"], value["en"], source=str(value["from"]))
    rng = value["range"]
    if not (isinstance(rng, list) and len(rng) == 2):
        raise ValueError(f"{where}: range must be [lowest, highest], not {rng!r}")
    lo, hi = (_number(where, "range", x) for x in rng)
    default = _number(where, "default", value["default"])
    if not lo <= default <= hi:
        raise ValueError(f"{where}: default {default!r} is outside its range [{lo!r}, {hi!r}]")
    if value["cost"] is not None and not isinstance(value["cost"], str):
        raise ValueError(f"{where}: cost must be a parameter id or null, not {value['cost']!r}")
    return LeverRecord(key, value["kind"], value["unit"], value["zh"], value["en"], (lo, hi), default, value["cost"],
                       _pair(where, "form", value["form"]) if "form" in value else None, _pair(where, "help", value["help"]))


def _programme(path: Path, pid: str, value: object) -> Programme:
    where = f"{path.name}: programme {pid!r}"
    if not isinstance(value, dict) or set(value) != {"zh", "en", "help"}:
        raise ValueError(f"{where}: expected {{zh, en, help}}")
    return Programme(pid, str(value["zh"]), str(value["en"]), _pair(where, "help", value["help"]))


def _file() -> Path:
    return Path(str(resources.files("qdsim") / "data" / "levers.yaml"))


def read(path: Path) -> tuple[dict[str, LeverRecord], dict[str, Programme]]:
    """The records of a lever catalogue file (refused with the file, the lever and the field named)."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or set(data) != {"levers", "programmes"}:
        raise ValueError(f"{path.name}: expected two sections, levers and programmes")
    levers = {k: _record(path, k, v) for k, v in data["levers"].items()}
    for r in levers.values():
        if r.source is not None and r.source not in levers:
            raise ValueError(f"{path.name}: lever {r.key!r}: from is {r.source!r}, not a lever of the file")
    return levers, {k: _programme(path, k, v) for k, v in data["programmes"].items()}


@cache
def lever_records() -> dict[str, LeverRecord]:
    """Every lever's record, by key, in the file's order (the form's and the schema's order)."""
    return read(_file())[0]


@cache
def programmes() -> dict[str, Programme]:
    """The programmes of the fiscal funds' split, in order."""
    return read(_file())[1]


def lever(key: str) -> LeverRecord:
    return lever_records()[key]
