"""Counties: the seven counties of Dingxi in the current scenario — a map and a chart of the difference, sorted by effect."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qdsim.app import results, state
from qdsim.app.i18n import lang, t
from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.format import interval, planner_number
from qdsim.foundation.metrics import catalogue
from qdsim.presentation import charts

st.title(t("page.counties"))
st.caption(t("cty.intro"))
yaml_text = state.current_yaml()
result = state.result_for(yaml_text)
lg = lang()
sid = result.scenario.id
st.markdown(f"**{getattr(result.scenario.title, lg)}**")
counties = load_catalogue(result.scenario.region).counties
names = {c["id"]: c[lg] for c in counties}
by_id = {c["id"]: c for c in counties}

c1, c2, c3 = st.columns(3)
year = results.year_select(c1, result.years, key="w.cty.year")
metric = results.metric_select(c2, key="w.cty.metric")
against = {"vs_baseline": t("res.vs_baseline"), "impact": t("res.vs_cf")} if results.paired(result) else {"impact": t("res.vs_cf")}
if st.session_state.get("w.cty.of") not in against:
    st.session_state["w.cty.of"] = next(iter(against))
of = c3.radio(t("cty.against"), options=list(against), format_func=against.get, key="w.cty.of", horizontal=True)
unit = catalogue()[metric].unit

left, right = st.columns([5, 6], gap="large")
with left:
    results.chart(charts.county_map(result.summary, metric, year, lg, names, of=of, region=result.scenario.region, width="container"),
                  key="cty.map", file_name=f"{sid}-map-{metric}-{year}-{lg}.png")
with right:
    results.chart(charts.counties(result.summary, metric, year, lg, names, of=of), key="cty.bars",
                  file_name=f"{sid}-counties-{metric}-{year}-{lg}.png")
    st.caption(t("cty.sorted_caption"))

shown, numeric, chance = [], [], 0
for _, x in charts.county_rows(result.summary, metric, year, of=of).iterrows():
    d = results.Diff.of(x, metric, of)
    chance += d.verdict == "chance"
    shown.append({
        t("col.county"): names[x.county],
        t("col.population"): planner_number(by_id[x.county]["population"], "人", lg),
        t("col.value"): results.number(x["mean"], metric),
        t("col.interval"): interval(x["p05"], x["p95"], unit, lg),
        against[of]: d.text,
        t("col.diff_interval"): d.range,
        t("col.meaning"): d.meaning,
    })
    numeric.append({"scenario": sid, "county": x.county, "name_zh": by_id[x.county]["zh"], "name_en": by_id[x.county]["en"], "metric": metric, "year": year,
                    "unit": unit, **{c: x[c] for c in ("mean", "p05", "p95", *charts.DIFFS["impact"], *charts.DIFFS["vs_baseline"])}})
results.table(pd.DataFrame(shown), key="cty.table")
if chance:
    st.info(t("cty.resolve", n=chance, total=len(shown), reps=result.scenario.replicates, scale=planner_number(result.scenario.scale, "share"),
              more_reps=min(2 * result.scenario.replicates, 50)), icon=":material/lightbulb:")
st.download_button(t("dl.csv_table"), data=results.csv_bytes(pd.DataFrame(numeric).dropna(axis=1, how="all")),
                   file_name=f"{sid}-counties-{metric}-{year}.csv", mime="text/csv", key="cty.csv", icon=":material/table:", on_click="ignore")

places = {"all": t("cty.all"), **names}
st.session_state.setdefault("w.cty.county", "all")
place = st.selectbox(t("cty.county_series"), options=list(places), format_func=places.get, key="w.cty.county")
series = [(t("res.whatif"), result.summary, sid), (t("res.counterfactual"), result.summary, f"{sid}-counterfactual")]
results.chart(charts.trend(series, metric, county=place, lang=lg, prefix=f"{places[place]} · "), key="cty.series",
              file_name=f"{sid}-{place}-{metric}-{lg}.png")
results.footer(result)
