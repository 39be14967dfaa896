"""Compare, Counties, Runs and Method pages, each through AppTest."""

from __future__ import annotations

from qdsim.catalogue import load_catalogue
from tests.app.apptest import BAD_YAML, go, no_exceptions


def test_compare_sets_scenarios_side_by_side(app):
    go(app, "compare")
    no_exceptions(app)
    assert app.title[0].value == "情景比较"
    assert app.multiselect(key="w.cmp.choice").value == ["file:baseline.yaml", "file:stop-after-2025.yaml"]
    table = app.dataframe[0].value
    assert len(table) == 2 and table["运行编号"].str.startswith("qd-").all()
    assert table["运行编号"].nunique() == 2
    app.file_uploader(key="cmp.upload").upload("bad.yaml", BAD_YAML, "application/x-yaml")
    app.run()
    assert "bad.yaml:5: levers.funds.fiscal:" in app.error[0].value


def test_compare_includes_the_what_if_just_run(app):
    app.slider(key="w.funds.fiscal").set_value(8.0)
    next(b for b in app.button if b.key == "run").click()
    app.run()
    go(app, "compare")
    no_exceptions(app)
    chosen = app.multiselect(key="w.cmp.choice").value
    assert any(k.startswith("saved:whatif-") for k in chosen)
    assert len(app.dataframe[0].value) == 3


def test_counties_lists_the_seven_counties(app):
    go(app, "counties")
    no_exceptions(app)
    table = app.dataframe[0].value
    names = [c["zh"] for c in load_catalogue().counties]
    assert list(table["县区"]) == names and len(names) == 7
    app.radio(key="lang").set_value("en").run()
    no_exceptions(app)
    assert "Anding" in list(app.dataframe[0].value["County"])


def test_runs_lists_this_sessions_runs_and_the_registry(app):
    go(app, "runs")
    no_exceptions(app)
    session = app.dataframe[0].value
    assert len(session) >= 1 and session["运行编号"].str.startswith("qd-").all()
    shown = " ".join(i.value for i in app.info)
    assert "登记册" in shown  # an empty registry (temporary home), or none installed


def test_method_cites_the_current_run(app):
    run_id = next(c.value for c in app.caption if c.value.startswith("运行编号 ")).split()[1]
    go(app, "method")
    no_exceptions(app)
    assert app.title[0].value == "方法与引用"
    assert run_id in app.code[0].value
    assert len(app.dataframe[0].value) > 0
    assert len(app.dataframe[1].value) > 10
