"""Runs: this session's runs, and the run registry when it is installed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qdsim.app import state
from qdsim.app.i18n import lang, t
from qdsim.app.main import page as app_page
from qdsim.run_registry import RunStore

ss = st.session_state
REGISTRY_LIMIT = 200
STATUS_KEYS = {"runs.status.done", "runs.status.running", "runs.status.failed"}


def reopen_section(done: list[dict]) -> None:
    """Reopen a finished run (this session's or the registry's) in the What-if and Compare pages."""
    st.subheader(t("runs.reopen_title"))
    if not done:
        st.info(t("runs.reopen_none"))
        return
    titles = {r["run_id"]: f"{r['run_id']} · {r.get('scenario_id') or ''} · {r.get('created') or ''}" for r in done}
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(t("runs.reopen_choose"), options=list(titles), format_func=titles.get, key="runs.reopen_choice")
    if c2.button(t("runs.reopen"), key="runs.reopen", icon=":material/open_in_new:", width="stretch", type="primary"):
        if state.reopen(chosen):
            st.switch_page(app_page("whatif"))
        st.error(t("runs.reopen_missing", run_id=chosen))

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

runs = RunStore.default().list_runs(limit=REGISTRY_LIMIT)
reopen_section([r for r in runs if r.get("status") == "done"])

st.subheader(t("runs.registry"))
if not runs:
    st.info(t("runs.registry_empty"))
else:
    cols = {"run_id": "col.run_id", "scenario_id": "col.scenario", "status": "col.status", "created": "col.created",
            "seconds": "col.seconds", "out_dir": "col.out_dir"}
    df = pd.DataFrame(runs)
    if "status" in df.columns:  # done, running, failed: in the page's language
        df["status"] = df["status"].map(lambda x: t(f"runs.status.{x}") if f"runs.status.{x}" in STATUS_KEYS else x)
    df = df[[c for c in cols if c in df.columns]].rename(columns={c: t(k) for c, k in cols.items()})
    st.dataframe(df, hide_index=True, width="stretch", key="runs.registry_table")
