"""Driving the app with AppTest at a tiny scale, so a page answers in about a second."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "streamlit_app.py"
PAGES = "src/qdsim/app/pages"
#: run settings for tests: 0.2% of households, 2 replicates
TINY = {"w.run.scale": 0.2, "w.run.replicates": 2}
BAD_YAML = """id: bad
title: {zh: 坏情景, en: Bad}
levers:
  funds:
    fiscal: -5 亿元
  labour:
    unknown_lever: 3
""".encode()


def new_app(**state) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for k, v in {**TINY, **state}.items():
        at.session_state[k] = v
    return at


def go(at: AppTest, page: str) -> AppTest:
    """Switch to a page file and run it."""
    return at.switch_page(f"{PAGES}/{page}.py").run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
