"""Method and citation: how the numbers are made, and how to cite and rerun the current one."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from qdsim.app import results, state
from qdsim.app.i18n import lang, t
from qdsim.format import planner_number

st.title(t("method.title"))
st.markdown(t("method.body"))

yaml_text = state.current_yaml()
result = state.result_for(yaml_text)
m = result.manifest
lg = lang()
st.subheader(t("method.cite_title"))
citation = t(
    "method.cite", version=m.get("qdsim_version", "?"), commit=str(m.get("commit", "?"))[:12],
    title=getattr(result.scenario.title, lg), run_id=result.run_id, seed=result.scenario.seed,
    reps=result.scenario.replicates, scale=planner_number(result.scenario.scale, "share"), created=m.get("created", ""),
    rerun=f"qdsim run {result.scenario.id}.yaml",
)
st.code(citation, language=None, wrap_lines=True)
c1, c2 = st.columns(2)
c1.download_button(t("dl.yaml"), data=yaml_text.encode("utf-8"), file_name=f"{result.scenario.id}.yaml", mime="application/x-yaml",
                   key="method.yaml", icon=":material/description:", on_click="ignore", help=t("dl.yaml_help"))
c2.download_button(t("dl.manifest"), data=json.dumps(m, ensure_ascii=False, indent=2).encode("utf-8"),
                   file_name=f"{result.run_id}-manifest.json", mime="application/json", key="method.manifest",
                   icon=":material/data_object:", on_click="ignore")

st.subheader(t("method.sources"))
figures = pd.DataFrame([
    {
        t("col.figure"): f.get("id"),
        t("col.value"): f"{f.get('value'):,.10g} {f.get('unit', '')}",
        t("col.period"): f.get("period"),
        t("col.kind"): f.get("kind"),
        t("col.source"): f"{f['source'].get('title', '')} ({f['source'].get('outlet', '')}, {f['source'].get('date', '')})",
    }
    for f in m.get("sources", [])
])
st.dataframe(figures, hide_index=True, width="stretch", key="method.sources")

st.subheader(t("method.parameters"))
params = result.params.catalogue.parameters
table = pd.DataFrame([
    {
        t("col.parameter"): p["id"],
        t("col.label"): getattr(params[p["id"]], f"label_{lg}"),
        t("col.value"): f"{p['value']:,.6g} {p['unit']}",
        t("col.range"): f"{p['range'][0]:,.6g} – {p['range'][1]:,.6g}",
        t("col.param_status"): p["status"],
        t("col.source"): p["source"],
    }
    for p in m.get("parameters", [])
])
st.dataframe(table, hide_index=True, width="stretch", key="method.parameters")
st.download_button(t("dl.csv_table"), data=results.csv_bytes(pd.DataFrame(m.get("parameters", []))),
                   file_name=f"{result.run_id}-parameters.csv", mime="text/csv", key="method.params_csv",
                   icon=":material/table:", on_click="ignore")
results.footer(result)
