"""Runs: this planner's runs (this browser session's), with where the registry has them; no one else's, no server paths.

A finished run of this session reopens into the What-if and Compare pages.

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

from qdsim.app import links, running
from qdsim.app.i18n import lang, t
from qdsim.app.main import page as app_page
from qdsim.foundation.format import short
from qdsim.registry.store import RunStore

ss = st.session_state

#: words of this page not in the app's label table (zh, en)
WORDS = {
    "done": ("已完成并登记", "done, recorded"),
    "running": ("正在运行", "running"),
    "saving": ("已完成，正在保存", "done, being saved"),
    "failed": ("失败", "failed"),
    "not_registered": ("未登记", "not recorded"),
    "unavailable": ("登记册暂不可用", "registry unavailable"),
    "by_id": ("或输入运行编号", "or a run ID"),
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
    return {r: word("saving") if rec and rec["status"] == "running" and running.saving(r) else
            word(rec["status"]) if rec and rec["status"] in WORDS else word("not_registered") for r, rec in found.items()}


def reopen_section(done: list[dict]) -> None:
    """Reopen a finished run in the What-if and Compare pages: one of this session's, or any by its run ID
    (from a link or a brief); other planners' runs are never listed."""
    st.subheader(t("runs.reopen_title"))
    titles = {h["run_id"]: f"{h['run_id']} · {h['title'][lang()]} · {h.get('created') or ''}" for h in done}
    c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(t("runs.reopen_choose"), options=list(titles), format_func=titles.get, key="runs.reopen_choice",
                          index=0 if titles else None, placeholder=t("runs.reopen_none"))
    typed = c2.text_input(word("by_id"), key="runs.reopen_id", placeholder="qd-…").strip()
    if c3.button(t("runs.reopen"), key="runs.reopen", icon=":material/open_in_new:", width="stretch", type="primary"):
        target = typed or chosen
        if target and links.reopen(target):
            st.switch_page(app_page("whatif"))
        st.error(t("runs.reopen_missing", run_id=target or "–"))


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
            t("col.scale"): short(h["scale"] * 100) + "%",
            t("col.replicates"): h["replicates"],
            t("col.seed"): h["seed"],
        }
        for h in reversed(history)
    ])
    st.dataframe(table, hide_index=True, width="stretch", key="runs.session_table")
    st.caption(t("runs.rerun", cmd="qdsim run <scenario>.yaml"))
reopen_section([h for h in reversed(history) if statuses([h["run_id"]])[h["run_id"]] == word("done")])
st.caption(word("only_yours"))
