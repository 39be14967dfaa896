"""The what-if form: one widget per lever of the scenario schema, grouped as the programme groups them.

Widgets sit in an ``st.form``, so moving a slider does not rerun anything
until the planner presses Run. Their values live in session state under the
keys of :class:`qdsim.app.scenario_builder.LeverSpec` (set by
:func:`qdsim.app.state.load_base`), never passed as ``value=``.
"""

from __future__ import annotations

from collections import defaultdict

import streamlit as st

from qdsim import api
from qdsim.app import scenario_builder, state
from qdsim.app.i18n import lang, t
from qdsim.scenario.ranges import FACTOR


def display_text(spec: scenario_builder.LeverSpec, value) -> str:
    """A lever's display value as the planner reads it (亿元, %, …)."""
    if spec.widget == "toggle" or isinstance(value, bool):
        return t("form.on") if value else t("form.off")
    if spec.kind == "event":
        sev, years = value
        return f"{sev:g} @ {', '.join(map(str, years)) or '–'}"
    if spec.kind == "money":
        return f"{float(value):g}亿元" if lang() == "zh" else f"{float(value):g} 亿元"
    if spec.kind in ("share", "programme_share", "rate"):
        return f"{float(value):g}%"
    return f"{float(value):,.10g}"


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


def _slider(spec: scenario_builder.LeverSpec, base: api.Scenario, year: int, ranges) -> None:
    ss = st.session_state
    current = spec.to_display(scenario_builder.model_value(base, spec, year))
    lo, hi = scenario_builder.slider_range(spec, current, ranges.get(spec.key, (0, 0))[1] if spec.key in ranges else None)
    step = spec.step
    value = ss.get(spec.key, current)
    kind = float if isinstance(value, float) or not float(step).is_integer() or not float(current).is_integer() else int
    lo, hi, step = kind(lo), kind(max(hi, value)), kind(step)
    if type(value) is not kind:  # the slider wants one number type throughout
        ss[spec.key] = kind(value)
    st.slider(t(spec.label_key), min_value=lo, max_value=hi, step=step, format=spec.fmt, key=spec.key, help=_help(spec, ranges))


def _lever(spec: scenario_builder.LeverSpec, base: api.Scenario, year: int, ranges) -> None:
    if spec.widget == "toggle":
        st.toggle(t(spec.label_key), key=spec.key, help=_help(spec, ranges))
    elif spec.kind == "event":
        st.slider(t(f"{spec.label_key}.severity"), min_value=0.0, max_value=1.0, step=0.05, format="%.2f", key=f"{spec.key}.severity",
                  help=_help(spec, ranges))
        st.multiselect(t(f"{spec.label_key}.years"), options=base.period.years, key=f"{spec.key}.years")
    else:
        _slider(spec, base, year, ranges)


def _shares(specs: list[scenario_builder.LeverSpec], ranges) -> None:
    st.markdown(f"**{t('lever.funds.shares')}**")
    cols = st.columns(2)
    for i, spec in enumerate(specs):
        if not isinstance(st.session_state[spec.key], float):
            st.session_state[spec.key] = float(st.session_state[spec.key])
        with cols[i % 2]:
            st.number_input(t(spec.label_key), min_value=0.0, max_value=100.0, step=0.1, format="%.1f", key=spec.key,
                            help=_help(spec, ranges))
    st.caption(t("form.shares_note"))


def _horizon(base: api.Scenario) -> None:
    modes = {m: t(f"horizon.{m}") for m in ("continue", "taper", "stop")}
    st.radio(t("lever.horizon.mode"), options=list(modes), format_func=modes.get, key="w.horizon.mode", horizontal=True)
    st.selectbox(t("lever.horizon.after"), options=base.period.years, key="w.horizon.after")
    st.slider(t("lever.horizon.taper_years"), min_value=1, max_value=10, step=1, key="w.horizon.taper_years")


def _run_settings() -> None:
    st.slider(t("run.scale"), min_value=scenario_builder.MIN_SCALE * 100, max_value=scenario_builder.MAX_SCALE * 100, step=0.1, format="%.1f%%",
              key="w.run.scale", help=t("run.scale_help", max_scale=f"{scenario_builder.MAX_SCALE * 100:g}", max_reps=scenario_builder.MAX_REPLICATES))
    st.slider(t("run.replicates"), min_value=1, max_value=scenario_builder.MAX_REPLICATES, step=1, key="w.run.replicates")
    st.number_input(t("run.seed"), min_value=0, max_value=2**53 - 1, step=1, key="w.run.seed")


def lever_form(base: api.Scenario, ranges: dict) -> bool:
    """Draw the form; True when the planner pressed Run."""
    year = st.session_state["w.year"]
    by_group: dict[str, list[scenario_builder.LeverSpec]] = defaultdict(list)
    for spec in scenario_builder.lever_specs():
        by_group[spec.group].append(spec)
    with st.form("whatif_form", border=False):
        pressed = st.form_submit_button(t("whatif.run"), type="primary", icon=":material/play_arrow:", key="run", width="stretch")
        for group in scenario_builder.group_names():
            with st.expander(t(f"group.{group}"), expanded=group == "funds"):
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
        with st.expander(t("group.run")):
            _run_settings()
        pressed_bottom = st.form_submit_button(t("whatif.run"), type="primary", icon=":material/play_arrow:", key="run_bottom", width="stretch")
    return pressed or pressed_bottom


def widget_values() -> dict:
    """Every form value in session state (display units, by widget key)."""
    return {k: v for k, v in st.session_state.items() if isinstance(k, str) and k.startswith(state.WIDGET_PREFIX)}
