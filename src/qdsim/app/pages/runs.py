"""Runs: this planner's runs (this browser session's), with where the registry has them; no one else's, no server paths.

An office server serves several planners from one run registry. This page
lists only the runs this browser session made or was served, each with its
status in the registry; the administrator sees every run with ``qdsim runs``
on the server. A reload starts a new session (the runs stay in the registry
and a rerun of the same scenario is served from it at once).
"""

from __future__ import annotations

import sqlite3

import pandas as pd
import streamlit as st

from qdsim.app.i18n import lang, t
from qdsim.run_registry import RunStore

ss = st.session_state

#: words of this page not in the app's label table (zh, en)
WORDS = {
    "done": ("已完成并登记", "done, recorded"),
    "running": ("正在运行", "running"),
    "failed": ("失败", "failed"),
    "not_registered": ("未登记", "not recorded"),
    "unavailable": ("登记册暂不可用", "registry unavailable"),
    "only_yours": ("这里只列出您在本次会话中的运行；其他人的运行和命令行的运行不在此列出（服务器管理员可用 qdsim runs 查看全部）。",
                   "Only your runs in this session are listed; other planners' runs and command-line runs are not (the server's "
                   "administrator sees them all with qdsim runs)."),
}


def word(key: str) -> str:
    zh, en = WORDS[key]
    return zh if lang() == "zh" else en


def statuses(run_ids: list[str]) -> dict[str, str]:
    """The registry's status of each run (done, running, failed), or a word for none; never a path."""
    try:
        store = RunStore.default()
        found = {r: store.find(r) for r in run_ids}
    except (sqlite3.Error, OSError):
        return dict.fromkeys(run_ids, word("unavailable"))
    return {r: word(rec["status"]) if rec and rec["status"] in WORDS else word("not_registered") for r, rec in found.items()}

st.title(t("page.runs"))
st.caption(t("runs.intro"))

st.subheader(t("runs.session"))
history = ss.get("history", [])
if not history:
    st.info(t("runs.none"))
else:
    lg = lang()
    status = statuses([h["run_id"] for h in history])
    table = pd.DataFrame([
        {
            t("col.run_id"): h["run_id"],
            t("col.scenario"): h["title"][lg],
            t("col.status"): status[h["run_id"]],
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
st.caption(word("only_yours"))
