"""Showing a run: metric cards with their differences and intervals, charts, tables, downloads and the footer.

Every number goes through :mod:`qdsim.foundation.format`; every difference is shown
with its 5–95% interval and what it means (:func:`qdsim.foundation.format.verdict`):
the arrow is green or red by whether the change is good for that metric, and
grey with "within chance variation" when the interval includes zero. Charts
are plain functions of the run's ``summary`` (:mod:`qdsim.presentation.charts`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from qdsim import api
from qdsim.app.i18n import lang, t
from qdsim.brief.sections.attribution import statements
from qdsim.foundation.format import describe, interval, period_word, planner_number
from qdsim.foundation.metrics import catalogue
from qdsim.presentation import charts
from qdsim.presentation.text import streamlit_markdown

#: the cards, in the order a planner reads them
KEY_METRICS = (
    "rural_income_per_capita",
    "consumption_sales",
    "stable_employment",
    "migrant_workers_qingdao",
    "monitored_share",
    "village_collective_income",
)
#: the colour of a difference's arrow by its verdict (Streamlit's named colours)
ARROW = {"good": "green", "bad": "red", "chance": "gray", "neutral": "gray", "same": "gray"}
DEFAULT_METRIC = "rural_income_per_capita"

_KEY = ["scenario", "metric", "county", "year"]
_indexed: OrderedDict[str, pd.DataFrame] = OrderedDict()  # run ID -> its summary indexed by _KEY
_indexed_lock = threading.Lock()


def _by_key(result: api.RunResult) -> pd.DataFrame:
    """The run's summary indexed for lookups (a page reads dozens of rows; a run ID names one result)."""
    with _indexed_lock:
        if result.run_id not in _indexed:
            _indexed[result.run_id] = result.summary.set_index(_KEY).sort_index()
            while len(_indexed) > 16:
                _indexed.popitem(last=False)
        return _indexed[result.run_id]


def row(result: api.RunResult, metric: str, year: int, county: str = "all", counterfactual: bool = False) -> pd.Series:
    """One summary row of a run (the scenario's, or its counterfactual's)."""
    sid = result.scenario.id + ("-counterfactual" if counterfactual else "")
    return _by_key(result).loc[(sid, metric, county, year)]


def paired(result: api.RunResult) -> bool:
    """True when the run carries its difference from the baseline (a what-if; not the baseline itself)."""
    return result.manifest.get("baseline") is not None


def metric_name(metric: str) -> str:
    return catalogue()[metric].name(lang())


def metric_title(metric: str) -> str:
    """The metric's name with what one year's value is: 农村居民人均可支配收入（当年）."""
    return t("res.metric_period", name=metric_name(metric), period=period_word(metric, lang()))


def definition(metric: str) -> str:
    """What a card's metric is (its ⓘ): the Chinese definition on the Chinese page, the catalogue's in English."""
    return t(f"def.{metric}") if lang() == "zh" else catalogue()[metric].definition


def number(value: float, metric: str, signed: bool = False) -> str:
    return planner_number(value, catalogue()[metric].unit, lang(), signed=signed)


class Diff:
    """A difference of one metric (against the baseline, no cooperation or another scenario) with its interval, as text:
    :func:`qdsim.foundation.format.describe` in the page's language."""

    def __init__(self, metric: str, mean: float, lo: float, hi: float):
        words = describe(metric, mean, lo, hi, lang())
        self.mean, self.lo, self.hi, self.known = words.mean, words.lo, words.hi, words.known
        self.verdict, self.text, self.range, self.meaning = words.verdict, words.text, words.range, words.meaning

    @classmethod
    def of(cls, r: pd.Series, metric: str, prefix: str) -> Diff:
        """From a summary row's ``<prefix>_mean, _p05, _p95`` (prefix: impact, vs_baseline, diff)."""
        return cls(metric, r[f"{prefix}_mean"], r[f"{prefix}_p05"], r[f"{prefix}_p95"])

    def line(self, against: str) -> str:
        """'较基准 -83元/人（90%区间 -350元/人 至 +180元/人）· 在随机波动范围内'."""
        return t("res.diff_line", against=t(against), d=self.text, range=self.range) + (f" · {self.meaning}" if self.verdict in ("chance", "same") else "")


def metric_select(where, *, key: str) -> str:
    """A choice among all metrics (rural income first shown); ``key`` should start with ``w.``."""
    names = {m: metric_title(m) for m in catalogue()}  # labels fixed at draw time, not read back later
    if st.session_state.get(key) not in names:
        st.session_state[key] = DEFAULT_METRIC
    return where.selectbox(t("res.metric"), options=list(names), format_func=names.get, key=key)


def year_select(where, years: list[int], *, key: str) -> int:
    """A choice of year (the last one first shown); ``key`` should start with ``w.``."""
    if st.session_state.get(key) not in years:
        st.session_state[key] = years[-1]
    return where.selectbox(t("res.year"), options=years, key=key)


def card(result: api.RunResult, metric: str, year: int, county: str = "all") -> None:
    """One metric: its value, its difference from the baseline (or, for the baseline, from no cooperation) with the
    arrow coloured by meaning, the intervals, and "within chance variation" where the interval includes zero."""
    r = row(result, metric, year, county)
    with_base = paired(result)
    d = Diff.of(r, metric, "vs_baseline" if with_base else "impact")
    against = "res.vs_baseline" if with_base else "res.vs_cf"
    st.metric(
        metric_title(metric), number(r["mean"], metric), delta=d.text if d.known else None, delta_color=ARROW[d.verdict],
        delta_arrow="off" if d.verdict == "same" or d.mean == 0 else ("up" if d.mean > 0 else "down"),  # by the sign, never by the text
        delta_description=t(against) + (f" · {d.meaning}" if d.verdict in ("chance", "same") else ""),
        help=definition(metric),
    )
    st.caption(d.line(against))
    st.caption(t("res.interval", range=interval(r["p05"], r["p95"], catalogue()[metric].unit, lang())))  # one scale, the unit once
    if with_base:
        st.caption(Diff.of(r, metric, "impact").line("res.vs_cf"))


def cards(result: api.RunResult, year: int, county: str = "all") -> None:
    """The key metrics as cards, three to a row."""
    cols = st.columns(3)
    for i, m in enumerate(KEY_METRICS):
        with cols[i % 3].container(border=True):
            card(result, m, year, county)


def metrics_table(result: api.RunResult, year: int, county: str = "all") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, numeric) tables of every metric in one year: value, difference from the baseline and from no cooperation."""
    shown, numeric = [], []
    with_base = paired(result)
    for m, meta in catalogue().items():
        r = row(result, m, year, county)
        base, impact = (Diff.of(r, m, "vs_baseline") if with_base else None), Diff.of(r, m, "impact")
        line = {t("col.metric"): metric_title(m), t("col.value"): number(r["mean"], m),
                t("col.interval"): interval(r["p05"], r["p95"], meta.unit, lang())}
        if base is not None:
            line |= {t("col.vs_baseline"): base.text, t("col.vs_baseline_interval"): base.range, t("col.meaning"): base.meaning}
        line |= {t("col.impact"): impact.text, t("col.impact_interval"): impact.range}
        if base is None:
            line[t("col.meaning")] = impact.meaning
        shown.append(line)
        numeric.append({"scenario": result.scenario.id, "metric": m, "county": county, "year": year, "unit": meta.unit,
                        **{c: r[c] for c in ("mean", "p05", "p95", "vs_baseline_mean", "vs_baseline_p05", "vs_baseline_p95",
                                             "impact_mean", "impact_p05", "impact_p95")}})
    return pd.DataFrame(shown), pd.DataFrame(numeric)


def table(df: pd.DataFrame, *, key: str) -> None:
    """A table shown whole: every column and every cell's full text, wrapped to the page (never cut off)."""
    with st.container(key=key):
        st.table(df.set_index(df.columns[0]))


def csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, float_format="%.10g", lineterminator="\n").encode("utf-8")


def chart(obj, *, key: str, file_name: str) -> None:
    """An Altair chart, full width and its own height (the plot keeps its height: titles and legends add to it), with its PNG download."""
    fit_width = obj.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    st.altair_chart(fit_width, width="stretch", key=f"{key}.chart")
    st.download_button(t("dl.png"), data=lambda: charts.png(obj), file_name=file_name, mime="image/png",
                       key=f"{key}.png", icon=":material/image:", on_click="ignore")


def show(result: api.RunResult, baseline: api.RunResult | None, yaml_text: str, *, key: str = "res") -> None:
    """The whole result block: choices, cards, charts, table, downloads and footer."""
    lg = lang()
    sid = result.scenario.id
    st.subheader(t("res.title", title=streamlit_markdown(getattr(result.scenario.title, lg))))  # a title is text, not Markdown
    c1, c2 = st.columns(2)
    year = year_select(c1, result.years, key=f"w.{key}.year")
    metric = metric_select(c2, key=f"w.{key}.metric")
    cards(result, year)
    def trend() -> None:
        series = [(t("res.whatif"), result.summary, sid)]
        if baseline is not None and paired(result):
            series.append((t("res.baseline"), baseline.summary, baseline.scenario.id))
        series.append((t("res.counterfactual"), result.summary, f"{sid}-counterfactual"))
        chart(charts.trend(series, metric, lang=lg), key=f"{key}.trend", file_name=f"{sid}-{metric}-{lg}.png")
        st.caption(t("res.trend_caption"))

    def difference(of: str) -> None:
        chart(charts.difference_by_year(result.summary, metric, lang=lg, of=of, scenario=sid), key=f"{key}.{of}",
              file_name=f"{sid}-{metric}-{of.replace('_', '-')}-{lg}.png")
        st.caption(t(f"res.{of}_caption"))

    def data_table() -> None:
        shown_table, numeric = metrics_table(result, year)
        table(shown_table, key=f"{key}.table")
        st.download_button(t("dl.csv_table"), data=csv_bytes(numeric), file_name=f"{sid}-{year}.csv", mime="text/csv",
                           key=f"{key}.csv", icon=":material/table:", on_click="ignore")

    views: list[tuple[str, Callable[[], None]]] = [(t("res.tab.trend"), trend)]
    if paired(result):
        views.append((t("res.tab.vs_baseline"), lambda: difference("vs_baseline")))
    views += [(t("res.tab.impact"), lambda: difference("impact")), (t("res.tab.table"), data_table)]
    # only the open tab is drawn (a tab chosen reruns the page's results): the browser builds one chart, not three charts
    # and the table of every metric, when a run's results arrive (docs/performance.md)
    for (_, draw), tab in zip(views, st.tabs([label for label, _ in views], key=f"{key}.tab", on_change="rerun"), strict=True):
        with tab:
            if tab.open is not False:  # None where Streamlit keeps no tab state: every tab is drawn then
                draw()
    if result.attribution is not None and not result.attribution.empty:
        attribution(result)
    downloads(result, yaml_text, key=key)
    footer(result)


def attribution(result: api.RunResult) -> None:
    """The interval of each headline difference over the assumptions, and which assumptions it rests on (attribution.csv)."""
    lg = lang()
    reg = result.params.catalogue
    with st.expander(t("res.attribution"), expanded=True, icon=":material/rule:"):
        for metric in result.attribution["metric"].unique():
            r = row(result, metric, result.years[-1])
            if pd.notna(r.get("vs_baseline_assumption_p05")):
                unit = catalogue()[metric].unit
                st.markdown(t("res.assumption_interval", metric=metric_name(metric),
                              range=interval(r["vs_baseline_assumption_p05"], r["vs_baseline_assumption_p95"], unit, lg, signed=True)))
        for text in statements(result.attribution, lg, name=metric_name,
                               param_label=lambda pid: f"{getattr(reg.parameters[pid], 'label_zh' if lg == 'zh' else 'label_en')} ({pid})"):
            st.markdown(streamlit_markdown(text))


def live(where, *, every: float = 0.4) -> Callable[[api.RunResult], None]:
    """A ``partial`` callback for :func:`qdsim.api.run`: the cards of the replicates done so far, redrawn in ``where``.

    At most one redraw every ``every`` seconds; each says how many replicates
    the numbers rest on, so the planner sees the intervals tighten.
    """
    last = [0.0]

    def draw(partial: api.RunResult) -> None:
        now = time.perf_counter()
        if now - last[0] < every:
            return
        last[0] = now
        with where.container():
            st.info(t("res.partial", done=partial.scenario.replicates), icon=":material/hourglass_top:")
            cards(partial, partial.years[-1])

    return draw


def downloads(result: api.RunResult, yaml_text: str, *, key: str) -> None:
    """The scenario file, the full summary and the brief."""
    from qdsim.brief import render

    lg = lang()
    sid = result.scenario.id
    st.markdown(f"**{t('dl.title')}**")
    line = st.container(horizontal=True, key=f"{key}.downloads")
    line.download_button(t("dl.yaml"), data=yaml_text.encode("utf-8"), file_name=f"{sid}.yaml", mime="application/x-yaml",
                         key=f"{key}.yaml", help=t("dl.yaml_help"), icon=":material/description:", on_click="ignore")
    # the summary's bytes (0.1–0.2 s of every page draw) are made only when the planner downloads them
    line.download_button(t("dl.csv_summary"), data=lambda: csv_bytes(result.summary), file_name=f"{sid}-summary.csv", mime="text/csv",
                         key=f"{key}.summary", icon=":material/download:", on_click="ignore")
    line.download_button(
        t("dl.brief_docx"), data=lambda: render(result, lang=lg, fmt="docx"), file_name=f"{sid}-brief-{lg}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", key=f"{key}.brief_docx",
        icon=":material/article:", on_click="ignore",
    )
    line.download_button(
        t("dl.brief_html"), data=lambda: render(result, lang=lg, fmt="html"), file_name=f"{sid}-brief-{lg}.html",
        mime="text/html", key=f"{key}.brief_html", icon=":material/public:", on_click="ignore",
    )


def problems(name: str, found: list) -> None:
    """A file's problems (the library's, with their Chinese wording), one ``file:line: field: message`` per line."""
    lines = [p.text(lang()) for p in found]
    st.error(t("whatif.bad_file", name=name) + "\n\n" + "\n".join(f"- `{line}`" for line in lines), icon=":material/error:")


def footer_text(result: api.RunResult) -> str:
    m = result.manifest
    return t(
        "footer",
        run_id=result.run_id,
        version=m.get("qdsim_version", "?"),
        commit=str(m.get("commit", "?"))[:12],
        seed=result.scenario.seed,
        reps=result.scenario.replicates,
        scale=planner_number(result.scenario.scale, "share"),
        sha=m.get("scenario_sha256", result.scenario.sha256())[:12],
        created=m.get("created", ""),
    )


def footer(result: api.RunResult) -> None:
    """Run ID, version, seed and scenario hash: what a reader needs to rerun the number."""
    st.divider()
    st.caption(footer_text(result), help=result.manifest.get("rerun"))
