"""Method and citation: how the numbers are made, how well the model fits (behavioural evidence only), and how to cite and rerun.

No raw field names: figures, parameters, classes and roles are shown by
their names in the reader's language, amounts as planners write them.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from qdsim.app import results, state
from qdsim.app.i18n import lang, t
from qdsim.brief.sections.methods import calibration_rows, fit_claim
from qdsim.brief.sections.sources import reference
from qdsim.foundation.format import parameter_text, planner_number

#: statuses whose source is a publication (an assumption's or a calibrated value's source is qdsim itself: its status says so)
PUBLISHED = ("reported", "statistic", "literature")

st.title(t("method.title"))
st.markdown(t("method.body"))

yaml_text = state.current_yaml()
result = state.result_for(yaml_text)
m = result.manifest
lg = lang()
catalogue = result.params.catalogue

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

st.subheader(t("method.calibration"))
targets = (m.get("calibration") or {}).get("targets") or []
if targets:
    st.markdown(fit_claim(targets, lg))
    rows = calibration_rows(targets, lg)
    results.table(pd.DataFrame([{t("col.figure"): r["figure"], t("col.class"): r["class"], t("col.role"): r["role"],
                                 t("col.reported"): r["reported"], t("col.model"): r["model"], t("col.error"): r["error"],
                                 t("col.within"): r["ok"]} for r in rows]), key="method.targets")
    st.caption(t("method.classes"))
else:
    st.info(t("method.no_calibration"))

st.subheader(t("method.sources"))
kinds = {k: t(f"kind.{k}") for k in ("input", "target", "structure", "context", "validation")}
sources = pd.DataFrame([
    {
        t("col.figure"): (fig.label_zh if lg == "zh" else fig.label_en) if (fig := catalogue.figures.get(f.get("id", ""))) else f.get("id"),
        t("col.value"): planner_number(float(f["value"]), str(f.get("unit", "")), lg),
        t("col.period"): f.get("period"),
        t("col.kind"): kinds.get(f.get("kind"), f.get("kind")),
        t("col.source"): reference(f.get("source", {}), lg),
    }
    for f in m.get("sources", [])
])
results.table(sources, key="method.sources")

st.subheader(t("method.parameters"))
statuses = {k: t(f"status.{k}") for k in ("calibrated", "assumption", "reported", "statistic", "literature")}
params = catalogue.parameters
table = pd.DataFrame([
    {
        t("col.label"): getattr(params[p["id"]], f"label_{lg}"),
        t("col.value"): parameter_text(float(p["value"]), p["unit"], lg),
        t("col.range"): f"{parameter_text(float(p['range'][0]), p['unit'], lg)} – {parameter_text(float(p['range'][1]), p['unit'], lg)}",
        t("col.param_status"): statuses.get(p["status"], p["status"]),
        t("col.source"): reference(s.__dict__, lg) if p["status"] in PUBLISHED and (s := catalogue.sources.get(p["source"])) else "–",
    }
    for p in m.get("parameters", [])
])
st.dataframe(table, hide_index=True, width="stretch", key="method.parameters")
st.caption(t("method.parameters_note"))
st.download_button(t("dl.csv_table"), data=results.csv_bytes(pd.DataFrame(m.get("parameters", []))),
                   file_name=f"{result.run_id}-parameters.csv", mime="text/csv", key="method.params_csv",
                   icon=":material/table:", on_click="ignore")
results.footer(result)
