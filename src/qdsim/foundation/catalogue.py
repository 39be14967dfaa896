"""The parameter catalogue (参数目录): every parameter and reported figure of a region, declared once.

Parameters are data (``data/regions/<region>/parameters.yaml``), in the
PolicyEngine manner: each has a value, a unit, a plausible range, a status
(reported / statistic / literature / assumption / calibrated), a source and
zh/en labels. Code reads values only through :class:`ParameterSet`.
Calibrated values live in ``calibrated.yaml`` beside the parameters, written
by ``qdsim calibrate`` with their provenance.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from qdsim.foundation.format import percent, short

STATUSES = ("reported", "statistic", "literature", "assumption", "calibrated")
DEFAULT_REGION = "dingxi"


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    outlet: str
    date: str
    url: str = ""


@dataclass(frozen=True)
class Parameter:
    """One declared number with its provenance."""

    id: str
    group: str
    value: float
    unit: str
    range: tuple[float, float]
    status: str
    source: str
    label_zh: str
    label_en: str
    note: str = ""
    prior: float | None = None  # a calibrated parameter's declared starting value (``value`` is the fitted one)


@dataclass(frozen=True)
class Figure:
    """A published figure: the article's programme figures (figures.md part A) and later annual ones."""

    id: str
    value: float
    unit: str
    period: str
    kind: str  # input, target, structure, context, validation
    source: str
    label_zh: str
    label_en: str
    note: str = ""


def region_dir(region: str = DEFAULT_REGION) -> Path:
    return Path(str(resources.files("qdsim") / "data" / "regions" / region))


def _read_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class Catalogue:
    """Everything a region declares: parameters, figures, sources, counties."""

    region: str
    parameters: dict[str, Parameter]
    figures: dict[str, Figure]
    sources: dict[str, Source]
    counties: tuple[dict, ...]
    info: dict = field(default_factory=dict)  # region.yaml: names, partner, incubator county
    calibration: dict = field(default_factory=dict)

    def defaults(self) -> ParameterSet:
        return ParameterSet({k: p.value for k, p in self.parameters.items()}, self)

    def bounds(self, names: Iterable[str] | None = None, *, status: Iterable[str] | None = None,
               spread: float | None = None) -> list[tuple[str, float, float, float]]:
        """``(id, low, high, value)`` of parameters to explore, around the values runs use.

        ``value`` is what a run uses — the fitted value for a calibrated
        parameter, never the prior in parameters.yaml — so an experiment
        centred on it explores the model as it runs.

        Args:
            names: parameter ids (default: every parameter whose plausible range is not a single value).
            status: keep only these statuses (``"assumption"``, ``"calibrated"``, …).
            spread: None: the plausible range (which holds the value). A number
                r: ``[value × (1 − r), value × (1 + r)]``, centred exactly on the
                value; it must stay within the plausible range.

        Raises:
            KeyError: an unknown parameter.
            ValueError: a centred range that leaves the plausible range, or has no width.
        """
        chosen = list(names) if names is not None else [k for k, p in self.parameters.items() if p.range[0] < p.range[1]]
        unknown = [k for k in chosen if k not in self.parameters]
        if unknown:
            raise KeyError(f"unknown parameters: {', '.join(unknown)}")
        if status is not None:
            keep = set(status)
            chosen = [k for k in chosen if self.parameters[k].status in keep]
        out, bad = [], []
        for k in chosen:
            p = self.parameters[k]
            lo, hi = p.range
            if spread is not None:
                lo, hi = sorted((p.value * (1 - spread), p.value * (1 + spread)))
                if not (p.range[0] - 1e-12 <= lo < hi <= p.range[1] + 1e-12):
                    bad.append(f"{k} ({short(p.value)} ± {percent(spread, 0)} is [{short(lo)}, {short(hi)}]; plausible [{short(p.range[0])}, {short(p.range[1])}])")
            out.append((k, float(lo), float(hi), float(p.value)))
        if bad:
            raise ValueError("centred ranges outside the plausible range: " + "; ".join(bad) + ". Give a smaller spread, or leave these out")
        return out

    def salib_problem(self, names: Iterable[str] | None = None, *, status: Iterable[str] | None = None,
                      spread: float | None = None) -> dict:
        """A SALib ``problem`` (``num_vars``, ``names``, ``bounds``) over parameters chosen as in :meth:`bounds`.

        Run a sample through ``Scenario.with_changes({f"overrides.{name}": x, …})``.
        """
        rows = self.bounds(names, status=status, spread=spread)
        return {"num_vars": len(rows), "names": [r[0] for r in rows], "bounds": [[r[1], r[2]] for r in rows]}


@cache
def load_catalogue(region: str = DEFAULT_REGION) -> Catalogue:
    """Read and check a region's data files (cached; the files are package data)."""
    d = region_dir(region)
    sources = {k: Source(k, v["title"], v["outlet"], str(v["date"]), str(v.get("url", ""))) for k, v in _read_yaml(d / "sources.yaml").items()}
    params: dict[str, Parameter] = {}
    for group, entries in _read_yaml(d / "parameters.yaml").items():
        for pid, e in entries.items():
            if pid in params:
                raise ValueError(f"parameter {pid} declared twice")
            calibrated = e.get("status") == "calibrated"
            if calibrated != ("prior" in e) or calibrated == ("value" in e):
                raise ValueError(f"parameter {pid}: a calibrated parameter declares `prior:` (its fitted value is in calibrated.yaml), any other `value:`")
            params[pid] = Parameter(
                id=pid,
                group=group,
                value=float(e["prior"] if calibrated else e["value"]),
                prior=float(e["prior"]) if calibrated else None,
                unit=str(e["unit"]),
                range=(float(e["range"][0]), float(e["range"][1])),
                status=str(e["status"]),
                source=str(e["source"]),
                label_zh=e["label"]["zh"],
                label_en=e["label"]["en"],
                note=str(e.get("note", "")),
            )
    calibration: dict = {}
    cal_path = d / "calibrated.yaml"
    if cal_path.exists():
        calibration = _read_yaml(cal_path) or {}
        for pid, value in (calibration.get("values") or {}).items():
            p = params[pid]
            if p.status != "calibrated":
                raise ValueError(f"calibrated.yaml sets {pid}, which is not a calibrated parameter")
            params[pid] = Parameter(**{**p.__dict__, "value": float(value)})
    figures = {
        fid: Figure(
            id=fid,
            value=float(e["value"]),
            unit=str(e["unit"]),
            period=str(e["period"]),
            kind=str(e["kind"]),
            source=str(e.get("source", "article_2025")),
            label_zh=e["label"]["zh"],
            label_en=e["label"]["en"],
            note=str(e.get("note", "")),
        )
        for fid, e in _read_yaml(d / "figures.yaml").items()
    }
    counties = tuple(_read_yaml(d / "counties.yaml"))
    info = _read_yaml(d / "region.yaml")
    return Catalogue(region, params, figures, sources, counties, info, calibration)


def available_regions() -> list[str]:
    root = region_dir(DEFAULT_REGION).parent
    return sorted(p.name for p in root.iterdir() if (p / "region.yaml").exists())


class ParameterSet:
    """Parameter values for one run: the catalogue's defaults plus overrides.

    Attribute access (``p.wage_qingdao``) keeps mechanism code readable; an
    unknown name is an error, never a silent default.
    """

    def __init__(self, values: dict[str, float], catalogue: Catalogue):
        clash = set(values) & set(dir(ParameterSet))
        if clash:
            raise ValueError(f"parameter names clash with ParameterSet's own: {sorted(clash)}")
        # each value is also an instance attribute: the mechanisms read parameters hundreds of
        # thousands of times a run, and a plain attribute is read without calling __getattr__
        self.__dict__.update(values)
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "catalogue", catalogue)

    def __getattr__(self, name: str) -> float:  # only for names that are not parameters
        raise AttributeError(f"no parameter named {name!r} in the catalogue")

    def __setattr__(self, name, value):  # pragma: no cover - guard
        raise AttributeError("ParameterSet is immutable; use with_overrides()")

    def __getstate__(self):
        return {"values": self._values, "region": self.catalogue.region}

    def __setstate__(self, state):
        self.__init__(state["values"], load_catalogue(state["region"]))

    def with_overrides(self, overrides: dict[str, float]) -> ParameterSet:
        unknown = set(overrides) - set(self._values)
        if unknown:
            raise KeyError(f"unknown parameters: {sorted(unknown)}")
        return ParameterSet({**self._values, **{k: float(v) for k, v in overrides.items()}}, self.catalogue)

    def as_dict(self) -> dict[str, float]:
        return dict(sorted(self._values.items()))

    def sha256(self) -> str:
        blob = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()

    def provenance(self) -> list[dict]:
        """Each value with the catalogue's unit, range, status and source."""
        out = []
        for pid, value in self.as_dict().items():
            p = self.catalogue.parameters[pid]
            out.append(
                {
                    "id": pid,
                    "value": value,
                    "default": p.value,
                    "unit": p.unit,
                    "range": list(p.range),
                    "status": p.status,
                    "source": p.source,
                }
            )
        return out


def parameters_for(scenario) -> ParameterSet:
    """The values a scenario runs with: its region's catalogue values with its ``overrides``."""
    return load_catalogue(scenario.region).defaults().with_overrides(scenario.overrides)
