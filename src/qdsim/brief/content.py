"""Build a brief's content from a run: findings, charts, tables, methods, citation.

Every number that comes from ``summary.csv`` is written through
:meth:`_Builder.num` and recorded as a :class:`~qdsim.brief.numbers.Trace`;
nothing in the findings or the county table is typed in.
"""

from __future__ import annotations

import math
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

import qdsim
from qdsim.brief import figures
from qdsim.brief.document import Brief, Bullets, Code, Figure, Heading, Paragraph, Table
from qdsim.brief.labels import LEVERS, share_label, t
from qdsim.brief.numbers import Trace, compact, show
from qdsim.brief.source import RunData, load
from qdsim.format import planner_number
from qdsim.metrics import catalogue
from qdsim.registry import load_registry
from qdsim.scenario import shipped
from qdsim.scenario.schema import PROGRAMMES

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


def _trim(text: str) -> str:
    """'4.050亿元' -> '4.05亿元', '1.000万亩' -> '1万亩' (inputs are exact, not estimates)."""
    return re.sub(r"(\d)\.(\d*?)0+(?=\D|$)", lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), text)


def quantity(value: float, unit: str, lang: str) -> str:
    """A lever or reported figure as planners write it (exact inputs: no trailing zeros)."""
    if unit == "switch":
        return t("yes" if value >= 0.5 else "no", lang)
    if unit == "index":
        return f"{value:.2f}"
    if lang == "en" and unit in _EN_COUNT_UNITS:
        text = planner_number(value, "个", "en")
        return f"{text} {_EN_COUNT_UNITS[unit]}".strip()
    return _trim(planner_number(value, unit, lang))


def _g(value) -> str:
    """A parameter value, plainly: 5,200,000 not 5.2e+06; 0.0001 stays 0.0001."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    text = f"{value:,.6g}"
    if "e" in text:  # 6 significant digits, written out
        text = np.format_float_positional(value, precision=6, unique=False, fractional=False, trim="-")
    return text


def _pct(x) -> str:
    """A relative error: '+1.3%', '0.0%' (never '-0.0%')."""
    if x is None:
        return "–"
    text = f"{float(x):+.1%}"
    return "0.0%" if text in ("+0.0%", "-0.0%") else text


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


class _Builder:
    def __init__(self, data: RunData, lang: str, today: date | None):
        self.d = data
        self.lang = lang
        self.m = data.manifest
        self.reg = load_registry(data.scenario.region)
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

    # -- manifest helpers ------------------------------------------------
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

    def _scale_text(self) -> str:
        return f"{float(self.m['scale']) * 100:g}%"

    # -- traced numbers --------------------------------------------------
    def num(self, row, stat: str, how: str = "plain", text: str | None = None, full: str | None = None) -> str:
        """Format one summary.csv cell and record where it came from."""
        value = float(row[stat])
        full = full if full is not None else show(value, row["unit"], self.lang, how)
        text = full if text is None else text
        self.brief.traces.append(
            Trace(str(row["scenario"]), str(row["metric"]), str(row["county"]), int(row["year"]), stat,
                  "assumption" if "assumption" in stat else "chance", value, str(row["unit"]), how, full, text)
        )
        return text

    def span(self, row, lo: str, hi: str, how: str, strip_unit: bool = False) -> str:
        """A range 'a–b' with the shared unit written once; both ends traced."""
        lo_full = show(float(row[lo]), row["unit"], self.lang, how)
        hi_full = show(float(row[hi]), row["unit"], self.lang, how)
        lo_text, hi_text = compact(lo_full, hi_full)
        if strip_unit:
            lo_text, hi_text = self._bare(lo_text, row["unit"]), self._bare(hi_text, row["unit"])
        return f"{self.num(row, lo, how, lo_text, lo_full)}–{self.num(row, hi, how, hi_text, hi_full)}"

    def _bare(self, text: str, unit: str) -> str:
        """'19,363元/人' -> '19,363' (the unit is in the column header)."""
        suffix = unit if self.lang == "zh" else " " + show(1.0, unit, "en").split(" ", 1)[-1]
        return text[: -len(suffix)] if text.endswith(suffix) and len(text) > len(suffix) else text

    def _unit_label(self, unit: str) -> str:
        if self.lang == "zh":
            return unit
        return show(1.0, unit, "en").split(" ", 1)[-1]

    # -- sections --------------------------------------------------------
    def header(self) -> None:
        created = str(self.m.get("created", ""))[:19].replace("T", " ")
        self.brief.add(Paragraph(t("dateline", self.lang, date=self.brief.date, run_id=self.d.run_id, created=created or "–"), role="meta"))
        self.brief.footer = t("footer", self.lang, run_id=self.d.run_id, version=self.version, commit=self.short_commit,
                              seed=self.seed, sha=str(self.m.get("scenario_sha256", ""))[:16])

    def name(self, metric: str) -> str:
        if self.lang == "en" and metric in EN_PHRASES:
            return EN_PHRASES[metric]
        n = self.cat[metric].name(self.lang)
        return n if self.lang == "zh" else n[0].lower() + n[1:]

    def finding(self, metric: str) -> str | None:
        lang = self.lang
        try:
            row = self.d.row(metric, "all", self.year)
            cf = self.d.row(metric, "all", self.year, counterfactual=True)
        except KeyError:
            return None
        if any(math.isnan(float(row[c])) for c in ("mean", "p05", "p95", "impact_mean", "impact_p05", "impact_p95")):
            return None
        kind = self.cat[metric].kind
        unit = row["unit"]
        level = self.num(row, "mean")
        lo_hi = self.span(row, "p05", "p95", "plain")
        lo, hi = lo_hi.split("–", 1)
        base = {"year": self.year, "name": self.name(metric), "level": level, "lo": lo, "hi": hi}
        i_mean, i05, i95 = float(row.impact_mean), float(row.impact_p05), float(row.impact_p95)
        if i_mean == 0 and i05 == 0 and i95 == 0:
            return t("f_same", lang, **base)
        if float(cf["mean"]) == 0 and float(cf["p95"]) == 0 and i_mean > 0:
            return t("f_all_coop", lang, **base)
        diff_how = "pp" if unit == "share" else "abs"
        if i05 > 0 or i95 < 0:
            up = i_mean > 0
            words = ("higher", "lower") if kind in ("ratio",) else ("more", "less")
            d = self.num(row, "impact_mean", diff_how)
            lo_stat, hi_stat = ("impact_p05", "impact_p95") if up else ("impact_p95", "impact_p05")
            dlo, dhi = self.span(row, lo_stat, hi_stat, diff_how).split("–", 1)
            return t("f_impact", lang, **base, dir=t(words[0] if up else words[1], lang), d=d, dlo=dlo, dhi=dhi, extra=self._assumption_span(row, up, diff_how))
        if unit == "share":  # a share difference either way: percentage points with their sign
            sign = lambda v: "-" if v < 0 else "+"  # noqa: E731
            d = sign(i_mean) + self.num(row, "impact_mean", "pp")
            dlo = sign(i05) + self.num(row, "impact_p05", "pp")
            dhi = sign(i95) + self.num(row, "impact_p95", "pp")
        else:
            d = self.num(row, "impact_mean", "signed")
            dlo, dhi = self.num(row, "impact_p05", "signed"), self.num(row, "impact_p95", "signed")
        return t("f_unclear", lang, **base, d=d, dlo=dlo, dhi=dhi)

    def _assumption_span(self, row, up: bool, how: str) -> str:
        """'；参数假设区间 a–b' when the run drew parameter sets and the interval keeps one sign."""
        a05, a95 = (float(row.get(c, math.nan)) for c in ("impact_assumption_p05", "impact_assumption_p95"))
        if math.isnan(a05) or math.isnan(a95) or not (a05 > 0 or a95 < 0) or (a05 > 0) != up:
            return ""
        lo, hi = ("impact_assumption_p05", "impact_assumption_p95") if up else ("impact_assumption_p95", "impact_assumption_p05")
        return t("assumption_interval", self.lang, span=self.span(row, lo, hi, how))

    def county_finding(self) -> str | None:
        rows = []
        for c in self.reg.counties:
            try:
                rows.append(self.d.row(COUNTY_METRIC, c["id"], self.year))
            except KeyError:
                return None
        rows = [r for r in rows if not math.isnan(float(r.impact_mean))]
        if len(rows) < 2:
            return None
        low = min(rows, key=lambda r: float(r.impact_mean))
        high = max(rows, key=lambda r: float(r.impact_mean))
        return t("f_counties", self.lang, year=self.year, name=self.name(COUNTY_METRIC),
                 low_county=self.county_names[low.county], low=self.num(low, "impact_mean", "signed"),
                 high_county=self.county_names[high.county], high=self.num(high, "impact_mean", "signed"))

    def findings(self) -> None:
        lang = self.lang
        self.brief.add(Heading(t("h_findings", lang), 1, "findings"))
        items = [f for f in (self.finding(m) for m in FINDINGS) if f]
        cf = self.county_finding()
        if cf:
            items.append(cf)
        self.brief.add(Bullets(items, role="findings"))
        note = t("findings_note", lang)
        if "assumption" in self.d.intervals:
            note += t("findings_assumption_interval", lang)
        self.brief.add(Paragraph(note, role="note"))

    def charts(self) -> None:
        lang = self.lang
        self.brief.add(Heading(t("h_charts", lang), 1, "charts"))
        key = (self.d.run_id, str(self.m.get("created", "")), self.d.scenario.sha256())
        pngs = figures.render_all(self.d.summary, lang, self.county_names, self.year, key=key)
        for n, (spec, png) in enumerate(pngs, 1):
            text = t(f"cap_{spec.name}", lang, year=self.year) if spec.kind == "counties" else t(f"cap_{spec.name}", lang)
            self.brief.add(Figure(png, t("fig_caption", lang, n=n, text=text), spec.name))

    def counties(self) -> None:
        lang = self.lang
        self.brief.add(Heading(t("h_counties", lang), 1, "counties"))
        unit = self.cat[COUNTY_METRIC].unit
        u = self._unit_label(unit)
        header = [t("c_county", lang), t("c_level", lang, year=self.year, unit=u), t("c_interval", lang),
                  t("c_impact", lang, unit=u), t("c_interval", lang)]
        rows = []
        for cid in ["all"] + [c["id"] for c in self.reg.counties]:
            try:
                r = self.d.row(COUNTY_METRIC, cid, self.year)
            except KeyError:
                continue
            level = self.num(r, "mean", "plain", self._bare(show(float(r["mean"]), unit, lang), unit))
            rng = self.span(r, "p05", "p95", "plain", strip_unit=True)
            imp = self.num(r, "impact_mean", "signed", self._bare(show(float(r.impact_mean), unit, lang, "signed"), unit))
            if float(r.impact_p05) >= 0:
                irng = self.span(r, "impact_p05", "impact_p95", "plain", strip_unit=True)
            else:
                lo = self.num(r, "impact_p05", "signed", self._bare(show(float(r.impact_p05), unit, lang, "signed"), unit))
                hi = self.num(r, "impact_p95", "signed", self._bare(show(float(r.impact_p95), unit, lang, "signed"), unit))
                irng = f"{lo}{t('to', lang)}{hi}"
            rows.append([self.county_names[cid], level, rng, imp, irng])
        self.brief.add(Table(header, rows, role="counties", numeric=(1, 2, 3, 4)))
        self.brief.add(Paragraph(t("counties_note", lang), role="note"))

    # -- scenario and levers ---------------------------------------------
    def _horizon_text(self, h) -> str:
        if h.mode == "stop":
            return t("horizon_stop", self.lang, after=h.after)
        if h.mode == "taper":
            return t("horizon_taper", self.lang, after=h.after, n=h.taper_years)
        return t("horizon_continue", self.lang)

    def _lever_series(self, scenario) -> dict[str, dict[int, float]]:
        from qdsim.scenario.levers import resolve

        table = resolve(scenario)
        out = {k: dict(zip(table.years, map(float, v), strict=True)) for k, v in table.values.items() if k in LEVERS}
        for j, p in enumerate(PROGRAMMES):
            out[f"shares.{p}"] = {y: float(table.shares[i, j]) for i, y in enumerate(table.years)}
        return out

    def _label(self, key: str) -> tuple[str, str]:
        if key.startswith("shares."):
            return share_label(key.split(".", 1)[1], self.lang), "share"
        zh, en, unit = LEVERS[key]
        return (zh if self.lang == "zh" else en), unit

    def scenario(self) -> None:
        from qdsim.scenario import ScenarioError, load_scenario

        lang, sc = self.lang, self.d.scenario
        self.brief.add(Heading(t("h_scenario", lang), 1, "scenario"))
        bfile = baseline_file()
        base = None
        if bfile is not None:
            try:
                base = load_scenario(bfile)
            except ScenarioError:
                base = None
        title = sc.title.zh if lang == "zh" else sc.title.en
        horizon = self._horizon_text(sc.horizon)
        if base is not None and base.horizon != sc.horizon:
            horizon += t("horizon_diff", lang, base=self._horizon_text(base.horizon))
        self.brief.add(Paragraph(t("s_period", lang, title=title, id=sc.id, start=sc.period.start, end=sc.period.end, horizon=horizon)))

        mine = self._lever_series(sc)
        theirs = self._lever_series(base) if base is not None else {}
        order = [k for k in LEVERS if k in mine] + [f"shares.{p}" for p in PROGRAMMES]
        defaults = {"conditions.potato_price_index": 1.0, "conditions.herbs_price_index": 1.0, "conditions.hail_multiplier": 1.0}

        def differs(k: str) -> bool:
            a, b = mine.get(k, {}), theirs.get(k, {})
            return any(not math.isclose(a[y], b.get(y, math.nan), rel_tol=1e-9, abs_tol=1e-12) for y in a)

        def shown(k: str) -> bool:
            if k == "conditions.qingdao_wage_index":
                return base is not None and differs(k)
            if k.startswith("conditions."):
                return differs(k) or any(v != defaults.get(k, 0.0) for v in mine[k].values())
            return any(v != 0 for v in mine[k].values()) or any(v != 0 for v in theirs.get(k, {}).values())

        if base is None:
            keys = [k for k in order if shown(k)]
            self.brief.add(Paragraph(t("s_nobase", lang), role="note"))
        else:
            changed = [k for k in order if differs(k)]
            name = "scenarios/baseline.yaml"
            if changed:
                keys = changed
                self.brief.add(Paragraph(t("s_diff", lang, file=name, n=len([k for k in order if shown(k)]) - len([k for k in changed if shown(k)])), role="note"))
            else:
                keys = [k for k in order if shown(k)]
                self.brief.add(Paragraph(t("s_same", lang, file=name), role="note"))
        if sc.overrides:
            self.brief.add(Paragraph(t("overrides", lang, n=len(sc.overrides)), role="note"))
        if not keys:
            return
        years = sc.period.years
        points = {years[0]}
        for k in keys:
            for series in (mine.get(k, {}), theirs.get(k, {})):
                for i, y in enumerate(years[1:], 1):
                    if y in series and years[i - 1] in series and series[y] != series[years[i - 1]]:
                        points.add(y)
        cols = sorted(points)
        capped = len(cols) > MAX_YEAR_COLUMNS
        if capped:
            cols = cols[: MAX_YEAR_COLUMNS - 1] + [cols[-1]]
        headers = []
        for i, y in enumerate(cols):
            end = (cols[i + 1] - 1) if i + 1 < len(cols) else years[-1]
            headers.append(str(y) if (capped or end == y) else f"{y}–{end}")
        rows = []
        for k in keys:
            label, unit = self._label(k)
            cells = [label]
            for y in cols:
                v = mine.get(k, {}).get(y)
                text = quantity(v, unit, lang) if v is not None else "–"
                b = theirs.get(k, {}).get(y) if base is not None else None
                if base is not None and (b is None or not math.isclose(v if v is not None else math.nan, b, rel_tol=1e-9, abs_tol=1e-12)):
                    text = t("s_baseline_cell", lang, value=text, base=quantity(b, unit, lang) if b is not None else "–")
                cells.append(text)
            rows.append(cells)
        self.brief.add(Table([t("s_lever", lang)] + headers, rows, role="levers", numeric=tuple(range(1, len(cols) + 1))))
        if capped:
            self.brief.add(Paragraph(t("s_some_years", lang), role="note"))

    # -- methods, assumptions, limitations ---------------------------------
    def _households(self) -> str:
        try:
            row = self.d.row("households", "all", self.first_year)
        except KeyError:
            return "–"
        return self.num(row, "mean")

    def _calibration(self) -> tuple[str, list[Table]]:
        cal = self.m.get("calibration") or {}
        if not isinstance(cal, dict) or not cal:
            return t("calib_none", self.lang), []
        targets = cal.get("targets")
        if isinstance(targets, list) and targets and all(isinstance(x, dict) and "reported" in x and "model_mean" in x for x in targets):
            try:
                return self._calibration_fit(cal, targets)
            except (KeyError, TypeError, ValueError):
                pass  # a record of another shape: list it as it is
        return self._calibration_generic(cal)

    def _calibration_fit(self, cal: dict, targets: list[dict]) -> tuple[str, list[Table]]:
        """The record ``qdsim calibrate`` writes: method, date, targets (reported vs model), fitted parameters."""
        lang = self.lang
        tol = float(cal.get("tolerance", 0.05))
        fitted = [x for x in targets if x.get("fitted", True)]
        ok = (cal.get("fit") or {}).get("all_within_tolerance")
        if ok is None:
            ok = all(abs(float(x.get("error", 0))) <= tol for x in fitted)
        text = t("calib_fit", lang, date=str(cal.get("date", "–"))[:10], version=cal.get("qdsim_version", "–"),
                 commit=str(cal.get("commit", "–"))[:12], n_targets=len(fitted), n_params=len(cal.get("parameters") or []),
                 replicates=cal.get("replicates", "–"), tol=f"{tol:.0%}",
                 verdict=t("calib_ok" if ok else "calib_miss", lang, tol=f"{tol:.0%}"))
        header = [t("ct_figure", lang), t("ct_reported", lang), t("ct_model", lang), t("ct_error", lang), t("ct_holdout", lang)]
        rows = []
        for x in targets:
            unit = str(x.get("unit", ""))
            label = x.get("label")
            name = (label.get(lang) or label.get("en")) if isinstance(label, dict) else str(label or x.get("figure", ""))
            if not x.get("fitted", True):
                name += t("ct_checked", lang)
            model = f"{show(float(x['model_mean']), unit, lang)}"
            if "model_p05" in x and "model_p95" in x:
                lo, hi = compact(show(float(x["model_p05"]), unit, lang), show(float(x["model_p95"]), unit, lang))
                model += f"（{lo}–{hi}）" if lang == "zh" else f" ({lo}–{hi})"
            err = x.get("error")
            hold = x.get("holdout_error")
            rows.append([name, quantity(float(x["reported"]), unit, lang), model, _pct(err), _pct(hold)])
        return text, [Table(header, rows, caption=t("calib_table_fit", lang), role="calibration", numeric=(1, 2, 3, 4))]

    def _calibration_generic(self, cal: dict) -> tuple[str, list[Table]]:
        items, tables = [], []
        for k, v in cal.items():
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                cols = list(dict.fromkeys(c for x in v for c in x))
                tables.append(Table(cols, [[_g(x.get(c, "")) for c in cols] for x in v], caption=t("calib_table", self.lang, name=k), role="calibration"))
            elif isinstance(v, dict):
                items.append(f"{k}: " + ", ".join(f"{a} {_g(b)}" for a, b in v.items() if not isinstance(b, (dict, list))))
            else:
                items.append(f"{k}: {_g(v)}")
        sep = "；" if self.lang == "zh" else "; "
        return t("calib_some", self.lang, items=sep.join(items) if items else "–"), tables

    def methods(self) -> None:
        lang, m = self.lang, self.m
        self.brief.add(Heading(t("h_methods", lang), 1, "methods"))
        scale = float(m["scale"])
        one_in = 1 / scale if scale > 0 else float("nan")
        interval = t("interval_known", lang)
        if "assumption" in self.d.intervals:
            interval += t("interval_assumption", lang, n=m.get("assumption_draws") or "–")
        cfm = str(m.get("counterfactual", KNOWN_COUNTERFACTUAL))
        counterfactual = t("counterfactual_known", lang) if cfm == KNOWN_COUNTERFACTUAL else cfm
        text = t("methods", lang, mesa=m.get("mesa_version", "3"), start=self.first_year, end=self.year, scale=self._scale_text(),
                 one_in=f"{one_in:,.0f}" if math.isfinite(one_in) else "–", households=self._households(),
                 replicates=m["replicates"], counterfactual=counterfactual, interval=interval)
        self.brief.add(Paragraph(text))
        cal_text, cal_tables = self._calibration()
        self.brief.add(Paragraph(cal_text))
        self.brief.add(*cal_tables)

    def _param_label(self, pid: str) -> str:
        p = self.reg.parameters.get(pid)
        if p is None:
            return pid
        return f"{p.label_zh if self.lang == 'zh' else p.label_en} ({pid})"

    def _status(self, s: str) -> str:
        return t(f"st_{s}", self.lang) if f"st_{s}" in _STATUS_KEYS else s

    def assumptions(self) -> None:
        lang = self.lang
        self.brief.add(Heading(t("h_assumptions", lang), 1, "assumptions"))
        params = self.m.get("parameters") or []
        by_status: dict[str, int] = {}
        for p in params:
            by_status[p.get("status", "?")] = by_status.get(p.get("status", "?"), 0) + 1
        n_assumed = by_status.get("assumption", 0)
        overrides = self.d.scenario.overrides
        sens = self.d.sensitivity
        if sens is not None:
            self._sensitivity(sens)
        else:
            self.brief.add(Paragraph(t("a_nosens", lang)))
        self.brief.add(Paragraph(t("a_table", lang, overrides=t("a_with_overrides", lang) if overrides else "", n=n_assumed)))
        cal = self.m.get("calibration") if isinstance(self.m.get("calibration"), dict) else {}
        fitted = {x.get("id"): x for x in cal.get("parameters") or [] if isinstance(x, dict)}
        compat = any(isinstance(x.get("compatible_range"), list) for x in fitted.values())
        rows = []
        for p in params:
            if p.get("status") == "calibrated" or p.get("id") in overrides:
                lo, hi = (p.get("range") or [math.nan, math.nan])[:2]
                status = self._status(p.get("status", ""))
                if p.get("id") in overrides:
                    status += ("；" if lang == "zh" else "; ") + t("st_override", lang, default=_g(p.get("default")))
                row = [self._param_label(p["id"]), _g(p.get("value")), f"{_g(lo)}–{_g(hi)}", str(p.get("unit", ""))]
                if compat:
                    cr = fitted.get(p["id"], {}).get("compatible_range")
                    row.append(f"{_g(cr[0])}–{_g(cr[1])}" if isinstance(cr, list) and len(cr) == 2 else "–")
                rows.append(row + [status])
        if rows:
            header = [t("p_param", lang), t("p_value", lang), t("p_range", lang), t("p_unit", lang)]
            header += [t("p_compatible", lang)] if compat else []
            self.brief.add(Table(header + [t("p_status", lang)], rows, role="parameters", numeric=(1, 2) + ((4,) if compat else ())))
        parts = ("、" if lang == "zh" else ", ").join(f"{self._status(s)} {n}" for s, n in sorted(by_status.items()))
        self.brief.add(Paragraph(t("a_counts", lang, total=len(params), parts=parts), role="note"))

    def _sensitivity(self, sens) -> None:
        lang = self.lang
        src = Path(sens.source)
        where = f"{src.parent.name}/{src.name}" if src.parent.name else src.name
        method = t(f"method_{sens.method}", lang) if sens.method in ("sobol", "morris") else (sens.method or "–")
        how = t("a_sens_how", lang, replicates=sens.replicates, scale=f"{float(sens.scale) * 100:g}%") if sens.replicates and sens.scale else ""
        self.brief.add(Paragraph(t("a_sens", lang, method=method, runs=sens.runs if sens.runs is not None else "–", how=how, file=where)))
        outputs = sens.outputs()
        focus = [o for o in ("rural_income_per_capita", "monitored_share") if o in outputs] or outputs[:1]
        for o in focus:
            text = (sens.ranking.get(o) or {}).get(lang)
            if text:
                self.brief.add(Paragraph(text))
            rows = sens.indices[sens.indices.output == o] if not sens.indices.empty else sens.indices
            if rows.empty:
                continue
            top = rows.sort_values("index", ascending=False).head(5)
            table = []
            for _, r in top.iterrows():
                label = r[f"label_{lang}"] or self._param_label(r.factor)
                conf = "" if math.isnan(float(r["conf"])) else f" ± {float(r['conf']):.2g}"
                table.append([label, r[f"range_{lang}"] or "–", f"{r['stat']} = {float(r['index']):.3g}{conf}"])
            name = self.cat[o].name(lang) if o in self.cat else o
            self.brief.add(Table([t("s_factor", lang), t("s_range", lang), t("s_index", lang)], table,
                                 caption=t("s_caption", lang, name=name), role="sensitivity", numeric=(2,)))

    def limitations(self) -> None:
        lang, m = self.lang, self.m
        self.brief.add(Heading(t("h_limitations", lang), 1, "limitations"))
        items = [t("l_model", lang), t("l_period", lang)]
        if float(m["scale"]) < 1:
            items.append(t("l_scale", lang, scale=self._scale_text()))
        if int(m["replicates"]) < 20:
            items.append(t("l_replicates", lang, n=m["replicates"]))
        if "assumption" not in self.d.intervals:
            items.append(t("l_chance_only", lang))
        else:
            items.append(t("l_assumption_draws", lang, n=m.get("assumption_draws") or "–"))
        n_assumed = sum(1 for p in m.get("parameters") or [] if p.get("status") == "assumption")
        if n_assumed:
            items.append(t("l_assumptions", lang, n=n_assumed))
        if not m.get("calibration"):
            items.append(t("l_calibration", lang))
        notes = " ".join(p.note for p in self.reg.parameters.values())
        if "gansu_income" in notes or any(p.source == "gansu_income" for p in self.reg.parameters.values()):
            items.append(t("l_income_proxy", lang))
        self.brief.add(Bullets(items, role="limitations"))

    # -- sources and citation ----------------------------------------------
    def sources(self) -> None:
        lang = self.lang
        self.brief.add(Heading(t("h_sources", lang), 1, "sources"))
        figs = self.m.get("sources") or []
        if not figs:
            self.brief.add(Paragraph(t("src_none", lang)))
            return
        refs: dict[str, int] = {}
        ref_text: list[str] = []

        def ref(src: dict) -> str:
            key = src.get("key") or src.get("title", "?")
            if key not in refs:
                refs[key] = len(refs) + 1
                ref_text.append(f"[{refs[key]}] {src.get('title', '')}，{src.get('outlet', '')}，{src.get('date', '')}" if lang == "zh"
                                else f"[{refs[key]}] {src.get('title', '')}. {src.get('outlet', '')}, {src.get('date', '')}.")
            return f"[{refs[key]}]"

        rows = []
        for f in figs:
            fig = self.reg.figures.get(f.get("id", ""))
            label = (fig.label_zh if lang == "zh" else fig.label_en) if fig else f.get("id", "")
            kind = str(f.get("kind", ""))
            rows.append([label, quantity(float(f["value"]), str(f.get("unit", "")), lang), str(f.get("period", "")),
                         t(f"kind_{kind}", lang) if f"kind_{kind}" in _KIND_KEYS else kind, ref(f.get("source") or {})])
        self.brief.add(Paragraph(t("src_intro", lang)))
        self.brief.add(Table([t("src_figure", lang), t("src_value", lang), t("src_period", lang), t("src_kind", lang), t("src_ref", lang)],
                             rows, role="sources", numeric=(1,)))
        used = sorted({p.get("source") for p in self.m.get("parameters") or [] if p.get("status") in ("statistic", "reported", "literature")} - {None})
        for key in used:
            s = self.reg.sources.get(key)
            if s is not None:
                ref({"key": s.key, "title": s.title, "outlet": s.outlet, "date": s.date})
        self.brief.add(Paragraph(t("src_refs", lang) + ("：" if lang == "zh" else ":"), role="lead"))
        self.brief.add(Bullets(ref_text, role="references"))

    def bibtex(self) -> str:
        sc, m = self.d.scenario, self.m
        year = str(m.get("created", self.brief.date))[:4]
        title = self.brief.title.replace("{", "").replace("}", "")
        key = "qdsim_" + re.sub(r"[^A-Za-z0-9]+", "_", self.d.run_id)
        note = (f"Run {self.d.run_id}; scenario {sc.id}, sha256 {m.get('scenario_sha256', '')}; seed {self.seed}; "
                f"{m['replicates']} replicates; scale {m['scale']}. Rerun: {m.get('rerun', '')}")
        return (
            f"@misc{{{key},\n"
            f"  title        = {{{{{title}}}}},\n"
            f"  author       = {{{{qdsim developers}}}},\n"
            f"  year         = {{{year}}},\n"
            f"  howpublished = {{qdsim {self.version}, commit {self.commit}}},\n"
            f"  note         = {{{note}}},\n"
            f"}}"
        )

    def citation(self) -> None:
        lang, m, sc = self.lang, self.m, self.d.scenario
        self.brief.add(Heading(t("h_citation", lang), 1, "citation"))
        self.brief.add(Paragraph(t("cite_intro", lang)))
        seeds = m.get("seeds") or {}
        seed_text = self.seed + (f"（{seeds['replicates']}）" if lang == "zh" and isinstance(seeds, dict) and seeds.get("replicates")
                                 else f" ({seeds['replicates']})" if isinstance(seeds, dict) and seeds.get("replicates") else "")
        env = ", ".join(f"{k.removesuffix('_version')} {m[k]}" for k in ("python_version", "mesa_version", "numpy_version") if k in m)
        rows = [
            [t("k_run_id", lang), self.d.run_id],
            [t("k_scenario", lang), f"{sc.id} — {sc.title.zh if lang == 'zh' else sc.title.en}"],
            [t("k_version", lang), self.version],
            [t("k_commit", lang), self.commit],
            [t("k_scenario_sha", lang), str(m.get("scenario_sha256", ""))],
            [t("k_params_sha", lang), str(m.get("parameters_sha256", ""))],
            [t("k_seed", lang), seed_text],
            [t("k_replicates", lang), str(m["replicates"])],
            [t("k_scale", lang), str(m["scale"])],
            [t("k_created", lang), str(m.get("created", ""))],
            [t("k_date", lang), self.brief.date],
            [t("k_versions", lang), env],
        ]
        self.brief.add(Table(["", ""], rows, role="citation"))
        self.brief.add(Paragraph(t("rerun_intro", lang, version=self.version, commit=self.short_commit)))
        rerun = str(m.get("rerun") or f"qdsim run scenario.yaml --replicates {m['replicates']} --seed {self.seed} --scale {m['scale']}")
        if m.get("assumption_draws") and "--assumptions" not in rerun:
            rerun += f" --assumptions {m['assumption_draws']}"
        out = f"runs/{self.d.run_id}"
        lines = []
        if self.commit not in ("unknown", ""):
            lines.append(f"git checkout {self.commit.removesuffix('-dirty')}")
        lines.append(f"{rerun} --out {out}")
        lines.append(f"qdsim brief {out}")
        self.brief.add(Code("\n".join(lines), role="rerun"))
        if self.commit.endswith("-dirty"):
            self.brief.add(Paragraph(t("dirty", lang), role="note"))
        self.brief.add(Paragraph(t("bibtex_intro", lang)))
        self.brief.add(Code(self.bibtex(), role="bibtex"))
        self.brief.add(Paragraph(t("software", lang, version=self.version), role="note"))

    def appendix(self) -> None:
        lang = self.lang
        assumed = [p for p in self.m.get("parameters") or [] if p.get("status") == "assumption"]
        if not assumed:
            return
        self.brief.add(Heading(t("h_appendix", lang), 1, "appendix"))
        rows = []
        for p in assumed:
            lo, hi = (p.get("range") or [math.nan, math.nan])[:2]
            rows.append([self._param_label(p["id"]), _g(p.get("value")), f"{_g(lo)}–{_g(hi)}", str(p.get("unit", ""))])
        self.brief.add(Table([t("p_param", lang), t("p_value", lang), t("p_range", lang), t("p_unit", lang)], rows, role="appendix", numeric=(1, 2)))


_STATUS_KEYS = {"st_calibrated", "st_assumption", "st_reported", "st_statistic", "st_literature"}
_KIND_KEYS = {"kind_input", "kind_target", "kind_structure", "kind_context"}


def build(source, lang: str = "zh", *, today: date | None = None) -> Brief:
    """The brief of a run (a RunResult or a run directory) in one language."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    data = load(source)
    b = _Builder(data, lang, today)
    b.header()
    b.findings()
    b.charts()
    b.counties()
    b.scenario()
    b.methods()
    b.assumptions()
    b.limitations()
    b.sources()
    b.citation()
    b.appendix()
    return b.brief


__all__ = ["build", "brief_date", "quantity"]
