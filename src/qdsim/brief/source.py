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

import pandas as pd

from qdsim.scenario import Scenario

REQUIRED_COLUMNS = ("scenario", "metric", "county", "year", "unit", "mean", "p05", "p95", "impact_mean", "impact_p05", "impact_p95")
REQUIRED_MANIFEST = ("run_id", "scenario", "replicates", "scale")


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
    sensitivity: Sensitivity | None = None
    cost: pd.DataFrame | None = field(default=None, repr=False)  # cost.csv: spending and results per unit of money (qdsim.results.cost)
    attribution: pd.DataFrame | None = field(default=None, repr=False)  # attribution.csv: the assumptions a difference rests on

    @property
    def run_id(self) -> str:
        return str(self.manifest["run_id"])

    @property
    def scenario_id(self) -> str:
        return self.scenario.id

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.summary.year.unique())

    @property
    def paired(self) -> bool:
        """True when the run carries its difference from a baseline (a what-if, not the baseline itself)."""
        return self.manifest.get("baseline") is not None and "vs_baseline_mean" in self.summary.columns

    def cost_row(self, against: str, measure: str) -> pd.Series | None:
        """One row of cost.csv (``against``: "" for the spending — written ``none`` since cost.csv fills it —, baseline, counterfactual), or None."""
        if self.cost is None:
            return None
        hit = self.cost[(self.cost["against"].fillna("").replace("none", "") == against) & (self.cost["measure"] == measure)]
        return hit.iloc[0] if len(hit) == 1 else None

    def row(self, metric: str, county: str = "all", year: int | None = None, counterfactual: bool = False) -> pd.Series:
        """The summary row of one metric, county and year (the scenario's, or its counterfactual's)."""
        sid = self.scenario_id + ("-counterfactual" if counterfactual else "")
        year = self.years[-1] if year is None else year
        d = self.summary
        hit = d[(d.scenario == sid) & (d.metric == metric) & (d.county == county) & (d.year == year)]
        if len(hit) != 1:
            raise KeyError(f"summary has {len(hit)} rows for {sid}/{metric}/{county}/{year}")
        return hit.iloc[0]


def scenario_from_manifest(manifest: dict) -> Scenario:
    try:
        return Scenario.model_validate(manifest["scenario"])  # year keys from JSON are strings: the schema reads them
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
    cost = result.cost.to_frame() if getattr(result, "cost", None) is not None else None
    return RunData(summary=summary, manifest=result.manifest, scenario=result.scenario, intervals=kinds, cost=cost,
                   attribution=getattr(result, "attribution", None))


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
    data = RunData(summary=chance, manifest=manifest, scenario=scenario, run_dir=d, intervals=kinds, cost=_optional_csv(d / "cost.csv"),
                   attribution=_optional_csv(d / "attribution.csv"))
    data.sensitivity = find_sensitivity(d, scenario.id)
    return data


def _optional_csv(path: Path) -> pd.DataFrame | None:
    """A table a run writes only sometimes (cost.csv, attribution.csv), or None; a file that cannot be read is a BriefError."""
    if not path.is_file():
        return None
    try:
        return pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise BriefError(f"{path}: cannot be read: {e}") from None


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
_NAME_COLS = ("factor", "parameter", "lever", "name", "input")
_INDEX_COLS = ("ST", "mu_star", "S1", "index", "value")
_OUTPUT_COLS = ("output", "metric")


@dataclass
class Sensitivity:
    """A sensitivity analysis of the run's scenario (``qdsim sensitivity``, or a table in the run directory)."""

    source: str  # where it was read from
    method: str = ""
    year: int | None = None
    runs: int | None = None
    indices: pd.DataFrame = field(default_factory=pd.DataFrame)  # output, factor, label_zh, label_en, range, stat, index, conf
    ranking: dict[str, dict[str, str]] = field(default_factory=dict)  # output -> {zh, en}: plain-language ranking
    replicates: int | None = None  # per sample point
    scale: float | None = None

    def outputs(self) -> list[str]:
        return list(dict.fromkeys(self.indices["output"])) if not self.indices.empty else list(self.ranking)


def _range_text(f: dict, lang: str) -> str:
    try:
        from qdsim.sensitivity import Factor

        return Factor(**{k: f[k] for k in ("name", "path", "low", "high") if k in f},
                      **{k: f[k] for k in ("kind", "zh", "en", "unit") if k in f}).range_text(lang)
    except Exception:  # another version of the module, or none: say it plainly
        return f"{f.get('low', '')}–{f.get('high', '')}"


def _table(df: pd.DataFrame, factors: dict[str, dict] | None = None) -> pd.DataFrame | None:
    factor = next((c for c in _NAME_COLS if c in df.columns), None)
    stat = next((c for c in _INDEX_COLS if c in df.columns), None)
    if factor is None or stat is None or df.empty:
        return None
    output = next((c for c in _OUTPUT_COLS if c in df.columns), None)
    conf = f"{stat}_conf" if f"{stat}_conf" in df.columns else None
    factors = factors or {}
    names = df[factor].astype(str)
    out = pd.DataFrame(
        {
            "output": df[output].astype(str) if output else "",
            "factor": names,
            "label_zh": [factors.get(n, {}).get("zh") or "" for n in names],
            "label_en": [factors.get(n, {}).get("en") or "" for n in names],
            "range_zh": [_range_text(factors[n], "zh") if n in factors else "" for n in names],
            "range_en": [_range_text(factors[n], "en") if n in factors else "" for n in names],
            "stat": stat,
            "index": pd.to_numeric(df[stat], errors="coerce"),
            "conf": pd.to_numeric(df[conf], errors="coerce") if conf else float("nan"),
        }
    ).dropna(subset=["index"])
    return out if not out.empty else None


def _from_json(p: Path, scenario_id: str | None) -> Sensitivity | None:
    raw = json.loads(p.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        df = _table(pd.DataFrame(raw))
        return Sensitivity(str(p), indices=df) if df is not None else None
    if scenario_id is not None and raw.get("scenario") not in (None, scenario_id):
        return None  # an analysis of another scenario
    factors = {f["name"]: f for f in raw.get("factors") or [] if isinstance(f, dict) and "name" in f}
    idx = raw.get("indices", [])
    if isinstance(idx, dict):  # qdsim sensitivity: output -> records
        frames = [pd.DataFrame(recs).assign(output=out) for out, recs in idx.items() if recs]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    else:
        df = pd.DataFrame(idx)
    table = _table(df, factors)
    ranking = {o: v for o, v in (raw.get("ranking") or {}).items() if isinstance(v, dict)}
    if table is None and not ranking:
        return None
    return Sensitivity(str(p), method=str(raw.get("method", "")), year=raw.get("year"), runs=raw.get("runs"),
                       indices=table if table is not None else pd.DataFrame(), ranking=ranking,
                       replicates=raw.get("replicates"), scale=raw.get("scale"))


def read_sensitivity(path: Path, scenario_id: str | None = None) -> Sensitivity | None:
    """A sensitivity analysis in ``path`` (a directory or a file), or None.

    Reads what ``qdsim sensitivity`` writes (``sensitivity.json``, with the
    indices, the factors' names and the plain-language ranking; or its
    ``indices.csv``), or any table with a factor column (factor / parameter /
    lever / name), an index column (ST, mu_star, S1, index) and optionally an
    ``output`` or ``metric`` and a ``*_conf`` column. An analysis that names
    another scenario than ``scenario_id`` is ignored.
    """
    path = Path(path)
    files = [path] if path.is_file() else [path / n for n in ("sensitivity.json", "indices.csv", "sensitivity.csv")]
    for p in files:
        if not p.is_file():
            continue
        try:
            if p.suffix == ".json":
                found = _from_json(p, scenario_id)
            else:
                df = _table(pd.read_csv(p))
                found = Sensitivity(str(p), indices=df) if df is not None else None
        except (OSError, ValueError, TypeError, KeyError):
            continue
        if found is not None:
            return found
    return None


def find_sensitivity(run_dir: Path, scenario_id: str) -> Sensitivity | None:
    """The sensitivity analysis of a run: in its directory (``sensitivity/`` or the files themselves), or
    where ``qdsim sensitivity`` puts one by default beside it (``../sensitivity/<scenario>-sobol``, ``-morris``)."""
    candidates = [run_dir / "sensitivity", run_dir]
    beside = run_dir.parent / "sensitivity"
    candidates += [beside / f"{scenario_id}-sobol", beside / f"{scenario_id}-morris"]
    if beside.is_dir():
        candidates += sorted(p for p in beside.glob(f"{scenario_id}-*") if p.is_dir())
    for c in dict.fromkeys(candidates):
        if c.is_dir():
            found = read_sensitivity(c, scenario_id)
            if found is not None:
                return found
    return None
