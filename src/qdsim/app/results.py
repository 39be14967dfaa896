"""Showing a run: metric cards with intervals, charts, tables, downloads and the footer.

Every number goes through :func:`qdsim.format.planner_number`; every chart is
a plain function of the run's ``summary`` (:mod:`qdsim.charts`,
:mod:`qdsim.app.figures`).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

import pandas as pd
import streamlit as st

from qdsim import api
from qdsim.app import figures
from qdsim.app.i18n import lang, t
from qdsim.format import interval, planner_number
from qdsim.metrics import catalogue

#: the cards, in the order a planner reads them
KEY_METRICS = (
    "rural_income_per_capita",
    "consumption_sales",
    "stable_employment",
    "migrant_workers_qingdao",
    "monitored_share",
    "village_collective_income",
)
#: metrics where a fall is good news (the delta is coloured the other way)
LOWER_IS_BETTER = frozenset({"monitored_share", "relapse_households", "income_gini"})


_KEY = ["scenario", "metric", "county", "year"]
_indexed: OrderedDict[str, pd.DataFrame] = OrderedDict()  # run ID -> its summary indexed by _KEY
_indexed_lock = threading.Lock()


def _by_key(result: api.RunResult) -> pd.DataFrame:
    """The run's summary indexed for lookups (a page reads dozens of rows; a run ID names one result)."""
    with _indexed_lock:
        if result.run_id not in _indexed:
            _indexed[result.run_id] = result.summary.set_index(_KEY).sort_index()
            while len(_indexed) > 16:
                _indexed.popitem(last=False)
        return _indexed[result.run_id]


def row(result: api.RunResult, metric: str, year: int, county: str = "all", counterfactual: bool = False) -> pd.Series:
    """One summary row of a run (the scenario's, or its counterfactual's)."""
    sid = result.scenario.id + ("-counterfactual" if counterfactual else "")
    return _by_key(result).loc[(sid, metric, county, year)]


def metric_name(metric: str) -> str:
    return catalogue()[metric].name(lang())


def number(value: float, metric: str, signed: bool = False) -> str:
    return planner_number(value, catalogue()[metric].unit, lang(), signed=signed)


def _differs(a: float, b: float) -> bool:
    return not (math.isnan(a) or math.isnan(b) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12))


DEFAULT_METRIC = "rural_income_per_capita"


def metric_select(where, *, key: str) -> str:
    """A choice among all metrics (rural income first shown); ``key`` should start with ``w.``."""
    names = {m: metric_name(m) for m in catalogue()}  # labels fixed at draw time, not read back later
    if st.session_state.get(key) not in names:
        st.session_state[key] = DEFAULT_METRIC
    return where.selectbox(t("res.metric"), options=list(names), format_func=names.get, key=key)


def year_select(where, years: list[int], *, key: str) -> int:
    """A choice of year (the last one first shown); ``key`` should start with ``w.``."""
    if st.session_state.get(key) not in years:
        st.session_state[key] = years[-1]
    return where.selectbox(t("res.year"), options=years, key=key)


def cards(result: api.RunResult, baseline: api.RunResult | None, year: int, county: str = "all") -> None:
    """Key metrics as cards: value, 90% interval, impact against no cooperation, change against the baseline."""
    cols = st.columns(3)
    for i, m in enumerate(KEY_METRICS):
        r = row(result, m, year, county)
        delta = None
        if baseline is not None and baseline.run_id != result.run_id:
            b = row(baseline, m, year, county)
            if _differs(r["mean"], b["mean"]):
                delta = number(r["mean"] - b["mean"], m, signed=True)
        with cols[i % 3].container(border=True):
            st.metric(
                metric_name(m),
                number(r["mean"], m),
                delta=delta,
                delta_color="inverse" if m in LOWER_IS_BETTER else "normal",
                delta_description=t("res.vs_baseline") if delta else None,
                help=catalogue()[m].definition if lang() == "en" else None,
            )
            st.caption(t("res.interval", lo=number(r["p05"], m), hi=number(r["p95"], m)))
            st.caption(
                t("res.impact", impact=number(r["impact_mean"], m, signed=True),
                  lo=number(r["impact_p05"], m, signed=True), hi=number(r["impact_p95"], m, signed=True))
            )


def metrics_table(result: api.RunResult, baseline: api.RunResult | None, year: int, county: str = "all") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, numeric) tables of every metric in one year: value, interval, baseline, impact."""
    shown, numeric = [], []
    for m, meta in catalogue().items():
        r = row(result, m, year, county)
        b = row(baseline, m, year, county) if baseline is not None else None
        shown.append({
            t("col.metric"): meta.name(lang()),
            t("col.value"): number(r["mean"], m),
            t("col.interval"): interval(r["p05"], r["p95"], meta.unit, lang()),
            t("col.baseline"): number(b["mean"], m) if b is not None else "–",
            t("col.vs_baseline"): number(r["mean"] - b["mean"], m, signed=True) if b is not None else "–",
            t("col.impact"): number(r["impact_mean"], m, signed=True),
            t("col.impact_interval"): interval(r["impact_p05"], r["impact_p95"], meta.unit, lang(), signed=True),
        })
        numeric.append({
            "scenario": result.scenario.id, "metric": m, "county": county, "year": year, "unit": meta.unit,
            "mean": r["mean"], "p05": r["p05"], "p95": r["p95"],
            "baseline_mean": b["mean"] if b is not None else float("nan"),
            "impact_mean": r["impact_mean"], "impact_p05": r["impact_p05"], "impact_p95": r["impact_p95"],
        })
    return pd.DataFrame(shown), pd.DataFrame(numeric)


def csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, float_format="%.10g", lineterminator="\n").encode("utf-8")


def chart(obj, *, key: str, file_name: str) -> None:
    """An Altair chart, full width, with its PNG download."""
    st.altair_chart(obj, width="stretch", key=f"{key}.chart")
    st.download_button(t("dl.png"), data=lambda: figures.png(obj), file_name=file_name, mime="image/png",
                       key=f"{key}.png", icon=":material/image:", on_click="ignore")


def show(result: api.RunResult, baseline: api.RunResult | None, yaml_text: str, *, key: str = "res") -> None:
    """The whole result block: choices, cards, charts, table, downloads and footer."""
    lg = lang()
    sid = result.scenario.id
    st.subheader(t("res.title", title=getattr(result.scenario.title, lg)))
    c1, c2 = st.columns(2)
    year = year_select(c1, result.years, key=f"w.{key}.year")
    metric = metric_select(c2, key=f"w.{key}.metric")
    cards(result, baseline, year)
    trend_tab, impact_tab, table_tab = st.tabs([t("res.tab.trend"), t("res.tab.impact"), t("res.tab.table")])
    with trend_tab:
        series = [(t("res.whatif"), result.summary, sid)]
        if baseline is not None and baseline.run_id != result.run_id:
            series.append((t("res.baseline"), baseline.summary, baseline.scenario.id))
        series.append((t("res.counterfactual"), result.summary, f"{sid}-counterfactual"))
        chart(figures.trend(series, metric, lang=lg), key=f"{key}.trend", file_name=f"{sid}-{metric}-{lg}.png")
        st.caption(t("res.trend_caption"))
    with impact_tab:
        chart(figures.impact(result.summary, metric, lang=lg), key=f"{key}.impact", file_name=f"{sid}-{metric}-impact-{lg}.png")
        st.caption(t("res.impact_caption"))
    with table_tab:
        shown, numeric = metrics_table(result, baseline, year)
        st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}.table")
        st.download_button(t("dl.csv_table"), data=csv_bytes(numeric), file_name=f"{sid}-{year}.csv", mime="text/csv",
                           key=f"{key}.csv", icon=":material/table:", on_click="ignore")
    downloads(result, yaml_text, key=key)
    footer(result)


def downloads(result: api.RunResult, yaml_text: str, *, key: str) -> None:
    """The scenario file, the full summary and the brief."""
    lg = lang()
    sid = result.scenario.id
    st.markdown(f"**{t('dl.title')}**")
    row = st.container(horizontal=True, key=f"{key}.downloads")
    row.download_button(t("dl.yaml"), data=yaml_text.encode("utf-8"), file_name=f"{sid}.yaml", mime="application/x-yaml",
                        key=f"{key}.yaml", help=t("dl.yaml_help"), icon=":material/description:", on_click="ignore")
    row.download_button(t("dl.csv_summary"), data=csv_bytes(result.summary), file_name=f"{sid}-summary.csv", mime="text/csv",
                        key=f"{key}.summary", icon=":material/download:", on_click="ignore")
    try:
        from qdsim.brief import render
    except ModuleNotFoundError as e:
        if not (e.name or "").startswith("qdsim.brief"):
            raise
        row.caption(t("dl.brief_unavailable"))
        return
    row.download_button(
        t("dl.brief_docx"), data=lambda: render(result, lang=lg, fmt="docx"), file_name=f"{sid}-brief-{lg}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", key=f"{key}.brief_docx",
        icon=":material/article:", on_click="ignore",
    )
    row.download_button(
        t("dl.brief_html"), data=lambda: render(result, lang=lg, fmt="html"), file_name=f"{sid}-brief-{lg}.html",
        mime="text/html", key=f"{key}.brief_html", icon=":material/public:", on_click="ignore",
    )


def problems(name: str, lines: list[str]) -> None:
    """A file's problems, one ``file:line: field: message`` per line, wrapped to the column."""
    st.error(t("whatif.bad_file", name=name) + "\n\n" + "\n".join(f"- `{line}`" for line in lines), icon=":material/error:")


def footer_text(result: api.RunResult) -> str:
    m = result.manifest
    return t(
        "footer",
        run_id=result.run_id,
        version=m.get("qdsim_version", "?"),
        commit=str(m.get("commit", "?"))[:12],
        seed=result.scenario.seed,
        reps=result.scenario.replicates,
        scale=planner_number(result.scenario.scale, "share"),
        sha=m.get("scenario_sha256", result.scenario.sha256())[:12],
        created=m.get("created", ""),
    )


def footer(result: api.RunResult) -> None:
    """Run ID, version, seed and scenario hash: what a reader needs to rerun the number."""
    st.divider()
    st.caption(footer_text(result), help=result.manifest.get("rerun"))
