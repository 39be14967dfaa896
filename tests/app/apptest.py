"""Driving the app with AppTest at a tiny scale, so a page answers in about a second."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "streamlit_app.py"
PAGES = "src/qdsim/app/pages"
#: run settings for tests, as a link gives them: 0.2% of households, 2 replicates
TINY = {"run.scale": "0.2", "run.replicates": "2"}
BAD_YAML = """id: bad
title: {zh: 坏情景, en: Bad}
levers:
  funds:
    fiscal: -5 亿元
  labour:
    unknown_lever: 3
""".encode()


def new_app(**params) -> AppTest:
    """The app opened on a link with these query parameters (TINY's run settings unless given)."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    for k, v in {**TINY, **params}.items():
        at.query_params[k] = str(v)
    return at


def wk(at: AppTest, field: str, twin: str = "") -> str:
    """The widget key of a draft field (``w.funds.fiscal``) as the page draws it now; ``twin="#typed"``: its typed box."""
    return f"f{at.session_state['form_gen']}|{field}{twin}"


def open_groups(at: AppTest, *groups: str) -> AppTest:
    """Open groups of the what-if form (all of them when none is named): a closed group's widgets are not drawn."""
    from qdsim.app import form, scenario_builder

    for g in groups or (*scenario_builder.group_names(), "run"):
        at.session_state[form.GROUP + g] = True
    return at.run()


def open_tab(at: AppTest, label: str, key: str = "whatif.tab") -> AppTest:
    """Choose a results tab (only the open one is drawn: ``qdsim.app.results.show``), as a planner clicking it."""
    assert label in [tab.label for tab in at.tabs], (label, [tab.label for tab in at.tabs])
    at.session_state[key] = label
    return at.run()


def settings(at: AppTest) -> dict:
    """The run settings the session's draft asks for (the library's units)."""
    v = at.session_state["draft"]["values"]
    return {"scale": v["w.run.scale"] / 100, "replicates": v["w.run.replicates"], "seed": v["w.run.seed"]}


def go(at: AppTest, page: str) -> AppTest:
    """Switch to a page file and run it."""
    return at.switch_page(f"{PAGES}/{page}.py").run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
