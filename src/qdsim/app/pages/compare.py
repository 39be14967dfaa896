"""Compare: scenarios side by side — each one's difference from a reference with its interval, and what its money buys.

Every scenario runs at the session's settings (the same seed, replicates and
scale), so differences between two of them are paired replicate by replicate
(:func:`qdsim.api.compare`); cost and effectiveness, and the ranking by
effect per 亿元, are the library's (:mod:`qdsim.results.cost`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qdsim import api
from qdsim.app import links, results, running, state
from qdsim.app.i18n import lang, t
from qdsim.foundation.format import describe, difference, interval, planner_number
from qdsim.foundation.metrics import catalogue
from qdsim.presentation import charts
from qdsim.results.cost import MEASURES, on_one_basis, rank

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
        s = running.parsed(saved["yaml"])
        out[f"run:{saved['run_id']}"] = (t("cmp.saved", title=getattr(s.title, lg)), s)
    for name, text in ss.get("uploads", {}).items():
        s = running.parsed(text)
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
    """(shown, numeric): what each scenario's money buys against its baseline, on one basis.

    Cumulative benefit over cumulative cost from the change year to 2030
    (:func:`qdsim.results.cost.on_one_basis`). Only scenarios that spend more are
    ranked, highest effect per 亿元 first; a cut is shown as what each 亿元
    saved loses ("每少投入1亿元减收…") and never ranked; a scenario whose
    spending did not change (cost.csv's reading) has no ratio.
    """
    labels = {r.scenario.id: label for label, r in runs}
    reports = [on_one_basis(r.cost, r.with_coop, r.baseline, r.years) for _, r in runs if r.cost is not None and r.baseline is not None]
    ranked = rank(reports, measure=measure, against="baseline")
    lever_basis = {r.scenario: r.vs_baseline for r in reports}  # outlets and trains paid by moving money: their own ratio
    if ranked.empty:
        return ranked, ranked
    gain = "income_gain" if measure == "income_per_100m" else "employment_gain"
    more = ranked["per_money"] & (ranked["extra_spending_mean"] > 0)
    cut = ranked["per_money"] & (ranked["extra_spending_mean"] < 0)
    ranked = ranked.assign(kind=["more" if m else "cut" if c else "same" for m, c in zip(more, cut, strict=True)])
    ranked = ranked.sort_values(by=["kind", f"{measure}_mean"], key=lambda col: col.map({"more": 0, "cut": 1, "same": 2}) if col.name == "kind" else -col,
                                kind="stable").reset_index(drop=True)
    ranked["rank"] = pd.array([i + 1 if k == "more" else pd.NA for i, k in enumerate(ranked["kind"])], dtype="Int64")
    metric = "rural_income_per_capita" if gain == "income_gain" else "stable_employment"
    shown = []
    for _, row in ranked.iterrows():
        meaning = describe(metric, row[f"{gain}_mean"], row[f"{gain}_p05"], row[f"{gain}_p95"], lang())
        if row["kind"] == "more":
            ratio = cost_cell(row, measure)
        elif row["kind"] == "cut":
            ratio = t(f"cmp.cut_{measure}", value=cost_cell(row, measure, signed=False))
        elif measure == "income_per_100m" and (c := lever_basis.get(row["scenario"])) is not None and c.income_per_100m_levers is not None:
            per = c.income_per_100m_levers
            ratio = t("cmp.lever_income", value=t("cmp.with_interval", value=difference(per.mean, MEASURES[measure][0], lang()),
                                                   range=interval(per.p05, per.p95, MEASURES[measure][0], lang(), signed=True)),
                      cost=planner_number(c.lever_costs.mean, "元", lang()), taken=planner_number(c.taken_from_programmes.mean, "元", lang()))
        else:
            ratio = t("cmp.no_ratio")
        shown.append({
            t("col.rank"): "–" if pd.isna(row["rank"]) else str(int(row["rank"])),
            t("col.scenario"): labels.get(row["scenario"], row["scenario"]),
            t("col.window"): f"{row['start']}–{row['end']}",
            t("col.extra_spending"): cost_cell(row, "extra_spending"),
            t(f"col.{gain}_cum"): cost_cell(row, gain),
            t(f"col.{measure}"): ratio,
            t("col.meaning"): meaning.meaning + (t("cmp.more_replicates") if meaning.verdict == "chance" else ""),
        })
    return pd.DataFrame(shown), ranked


def cost_cell(row: pd.Series, measure: str, signed: bool = True) -> str:
    """'+12元/人/亿元（-3 至 +25元/人/亿元）': a cost measure with its 90% interval (``signed=False``: the size, for a cut's loss)."""
    unit = MEASURES[measure][0]
    if not signed:
        return t("cmp.with_interval", value=planner_number(row[f"{measure}_mean"], unit, lang()),
                 range=interval(row[f"{measure}_p05"], row[f"{measure}_p95"], unit, lang()))
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
links.to_url()
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
if not cost_shown.empty:
    st.markdown(t("cmp.basis", start=int(cost_numeric["start"].min()), end=int(cost_numeric["end"].max())))
if cost_shown.empty:
    st.info(t("cmp.no_cost"))
else:
    results.table(cost_shown, key="cmp.cost")
    st.download_button(t("dl.csv_table"), data=results.csv_bytes(cost_numeric), file_name=f"compare-cost-{measure}.csv",
                       mime="text/csv", key="cmp.cost_csv", icon=":material/table:", on_click="ignore")
    st.caption(t("cmp.cost_caption"))

def with_interval(r: api.RunResult, m: str) -> str:
    x = results.row(r, m, year)
    return t("cmp.with_interval", value=results.number(x["mean"], m), range=interval(x["p05"], x["p95"], catalogue()[m].unit, lang()))


overview = pd.DataFrame([
    {t("col.scenario"): label, **{results.metric_title(m): with_interval(r, m) for m in results.KEY_METRICS}}
    for label, r in runs
])
st.subheader(t("cmp.overview", year=year))
results.table(overview, key="cmp.overview")
results.footer(first)
