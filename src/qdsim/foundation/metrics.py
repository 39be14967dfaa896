"""The metric catalogue: one record per output — id, unit, kind, good direction, period, zh/en names,
definition and where its value comes from in the model's year book.

The records live in ``data/metrics.yaml``, the one place a metric is declared; :mod:`qdsim.results.derive`
computes every metric from a run's year book by its ``raw`` field, and the app, the brief and the CLI
name and read metrics from here. This module reads only that file, so that they can name metrics
without importing the model.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

import yaml

Kind = Literal["flow", "stock", "ratio"]
Good = Literal["up", "down", "none"]
Period = Literal["annual", "year_end", "cumulative"]
#: how a metric is computed from its raw quantities (:mod:`qdsim.results.derive`)
Rule = Literal["sum", "ratio", "own"]


@dataclass(frozen=True)
class Metric:
    id: str
    unit: str
    kind: Kind  # flow (annual sum) | stock (year-end level) | ratio (does not add up over counties)
    good: Good  # up | down | none: the direction of change that is good news
    period: Period  # annual | year_end | cumulative: what one year's value is
    zh: str
    en: str
    definition: str
    raw: tuple[str, ...]  # year-book quantities (qdsim.model.accounts.RawKey): (key,) or (numerator, denominator)

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def rule(self) -> Rule:
        """``sum``: one quantity, the counties summed for ``all``; ``ratio``: numerator over denominator,
        each summed first; ``own``: one quantity the year book holds for each county and the prefecture."""
        if self.kind != "ratio":
            return "sum"
        return "ratio" if len(self.raw) == 2 else "own"


_FIELDS = tuple(f.name for f in fields(Metric) if f.name != "id")
_CHOICES = {"kind": get_args(Kind), "good": get_args(Good), "period": get_args(Period)}


def _record(path: Path, mid: str, value: object) -> Metric:
    """One metric's record, or a ValueError naming the file, the metric and the field."""
    where = f"{path.name}: metric {mid!r}"
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a mapping of {', '.join(_FIELDS)}")
    missing = [f for f in _FIELDS if f not in value]
    unknown = [f for f in value if f not in _FIELDS]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    if unknown:
        raise ValueError(f"{where}: unknown field {', '.join(map(str, unknown))} (the fields are {', '.join(_FIELDS)})")
    for name, allowed in _CHOICES.items():
        if value[name] not in allowed:
            raise ValueError(f"{where}: {name} is {value[name]!r}, not one of {', '.join(allowed)}")
    raw = tuple(part.strip() for part in str(value["raw"]).split("/"))
    if not all(raw) or len(raw) > (2 if value["kind"] == "ratio" else 1):
        form = "a quantity or `numerator / denominator`" if value["kind"] == "ratio" else "one quantity (a flow or stock is summed)"
        raise ValueError(f"{where}: raw is {value['raw']!r}; a {value['kind']} takes {form}")
    return Metric(id=mid, **{**value, "raw": raw})


@cache
def catalogue() -> dict[str, Metric]:
    path = Path(str(resources.files("qdsim") / "data" / "metrics.yaml"))
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {k: _record(path, k, v) for k, v in data.items()}


METRIC_IDS = tuple(catalogue())
