"""The page's URL: a link that reproduces the session's what-if, the run shown and the compare set.

:func:`to_url` writes the draft (:mod:`qdsim.app.state`), the run shown and
the compare set into the URL's query parameters, only what differs from the
base; :func:`from_url` reads them back when a session starts (a shared link,
or a reload), and :func:`reopen` opens a past run from the registry by its ID.
"""

from __future__ import annotations

import streamlit as st

from qdsim.app import running, scenario_builder, state
from qdsim.foundation.format import short


def _field_param(field: str) -> str:
    return field.removeprefix(state.WIDGET_PREFIX)


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return short(value, 12)
    return str(value)


def url_params() -> dict[str, str]:
    """The query parameters that reproduce this session's what-if, the run shown and the compare set."""
    ss = st.session_state
    d = state.draft()
    base = state.base_scenario()
    params: dict[str, str] = {"lang": ss.get("lang", "zh"), "base": d["base"].split(":", 1)[1] if d["base"].startswith("file:") else d["base"],
                              "from": str(d["year"])}
    at_base = scenario_builder.form_values(base, d["year"]) | state.run_defaults() | state.BUDGET_DEFAULTS
    for field, value in d["values"].items():
        if field not in at_base or not scenario_builder._same(value, at_base[field]):
            params[_field_param(field)] = _text(value)
    cur = ss.get("current")
    if cur:
        params["run"] = running.planned_id(cur["yaml"])
        if cur.get("kind") == "move":
            params["show"] = "move"
    choice = ss.get("w.cmp.choice")
    if choice is None:  # the set the compare page will open with: the baseline and this session's what-ifs
        choice = [f"file:{state.BASELINE_FILE}", *(f"run:{s['run_id']}" for s in ss.get("saved", []))]
        params["cmp"] = ",".join(choice)
        params["cmp_default"] = "1"
    else:
        params["cmp"] = ",".join(choice)
    return params


def to_url() -> None:
    """Write the session into the page's URL (only when it changed, so the browser's history is not flooded)."""
    params = url_params()
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def _value_like(text: str, like):
    if isinstance(like, bool):
        return text not in ("0", "false", "False", "")
    if isinstance(like, list):
        return [int(x) for x in text.split(",") if x.strip()]
    if isinstance(like, int):
        return int(float(text))
    if isinstance(like, float):
        return float(text)
    return text


def from_url() -> None:
    """Read a shared link or a reloaded page's URL into the state.draft, the run shown and the compare set.

    A parameter that cannot be read is left out, with a note (the page says which).
    """
    ss = st.session_state
    q = dict(st.query_params)
    if not q:
        return
    bad: list[str] = []
    if q.get("lang") in ("zh", "en"):
        ss["lang"] = q["lang"]
    base = q.get("base")
    if base:
        key = base if ":" in base else f"file:{base}"
        if key.startswith("run:"):
            reopen(key.split(":", 1)[1], show=False)
        if key in state.base_options():
            state.load_base(key, keep_current=True)
        else:
            bad.append(f"base={base}")
    d = state.draft()
    if "from" in q:
        try:
            year = int(q["from"])
            if year not in state.base_scenario().period.years:
                raise ValueError
            old = scenario_builder.form_values(state.base_scenario(), d["year"])
            d["year"] = year
            new = scenario_builder.form_values(state.base_scenario(), year)
            d["values"].update({k: v for k, v in new.items() if d["values"].get(k) == old.get(k)})
        except ValueError:
            bad.append(f"from={q['from']}")
    for name, text in q.items():
        field = state.WIDGET_PREFIX + name
        if field not in d["values"]:
            continue
        try:
            d["values"][field] = _value_like(text, d["values"][field])
        except ValueError:
            bad.append(f"{name}={text}")
    v, sb = d["values"], scenario_builder
    for field, lo, hi in (("w.run.scale", sb.MIN_SCALE * 100, sb.MAX_SCALE * 100), ("w.run.replicates", 1, sb.MAX_REPLICATES)):
        if not lo <= v[field] <= hi:  # a link asking for more than the app runs gets the app's bound, and says so
            bad.append(f"{_field_param(field)}={q.get(_field_param(field))}")
            v[field] = type(v[field])(min(max(v[field], lo), hi))
    choice = [k for k in q.get("cmp", "").split(",") if k]
    for k in choice:
        if k.startswith("run:"):
            text = running.yaml_of(k.split(":", 1)[1])
            if text is not None:
                state.save(text)
    if "cmp" in q and "cmp_default" not in q:  # a set the planner chose (else the page picks its default from what was saved)
        ss["w.cmp.choice"] = choice
    if "run" in q:
        rid, kind = q["run"], ("move" if q.get("show") == "move" else "form")
        try:
            what = state.pending_move() if kind == "move" else state.pending()
        except ValueError:  # pydantic's ValidationError is a ValueError
            what = None
        if what is not None and what.changes and running.planned_id(what.scenario.to_yaml()) == rid:
            state.set_current(what, kind)
        elif rid in ss["opened"]:
            ss["current"] = {"yaml": ss["opened"][rid], "changes": [], "rescaled": None, "kind": "opened"}
        else:
            bad.append(f"run={rid}")
    ss["url_problems"] = bad
    state.reseed()


def reopen(run_id: str, *, show: bool = True) -> bool:
    """A past run from the registry as a base of the what-if form (and, with ``show``, its results shown and kept for compare)."""
    ss = st.session_state
    text = running.yaml_of(run_id)
    if text is None:
        return False
    ss["opened"][run_id] = text
    state.save(text)
    if show:
        state.load_base(f"run:{run_id}")
        scenario = running.parsed(text)
        d = state.draft()
        d["values"].update({"w.run.scale": round(scenario.scale * 100, 6), "w.run.replicates": scenario.replicates, "w.run.seed": scenario.seed,
                            "w.run.assumptions": scenario.assumption_draws > 0})
        ss["current"] = {"yaml": text, "changes": [], "rescaled": None, "kind": "opened"}
        choice = ss.get("w.cmp.choice")
        if choice is not None and f"run:{run_id}" not in choice:
            ss["w.cmp.choice"] = [*choice, f"run:{run_id}"]
    return True
