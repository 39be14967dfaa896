"""Counties: the seven counties of Dingxi in the current scenario, table and charts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qdsim.app import figures, results, state
from qdsim.app.i18n import lang, t
from qdsim.catalogue import load_catalogue
from qdsim.format import interval, planner_number
from qdsim.metrics import catalogue

st.title(t("page.counties"))
st.caption(t("cty.intro"))
yaml_text = state.current_yaml()
result = state.result_for(yaml_text)
lg = lang()
st.markdown(f"**{getattr(result.scenario.title, lg)}**")
counties = load_catalogue(result.scenario.region).counties
names = {c["id"]: c[lg] for c in counties}

c1, c2 = st.columns(2)
year = results.year_select(c1, result.years, key="w.cty.year")
metric = results.metric_select(c2, key="w.cty.metric")
unit = catalogue()[metric].unit

shown, numeric = [], []
for c in counties:
    x = results.row(result, metric, year, county=c["id"])
    shown.append({
        t("col.county"): names[c["id"]],
        t("col.population"): planner_number(c["population"], "人", lg),
        t("col.value"): results.number(x["mean"], metric),
        t("col.interval"): interval(x["p05"], x["p95"], unit, lg),
        t("col.impact"): results.number(x["impact_mean"], metric, signed=True),
        t("col.impact_interval"): interval(x["impact_p05"], x["impact_p95"], unit, lg, signed=True),
    })
    numeric.append({"scenario": result.scenario.id, "county": c["id"], "name_zh": c["zh"], "name_en": c["en"], "metric": metric,
                    "year": year, "unit": unit, "mean": x["mean"], "p05": x["p05"], "p95": x["p95"],
                    "impact_mean": x["impact_mean"], "impact_p05": x["impact_p05"], "impact_p95": x["impact_p95"]})
st.dataframe(pd.DataFrame(shown), hide_index=True, width="stretch", key="cty.table")
st.download_button(t("dl.csv_table"), data=results.csv_bytes(pd.DataFrame(numeric)),
                   file_name=f"{result.scenario.id}-counties-{metric}-{year}.csv", mime="text/csv", key="cty.csv",
                   icon=":material/table:", on_click="ignore")
left, right = st.columns(2, gap="large")
with left:
    results.chart(figures.counties(result.summary, metric, year, lg, names), key="cty.bars",
                  file_name=f"{result.scenario.id}-counties-{metric}-{year}-{lg}.png")
with right:
    places = {"all": t("cty.all"), **names}
    st.session_state.setdefault("w.cty.county", "all")
    place = st.selectbox(t("cty.county_series"), options=list(places), format_func=places.get, key="w.cty.county")
    sid = result.scenario.id
    series = [(t("res.whatif"), result.summary, sid), (t("res.counterfactual"), result.summary, f"{sid}-counterfactual")]
    results.chart(figures.trend(series, metric, county=place, lang=lg, prefix=f"{places[place]} · "), key="cty.series",
                  file_name=f"{sid}-{place}-{metric}-{lg}.png")
results.footer(result)
