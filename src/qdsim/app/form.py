"""The what-if form: one widget per lever of the scenario schema, grouped as the programme groups them.

Every widget renders from the draft (:mod:`qdsim.app.state`): its key is the
draft field's key in the current generation, its first value the draft's,
and its callback writes the new value back to the draft. A slider has a typed
twin for exact values (a money box that reads 元, 万元 and 亿元); the two
show the same draft value. Nothing here runs a scenario: the page's Run
button runs :func:`qdsim.app.state.pending`, which the panel lists.
"""

from __future__ import annotations

from collections import defaultdict

import streamlit as st

from qdsim import api
from qdsim.app import scenario_builder, state
from qdsim.app.i18n import t
from qdsim.foundation.format import planner_number, short
from qdsim.scenario.ranges import FACTOR

TWIN = "#typed"


def display_text(spec: scenario_builder.LeverSpec, value) -> str:
    """A lever's display value as the planner reads it (亿元, %, …)."""
    if spec.widget == "toggle" or isinstance(value, bool):
        return t("form.on") if value else t("form.off")
    if spec.kind == "event":
        sev, years = value
        return f"{short(sev)} @ {', '.join(map(str, years)) or '–'}"
    if spec.kind == "money":
        return planner_number(float(value) * 1e8, "元", "zh", digits=6)
    if spec.kind in ("share", "programme_share", "rate"):  # to two decimals at most: 57.42%, never 57.4211%
        return short(round(float(value), 2)) + "%"
    return short(float(value), 10, grouped=True)


def model_text(spec: scenario_builder.LeverSpec, value: float) -> str:
    """A lever's value in model units, shown in the lever's display units."""
    return display_text(spec, spec.to_display(value))


#: lever kinds whose values past FACTOR × the calibrated maximum are extrapolation (not shares, which stop at 100%)
_EXTRAPOLATES = ("money", "count", "area", "per_worker")


def _help(spec: scenario_builder.LeverSpec, ranges) -> str:
    """What the lever does, then (where it has one) its 2021–2024 range and, for amounts, where extrapolation starts."""
    lines = [t(f"help.{spec.key.removeprefix('w.')}")]
    if spec.key in ranges and spec.widget != "toggle":
        lo, hi = ranges[spec.key]
        lines.append(t("form.reference", lo=model_text(spec, lo), hi=model_text(spec, hi)))
        if spec.kind in _EXTRAPOLATES and hi > 0:
            lines.append(t("form.beyond", limit=model_text(spec, FACTOR * hi)))
    return "\n\n".join(lines)


def _number_type(spec: scenario_builder.LeverSpec, value) -> type:
    return float if isinstance(value, float) or not float(spec.step).is_integer() else int


def money_box(field: str, label: str, *, twins: tuple[str, ...] = (), help: str | None = None, where=st, collapsed: bool = False) -> None:
    """A text box for an amount in 亿元 that reads 元/万元/亿元 and full-width digits; a problem is shown under it."""
    d = state.draft()
    key = state.wkey(field, TWIN)
    state.seed_widget(key, d["text"].get(field, short(float(d["values"][field]))))
    where.text_input(label, key=key, on_change=state.set_money, args=(field, key, *twins), help=None if collapsed else help or t("form.money_help"),
                     label_visibility="collapsed" if collapsed else "visible", placeholder=t("form.money_placeholder"))
    field_error(field, where)


def _slider(spec: scenario_builder.LeverSpec, base: api.Scenario, year: int, ranges) -> None:
    d = state.draft()
    value = d["values"][spec.key]
    current = spec.to_display(scenario_builder.model_value(base, spec, year))
    lo, hi = scenario_builder.slider_range(spec, current, ranges.get(spec.key, (0, 0))[1] if spec.key in ranges else None)
    kind = _number_type(spec, value) if float(current).is_integer() else float
    lo, hi, step = kind(lo), kind(max(hi, value)), kind(spec.step)
    shown = kind(min(max(value, lo), hi))
    key, twin = state.wkey(spec.key), state.wkey(spec.key, TWIN)
    state.seed_widget(key, shown)
    label = t(spec.label_key)
    c1, c2 = st.columns([5, 2], vertical_alignment="bottom")
    with c1:
        st.slider(label, min_value=lo, max_value=hi, step=step, format=spec.fmt, key=key, help=_help(spec, ranges),
                  on_change=state.set_field, args=(spec.key, key, twin))
    if spec.kind == "money":
        money_box(spec.key, t("form.typed", label=label), twins=(key,), where=c2, collapsed=True)
        return
    state.seed_widget(twin, kind(value))
    fmt = "%d" if kind is int else "%.4g" if spec.kind != "programme_share" else "%.2f"
    low, top = spec.bounds
    c2.number_input(t("form.typed", label=label), step=step, format=fmt, key=twin, on_change=_typed,
                    args=(spec.key, twin, low, top, key), label_visibility="collapsed")
    field_error(spec.key)


def _typed(field: str, twin: str, lo: float, hi: float | None, *others: str) -> None:
    """A typed value: kept exactly (a slider widens to show it); outside [lo, hi] it is refused with a message in the page's language."""
    ss = st.session_state
    value = ss[twin]
    d = state.draft()
    if value is None or value < lo or (hi is not None and value > hi):
        d["errors"][field] = {"kind": "range", "value": "–" if value is None else short(value), "lo": short(lo),
                              "hi": short(hi) if hi is not None else "∞"}
        return
    d["errors"].pop(field, None)
    d["values"][field] = value
    for other in others:
        ss[other] = value


def _twin(where, field: str, label: str, lo: float, hi: float, step: float, fmt: str, slider_key: str) -> None:
    """A slider's typed box: the same draft value, checked against [lo, hi] with a message in the page's language."""
    key = state.wkey(field, TWIN)
    value = state.draft()["values"][field]
    state.seed_widget(key, type(step)(value))
    where.number_input(t("form.typed", label=label), step=step, format=fmt, key=key, on_change=_typed,
                       args=(field, key, lo, hi, slider_key), label_visibility="collapsed")
    field_error(field)


def field_error(field: str, where=st) -> None:
    """A typed value's problem, under its box."""
    problem = state.draft()["errors"].get(field)
    if problem:
        where.error(state.error_text(problem), icon=":material/error:")


def _lever(spec: scenario_builder.LeverSpec, base: api.Scenario, year: int, ranges) -> None:
    d = state.draft()
    if spec.widget == "toggle":
        key = state.wkey(spec.key)
        state.seed_widget(key, bool(d["values"][spec.key]))
        st.toggle(t(spec.label_key), key=key, help=_help(spec, ranges), on_change=state.set_field, args=(spec.key, key))
    elif spec.kind == "event":
        sev, years = f"{spec.key}.severity", f"{spec.key}.years"
        ks, ky = state.wkey(sev), state.wkey(years)
        state.seed_widget(ks, float(d["values"][sev]))
        state.seed_widget(ky, list(d["values"][years]))
        c1, c2 = st.columns([5, 2], vertical_alignment="bottom")
        c1.slider(t(f"{spec.label_key}.severity"), min_value=0.0, max_value=1.0, step=0.05, format="%.2f", key=ks,
                  help=_help(spec, ranges), on_change=state.set_field, args=(sev, ks, state.wkey(sev, TWIN)))
        _twin(c2, sev, t(f"{spec.label_key}.severity"), 0.0, 1.0, 0.05, "%.2f", ks)
        st.multiselect(t(f"{spec.label_key}.years"), options=base.period.years, key=ky, on_change=state.set_field, args=(years, ky),
                       placeholder=t("form.choose"))
    else:
        _slider(spec, base, year, ranges)


def _shares(specs: list[scenario_builder.LeverSpec], ranges) -> None:
    d = state.draft()
    st.markdown(f"**{t('lever.funds.shares')}**")
    cols = st.columns(2)
    for i, spec in enumerate(specs):
        key = state.wkey(spec.key)
        state.seed_widget(key, float(d["values"][spec.key]))
        with cols[i % 2]:
            st.number_input(t(spec.label_key), step=0.1, format="%.1f", key=key,
                            help=_help(spec, ranges), on_change=_typed, args=(spec.key, key, 0.0, 100.0))
            field_error(spec.key)
    st.caption(t("form.shares_note"))


def _horizon(base: api.Scenario) -> None:
    d = state.draft()
    modes = {m: t(f"horizon.{m}") for m in ("continue", "taper", "stop")}
    for field in ("w.horizon.mode", "w.horizon.after", "w.horizon.taper_years"):
        state.seed_widget(state.wkey(field), d["values"][field])
    k = state.wkey
    st.radio(t("lever.horizon.mode"), options=list(modes), format_func=modes.get, key=k("w.horizon.mode"), horizontal=True,
             on_change=state.set_field, args=("w.horizon.mode", k("w.horizon.mode")))
    st.selectbox(t("lever.horizon.after"), options=base.period.years, key=k("w.horizon.after"),
                 on_change=state.set_field, args=("w.horizon.after", k("w.horizon.after")))
    c1, c2 = st.columns([5, 2], vertical_alignment="bottom")
    c1.slider(t("lever.horizon.taper_years"), min_value=1, max_value=10, step=1, key=k("w.horizon.taper_years"),
              on_change=state.set_field, args=("w.horizon.taper_years", k("w.horizon.taper_years"), k("w.horizon.taper_years", TWIN)))
    _twin(c2, "w.horizon.taper_years", t("lever.horizon.taper_years"), 1, 10, 1, "%d", k("w.horizon.taper_years"))


def _run_settings() -> None:
    d = state.draft()
    k = state.wkey
    sb = scenario_builder
    scale = float(d["values"]["w.run.scale"])
    state.seed_widget(k("w.run.scale"), min(max(scale, sb.MIN_SCALE * 100), sb.MAX_SCALE * 100))
    state.seed_widget(k("w.run.scale", TWIN), scale)
    c1, c2 = st.columns([5, 2], vertical_alignment="bottom")
    c1.slider(t("run.scale"), min_value=sb.MIN_SCALE * 100, max_value=sb.MAX_SCALE * 100, step=0.1, format="%.1f%%",
              key=k("w.run.scale"), help=t("run.scale_help", max_scale=short(sb.MAX_SCALE * 100), max_reps=sb.MAX_REPLICATES),
              on_change=state.set_field, args=("w.run.scale", k("w.run.scale"), k("w.run.scale", TWIN)))
    c2.number_input(t("form.typed", label=t("run.scale")), step=0.1, format="%.2f", key=k("w.run.scale", TWIN), label_visibility="collapsed",
                    on_change=_typed, args=("w.run.scale", k("w.run.scale", TWIN), sb.MIN_SCALE * 100, sb.MAX_SCALE * 100, k("w.run.scale")))
    field_error("w.run.scale")
    reps = int(d["values"]["w.run.replicates"])
    state.seed_widget(k("w.run.replicates"), reps)
    state.seed_widget(k("w.run.replicates", TWIN), reps)
    c1, c2 = st.columns([5, 2], vertical_alignment="bottom")
    c1.slider(t("run.replicates"), min_value=1, max_value=sb.MAX_REPLICATES, step=1, key=k("w.run.replicates"),
              on_change=state.set_field, args=("w.run.replicates", k("w.run.replicates"), k("w.run.replicates", TWIN)))
    c2.number_input(t("form.typed", label=t("run.replicates")), step=1, key=k("w.run.replicates", TWIN), label_visibility="collapsed",
                    on_change=_typed, args=("w.run.replicates", k("w.run.replicates", TWIN), 1, sb.MAX_REPLICATES, k("w.run.replicates")))
    field_error("w.run.replicates")
    state.seed_widget(k("w.run.seed"), int(d["values"]["w.run.seed"]))
    st.number_input(t("run.seed"), step=1, key=k("w.run.seed"), on_change=_typed, args=("w.run.seed", k("w.run.seed"), 0, 2**53 - 1))
    field_error("w.run.seed")
    state.seed_widget(k("w.run.assumptions"), bool(d["values"].get("w.run.assumptions", False)))
    st.toggle(t("run.assumptions"), key=k("w.run.assumptions"), help=t("run.assumptions_help"),
              on_change=state.set_field, args=("w.run.assumptions", k("w.run.assumptions")))


def lever_form(base: api.Scenario, ranges: dict) -> None:
    """Draw the form's groups of levers (the Run button and the panel are the page's)."""
    year = state.draft()["year"]
    by_group: dict[str, list[scenario_builder.LeverSpec]] = defaultdict(list)
    for spec in scenario_builder.lever_specs():
        by_group[spec.group].append(spec)
    for group in scenario_builder.group_names():
        with _group(group, expanded=group == "funds") as box:
            if not box.open:
                continue
            if group == "horizon":
                _horizon(base)
                continue
            specs = by_group[group]
            for spec in specs:
                if not spec.name.startswith("shares."):
                    _lever(spec, base, year, ranges)
            shares = [s for s in specs if s.name.startswith("shares.")]
            if shares:
                _shares(shares, ranges)
    with _group("run") as box:
        if box.open:
            _run_settings()


def _group(group: str, expanded: bool = False):
    """A group of the form, drawn only while open (opening it reruns the page; its widgets then draw from the draft).

    Every widget drawn is a message the planner's browser redraws on every rerun: the closed groups' ~200 of the
    form's ~270 elements took a third of a rerun's time in the browser (docs/performance.md).
    """
    return st.expander(t(f"group.{group}"), expanded=expanded, key=f"{GROUP}{group}", on_change="rerun")


#: the session-state key of a form group's open state (a ``w.`` key: kept across pages like the other widgets)
GROUP = "w.group."
