"""Runs: this session's runs, and the run registry when it is installed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qdsim.app.i18n import lang, t
from qdsim.run_registry import RunStore

ss = st.session_state
REGISTRY_LIMIT = 200

st.title(t("page.runs"))
st.caption(t("runs.intro"))

st.subheader(t("runs.session"))
history = ss.get("history", [])
if not history:
    st.info(t("runs.none"))
else:
    lg = lang()
    table = pd.DataFrame([
        {
            t("col.run_id"): h["run_id"],
            t("col.scenario"): h["title"][lg],
            t("col.created"): h["created"],
            t("col.seconds"): h["seconds"],
            t("col.scale"): f"{h['scale'] * 100:g}%",
            t("col.replicates"): h["replicates"],
            t("col.seed"): h["seed"],
        }
        for h in reversed(history)
    ])
    st.dataframe(table, hide_index=True, width="stretch", key="runs.session_table")
    st.caption(t("runs.rerun", cmd="qdsim run <scenario>.yaml"))

st.subheader(t("runs.registry"))
runs = RunStore.default().list_runs(limit=REGISTRY_LIMIT)
if not runs:
    st.info(t("runs.registry_empty"))
else:
    cols = {"run_id": "col.run_id", "scenario_id": "col.scenario", "status": "col.status", "created": "col.created",
            "seconds": "col.seconds", "out_dir": "col.out_dir"}
    df = pd.DataFrame(runs)
    df = df[[c for c in cols if c in df.columns]].rename(columns={c: t(k) for c, k in cols.items()})
    st.dataframe(df, hide_index=True, width="stretch", key="runs.registry_table")
