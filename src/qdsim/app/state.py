"""Session state: the base scenario, the form's values, the current what-if, history.

Everything a page needs to know about the session goes through here, under
stable keys; widget values live under ``w.*`` keys so they survive moving
between pages. Results are never stored in the session: it keeps the YAML
text of a scenario and asks :func:`qdsim.app.running.run_yaml` (kept in
memory and in the run registry).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path

import streamlit as st

from qdsim import api
from qdsim.app import scenario_builder
from qdsim.app.i18n import lang, t
from qdsim.app.running import bounded, kept, run_yaml, with_settings
from qdsim.runner import queued_place
from qdsim.scenario import shipped
from qdsim.scenario.yamlfile import Problem
from qdsim.text import streamlit_markdown

BASELINE_FILE = "baseline.yaml"
WIDGET_PREFIX = "w."


def scenarios_dir() -> Path:
    """The shipped scenarios (inside the package: an installed app finds them from any folder)."""
    return shipped.folder()


@cache
def scenario_files() -> dict[str, api.Scenario]:
    """The valid scenario files in ``scenarios/``, baseline first (batch files left out)."""
    out: dict[str, api.Scenario] = {}
    files = sorted(scenarios_dir().glob("*.yaml"), key=lambda p: (p.name != BASELINE_FILE, p.name))
    for path in files:
        try:
            out[path.name] = api.load_scenario(path)
        except api.ScenarioError:
            continue
    return out


def baseline() -> api.Scenario:
    return scenario_files()[BASELINE_FILE]


@lru_cache(maxsize=128)
def parse(yaml_text: str) -> api.Scenario:
    """A scenario from YAML text the app wrote (cached)."""
    return api.loads_scenario(yaml_text, "<app>")


def parse_upload(name: str, data: bytes) -> api.Scenario:
    """An uploaded scenario file; raises ScenarioError with ``name:line: field: message`` problems.

    ``extends: other.yaml`` is looked up in the repository's ``scenarios/``
    folder, as if the file had been saved there, and may name only files in
    that folder. Only the file's base name is used (never as a path to write
    to); problems in an extended file name it relative to the folder. At most
    MAX_ASSUMPTION_DRAWS assumption draws are kept.
    """
    name = upload_name(name)
    folder = scenarios_dir()
    stand_in = str(folder / name)
    try:
        scenario = api.loads_scenario(data, stand_in, root=folder)
    except api.ScenarioError as e:
        problems = [Problem(name if p.file == stand_in else _shown(p.file, folder), p.line, p.field, p.message) for p in e.problems]
        raise api.ScenarioError(problems) from None
    return bounded(scenario)


def upload_name(name: str) -> str:
    """An uploaded file's name as the app keeps and shows it: the base name only, never a path."""
    name = Path(name).name
    return "upload.yaml" if name in ("", ".", "..") else name


def _shown(file: str, folder: Path) -> str:
    """A file in the scenarios folder as ``scenarios/<name>`` (the server's own paths are not shown)."""
    try:
        return "scenarios/" + Path(file).resolve().relative_to(folder.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return Path(file).name


# -- session ---------------------------------------------------------------------

def init() -> None:
    """Defaults for a new session."""
    ss = st.session_state
    ss.setdefault("uploads", {})
    ss.setdefault("saved", [])
    ss.setdefault("history", [])
    ss.setdefault("current", None)
    for k, v in run_defaults().items():
        ss.setdefault(k, v)
    if "base_key" not in ss:
        load_base(f"file:{BASELINE_FILE}")


def run_defaults() -> dict:
    """The run settings' widget values a session starts with: 2% of households, 20 replicates, the baseline's seed."""
    return {"w.run.scale": round(scenario_builder.DEFAULT_SCALE * 100, 3), "w.run.replicates": scenario_builder.DEFAULT_REPLICATES,
            "w.run.seed": baseline().seed}


def keep_widget_values() -> None:
    """Hand every ``w.*`` widget value back to session state before the page draws.

    Two reasons, both Streamlit's: a widget not drawn on this page would lose
    its value at the end of the run, and a choice widget whose option labels
    were just translated would otherwise come back from the browser with its
    old-language label, which no longer names an option.
    """
    ss = st.session_state
    for k in [k for k in ss if isinstance(k, str) and k.startswith(WIDGET_PREFIX)]:
        ss[k] = ss[k]


def base_options() -> dict[str, api.Scenario]:
    """Scenarios a what-if may start from: the files, then this session's uploads."""
    opts = {f"file:{name}": s for name, s in scenario_files().items()}
    opts.update({f"upload:{name}": parse(text) for name, text in st.session_state.get("uploads", {}).items()})
    return opts


def base_scenario() -> api.Scenario:
    return base_options()[st.session_state["base_key"]]


def load_base(key: str | None = None) -> None:
    """Make ``key`` (default: the chosen option) the base and show its values in the form."""
    ss = st.session_state
    key = key or ss.get("w.base_choice") or ss.get("base_key")
    ss["base_key"] = ss["w.base_choice"] = key
    base = base_options()[key]
    ss["w.year"] = ss["year_prev"] = scenario_builder.default_year(base)
    ss.update(scenario_builder.form_values(base, ss["w.year"]))
    ss["current"] = None


def restore_missing_form_values() -> None:
    """Give any form widget that lost its value (an interrupted run can drop a widget's state) the base's value.

    Values the planner set are kept; only missing keys are filled, so a form
    never draws a slider at its minimum or fails on a missing share.
    """
    ss = st.session_state
    base = base_scenario()
    if "w.year" not in ss:
        ss["w.year"] = ss.get("year_prev", scenario_builder.default_year(base))
    for k, v in (scenario_builder.form_values(base, ss["w.year"]) | run_defaults()).items():
        if k not in ss:
            ss[k] = v


def change_year() -> None:
    """New first year of change: levers the user has not moved show the base's value in that year."""
    ss = st.session_state
    base = base_scenario()
    old = scenario_builder.form_values(base, ss.get("year_prev", scenario_builder.default_year(base)))
    new = scenario_builder.form_values(base, ss["w.year"])
    for k, v in new.items():
        if k not in ss or ss[k] == old.get(k):
            ss[k] = v
    ss["year_prev"] = ss["w.year"]


def add_upload(name: str, scenario: api.Scenario) -> str:
    """Keep a valid uploaded scenario for this session (under its base name); return its option key."""
    name = upload_name(name)
    st.session_state["uploads"][name] = scenario.to_yaml()
    return f"upload:{name}"


def run_settings() -> dict:
    """Scale, replicates and seed for this session, within the app's bounds."""
    ss = st.session_state
    scale = min(max(float(ss.get("w.run.scale", scenario_builder.DEFAULT_SCALE * 100)) / 100, scenario_builder.MIN_SCALE), scenario_builder.MAX_SCALE)
    reps = min(max(int(ss.get("w.run.replicates", scenario_builder.DEFAULT_REPLICATES)), 1), scenario_builder.MAX_REPLICATES)
    seed = int(ss.get("w.run.seed", baseline().seed))
    return {"scale": round(scale, 6), "replicates": reps, "seed": seed}


def at_settings(scenario: api.Scenario) -> str:
    """YAML of ``scenario`` at this session's run settings."""
    return with_settings(scenario, **run_settings()).to_yaml()


def current_yaml() -> str:
    """The scenario whose results are shown: the last what-if run, else the base."""
    cur = st.session_state.get("current")
    return cur["yaml"] if cur else at_settings(base_scenario())


def set_current(what: scenario_builder.WhatIf) -> str:
    text = what.scenario.to_yaml()
    st.session_state["current"] = {"yaml": text, "changes": what.changes, "rescaled": what.shares_rescaled_from}
    saved = st.session_state["saved"]
    if what.changes and all(s["yaml"] != text for s in saved):
        saved.append({"yaml": text, "id": what.scenario.id, "title": what.scenario.title.model_dump()})
    return text


def result_for(yaml_text: str, partial: Callable[[api.RunResult], None] | None = None) -> api.RunResult:
    """The run of a serialised scenario, noted in the session's history.

    While it runs, a progress bar counts the simulations, and ``partial``
    (:func:`qdsim.app.results.live`) shows the replicates done so far.
    """
    scenario = parse(yaml_text)
    result = kept(yaml_text)
    if result is None:
        title = streamlit_markdown(getattr(scenario.title, lang()))  # a title is text, not Markdown (no image fetched)
        bar = st.progress(0.0, text=t("whatif.running", title=title, done=0, total="…"))

        def progress(done: int, total: int, msg: str) -> None:
            text = t("whatif.running", title=title, done=done, total=total)
            place = queued_place(msg)  # other planners' runs hold the workers: say where this one is in line
            if place:
                text += f" · 排队中，第 {place} 位" if lang() == "zh" else f" · queued, place {place}"
            bar.progress(done / total, text=text)

        try:
            result = run_yaml(yaml_text, progress=progress, partial=partial)
        finally:
            bar.empty()
    history = st.session_state.setdefault("history", [])
    if all(h["run_id"] != result.run_id for h in history):
        history.append(
            {
                "run_id": result.run_id,
                "scenario_id": scenario.id,
                "title": scenario.title.model_dump(),
                "created": result.manifest.get("created", datetime.now().isoformat(timespec="seconds")),
                "seconds": result.manifest.get("seconds"),
                "scale": scenario.scale,
                "replicates": scenario.replicates,
                "seed": scenario.seed,
                "yaml": yaml_text,
            }
        )
    return result
