"""The draft: one source of truth for the what-if form (what the panel lists is what runs), and typed money (the link: test_links.py).

Each test reproduces one way a run once differed from what the form showed
(issue 20): a typed share surviving a reset, the form reverting after a page
change, "5000万元" read as 5000亿元, a value surviving a language switch.
"""

from __future__ import annotations

import pytest

from qdsim import api
from qdsim.app import scenario_builder, state
from qdsim.app.state import parse_money
from tests.app.apptest import go, no_exceptions, open_groups, wk
from tests.app.test_whatif_page import halve_fiscal_funds

FISCAL = "w.funds.fiscal"
INDUSTRY = "w.funds.shares.industry"


def run(at) -> None:
    next(b for b in at.button if b.key == "run").click()
    at.run()
    no_exceptions(at)


def panel(at) -> list[str]:
    """The lines of "本情景的调整" (what Run will run)."""
    texts = [m.value for m in at.markdown]
    i = next(i for i, x in enumerate(texts) if x in ("**本情景的调整**", "**What this scenario changes**"))
    return texts[i + 1].split("\n")


def ran(at) -> api.Scenario:
    return api.loads_scenario(at.session_state["current"]["yaml"])


def fiscal_from_2026(s: api.Scenario) -> float:
    return scenario_builder.model_value(s, next(x for x in scenario_builder.lever_specs() if x.key == FISCAL), 2026)


def industry_share_2026(s: api.Scenario) -> float:
    return s.levers.funds.shares[max(k for k in s.levers.funds.shares if k <= 2026)].industry


@pytest.mark.parametrize(("text", "yi"), [("5000万元", 0.5), ("５０００万元", 0.5), ("0.5亿元", 0.5), ("0.5亿", 0.5), ("2.28", 2.28),
                                          ("50,000,000元", 0.5), ("２．２８", 2.28), (" 3 亿元/年 ", 3.0)])
def test_typed_money_reads_its_unit(text, yi):
    assert parse_money(text) == pytest.approx(yi)


@pytest.mark.parametrize("text", ["五千万", "5000亩", "-1亿元", "", "abc"])
def test_unreadable_money_is_refused(text):
    with pytest.raises(ValueError):
        parse_money(text)


def test_reset_after_a_typed_share_runs_the_base(app):
    base = industry_share_2026(api.load_scenario("baseline"))
    app.number_input(key=wk(app, INDUSTRY)).set_value(10.5).run()
    assert any("10.5%" in line for line in panel(app))
    app.button(key="whatif.reset").click().run()
    assert app.number_input(key=wk(app, INDUSTRY)).value == pytest.approx(base * 100)
    assert panel(app) == ["未调整任何杠杆：结果即基础情景。"]
    app.slider(key=wk(app, FISCAL)).set_value(2.0).run()  # one real change, so that Run runs a what-if
    run(app)
    assert industry_share_2026(ran(app)) == pytest.approx(base)  # the typed 10.5 is gone from the run too
    assert [c.key for c in app.session_state["current"]["changes"]] == [FISCAL]


def test_typed_5000_wan_yuan_runs_half_a_yi_and_the_panel_says_so(app):
    app.text_input(key=wk(app, FISCAL, "#typed")).input("5000万元").run()
    assert app.slider(key=wk(app, FISCAL)).value == pytest.approx(0.5)
    assert panel(app) == ["- 青岛财政帮扶资金（亿元/年）：4.56亿元 → 5,000万元（2026年起）"]
    run(app)
    assert fiscal_from_2026(ran(app)) == pytest.approx(5e7)
    assert app.session_state["current"]["changes"][0].after == pytest.approx(0.5)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unreadable_money_blocks_run_with_a_message_in_the_pages_language(app, lang):
    if lang == "en":
        app.radio(key="lang").set_value("en").run()
    app.text_input(key=wk(app, FISCAL, "#typed")).input("五千万").run()
    no_exceptions(app)
    assert next(b for b in app.button if b.key == "run").disabled
    errors = " ".join(e.value for e in app.error)
    assert ("无法读取“五千万”" in errors) == (lang == "zh") and ("Cannot read" in errors) == (lang == "en")
    app.button(key="whatif.reset").click().run()  # reset clears the box and its problem
    assert app.text_input(key=wk(app, FISCAL, "#typed")).value == "4.56" and not app.error
    assert not next(b for b in app.button if b.key == "run").disabled


def test_the_budget_mover_reads_typed_money_and_reset_clears_it(app):
    box = wk(app, "w.budget.amount", "#typed")
    app.text_input(key=box).input("5000万元").run()
    assert app.session_state["draft"]["values"]["w.budget.amount"] == pytest.approx(0.5)
    app.text_input(key=box).input("5000x").run()
    assert next(b for b in app.button if b.key == "budget.run").disabled
    app.button(key="whatif.reset").click().run()
    assert app.text_input(key=wk(app, "w.budget.amount", "#typed")).value == "0.25"


def test_the_form_keeps_its_values_after_a_page_change(app):
    app.slider(key=wk(app, FISCAL)).set_value(2.3).run()
    run(app)
    go(app, "counties")
    go(app, "whatif")
    no_exceptions(app)
    assert app.slider(key=wk(app, FISCAL)).value == pytest.approx(2.3)
    assert app.text_input(key=wk(app, FISCAL, "#typed")).value == "2.3"
    assert panel(app) == ["- 青岛财政帮扶资金（亿元/年）：4.56亿元 → 2.3亿元（2026年起）"]


def test_a_typed_value_does_not_survive_reset_upload_base_change_or_language_switch(app):
    from tests.app.apptest import ROOT

    app.number_input(key=wk(app, INDUSTRY)).set_value(12.0).run()
    app.button(key="whatif.reset").click().run()
    data = (ROOT / "scenarios" / "stop-after-2025.yaml").read_bytes()
    app.file_uploader(key="whatif.upload").upload("stop-after-2025.yaml", data, "application/x-yaml")
    app.run()
    app.selectbox(key=wk(app, "base")).set_value("file:baseline.yaml").run()
    app.radio(key="lang").set_value("en").run()
    no_exceptions(app)
    assert panel(app) == ["No lever changed: the result is the base scenario."]
    app.slider(key=wk(app, FISCAL)).set_value(3.0).run()
    run(app)
    assert industry_share_2026(ran(app)) == pytest.approx(industry_share_2026(api.load_scenario("baseline")))
    assert [c.key for c in app.session_state["current"]["changes"]] == [FISCAL]


def test_every_slider_has_a_typed_twin_for_exact_values(app):
    open_groups(app)
    twins = {k for k in (w.key for w in [*app.number_input, *app.text_input]) if k and k.endswith("#typed")}
    sliders = {s.key for s in app.slider if s.key}
    assert sliders and {k + "#typed" for k in sliders} <= twins
    half = 4.56 / 2  # not on the slider's 0.05 steps
    app.number_input(key=wk(app, "w.labour.subsidy_per_worker", "#typed")).set_value(937).run()
    app.text_input(key=wk(app, FISCAL, "#typed")).input(f"{half}").run()
    run(app)
    assert fiscal_from_2026(ran(app)) == pytest.approx(half * 1e8)


def test_the_run_is_exactly_what_the_panel_lists(app):
    app.slider(key=wk(app, FISCAL)).set_value(2.0).run()
    app.number_input(key=wk(app, INDUSTRY)).set_value(60.0).run()
    listed = panel(app)
    run(app)
    assert panel(app) == listed and len(listed) == 2
    shown = [m.value for m in app.markdown if m.value.startswith("- 青岛财政帮扶资金")]  # the results' own list of what ran
    assert len(shown) == 2 and shown[0].split("\n") == shown[1].split("\n") == listed
    s = ran(app)
    assert fiscal_from_2026(s) == pytest.approx(2e8) and industry_share_2026(s) > 0


def results_layout(at) -> list[tuple[int, str]]:
    """The results column's elements in order: (place, kind)."""
    column = max((c for c in at.columns if len(c.metric) > 0), key=lambda c: len(c.metric))
    kids = column.children
    if len(kids) == 1 and getattr(kids[0], "type", "") == "transparent":  # drawn by a fragment (whatif.run_and_results)
        kids = kids[0].children
    return [(k, getattr(v, "type", type(v).__name__)) for k, v in kids.items()]


def test_results_keep_their_places_whether_the_run_was_computed_or_kept(app):
    """The progress bar has its place even when the run is kept, so the browser updates the results in place
    (before, a computed run's results sat one place lower than a kept one's, and the browser built them again)."""
    halve_fiscal_funds(app)  # computed: the progress bar was drawn, then emptied
    computed = results_layout(app)
    app.run()  # the same run, kept
    no_exceptions(app)
    assert any(kind == "success" for _, kind in computed)
    assert results_layout(app) == computed


def test_waiting_pages_are_updated_less_often_the_more_runs_are_under_way():
    """At most once a second for a planner alone; with ten runs under way, every 5 s (all pages together ~2 a second)."""
    assert state.progress_interval(0) == state.progress_interval(1) == state.PROGRESS_EVERY == 1.0
    assert state.progress_interval(10) == pytest.approx(5.0)
    assert state.progress_interval(20) == pytest.approx(10.0)
