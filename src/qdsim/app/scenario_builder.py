"""From the what-if form to a real :class:`~qdsim.scenario.Scenario` (no Streamlit here).

The form is built from the scenario schema: every lever series of
:class:`~qdsim.scenario.schema.Levers`, the programme shares, the horizon and
the conditions. A planner moves a lever *from a year on* ("what if the
showrooms grow to 40 from 2026?"): the lever keeps its history before that
year and takes the new value from it. A lever left where it was keeps its
series untouched, so an unchanged form gives back the base scenario itself.

The calibrated range of a lever, and when a what-if leaves it, is the
library's rule (:mod:`qdsim.scenario.ranges`), the same as the manifest's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from qdsim.app.i18n import tr
from qdsim.foundation.format import short
from qdsim.scenario import Scenario, whatif
from qdsim.scenario import schema as sch
from qdsim.scenario.budget import move_funds
from qdsim.scenario.ranges import reference_levels
from qdsim.scenario.records import lever_records

#: run settings the app allows (a session cannot ask for more)
#: the default what-if: 2% of households (about 1,100 a county), 20 replicates, paired with the baseline and
#: no cooperation — intervals that mean something (issue 13); a what-if reuses the baseline from the registry
DEFAULT_SCALE = 0.02
DEFAULT_REPLICATES = 20
MIN_SCALE, MAX_SCALE = 0.001, 0.05
MAX_REPLICATES = 50

# kind -> how it is shown: model value = display value × per
_DISPLAY: dict[str, dict[str, Any]] = {
    "money": {"per": 1e8, "step": 0.05, "fmt": "%.2f"},  # 亿元
    "per_worker": {"per": 1.0, "step": 5, "fmt": "%d"},  # 元
    "count": {"per": 1.0, "step": 1, "fmt": "%d"},
    "share": {"per": 0.01, "step": 1, "fmt": "%d%%"},  # percent
    "programme_share": {"per": 0.01, "step": 0.1, "fmt": "%.1f"},  # percent of fiscal funds
    "area": {"per": 1.0, "step": 100, "fmt": "%d"},  # 亩
    "index": {"per": 1.0, "step": 0.05, "fmt": "%.2f", "lo": 0.1, "hi": 3.0},
    "event": {"per": 1.0, "step": 0.05, "fmt": "%.2f", "lo": 0.0, "hi": 1.0},
    "multiplier": {"per": 1.0, "step": 0.1, "fmt": "%.1f", "lo": 0.0, "hi": 3.0},
    "rate": {"per": 0.01, "step": 0.5, "fmt": "%.1f%%", "lo": -5.0, "hi": 15.0},
}

#: what the schema accepts, in display units: a typed value outside is refused at the box, never sent to the run
_BOUNDS: dict[str, tuple[float, float]] = {
    "money": (0, 1000), "per_worker": (0, 1e5), "count": (0, 1e7), "share": (0, 100), "programme_share": (0, 100),
    "area": (0, 1e8), "index": (0.1, 10), "event": (0, 1), "multiplier": (0, 10), "rate": (-20, 30),
}

#: a lever record's kind that the form shows as another, with its widget: a switch is a 0/1 share, toggled
_FORM_KIND = {"switch": ("share", "toggle")}
#: the horizon fields the form knows; a new one in the schema fails the tests
HORIZON_FIELDS = ("mode", "after", "taper_years")


@dataclass(frozen=True)
class LeverSpec:
    """One input of the what-if form."""

    group: str  # a Levers group, or "conditions"
    name: str  # field name; "shares.<programme>" for a programme share
    kind: str
    widget: str = "slider"  # slider | toggle | number

    @property
    def key(self) -> str:
        """Widget key and translation key (``lever.<group>.<name>``)."""
        return f"w.{self.group}.{self.name}"

    @property
    def label_key(self) -> str:
        return f"lever.{self.group}.{self.name}"

    @property
    def per(self) -> float:
        return _DISPLAY[self.kind]["per"]

    @property
    def step(self) -> float:
        return _DISPLAY[self.kind]["step"]

    @property
    def fmt(self) -> str:
        return _DISPLAY[self.kind]["fmt"]

    @property
    def is_series(self) -> bool:
        return self.kind not in ("multiplier", "rate")

    @property
    def bounds(self) -> tuple[float, float]:
        """(lowest, highest) value the scenario schema accepts, in display units."""
        return _BOUNDS[self.kind]

    def to_model(self, display: float) -> float:
        """Display units (亿元, %) to model units (元, share), without float noise."""
        return _clean(float(display) * self.per)

    def to_display(self, value: float) -> float:
        return _clean(float(value) / self.per)


def _clean(x: float) -> float:
    return float(f"{x:.12g}")


@cache
def lever_specs() -> tuple[LeverSpec, ...]:
    """Every lever and condition of the schema, in the programme's order, as its record (``data/levers.yaml``) says to show it."""
    records = lever_records()
    specs: list[LeverSpec] = []
    for group, gfield in sch.Levers.model_fields.items():
        for name in gfield.annotation.model_fields:
            if name == "shares":
                specs += [LeverSpec(group, f"shares.{p}", "programme_share", "number") for p in sch.PROGRAMMES]
                continue
            kind, widget = _FORM_KIND.get(records[f"{group}.{name}"].kind, (records[f"{group}.{name}"].kind, "slider"))
            specs.append(LeverSpec(group, name, kind, widget))
    for name in sch.Conditions.model_fields:
        specs.append(LeverSpec("conditions", name, records[f"conditions.{name}"].kind))
    return tuple(specs)


def group_names() -> list[str]:
    """Form groups in order: the lever groups, then horizon and conditions."""
    return [*sch.Levers.model_fields, "horizon", "conditions"]


# -- reading a scenario -------------------------------------------------------

def model_value(scenario: Scenario, spec: LeverSpec, year: int) -> float:
    """The value a lever has in ``year`` (model units)."""
    return whatif.value_in(scenario, spec.key.removeprefix("w."), year)


drought_events = whatif.droughts
default_year = whatif.default_year


def form_values(scenario: Scenario, year: int) -> dict[str, Any]:
    """Widget values (display units) that show ``scenario`` as it stands in ``year``."""
    out: dict[str, Any] = {}
    for spec in lever_specs():
        if spec.kind == "event":
            sev, hit = drought_events(scenario)
            out[f"{spec.key}.severity"] = sev
            out[f"{spec.key}.years"] = hit
            continue
        v = spec.to_display(model_value(scenario, spec, year))
        if spec.widget == "toggle":
            out[spec.key] = v >= 0.5
        elif spec.step == int(spec.step) and v == int(v):
            out[spec.key] = int(v)
        else:
            out[spec.key] = v
    h = scenario.horizon
    out.update({"w.horizon.mode": h.mode, "w.horizon.after": h.after, "w.horizon.taper_years": h.taper_years})
    return out


# -- building the what-if -------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One lever a what-if changed: ``key`` from ``before`` to ``after`` (display units) from ``year``."""

    key: str
    before: Any
    after: Any
    year: int | None  # None: not a from-year change (horizon, drought, scalar conditions)


@dataclass(frozen=True)
class WhatIf:
    scenario: Scenario
    changes: list[Change]
    shares_rescaled_from: float | None = None  # the entered total (%), when it was not 100


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def build(base: Scenario, values: dict[str, Any], year: int, *, scale: float, replicates: int, seed: int, assumption_draws: int = 0) -> WhatIf:
    """The scenario the form describes: ``base`` with the moved levers changed from ``year`` on.

    ``values`` holds display values by widget key (missing keys keep the base).
    The library makes the scenario (:func:`qdsim.scenario.whatif.from_year`,
    on top of ``Scenario.with_changes``); this reads the form and names it.
    Programme shares that do not add up to 100% are rescaled proportionally.
    Raises pydantic's ValidationError, or ScenarioError, if the result is not a valid scenario.
    """
    year = min(max(year, base.period.start), base.period.end)
    before = form_values(base, year)
    changes: list[Change] = []
    specs = lever_specs()
    levers: dict[str, float] = {}
    conditions: dict[str, float] = {}
    drought, split, rescaled = None, None, None
    share_specs = [s for s in specs if s.name.startswith("shares.")]
    for spec in specs:
        if spec.name.startswith("shares."):
            if spec is share_specs[0]:  # the split's changes where the form shows it, after the funds
                split, rescaled = _split(values, before, share_specs, year, changes)
            continue
        if spec.kind == "event":
            sev = float(values.get(f"{spec.key}.severity", before[f"{spec.key}.severity"]))
            years = sorted(int(y) for y in values.get(f"{spec.key}.years", before[f"{spec.key}.years"]))
            old = (before[f"{spec.key}.severity"], before[f"{spec.key}.years"])
            if _same(sev, old[0]) and years == old[1]:
                continue
            drought = (sev, years)
            changes.append(Change(spec.key, old, (sev, years), None))
            continue
        new = values.get(spec.key, before[spec.key])
        if _same(new, before[spec.key]):
            continue
        changes.append(Change(spec.key, before[spec.key], new, year if spec.is_series else None))
        if spec.is_series:
            levers[spec.key.removeprefix("w.")] = spec.to_model(float(new))
        else:
            conditions[spec.name] = spec.to_model(float(new))
    horizon = {}
    for name in HORIZON_FIELDS:
        key = f"w.horizon.{name}"
        if key in values and not _same(values[key], before[key]):
            horizon[name] = values[key]
            changes.append(Change(key, before[key], values[key], None))
    moved = whatif.from_year(base, year, levers, shares=split, drought=drought, conditions=conditions, horizon=horizon)
    data = moved.model_dump()
    data.update(scale=scale, replicates=replicates, seed=seed, assumption_draws=assumption_draws)
    if changes:
        digest = Scenario.model_validate(data).content_sha()
        data["id"] = f"whatif-{digest[:8]}"
        data["title"] = _title(base, changes, year)
        data["description"] = _description(base, changes)
    return WhatIf(Scenario.model_validate(data), changes, rescaled)


def move(base: Scenario, amount: float, source: str, target: str, year: int, *, scale: float, replicates: int, seed: int,
         assumption_draws: int = 0) -> WhatIf:
    """A budget-neutral what-if: ``amount`` 亿元 a year of fiscal funds moved from programme ``source`` to ``target`` from ``year``.

    The library moves the money (:func:`qdsim.scenario.budget.move_funds`: the
    total stays fixed, shares change year by year); this names the what-if and
    lists the shares it changed, as the form's what-ifs are. Raises ValueError
    (the library's words) if the source has less than that in some year.
    """
    moved = move_funds(base, amount * 1e8, source, target, year=year)
    before, after = form_values(base, year), form_values(moved, year)
    changes = [Change(k, before[k], after[k], year) for k in before if k.startswith("w.funds.shares.") and not _same(before[k], after[k])]
    data = moved.model_dump() | {"scale": scale, "replicates": replicates, "seed": seed, "assumption_draws": assumption_draws}
    digest = Scenario.model_validate(data).content_sha()
    amount_text = short(amount)
    data |= {
        "id": f"whatif-{digest[:8]}",
        "title": {"zh": tr("budget.title", "zh", year=year, amount=amount_text, source=tr(f"programme.{source}", "zh"), target=tr(f"programme.{target}", "zh")),
                  "en": tr("budget.title", "en", year=year, amount=amount_text, source=tr(f"programme.{source}", "en"), target=tr(f"programme.{target}", "en"))},
        "description": (f"Built in the qdsim app from '{base.id}': {amount_text} 亿元 a year of fiscal funds moved from {source} to {target} "
                        f"from {year}, the total fixed."),
    }
    return WhatIf(Scenario.model_validate(data), changes)


def _split(values, before, specs, year, changes) -> tuple[dict[str, float] | None, float | None]:
    """(the split the form's share boxes give, or None if unchanged; the entered total (%) if it was not 100)."""
    new = [float(values.get(s.key, before[s.key])) for s in specs]
    old = [before[s.key] for s in specs]
    if all(_same(a, b) for a, b in zip(new, old, strict=True)):
        return None, None
    total = sum(new)
    if total <= 0:
        new, total = old, sum(old)
    rescaled = None if math.isclose(total, 100.0, abs_tol=1e-6) else total
    names = [s.name.split(".", 1)[1] for s in specs]
    split = {p: _clean(x / total) for p, x in zip(names[:-1], new[:-1], strict=True)}
    split[names[-1]] = _clean(1.0 - sum(split.values()))  # the split adds up to 1
    for s, a, b in zip(specs, old, new, strict=True):
        if not _same(a, b):
            changes.append(Change(s.key, a, b, year))
    return split, rescaled


def _labels(changes: list[Change], lang: str) -> list[str]:
    out: list[str] = []
    for c in changes:
        key = c.key.removeprefix("w.")
        key = "lever.funds.shares" if key.startswith("funds.shares.") else ("group.horizon" if key.startswith("horizon.") else f"lever.{key}")
        label = tr(key, lang).split("（")[0].split(" (")[0]
        if label not in out:
            out.append(label)
    return out


#: how a single lever's change reads in a title, by its ratio to the base value
_CHANGE_WORDS = ((0.5, "减半", "halved"), (2.0, "翻倍", "doubled"), (0.0, "取消", "stopped"))


def _change_word(c: Change, lang: str) -> str:
    """'减半' / '翻倍' / '取消', or '由 4.56 调至 3' (display units), or '调整' when it is not a number."""
    if isinstance(c.before, bool) or isinstance(c.after, bool) or not isinstance(c.before, (int, float)) \
            or not isinstance(c.after, (int, float)):
        return "调整" if lang == "zh" else "changed"
    for ratio, zh, en in _CHANGE_WORDS:
        if (ratio == 0.0 and c.after == 0) or (ratio and c.before and math.isclose(c.after / c.before, ratio, rel_tol=1e-6)):
            return zh if lang == "zh" else en
    kind = next((s.kind for s in lever_specs() if s.key == c.key), "")
    unit = {"money": "亿元", "share": "%", "programme_share": "%", "rate": "%"}.get(kind, "")
    before, after = short(c.before), short(c.after)
    return f"由{before}{unit}调至{after}{unit}" if lang == "zh" else f"from {before}{unit} to {after}{unit}"


def _title(base: Scenario, changes: list[Change], year: int) -> dict[str, str]:
    """The what-if's title, after its change: '假设情景：2026年起青岛财政帮扶资金减半' for one lever; the levers' names for several."""
    def short(labels: list[str], sep: str, more: str) -> str:
        return sep.join(labels[:3]) + (more.format(n=len(labels)) if len(labels) > 3 else "")

    zh, en = _labels(changes, "zh"), _labels(changes, "en")
    if len(changes) == 1:
        c = changes[0]
        return {"zh": f"假设情景：{year}年起{zh[0]}{_change_word(c, 'zh')}"[:200],
                "en": f"What-if: {en[0]} {_change_word(c, 'en')} from {year}"[:200]}
    return {
        "zh": f"假设情景：{year}年起调整{short(zh, '、', '等{n}项')}"[:200],
        "en": f"What-if: {short(en, ', ', ' and more ({n} levers)')} changed from {year}"[:200],
    }


def _description(base: Scenario, changes: list[Change]) -> str:
    lines = [f"Built in the qdsim app from '{base.id}'. Changes (display units):"]
    for c in changes:
        when = f" from {c.year}" if c.year is not None else ""
        lines.append(f"- {c.key.removeprefix('w.')}: {c.before} -> {c.after}{when}")
    return "\n".join(lines)


# -- calibrated range ------------------------------------------------------------

def calibrated_ranges(baseline: Scenario) -> dict[str, tuple[float, float]]:
    """(min, max) of each lever over the calibration years (model units), by widget key: the library's reference levels."""
    ref = reference_levels(baseline.region)
    return {spec.key: (ref[k][0], ref[k][1]) for spec in lever_specs() if (k := spec.key.removeprefix("w.")) in ref}


def slider_range(spec: LeverSpec, current: float, calibrated_hi: float | None) -> tuple[float, float]:
    """Slider bounds (display units): room to four times the calibrated maximum."""
    d = _DISPLAY[spec.kind]
    if "lo" in d:
        return d["lo"], max(d["hi"], current)
    top = max(4 * spec.to_display(calibrated_hi or 0.0), 1.25 * current, 10 * spec.step)
    if spec.kind in ("share", "programme_share"):
        top = min(top, 100.0)
    return 0, _nice_ceil(top, spec.step)


def _nice_ceil(x: float, step: float) -> float:
    """Round up to a round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) and to the step."""
    if x <= 0:
        return step
    p = 10 ** math.floor(math.log10(x))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * p >= x - 1e-9:
            top = m * p
            break
    top = math.ceil(top / step - 1e-9) * step
    return int(top) if float(top).is_integer() and float(step).is_integer() else _clean(top)
