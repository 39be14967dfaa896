"""The link: the page's URL reproduces the what-if, its results and the compare set, and says what it cannot read."""

from __future__ import annotations

import pytest

from qdsim.app import scenario_builder
from tests.app.apptest import go, new_app, no_exceptions, wk
from tests.app.test_state import FISCAL, panel, run


def test_a_link_reproduces_the_what_if_and_its_results(app):
    app.slider(key=wk(app, FISCAL)).set_value(2.0).run()
    run(app)
    link = dict(app.query_params)
    run_id = link["run"]
    assert link["funds.fiscal"] == "2" and run_id.startswith("qd-")
    shown = [c.value for c in app.caption if run_id in c.value]
    reopened = new_app(**link).run()  # a reload, or the link opened by a colleague (the same server's registry)
    no_exceptions(reopened)
    assert reopened.slider(key=wk(reopened, FISCAL)).value == pytest.approx(2.0)
    assert [c.value for c in reopened.caption if run_id in c.value] == shown  # the same results, from the registry
    assert panel(reopened) == panel(app)


def test_a_reload_keeps_the_compare_pages_set(app):
    ids = []
    for value in (2.15, 6.35):  # values no other test runs (a run kept in memory from another test is not in this registry)
        app.slider(key=wk(app, FISCAL)).set_value(value).run()
        run(app)
        ids.append(app.query_params["run"])
    reloaded = new_app(**dict(app.query_params)).run()  # the compare page never visited: its default set survives
    go(reloaded, "compare")
    no_exceptions(reloaded)
    assert reloaded.multiselect(key="w.cmp.choice").value == ["file:baseline.yaml", *(f"run:{i}" for i in ids)]
    reloaded.multiselect(key="w.cmp.choice").set_value(["file:baseline.yaml", "file:stop-after-2025.yaml"]).run()
    again = new_app(**dict(reloaded.query_params)).run()  # a set the planner chose survives too
    go(again, "compare")
    assert again.multiselect(key="w.cmp.choice").value == ["file:baseline.yaml", "file:stop-after-2025.yaml"]


def test_a_link_with_unreadable_or_excessive_values_says_so_and_keeps_the_page(monkeypatch, tmp_path):
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    at = new_app(**{"funds.fiscal": "abc", "run.replicates": "500", "base": "nothing.yaml"}).run()
    no_exceptions(at)
    warning = " ".join(w.value for w in at.warning)
    assert "funds.fiscal=abc" in warning and "run.replicates=500" in warning and "base=nothing.yaml" in warning
    assert at.session_state["draft"]["values"]["w.run.replicates"] == scenario_builder.MAX_REPLICATES
    assert at.slider(key=wk(at, FISCAL)).value == pytest.approx(4.56)
