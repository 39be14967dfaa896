"""Session state: the scenario being built (one draft), the what-if shown, the compare set, history.

One source of truth for the what-if form: ``st.session_state["draft"]``
holds the base, the first year of change and every field's value (display
units, by field key such as ``w.funds.fiscal``), with the text typed in a
money box and any problem reading it. Widgets render from the draft; their
own keys carry a generation (``f3|w.funds.fiscal``) that :func:`reseed`
moves on at a reset, a change of base or year, a page change and a language
switch, so that the browser draws fresh widgets from the draft and no value
typed earlier can survive in a widget. The panel "本情景的调整" and Run both
use :func:`pending` (the scenario the draft describes), so the run is what
the panel lists.

Nothing is lost on a reload: :func:`qdsim.app.links.to_url` writes the draft,
the run shown and the compare set into the page's URL (a link that reproduces
them), and :func:`qdsim.app.links.from_url` reads them back; results come from the run registry by run ID
(:mod:`qdsim.app.running`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from qdsim import api
from qdsim.app import running, scenario_builder
from qdsim.app.i18n import lang, t
from qdsim.app.running import bounded, kept, with_settings
from qdsim.foundation.format import short
from qdsim.foundation.units import EXAMPLES, UnitError, parse_quantity
from qdsim.presentation.text import streamlit_markdown
from qdsim.scenario import shipped
from qdsim.scenario.yamlfile import Problem
from qdsim.simulation.runner import queued_place

BASELINE_FILE = "baseline.yaml"
WIDGET_PREFIX = "w."
#: run settings in the draft (display units: percent of households, replicates, seed)
RUN_FIELDS = ("w.run.scale", "w.run.replicates", "w.run.seed", "w.run.assumptions")
#: the budget mover's fields in the draft
BUDGET_FIELDS = ("w.budget.source", "w.budget.target", "w.budget.amount")
#: fields whose typed box is a money box (text in 亿元, 万元 or 元)
MONEY_FIELDS = frozenset({"w.funds.fiscal", "w.funds.donations", "w.budget.amount"})
#: seconds between two updates of a waiting page's progress bar: at least PROGRESS_EVERY, and PROGRESS_SHARED
#: for each run under way on the server, so that all waiting pages together get about two a second. Each
#: update is a redraw of the page in its planner's browser (0.12–0.16 s of its CPU, measured alone): with ten
#: planners' browsers on the server's own two cores, updates every second took ~10 CPU s more of Chromium than
#: every 3 s for the same ten what-ifs, and the median planner waited 4–8 s longer; every 6 s instead of 3 s, 5–10%
#: less of Chromium for each CPU second of the simulations (docs/performance.md)
PROGRESS_EVERY = 1.0
PROGRESS_SHARED = 0.5
BUDGET_DEFAULTS = {"w.budget.source": "industry", "w.budget.target": "consumption", "w.budget.amount": 0.25}


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


# -- typed money --------------------------------------------------------------------

def parse_money(text: str) -> float:
    """Money typed in a box labelled 亿元, in 亿元: ``2.28``, ``5000万元``, ``０.５亿``, ``50,000,000元``.

    A bare number is 亿元 (the box's unit); a unit (元, 万元, 亿元, with
    full-width digits) is read as written, so "5000万元" is 0.5亿元, never
    5000亿元. Raises ValueError with the planner's words (``lang``-neutral
    code; :func:`money_problem` words it) when it cannot be read or is negative.
    """
    text = str(text).strip()
    if not text:
        raise ValueError("empty")
    try:
        bare = float(parse_quantity(text, "count")) if not any(c.isalpha() or "\u4e00" <= c <= "\u9fff" for c in text) else None
    except UnitError:
        bare = None
    value = bare * 1e8 if bare is not None else parse_quantity(text, "money")
    if not math.isfinite(value) or value < 0:
        raise ValueError("negative")
    return scenario_builder._clean(value / 1e8)


def money_problem(text: str, lang_: str) -> str | None:
    """None if ``text`` reads as an amount; else what to write, in ``lang_``."""
    try:
        parse_money(text)
    except (ValueError, UnitError):
        zh, en = EXAMPLES["money"]
        return (f"无法读取“{text}”：请输入{zh}；不写单位时按亿元计。" if lang_ == "zh"
                else f"Cannot read “{text}”: write {en}; a bare number is in 亿元.")
    return None


def error_text(problem: dict) -> str:
    """A typed value's problem in the page's language (kept as data, so a language switch rewords it)."""
    if problem["kind"] == "money":
        return money_problem(problem["text"], lang()) or ""
    return t("form.out_of_range", value=problem["value"], lo=problem["lo"], hi=problem["hi"])


# -- the draft ----------------------------------------------------------------------

def draft() -> dict:
    return st.session_state["draft"]


def wkey(field: str, twin: str = "") -> str:
    """The widget key of a draft field in the current generation (``twin``: a second widget of the same field)."""
    return f"f{st.session_state.get('form_gen', 0)}|{field}{twin}"


def reseed() -> None:
    """Draw every form widget afresh from the draft: new widget keys, old ones dropped."""
    ss = st.session_state
    for k in [k for k in ss if isinstance(k, str) and k.startswith("f") and "|" in k]:
        del ss[k]
    ss["form_gen"] = ss.get("form_gen", 0) + 1


def seed_widget(key: str, value) -> None:
    """Give a widget its draft value when it is drawn for the first time in this generation."""
    if key not in st.session_state:
        st.session_state[key] = value


def set_field(field: str, key: str, *twins: str) -> None:
    """A widget's callback: its value goes to the draft, and to its twins (a slider's typed box)."""
    ss = st.session_state
    value = ss[key]
    draft()["values"][field] = value
    draft()["errors"].pop(field, None)
    draft()["text"].pop(field, None)
    for other in twins:
        ss[other] = short(value) if other.endswith("#typed") and field in MONEY_FIELDS else value


def set_money(field: str, key: str, *twins: str) -> None:
    """A money box's callback: the text as typed is kept; a readable amount goes to the draft (and the slider)."""
    ss = st.session_state
    text = str(ss[key])
    d = draft()
    d["text"][field] = text
    try:
        value = parse_money(text)
    except (ValueError, UnitError):
        d["errors"][field] = {"kind": "money", "text": text}
        return
    d["errors"].pop(field, None)
    d["values"][field] = value
    for other in twins:
        ss[other] = value


def keep_widget_values() -> None:
    """Hand every other page's ``w.*`` widget value back to session state before the page draws.

    Two reasons, both Streamlit's: a widget not drawn on this page would lose
    its value at the end of the run, and a choice widget whose option labels
    were just translated would otherwise come back from the browser with its
    old-language label. (The what-if form's widgets are drawn from the draft instead.)
    """
    ss = st.session_state
    for k in [k for k in ss if isinstance(k, str) and k.startswith(WIDGET_PREFIX)]:
        ss[k] = ss[k]


def run_defaults() -> dict:
    """The run settings a session starts with: 2% of households, 20 replicates, the baseline's seed."""
    return {"w.run.scale": round(scenario_builder.DEFAULT_SCALE * 100, 3), "w.run.replicates": scenario_builder.DEFAULT_REPLICATES,
            "w.run.seed": baseline().seed, "w.run.assumptions": False}


def init() -> bool:
    """Defaults for a new session; True when the session is new (then :func:`qdsim.app.links.from_url` reads
    what the page's URL says: a shared link or a reload)."""
    ss = st.session_state
    ss.setdefault("uploads", {})
    ss.setdefault("opened", {})  # run ID -> YAML of past runs reopened (from the registry)
    ss.setdefault("saved", [])
    ss.setdefault("history", [])
    ss.setdefault("current", None)
    ss.setdefault("form_gen", 0)
    if "draft" not in ss:
        ss["draft"] = {"values": run_defaults() | BUDGET_DEFAULTS, "text": {}, "errors": {}}
        load_base(f"file:{BASELINE_FILE}", keep_current=True)
        return True
    return False


def load_base(key: str | None = None, *, keep_current: bool = False) -> None:
    """Make ``key`` (default: the chosen option; a reset: the same base) the base and show its values: every
    lever, typed text and money box back to the base's, run settings kept."""
    ss = st.session_state
    d = draft()
    key = key or ss.get(wkey("base")) or d.get("base")
    if key not in base_options():
        key = f"file:{BASELINE_FILE}"
    base = base_options()[key]
    year = scenario_builder.default_year(base)
    run = {k: d["values"].get(k, v) for k, v in run_defaults().items()}
    d.update(base=key, year=year, values=scenario_builder.form_values(base, year) | run | BUDGET_DEFAULTS, text={}, errors={})
    if not keep_current:
        ss["current"] = None
    reseed()


def reset() -> None:
    """重置: the form back to its base's values (typed shares and the money box included)."""
    load_base(draft()["base"])


def change_year() -> None:
    """New first year of change: levers the planner has not moved show the base's value in that year."""
    ss = st.session_state
    d = draft()
    new_year = ss[wkey("year")]
    base = base_scenario()
    old = scenario_builder.form_values(base, d["year"])
    new = scenario_builder.form_values(base, new_year)
    for k, v in new.items():
        if k not in d["values"] or d["values"][k] == old.get(k):
            d["values"][k] = v
    d["year"] = new_year
    reseed()


def change_base() -> None:
    load_base(st.session_state[wkey("base")])


def base_options() -> dict[str, api.Scenario]:
    """Scenarios a what-if may start from: the files, this session's uploads, then past runs reopened."""
    ss = st.session_state
    opts = {f"file:{name}": s for name, s in scenario_files().items()}
    opts.update({f"upload:{name}": running.parsed(text) for name, text in ss.get("uploads", {}).items()})
    opts.update({f"run:{rid}": running.parsed(text) for rid, text in ss.get("opened", {}).items()})
    return opts


def base_scenario() -> api.Scenario:
    return base_options()[draft()["base"]]


def add_upload(name: str, scenario: api.Scenario) -> str:
    """Keep a valid uploaded scenario for this session (under its base name); return its option key."""
    name = upload_name(name)
    st.session_state["uploads"][name] = scenario.to_yaml()
    return f"upload:{name}"


def run_settings() -> dict:
    """Scale, replicates, seed and assumption draws (the switch) the draft asks for, within the app's bounds."""
    v = draft()["values"]
    scale = min(max(float(v["w.run.scale"]) / 100, scenario_builder.MIN_SCALE), scenario_builder.MAX_SCALE)
    reps = min(max(int(v["w.run.replicates"]), 1), scenario_builder.MAX_REPLICATES)
    return {"scale": round(scale, 6), "replicates": reps, "seed": int(v["w.run.seed"]),
            "assumption_draws": running.MAX_ASSUMPTION_DRAWS if v.get("w.run.assumptions") else 0}


def at_settings(scenario: api.Scenario) -> str:
    """YAML of ``scenario`` at this session's run settings."""
    return with_settings(scenario, **run_settings()).to_yaml()


def lever_values() -> dict:
    """The draft's lever, horizon and condition values (by field key), without run settings or the budget mover."""
    return {k: v for k, v in draft()["values"].items() if k not in RUN_FIELDS and k not in BUDGET_FIELDS}


def pending() -> scenario_builder.WhatIf:
    """The scenario the draft describes: what the panel lists and what Run runs (ValidationError if it is not valid)."""
    d = draft()
    return scenario_builder.build(base_scenario(), lever_values(), d["year"], **run_settings())


def pending_move() -> scenario_builder.WhatIf:
    """The budget mover's scenario (ValueError, in the library's words, when it cannot move that much)."""
    d = draft()
    v = d["values"]
    return scenario_builder.move(base_scenario(), float(v["w.budget.amount"]), v["w.budget.source"], v["w.budget.target"], d["year"],
                                 **run_settings())


def current_yaml() -> str:
    """The scenario whose results are shown: the last what-if run, else the base."""
    cur = st.session_state.get("current")
    return cur["yaml"] if cur else at_settings(base_scenario())


def set_current(what: scenario_builder.WhatIf, kind: str = "form") -> str:
    """Show ``what``: run it (by the caller) and keep it in the compare set."""
    text = what.scenario.to_yaml()
    st.session_state["current"] = {"yaml": text, "changes": what.changes, "rescaled": what.shares_rescaled_from, "kind": kind}
    if what.changes:
        save(text)
    return text


def save(text: str) -> str:
    """Keep a scenario (YAML at its settings) for the compare page, under its run ID; return its option key."""
    rid = running.planned_id(text)
    saved = st.session_state["saved"]
    if all(s["run_id"] != rid for s in saved):
        saved.append({"run_id": rid, "yaml": text})
    return f"run:{rid}"


# -- results -------------------------------------------------------------------------

def connected() -> bool:
    """Whether this session's browser is connected (True outside a Streamlit server: AppTest, bare mode)."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return True
    return Runtime.instance().is_active_session(ctx.session_id)


def progress_interval(runs: int) -> float:
    """Seconds between two progress updates of a waiting page while ``runs`` runs are under way on the server."""
    return max(PROGRESS_EVERY, PROGRESS_SHARED * runs)


def result_for(yaml_text: str, partial: Callable[[api.RunResult], None] | None = None) -> api.RunResult:
    """The run of a serialised scenario, noted in the session's history.

    The run goes on in the server's background (:func:`qdsim.app.running.start`),
    so a reload while it runs finds it again and it finishes; meanwhile a
    progress bar counts the simulations and ``partial``
    (:func:`qdsim.app.results.live`) shows the replicates done so far.
    """
    scenario = running.parsed(yaml_text)
    # the progress bar's place on the page, there whether the run is kept or not: what the page draws after it keeps its
    # place from one rerun to the next, so the browser updates the results in place instead of building them again
    # (a rerun showing a computed what-if again: 0.60 → 0.38 CPU s of the browser, docs/performance.md)
    slot = st.empty()
    result = kept(yaml_text)
    if result is None:
        job = running.start(yaml_text)
        title = streamlit_markdown(getattr(scenario.title, lang()))  # a title is text, not Markdown (no image fetched)
        shown = (0.0, t("whatif.running", title=title, done=0, total="…"))
        bar = slot.progress(shown[0], text=shown[1])
        drawn, sent = None, time.monotonic()
        try:
            while not job.ready.wait(0.2):  # shown as soon as computed: its files are written after
                if connected():  # a closed tab's script waits on: its run then lets those of planners still waiting go first
                    job.watch()
                now = shown
                if job.message == running.ELSEWHERE:
                    now = (0.0, t("whatif.elsewhere", title=title))
                elif job.total:
                    text = t("whatif.running", title=title, done=job.done, total=job.total)
                    place = queued_place(job.message)  # other planners' runs hold the workers: say where this one is in line
                    if place:
                        text += f" · 排队中，第 {place} 位" if lang() == "zh" else f" · queued, place {place}"
                    now = (min(job.done / job.total, 1.0), text)
                # only what changed goes to the browser, less often the more runs are under way (PROGRESS_SHARED)
                if now != shown and time.monotonic() - sent >= progress_interval(running.under_way()):
                    shown, sent = now, time.monotonic()
                    bar.progress(shown[0], text=shown[1])
                if partial is not None and job.partial is not None and job.partial is not drawn:
                    drawn = job.partial
                    partial(drawn)
        finally:
            bar.empty()
        result = job.available()
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
