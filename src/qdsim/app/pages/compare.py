"""Compare: scenarios side by side — each one's difference from a reference with its interval, and what its money buys.

Every scenario runs at the session's settings (the same seed, replicates and
scale), so differences between two of them are paired replicate by replicate
(:func:`qdsim.api.compare`); cost and effectiveness, and the ranking by
effect per 亿元, are the library's (:mod:`qdsim.cost`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qdsim import api, charts
from qdsim.app import results, state
from qdsim.app.i18n import lang, t
from qdsim.cost import MEASURES, rank
from qdsim.format import difference, interval
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
            ss["cmp.problems"].append((f.name, e.problems))
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
        out[f"run:{saved['run_id']}"] = (t("cmp.saved", title=getattr(s.title, lg)), s)
    for name, text in ss.get("uploads", {}).items():
        s = state.parse(text)
        out[f"upload:{name}"] = (t("cmp.uploaded", title=f"{name} — {getattr(s.title, lg)}"), s)
    return out


def default_choice(opts: dict) -> list[str]:
    """The baseline and the what-ifs of this session (stopping the cooperation is a choice the planner makes, never preselected)."""
    keys = [k for k in (f"file:{state.BASELINE_FILE}",) if k in opts]
    saved = [k for k in opts if k.startswith("run:")]
    return keys + saved[-(MAX_COMPARE - 1):]


def select_all() -> None:
    ss["w.cmp.choice"] = list(options())[:MAX_COMPARE]


def clear() -> None:
    ss["w.cmp.choice"] = []


def difference_rows(runs: list[tuple[str, api.RunResult]], metric: str, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, numeric): each scenario's value and its paired difference from the first (the reference) and from no cooperation."""
    label0, ref = runs[0]
    unit = catalogue()[metric].unit
    shown, numeric = [], []
    for label, r in runs:
        x = results.row(r, metric, year)
        if r is ref:
            d = None
        else:
            c = api.compare(r, ref)
            d = c[(c.metric == metric) & (c.county == "all") & (c.year == year)].iloc[0]
        diff = results.Diff.of(d, metric, "diff") if d is not None else None
        impact = results.Diff.of(x, metric, "impact")
        shown.append({
            t("col.scenario"): label,
            t("col.value"): results.number(x["mean"], metric),
            t("col.interval"): interval(x["p05"], x["p95"], unit, lang()),
            t("col.vs_reference"): diff.text if diff else t("cmp.reference"),
            t("col.diff_interval"): diff.range if diff else "–",
            t("col.meaning"): diff.meaning if diff else "–",
            t("col.impact"): impact.text,
            t("col.impact_interval"): impact.range,
            t("col.run_id"): r.run_id,
        })
        numeric.append({"scenario": r.scenario.id, "versus": ref.scenario.id, "run_id": r.run_id, "metric": metric, "year": year, "unit": unit,
                        "mean": x["mean"], "p05": x["p05"], "p95": x["p95"],
                        **({k: d[k] for k in charts.DIFFS["diff"]} if d is not None else dict.fromkeys(charts.DIFFS["diff"], 0.0)),
                        **{k: x[k] for k in charts.DIFFS["impact"]}})
    return pd.DataFrame(shown), pd.DataFrame(numeric)


def cost_rows(runs: list[tuple[str, api.RunResult]], measure: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, numeric): the scenarios ranked by effect per unit of money against their baseline (the library's ranking)."""
    labels = {r.scenario.id: label for label, r in runs}
    ranked = rank([r.cost for _, r in runs if r.cost is not None], measure=measure, against="baseline")
    if ranked.empty:
        return ranked, ranked
    gain = "income_gain" if measure == "income_per_100m" else "employment_gain"
    shown = []
    for _, row in ranked.iterrows():
        shown.append({
            t("col.rank"): "–" if pd.isna(row["rank"]) else str(int(row["rank"])),
            t("col.scenario"): labels.get(row["scenario"], row["scenario"]),
            t("col.window"): f"{row['start']}–{row['end']}",
            t("col.extra_spending"): cost_cell(row, "extra_spending"),
            t(f"col.{gain}"): cost_cell(row, gain),
            t(f"col.{measure}"): cost_cell(row, measure) if row["per_money"] else t("cmp.no_ratio"),
            t("col.meaning"): t("verdict.chance") if row["within_chance"] else "",
        })
    return pd.DataFrame(shown), ranked


def cost_cell(row: pd.Series, measure: str) -> str:
    """'+12元/人/亿元（-3元/人/亿元 至 +25元/人/亿元）': a cost measure with its 90% interval."""
    unit = MEASURES[measure][0]
    return t("cmp.with_interval", value=difference(row[f"{measure}_mean"], unit, lang()),
             range=interval(row[f"{measure}_p05"], row[f"{measure}_p95"], unit, lang(), signed=True))


st.title(t("page.compare"))
st.caption(t("cmp.intro"))
opts = options()
if "w.cmp.choice" not in ss:
    ss["w.cmp.choice"] = default_choice(opts)
ss["w.cmp.choice"] = [k for k in ss["w.cmp.choice"] if k in opts][:MAX_COMPARE]
labels = {k: label for k, (label, _) in opts.items()}
pick, all_col, clear_col = st.columns([8, 1.2, 1.2], vertical_alignment="bottom")
pick.multiselect(t("cmp.choose"), options=list(labels), format_func=labels.get, key="w.cmp.choice", max_selections=MAX_COMPARE,
                 select_all=False, help=t("cmp.choose_help"))
all_col.button(t("cmp.select_all"), on_click=select_all, key="cmp.select_all", width="stretch")
clear_col.button(t("cmp.clear"), on_click=clear, key="cmp.clear", width="stretch")
with st.expander(t("cmp.upload"), expanded=bool(ss.get("cmp.problems"))):
    st.file_uploader(t("cmp.upload"), type=["yaml", "yml"], accept_multiple_files=True, key="cmp.upload",
                     on_change=on_upload, label_visibility="collapsed")
    for name, problems in ss.get("cmp.problems") or []:
        results.problems(name, problems)

chosen = ss["w.cmp.choice"]
state.to_url()
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

st.subheader(t("cmp.differences", metric=results.metric_title(metric), year=year, reference=runs[0][0]))
shown, numeric = difference_rows(runs, metric, year)
results.table(shown, key="cmp.table")
st.download_button(t("dl.csv_table"), data=results.csv_bytes(numeric), file_name=f"compare-{metric}-{year}.csv",
                   mime="text/csv", key="cmp.csv", icon=":material/table:", on_click="ignore")
if len(runs) > 1:
    bars = numeric.iloc[1:].assign(name=[label for label, _ in runs[1:]])
    results.chart(charts.difference_bars(bars, metric, lg, "diff", t("col.scenario"), suffix=f" · {year}"), key="cmp.bars",
                  file_name=f"compare-diff-{metric}-{year}-{lg}.png")
    st.caption(t("cmp.bars_caption", reference=runs[0][0]))
results.chart(charts.trend([(label, r.summary, r.scenario.id) for label, r in runs], metric, lang=lg),
              key="cmp.trend", file_name=f"compare-{metric}-{lg}.png")
st.caption(t("cmp.chart_caption"))

st.subheader(t("cmp.cost_title"))
measures = {m: f"{MEASURES[m][1] if lg == 'zh' else MEASURES[m][2]}" for m in ("income_per_100m", "employment_per_1m")}
if ss.get("w.cmp.measure") not in measures:
    ss["w.cmp.measure"] = "income_per_100m"
measure = st.radio(t("cmp.measure"), options=list(measures), format_func=measures.get, key="w.cmp.measure", horizontal=True)
cost_shown, cost_numeric = cost_rows(runs, measure)
if cost_shown.empty:
    st.info(t("cmp.no_cost"))
else:
    results.table(cost_shown, key="cmp.cost")
    st.download_button(t("dl.csv_table"), data=results.csv_bytes(cost_numeric), file_name=f"compare-cost-{measure}.csv",
                       mime="text/csv", key="cmp.cost_csv", icon=":material/table:", on_click="ignore")
    st.caption(t("cmp.cost_caption"))

overview = pd.DataFrame([
    {t("col.scenario"): label, **{results.metric_title(m): results.number(results.row(r, m, year)["mean"], m) for m in results.KEY_METRICS}}
    for label, r in runs
])
st.subheader(t("cmp.overview", year=year))
results.table(overview, key="cmp.overview")
results.footer(first)
