"""What every section of a brief shares: the run, the language, and how a number is shown.

Every number that comes from ``summary.csv`` is written through
:meth:`Context.num` and recorded as a :class:`~qdsim.brief.numbers.Trace`;
nothing in the findings or the county table is typed in.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import qdsim
from qdsim.brief.document import Brief
from qdsim.brief.labels import t
from qdsim.brief.numbers import Trace, compact, show
from qdsim.brief.source import RunData
from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.format import Difference, describe, fixed, interval, planner_number, short
from qdsim.foundation.metrics import catalogue
from qdsim.scenario import shipped

#: the key findings, in order: (metric, direction words for a ratio/level or a quantity)
FINDINGS = (
    "rural_income_per_capita",
    "monitored_share",
    "stable_employment",
    "consumption_sales",
    "migrant_workers_qingdao",
    "enterprise_jobs",
    "village_collective_income",
)
COUNTY_METRIC = "rural_income_per_capita"
KNOWN_COUNTERFACTUAL = "the same scenario with every cooperation lever at zero from the first year (conditions and overrides kept)"
MAX_YEAR_COLUMNS = 8
_EN_COUNT_UNITS = {"家": "", "所": "", "个": "", "岗": "jobs", "人": "people", "人次": "person-times"}


def brief_date(today: date | None = None) -> str:
    """Today's date (or SOURCE_DATE_EPOCH's, for reproducible builds)."""
    if today is not None:
        return today.isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date().isoformat()
    return date.today().isoformat()


def baseline_file() -> Path | None:
    """The shipped baseline scenario (inside the package, so an installed qdsim finds it)."""
    p = shipped.baseline_file()
    return p if p.is_file() else None


def quantity(value: float, unit: str, lang: str) -> str:
    """A lever or reported figure as planners write it (exact inputs: no trailing zeros)."""
    if unit == "switch":
        return t("yes" if value >= 0.5 else "no", lang)
    if unit == "index":
        return fixed(value, 2)
    if lang == "en" and unit in _EN_COUNT_UNITS:
        text = planner_number(value, "个", "en")
        return f"{text} {_EN_COUNT_UNITS[unit]}".strip()
    if unit == "share":
        pct = value * 100  # an input: 30%, 5.9%; a computed split (money moved between programmes) to one decimal, not 57.4211%
        return fixed(pct, 1 if abs(pct) >= 1 or pct == 0 else 2).rstrip("0").rstrip(".") + "%"
    return planner_number(value, unit, lang)  # exact inputs read without trailing zeros (4.05亿元, 1万亩)


#: the English noun phrase of a finding's metric (the catalogue's names are labels, not prose)
EN_PHRASES = {
    "rural_income_per_capita": "rural disposable income per capita",
    "monitored_share": "the share of households under the monitoring line",
    "stable_employment": "stable employment",
    "consumption_sales": "consumption-assistance sales of Dingxi products",
    "migrant_workers_qingdao": "the number of Dingxi workers in Qingdao",
    "enterprise_jobs": "jobs in local firms",
    "village_collective_income": "village collective income",
}



class Context:
    """What every section reads (the run, the language, the catalogue) and writes (the brief), with the shared ways of showing a number."""

    def __init__(self, data: RunData, lang: str, today: date | None):
        self.d = data
        self.lang = lang
        self.m = data.manifest
        self.reg = load_catalogue(data.scenario.region)
        self.cat = catalogue()
        self.year = data.years[-1]
        self.first_year = data.years[0]
        self.county_names = {c["id"]: c[lang] for c in self.reg.counties} | {"all": t("c_all", lang)}
        sc = data.scenario
        self.brief = Brief(
            lang=lang,
            title=t("title", lang, title=sc.title.zh if lang == "zh" else sc.title.en),
            subtitle=t("subtitle", lang, version=self.version),
            date=brief_date(today),
            run_id=data.run_id,
            scenario_id=sc.id,
            keywords="qdsim; 青岛; 定西; 东西部协作; Qingdao; Dingxi; East-West cooperation",
        )

    @property
    def version(self) -> str:
        return str(self.m.get("qdsim_version", qdsim.__version__))

    @property
    def commit(self) -> str:
        return str(self.m.get("commit", "unknown"))

    @property
    def short_commit(self) -> str:
        c = self.commit
        return c[:12] + ("-dirty" if c.endswith("-dirty") else "") if c != "unknown" else c

    @property
    def seed(self) -> str:
        return str(self.m.get("seed", self.d.scenario.seed))

    def scale_text(self) -> str:
        return short(float(self.m['scale']) * 100) + "%"

    def num(self, row, stat: str, how: str = "plain", text: str | None = None, full: str | None = None) -> str:
        """Format one summary.csv (or cost.csv) cell and record where it came from."""
        value = float(row[stat])
        full = full if full is not None else show(value, row["unit"], self.lang, how)
        text = full if text is None else text
        if "measure" in row.index:  # a row of cost.csv
            where = (f"{row['against'] if isinstance(row['against'], str) else ''}:{row['measure']}", "all", int(row["end"]), "cost.csv")
        else:
            where = (str(row["metric"]), str(row["county"]), int(row["year"]), "summary.csv")
        self.brief.traces.append(
            Trace(str(row["scenario"]), where[0], where[1], where[2], stat, "assumption" if "assumption" in stat else "chance",
                  value, str(row["unit"]), how, full, text, where[3])
        )
        return text

    def diff(self, row, prefix: str) -> tuple[str, str, str]:
        """A difference (``prefix``: vs_baseline, impact) with its sign, and its interval's two ends, each traced."""
        d = self.num(row, f"{prefix}_mean", "signed")
        span = interval(float(row[f"{prefix}_p05"]), float(row[f"{prefix}_p95"]), row["unit"], self.lang, signed=True)
        if span == "–":
            return d, self.num(row, f"{prefix}_p05", "signed"), self.num(row, f"{prefix}_p95", "signed")
        lo, hi = span.split(" 至 " if self.lang == "zh" else " to ")  # one scale, the unit once: '-4.46 至 -4.21万人次'
        return d, self.num(row, f"{prefix}_p05", "signed", text=lo), self.num(row, f"{prefix}_p95", "signed", text=hi)

    def words(self, row, metric: str, prefix: str) -> Difference:
        """The difference ``prefix`` (vs_baseline, impact) of a summary row in words: its verdict and meaning (not traced)."""
        return describe(metric, *(float(row[f"{prefix}_{s}"]) for s in ("mean", "p05", "p95")), self.lang, str(row["unit"]))

    def span(self, row, lo: str, hi: str, how: str, strip_unit: bool = False) -> str:
        """A range 'a–b' with the shared unit written once; both ends traced."""
        lo_full = show(float(row[lo]), row["unit"], self.lang, how)
        hi_full = show(float(row[hi]), row["unit"], self.lang, how)
        lo_text, hi_text = compact(lo_full, hi_full)
        if strip_unit:
            lo_text, hi_text = self.bare(lo_text, row["unit"]), self.bare(hi_text, row["unit"])
        return f"{self.num(row, lo, how, lo_text, lo_full)}–{self.num(row, hi, how, hi_text, hi_full)}"

    def bare(self, text: str, unit: str) -> str:
        """'19,363元/人' -> '19,363' (the unit is in the column header)."""
        suffix = unit if self.lang == "zh" else " " + show(1.0, unit, "en").split(" ", 1)[-1]
        return text[: -len(suffix)] if text.endswith(suffix) and len(text) > len(suffix) else text

    def unit_label(self, unit: str) -> str:
        if self.lang == "zh":
            return unit
        return show(1.0, unit, "en").split(" ", 1)[-1]

    def name(self, metric: str) -> str:
        if self.lang == "en" and metric in EN_PHRASES:
            return EN_PHRASES[metric]
        n = self.cat[metric].name(self.lang)
        return n if self.lang == "zh" else n[0].lower() + n[1:]

    def param_label(self, pid: str) -> str:
        p = self.reg.parameters.get(pid)
        if p is None:
            return pid
        return f"{p.label_zh if self.lang == 'zh' else p.label_en} ({pid})"

    def status(self, s: str) -> str:
        return t(f"st_{s}", self.lang) if f"st_{s}" in _STATUS_KEYS else s


_STATUS_KEYS = {"st_calibrated", "st_assumption", "st_reported", "st_statistic", "st_literature"}
_KIND_KEYS = {"kind_input", "kind_target", "kind_structure", "kind_context", "kind_validation"}
