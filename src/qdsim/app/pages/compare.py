"""Compare: the baseline, this session's what-ifs, scenario files and uploads, side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qdsim import api
from qdsim.app import figures, results, state
from qdsim.app.i18n import lang, t
from qdsim.format import interval
from qdsim.metrics import catalogue

ss = st.session_state
#: scenarios compared at once (each is a run: this bounds the work one session asks for)
MAX_COMPARE = 8


def on_upload() -> None:
    ss["cmp.problems"] = []
    for f in ss.get("cmp.upload") or []:
        try:
            scenario = state.parse_upload(f.name, f.getvalue())
        except api.ScenarioError as e:
            ss["cmp.problems"].append((f.name, [str(p) for p in e.problems]))
            continue
        key = state.add_upload(f.name, scenario)
        choice = ss.setdefault("w.cmp.choice", [])
        if key not in choice and len(choice) < MAX_COMPARE:
            ss["w.cmp.choice"] = [*choice, key]


def options() -> dict[str, tuple[str, api.Scenario]]:
    """Option key -> (label, scenario)."""
    lg = lang()
    out: dict[str, tuple[str, api.Scenario]] = {}
    for name, s in state.scenario_files().items():
        out[f"file:{name}"] = (t("cmp.file", title=getattr(s.title, lg)), s)
    for saved in ss.get("saved", []):
        s = state.parse(saved["yaml"])
        out[f"saved:{s.id}"] = (t("cmp.saved", title=getattr(s.title, lg)), s)
    for name, text in ss.get("uploads", {}).items():
        s = state.parse(text)
        out[f"upload:{name}"] = (t("cmp.uploaded", title=f"{name} — {getattr(s.title, lg)}"), s)
    return out


def default_choice(opts: dict) -> list[str]:
    keys = [k for k in (f"file:{state.BASELINE_FILE}", "file:stop-after-2025.yaml") if k in opts]
    saved = [k for k in opts if k.startswith("saved:")]
    return keys + saved[-1:]


st.title(t("page.compare"))
st.caption(t("cmp.intro"))
opts = options()
if "w.cmp.choice" not in ss:
    ss["w.cmp.choice"] = default_choice(opts)
ss["w.cmp.choice"] = [k for k in ss["w.cmp.choice"] if k in opts][:MAX_COMPARE]
labels = {k: label for k, (label, _) in opts.items()}
st.multiselect(t("cmp.choose"), options=list(labels), format_func=labels.get, key="w.cmp.choice", max_selections=MAX_COMPARE)
with st.expander(t("cmp.upload"), expanded=bool(ss.get("cmp.problems"))):
    st.file_uploader(t("cmp.upload"), type=["yaml", "yml"], accept_multiple_files=True, key="cmp.upload",
                     on_change=on_upload, label_visibility="collapsed")
    for name, problems in ss.get("cmp.problems") or []:
        results.problems(name, problems)

chosen = ss["w.cmp.choice"]
if not chosen:
    st.info(t("cmp.none"))
    st.stop()

runs = []
for key in chosen:
    label, scenario = opts[key]
    runs.append((label, state.result_for(state.at_settings(scenario))))
first = runs[0][1]
lg = lang()
c1, c2 = st.columns(2)
year = results.year_select(c1, first.years, key="w.cmp.year")
metric = results.metric_select(c2, key="w.cmp.metric")
unit = catalogue()[metric].unit

shown, numeric = [], []
for label, r in runs:
    x = results.row(r, metric, year)
    shown.append({
        t("col.scenario"): label,
        t("col.value"): results.number(x["mean"], metric),
        t("col.interval"): interval(x["p05"], x["p95"], unit, lg),
        t("col.vs_first"): results.number(x["mean"] - results.row(first, metric, year)["mean"], metric, signed=True),
        t("col.impact"): results.number(x["impact_mean"], metric, signed=True),
        t("col.impact_interval"): interval(x["impact_p05"], x["impact_p95"], unit, lg, signed=True),
        t("col.run_id"): r.run_id,
    })
    numeric.append({"scenario": r.scenario.id, "run_id": r.run_id, "metric": metric, "year": year, "unit": unit,
                    "mean": x["mean"], "p05": x["p05"], "p95": x["p95"],
                    "impact_mean": x["impact_mean"], "impact_p05": x["impact_p05"], "impact_p95": x["impact_p95"]})
st.subheader(f"{results.metric_name(metric)} · {year}")
st.dataframe(pd.DataFrame(shown), hide_index=True, width="stretch", key="cmp.table")
st.download_button(t("dl.csv_table"), data=results.csv_bytes(pd.DataFrame(numeric)), file_name=f"compare-{metric}-{year}.csv",
                   mime="text/csv", key="cmp.csv", icon=":material/table:", on_click="ignore")
results.chart(figures.trend([(label, r.summary, r.scenario.id) for label, r in runs], metric, lang=lg),
              key="cmp.trend", file_name=f"compare-{metric}-{lg}.png")
st.caption(t("cmp.chart_caption"))

overview = pd.DataFrame([
    {t("col.scenario"): label, **{results.metric_name(m): results.number(results.row(r, m, year)["mean"], m) for m in results.KEY_METRICS}}
    for label, r in runs
])
st.dataframe(overview, hide_index=True, width="stretch", key="cmp.overview")
results.footer(first)
