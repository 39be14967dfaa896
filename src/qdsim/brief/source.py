"""What a brief is made from: a run's summary, manifest and scenario.

A brief is built either from a :class:`qdsim.api.RunResult` in memory (the
app) or from a run output directory (``summary.csv``, ``manifest.json``,
``scenario.yaml``; the command line). Both become one :class:`RunData`, so
the two paths cannot say different things about the same run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from qdsim.scenario import Scenario

REQUIRED_COLUMNS = ("scenario", "metric", "county", "year", "unit", "mean", "p05", "p95", "impact_mean", "impact_p05", "impact_p95")
REQUIRED_MANIFEST = ("run_id", "scenario", "replicates", "scale")
#: files in a run directory that may hold a sensitivity analysis of it
SENSITIVITY_FILES = ("sensitivity.csv", "sensitivity.json", "sensitivity/indices.csv", "sensitivity/sensitivity.csv")


class BriefError(ValueError):
    """The source of a brief is missing or is not a run (bad input: exit code 2)."""


@dataclass
class RunData:
    """Everything the brief reads about one run."""

    summary: pd.DataFrame  # chance-interval rows only (see `intervals`)
    manifest: dict
    scenario: Scenario
    run_dir: Path | None = None
    intervals: tuple[str, ...] = ("chance",)  # interval kinds present in summary.csv
    all_summary: pd.DataFrame | None = field(default=None, repr=False)
    sensitivity: pd.DataFrame | None = None
    sensitivity_file: str | None = None

    @property
    def run_id(self) -> str:
        return str(self.manifest["run_id"])

    @property
    def scenario_id(self) -> str:
        return self.scenario.id

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.summary.year.unique())

    def row(self, metric: str, county: str = "all", year: int | None = None, counterfactual: bool = False) -> pd.Series:
        """The summary row of one metric, county and year (the scenario's, or its counterfactual's)."""
        sid = self.scenario_id + ("-counterfactual" if counterfactual else "")
        year = self.years[-1] if year is None else year
        d = self.summary
        hit = d[(d.scenario == sid) & (d.metric == metric) & (d.county == county) & (d.year == year)]
        if len(hit) != 1:
            raise KeyError(f"summary has {len(hit)} rows for {sid}/{metric}/{county}/{year}")
        return hit.iloc[0]


def _int_years(obj: Any) -> Any:
    """Year keys back to integers: JSON and the run's scenario.yaml write them as strings."""
    if isinstance(obj, dict):
        return {(int(k) if isinstance(k, str) and k.isdigit() else k): _int_years(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_int_years(v) for v in obj]
    return obj


def scenario_from_manifest(manifest: dict) -> Scenario:
    try:
        return Scenario.model_validate(_int_years(manifest["scenario"]))
    except Exception as e:  # pydantic ValidationError, or a manifest from another version
        raise BriefError(f"manifest.json: the scenario it records is not valid: {str(e).splitlines()[0]}") from None


def _chance_only(summary: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The rows the brief reads, and the interval kinds the run carries.

    The chance interval is in ``p05``/``p95``; an assumption interval, when
    the run drew parameter sets, in the ``assumption_*`` columns. (Older
    summaries marked the kind in an ``interval`` column, one row per kind.)
    """
    kinds = ["chance"]
    if "impact_assumption_p05" in summary.columns and summary["impact_assumption_p05"].notna().any():
        kinds.append("assumption")
    if "interval" in summary.columns:
        older = [str(k) for k in summary["interval"].dropna().unique() if str(k) != "chance"]
        kinds += older
        if (summary["interval"] == "chance").any():
            summary = summary[summary["interval"] == "chance"].reset_index(drop=True)
    return summary, tuple(dict.fromkeys(kinds))


def from_result(result) -> RunData:
    """RunData of a :class:`qdsim.api.RunResult` held in memory."""
    summary, kinds = _chance_only(result.summary)
    return RunData(summary=summary, manifest=result.manifest, scenario=result.scenario, intervals=kinds, all_summary=result.summary)


def from_dir(path: str | os.PathLike) -> RunData:
    """RunData of a run output directory; :class:`BriefError` names what is wrong with it."""
    d = Path(path)
    if not d.exists():
        raise BriefError(f"{d}: no such run directory")
    if not d.is_dir():
        raise BriefError(f"{d}: is a file, not a run directory")
    missing = [f for f in ("summary.csv", "manifest.json") if not (d / f).is_file()]
    if missing:
        raise BriefError(f"{d}: not a run directory (no {' or '.join(missing)}); make one with `qdsim run FILE.yaml --out {d}`")
    try:
        manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BriefError(f"{d / 'manifest.json'}: cannot be read: {e}") from None
    if not isinstance(manifest, dict) or [k for k in REQUIRED_MANIFEST if k not in manifest]:
        lacking = [k for k in REQUIRED_MANIFEST if not isinstance(manifest, dict) or k not in manifest]
        raise BriefError(f"{d / 'manifest.json'}: not a qdsim run manifest (no {', '.join(lacking)})")
    try:
        summary = pd.read_csv(d / "summary.csv")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise BriefError(f"{d / 'summary.csv'}: cannot be read: {e}") from None
    lacking = [c for c in REQUIRED_COLUMNS if c not in summary.columns]
    if lacking:
        raise BriefError(f"{d / 'summary.csv'}: missing column(s) {', '.join(lacking)}")
    scenario = scenario_from_manifest(manifest)
    if scenario.id not in set(summary.scenario):
        raise BriefError(f"{d / 'summary.csv'}: has no rows for the scenario {scenario.id!r} named in manifest.json")
    chance, kinds = _chance_only(summary)
    data = RunData(summary=chance, manifest=manifest, scenario=scenario, run_dir=d, intervals=kinds, all_summary=summary)
    data.sensitivity, data.sensitivity_file = read_sensitivity(d)
    return data


def load(source) -> RunData:
    """RunData from a RunResult, a RunData, or a path to a run directory."""
    if isinstance(source, RunData):
        return source
    if isinstance(source, (str, os.PathLike)):
        return from_dir(source)
    if hasattr(source, "summary") and hasattr(source, "manifest") and hasattr(source, "scenario"):
        return from_result(source)
    raise BriefError(f"cannot make a brief from a {type(source).__name__}: give a RunResult or a run directory")


# -- sensitivity --------------------------------------------------------------
_NAME_COLS = ("parameter", "factor", "lever", "name", "input")
_INDEX_COLS = ("ST", "mu_star", "S1", "index", "value")


def read_sensitivity(run_dir: Path) -> tuple[pd.DataFrame | None, str | None]:
    """Indices of a sensitivity analysis saved in the run directory, if any.

    Accepts a table (CSV, or JSON records under ``indices``) with a factor
    column (parameter / factor / lever / name), an index column (ST, mu_star,
    S1, index) and optionally a ``metric`` and ``*_conf`` column. Returns
    (frame with columns factor, metric, index, stat, conf; file name) or
    (None, None) when there is none or it cannot be read.
    """
    for name in SENSITIVITY_FILES:
        p = run_dir / name
        if not p.is_file():
            continue
        try:
            if p.suffix == ".json":
                raw = json.loads(p.read_text(encoding="utf-8"))
                records = raw.get("indices", raw) if isinstance(raw, dict) else raw
                df = pd.DataFrame(records)
            else:
                df = pd.read_csv(p)
        except (OSError, ValueError, TypeError):
            continue
        factor = next((c for c in _NAME_COLS if c in df.columns), None)
        stat = next((c for c in _INDEX_COLS if c in df.columns), None)
        if factor is None or stat is None or df.empty:
            continue
        conf = f"{stat}_conf" if f"{stat}_conf" in df.columns else None
        out = pd.DataFrame(
            {
                "factor": df[factor].astype(str),
                "metric": df["metric"].astype(str) if "metric" in df.columns else "",
                "index": pd.to_numeric(df[stat], errors="coerce"),
                "stat": stat,
                "conf": pd.to_numeric(df[conf], errors="coerce") if conf else float("nan"),
            }
        ).dropna(subset=["index"])
        if not out.empty:
            return out, name
    return None, None
