"""What-if: every lever as a slider or input, Run, and the results beside the baseline."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from qdsim import api
from qdsim.app import form, links, results, running, scenario_builder, state
from qdsim.app.i18n import lang, t
from qdsim.foundation.format import CREDIBLE_REPLICATES, fixed, planner_number, short
from qdsim.scenario.ranges import FACTOR, range_checks
from qdsim.scenario.schema import PROGRAMMES

ss = st.session_state


@st.cache_data(show_spinner=False)
def calibrated_ranges(baseline_yaml: str) -> dict:
    return scenario_builder.calibrated_ranges(running.parsed(baseline_yaml))


def on_upload() -> None:
    """Load an uploaded file as the base of the form, or keep its problems to show."""
    f = ss.get("whatif.upload")
    ss["upload_problems"] = None
    if f is None:
        return
    try:
        scenario = state.parse_upload(f.name, f.getvalue())
    except api.ScenarioError as e:
        ss["upload_problems"] = (f.name, e.problems)  # worded at display, in the page's language
        return
    state.load_base(state.add_upload(f.name, scenario))


def start_from(base: api.Scenario) -> None:
    d = state.draft()
    titles = {k: getattr(s.title, lang()) for k, s in state.base_options().items()}
    state.seed_widget(state.wkey("base"), d["base"])
    st.selectbox(t("whatif.start_from"), options=list(titles), format_func=titles.get, key=state.wkey("base"), on_change=state.change_base)
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    state.seed_widget(state.wkey("year"), d["year"])
    c1.selectbox(t("whatif.from_year"), options=base.period.years, key=state.wkey("year"), on_change=state.change_year,
                 help=t("whatif.from_year_help"))
    c2.button(t("whatif.reset"), on_click=state.reset, key="whatif.reset", icon=":material/restart_alt:", width="stretch")
    with st.expander(t("whatif.load"), expanded=bool(ss.get("upload_problems"))):
        st.file_uploader(t("whatif.load"), type=["yaml", "yml"], key="whatif.upload", on_change=on_upload,
                         label_visibility="collapsed", help=t("whatif.load_help"))
        bad = ss.get("upload_problems")
        if bad:
            results.problems(*bad)
    if ss.get("url_problems"):
        st.warning(t("whatif.url_problems", params=", ".join(ss["url_problems"])), icon=":material/link_off:")


def change_lines(changes: list[scenario_builder.Change]) -> list[str]:
    specs = {s.key: s for s in scenario_builder.lever_specs()}
    lines = []
    for c in changes:
        spec = specs.get(c.key)
        label_key = "lever." + c.key.removeprefix("w.")
        if spec is not None:
            before, after = form.display_text(spec, c.before), form.display_text(spec, c.after)
        elif c.key == "w.horizon.mode":
            before, after = t(f"horizon.{c.before}"), t(f"horizon.{c.after}")
        else:
            before, after = str(c.before), str(c.after)
        when = t("whatif.change_from", year=c.year) if c.year is not None else ""
        lines.append(t("whatif.change_line", label=t(label_key), before=before, after=after, when=when))
    return lines


def warnings(scenario: api.Scenario) -> None:
    """The library's calibrated-range warnings (the manifest's), worded with the form's lever names."""
    found = range_checks(scenario)
    if not found:
        return
    specs = {s.key.removeprefix("w."): s for s in scenario_builder.lever_specs()}
    lines = []
    for w in found:
        spec = specs.get(w.lever)
        if spec is None or w.reference_max <= 0:  # an override, a lever unused in 2021–2024: the library's own words
            lines.append("- " + w.message(lang()))
        else:
            lines.append("- " + t("whatif.beyond_line", label=t(spec.label_key), year=w.years[0], value=form.model_text(spec, w.value),
                                  hi=form.model_text(spec, w.reference_max), factor=short(FACTOR)))
    st.warning(t("whatif.beyond_title") + "\n" + "\n".join(lines), icon=":material/warning:")


def budget_neutral(base: api.Scenario) -> bool:
    """Move money between programmes with the total fixed; True when the planner pressed its Run."""
    d = state.draft()
    with st.expander(t("budget.expander"), expanded="w.budget.amount" in d["errors"]):
        st.caption(t("budget.intro"))
        names = {p: t(f"programme.{p}") for p in PROGRAMMES}
        c1, c2 = st.columns(2)
        for field, col in (("w.budget.source", c1), ("w.budget.target", c2)):
            key = state.wkey(field)
            state.seed_widget(key, d["values"][field])
            col.selectbox(t(field.replace("w.", "")), options=list(names), format_func=names.get, key=key,
                          on_change=state.set_field, args=(field, key))
        form.money_box("w.budget.amount", t("budget.amount"))
        blocked = "w.budget.amount" in d["errors"]
        return st.button(t("budget.run"), key="budget.run", icon=":material/swap_horiz:", width="stretch", disabled=blocked)


def move_pressed() -> None:
    v = state.draft()["values"]
    if v["w.budget.source"] == v["w.budget.target"]:
        st.error(t("budget.same"))
        return
    try:
        what = state.pending_move()
    except ValueError as e:
        st.error(f"{t('budget.invalid')} {e}")
        return
    state.set_current(what, "move")


def pending_panel() -> tuple[scenario_builder.WhatIf | None, bool]:
    """"本情景的调整": exactly what Run will run (the draft's scenario), the problems that block it, and the Run button.

    Returns (the scenario Run runs, whether Run was pressed).
    """
    d = state.draft()
    what, invalid = None, None
    try:
        what = state.pending()
    except ValidationError as e:
        invalid = "\n".join(f"- {'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())
    problems = [f"- {t(_label_key(field))}：{state.error_text(p)}" if lang() == "zh" else f"- {t(_label_key(field))}: {state.error_text(p)}"
                for field, p in d["errors"].items()]
    with st.container(border=True, key="pending"):
        st.markdown(f"**{t('whatif.changes')}**")
        if what is not None:
            lines = change_lines(what.changes)
            st.markdown("\n".join(f"- {x}" for x in lines) if lines else t("whatif.no_changes"))
            if what.shares_rescaled_from is not None:
                st.caption(t("whatif.shares_rescaled", total=fixed(what.shares_rescaled_from, 1)))
            settings = state.run_settings()
            st.caption(t("whatif.pending_settings", scale=planner_number(settings["scale"], "share"), reps=settings["replicates"],
                         seed=settings["seed"]) + (t("whatif.pending_assumptions", n=settings["assumption_draws"]) if settings["assumption_draws"] else ""))
        if invalid:
            st.error(t("whatif.invalid") + "\n\n" + invalid)
        if problems:
            st.error(t("whatif.blocked") + "\n" + "\n".join(problems), icon=":material/block:")
        pressed = st.button(t("whatif.run"), type="primary", icon=":material/play_arrow:", key="run", width="stretch",
                            disabled=bool(problems) or what is None)
    return what, pressed


def _label_key(field: str) -> str:
    name = field.removeprefix("w.")
    if name.startswith(("run.", "budget.")):
        return name
    return "lever." + name


def results_block() -> None:
    """The current scenario's results: the baseline runs first (a what-if then reuses it), each showing its first
    replicates while the rest run, then the final result with its settings."""
    yaml_text = state.current_yaml()
    scenario = running.parsed(yaml_text)
    cur = ss.get("current")
    if cur is None:
        st.info(t("whatif.shown_baseline"), icon=":material/info:")
    else:
        with st.expander(t("whatif.shown_changes"), expanded=False):
            lines = change_lines(cur["changes"])
            st.markdown("\n".join(f"- {x}" for x in lines) if lines else t("whatif.no_changes"))
            if cur.get("rescaled") is not None:
                st.caption(t("whatif.shares_rescaled", total=fixed(cur["rescaled"], 1)))
    warnings(scenario)
    provisional = st.empty()
    try:
        baseline = state.result_for(state.at_settings(state.baseline()), partial=results.live(provisional))
        result = state.result_for(yaml_text, partial=results.live(provisional))
    except Exception as e:  # a crash in the model: say so, keep the page
        st.error(t("whatif.failed", error=f"{type(e).__name__}: {e}"))
        return
    finally:
        provisional.empty()
    households = results.row(result, "households", result.years[0])["mean"] * scenario.scale
    st.success(t("whatif.settings_note", scale=planner_number(scenario.scale, "share"), households=planner_number(households, "户", lang()),
                 reps=scenario.replicates, seed=scenario.seed), icon=":material/check_circle:")
    if scenario.replicates < CREDIBLE_REPLICATES:
        st.warning(t("run.few_replicates"), icon=":material/warning:")
    results.show(result, baseline, yaml_text, key="whatif")
    rests_on(result, yaml_text)


def rests_on(result: api.RunResult, yaml_text: str) -> None:
    """Which assumptions the what-if's answer rests on, on request: the same what-if with enough assumption draws to tell
    (:func:`qdsim.app.running.for_attribution`), run like any other and kept; its attribution then shows below."""
    if not results.paired(result) or (result.attribution is not None and result.attribution["distinguishable"].any()):
        return
    text = running.for_attribution(yaml_text)
    asked = "rests_on:" + running.planned_id(text)
    st.caption(t("res.rests_on_caption", draws=running.ATTRIBUTION_DRAWS, scale=planner_number(running.ATTRIBUTION_SCALE, "share")))
    if not ss.get(asked) and running.kept(text) is None:
        if not st.button(t("res.rests_on_run"), key="rests_on.run", icon=":material/rule:"):
            return
        ss[asked] = True
    try:
        drawn = state.result_for(text)
    except Exception as e:  # a crash in the model: say so, keep the page
        st.error(t("whatif.failed", error=f"{type(e).__name__}: {e}"))
        return
    results.attribution(drawn)


@st.fragment
def run_and_results(pending, right) -> None:
    """The Run panel (in ``pending``, in the form's column) and the results (in ``right``): a fragment, so that Run and
    the results' own controls (year, metric, tabs) redraw only these, and the server does not build the form again."""
    with pending:
        what, pressed = pending_panel()
    with right:
        if pressed and what is not None:
            state.set_current(what)
        elif ss.pop("budget.pressed", False):  # pressed in this (full) run of the page, taken once
            move_pressed()
        links.to_url()
        results_block()


st.title(t("page.whatif"))
st.caption(t("whatif.intro"))
base = state.base_scenario()
ranges = calibrated_ranges(state.baseline().to_yaml())
left, right = st.columns([4, 10], gap="large")
with left:
    start_from(base)
    pending = st.container()
    if budget_neutral(base):
        ss["budget.pressed"] = True
    form.lever_form(base, ranges)
run_and_results(pending, right)
