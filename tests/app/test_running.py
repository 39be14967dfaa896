"""The library hooks the app relies on: a what-if reuses its baseline and counterfactual, and shows partial results."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from qdsim import api
from qdsim.registry.store import RunStore, stamp_manifest
from tests.app.apptest import ROOT

SETTINGS = {"replicates": 4, "scale": 0.003}


@pytest.fixture(scope="module")
def registry_with_baseline(tmp_path_factory) -> RunStore:
    """A run registry holding the baseline (with its counterfactual) at SETTINGS."""
    home = tmp_path_factory.mktemp("registry")
    store = RunStore(home / "registry.db")
    base = api.run(api.load_scenario(ROOT / "scenarios" / "baseline.yaml").with_settings(**SETTINGS))
    stamp_manifest(base)
    store.record_done(base, base.write(home / "baseline"))
    return store


def what_if() -> api.Scenario:
    return api.load_scenario(ROOT / "scenarios" / "stop-after-2025.yaml").with_settings(**SETTINGS)


def test_a_what_if_of_levers_simulates_only_itself_and_gets_the_same_numbers(registry_with_baseline):
    totals: list[int] = []
    reused = api.run(what_if(), registry=registry_with_baseline, progress=lambda done, total, _: totals.append(total))
    assert set(totals) == {SETTINGS["replicates"]}  # one simulation a replicate: no baseline, no counterfactual
    fresh = api.run(what_if())
    pd.testing.assert_frame_equal(reused.summary, fresh.summary)
    assert reused.manifest["baseline"]["reused_from"] and fresh.manifest["baseline"]["reused_from"] is None


def test_a_what_if_with_other_conditions_keeps_its_own_counterfactual(registry_with_baseline):
    drought = what_if().model_dump() | {"id": "drought-stop", "conditions": {**what_if().conditions.model_dump(), "drought": {2027: 0.8}}}
    scenario = api.Scenario.model_validate(drought)
    totals: list[int] = []
    api.run(scenario, registry=registry_with_baseline, progress=lambda done, total, _: totals.append(total))
    assert set(totals) == {2 * SETTINGS["replicates"]}  # the scenario and its own counterfactual; the baseline is reused


def test_partial_results_are_the_runs_of_the_first_replicates():
    seen: list[api.RunResult] = []
    final = api.run(what_if(), partial=seen.append)
    assert [r.scenario.replicates for r in seen] == [2, 3]
    assert final.scenario.replicates == SETTINGS["replicates"]
    three = api.run(what_if().with_settings(replicates=3))
    assert seen[-1].run_id == three.run_id
    pd.testing.assert_frame_equal(seen[-1].summary, three.summary)


def test_partial_results_are_made_only_while_wanted():
    """``partial_wanted`` is asked before each partial result: False skips it (the summary is not even made)."""
    asked: list[int] = []
    seen: list[api.RunResult] = []

    def wanted() -> bool:
        asked.append(1)
        return len(asked) > 1  # not the first time: the first replicates' result is skipped, the next made

    api.run(what_if(), partial=seen.append, partial_wanted=wanted)
    assert len(asked) == 2 and [r.scenario.replicates for r in seen] == [3]
    api.run(what_if(), partial=seen.append, partial_wanted=lambda: False)
    assert [r.scenario.replicates for r in seen] == [3]


def test_a_run_shows_partial_results_only_while_no_other_run_is_under_way(monkeypatch):
    """The first planner to press Run gets provisional results only until the others press it (app.running.alone)."""
    from qdsim.app import running

    monkeypatch.setattr(running, "_jobs", {"mine": object()})
    assert running.alone()
    monkeypatch.setattr(running, "_jobs", {"mine": object(), "another planner's": object()})
    assert not running.alone()
    seen: list = []
    running.run_yaml(what_if().with_settings(seed=4345).to_yaml(), partial=seen.append)
    assert seen == []


def test_an_app_run_goes_on_without_its_page_and_is_recorded(monkeypatch, tmp_path):
    """A reload mid-run: the page that started the run is gone; the run finishes in the background, in the registry."""
    from qdsim.app import running
    from qdsim.results.provenance import planned_run_id

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    scenario = what_if().with_settings(seed=4242)  # a seed no other test runs: nothing kept in memory
    text = scenario.to_yaml()
    before = running.under_way()
    job = running.start(text)
    assert running.start(text) is job or job.finished.is_set()  # the reloaded page finds the same run going on
    assert running.under_way() == before + 1 or job.finished.is_set()  # counted while it computes (the pages' progress cadence)
    store = RunStore(tmp_path / "registry.db")
    run_id = planned_run_id(scenario)
    result = job.outcome()  # nobody waits in a page: it finishes all the same
    assert result.run_id == run_id
    assert store.find(run_id)["status"] == "done"
    assert running.yaml_of(run_id) is not None  # a link naming the run reopens it
    deadline = time.monotonic() + 10  # the run leaves the list just after it is finished
    while running.under_way() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert running.under_way() <= before


def test_a_failed_app_run_is_recorded_as_failed(monkeypatch, tmp_path):
    from qdsim.app import running
    from qdsim.results.provenance import planned_run_id

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    scenario = what_if().with_settings(seed=4243)

    def boom(*a, **k):
        raise RuntimeError("the model stopped")

    monkeypatch.setattr(running, "run_yaml", boom)
    job = running.start(scenario.to_yaml())
    with pytest.raises(RuntimeError):
        job.outcome()
    rec = RunStore(tmp_path / "registry.db").find(planned_run_id(scenario))
    assert rec["status"] == "failed" and "the model stopped" in rec["error"]


def test_a_run_left_running_by_a_stopped_server_is_marked_interrupted(monkeypatch, tmp_path):
    from qdsim.app import running

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    store = RunStore(tmp_path / "registry.db")
    s = what_if()
    store.start("qd-000000000000", scenario_id=s.id, scenario_sha=s.sha256(), params_sha="x", seed=1, replicates=2, scale=0.003)
    with store._tx() as con:  # as if the server that ran it had stopped: its process is gone
        con.execute("UPDATE runs SET pid = ? WHERE run_id = ?", (2**22 + 12345, "qd-000000000000"))
    assert running.registry() is not None
    rec = store.find("qd-000000000000")
    assert rec["status"] == "failed" and "interrupted" in rec["error"]


def test_the_server_prepares_the_first_screen_and_keeps_its_states(monkeypatch, tmp_path):
    """As `qdsim app` starts: the first screen's baseline computed and recorded, its states kept; started again with
    the registry full and the memory empty (a restarted server): served from the registry, the states kept anew."""
    from qdsim.app import running
    from qdsim.results.provenance import planned_run_id
    from qdsim.simulation import snapshots

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    scenario = api.load_scenario(ROOT / "scenarios" / "baseline.yaml").with_settings(**SETTINGS, seed=777)
    text = scenario.to_yaml()
    recorded = []
    for restarted in (False, True):
        monkeypatch.setattr(running, "_warm", None)
        monkeypatch.setattr(running, "_kept", type(running._kept)())
        snapshots.STORE.clear()
        assert not running.states_kept(text)
        running.warm(text).join(timeout=300)
        assert running.kept(text) is not None and running.states_kept(text)
        rec = RunStore(tmp_path / "registry.db").find(planned_run_id(scenario))
        assert rec["status"] == "done" and len(snapshots.STORE) == SETTINGS["replicates"]
        recorded.append((rec["finished"], rec["attempts"]))
        assert not restarted or recorded[1] == recorded[0]  # served, not computed and recorded again
        reads = []
        whatif = api.load_scenario(ROOT / "scenarios" / "stop-after-2025.yaml").with_settings(**SETTINGS, seed=777)
        with monkeypatch.context() as m:
            m.setattr(api.RunResult, "read", lambda *a, reads=reads, **k: reads.append(a))
            assert "baseline" in api.prepare(whatif, registry=RunStore(tmp_path / "registry.db")).known and not reads  # read as it started
    snapshots.STORE.clear()


def test_the_first_screen_prepared_is_the_one_a_new_session_asks_for():
    from qdsim.app import running, state

    d = state.run_defaults()
    asked = running.with_settings(state.baseline(), scale=round(d["w.run.scale"] / 100, 6), replicates=d["w.run.replicates"],
                                  seed=d["w.run.seed"]).to_yaml()
    assert running.first_screen_yaml() == asked


def test_the_attribution_run_is_the_same_what_if_with_enough_draws_and_only_it_may_have_them():
    """The run that names the assumptions is the scenario itself (same levers and seed) with 256 draws at 0.3% and 4
    replicates; 256 draws at the default scale, or 33 with the usual settings, are refused as beyond the app."""
    from qdsim.app import running

    text = what_if().with_settings(replicates=20, scale=0.02).to_yaml()
    asked = api.loads_scenario(running.for_attribution(text), "<test>")
    own = api.loads_scenario(text, "<test>")
    assert (asked.assumption_draws, asked.scale, asked.replicates) == (running.ATTRIBUTION_DRAWS, running.ATTRIBUTION_SCALE, running.ATTRIBUTION_REPLICATES)
    assert asked.levers == own.levers and asked.seed == own.seed and asked.id == own.id
    running.check_bounds(asked)  # allowed
    for settings in ({"assumption_draws": 256, "scale": 0.02, "replicates": 4}, {"assumption_draws": 33, "scale": 0.02, "replicates": 20}):
        with pytest.raises(ValueError, match="assumption_draws"):
            running.check_bounds(own.with_settings(**settings))


def test_a_run_is_waited_for_while_a_connected_page_waits_for_it(monkeypatch):
    """A closed tab's run goes behind other planners' (qdsim.simulation.runner.watched_by) once no page has waited for it for UNWATCHED_S."""
    import time

    from qdsim.app import running, state

    monkeypatch.setattr(running, "UNWATCHED_S", 0.2)
    job = running.Job("id: x")
    assert job.watched()  # just started by its page
    time.sleep(0.3)
    assert not job.watched()  # no page waited since: its tab was closed
    job.watch()  # a reloaded page found it again
    assert job.watched()
    assert state.connected()  # outside a Streamlit server (AppTest, bare mode) a page counts as connected


def test_on_a_busy_server_a_run_shows_no_partial_results_and_writes_its_files_once_the_workers_are_free(monkeypatch, tmp_path):
    """Other planners' runs on the workers: no partial summaries; the result is shown at once, its files written after."""
    import threading

    from qdsim.app import running
    from qdsim.results.provenance import planned_run_id

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    busy = {"on": False}
    monkeypatch.setattr(running, "pool_busy", lambda: busy["on"])
    quiet: list = []
    running.run_yaml(what_if().with_settings(seed=4343).to_yaml(), partial=quiet.append)
    assert quiet  # alone on the workers: the first replicates shown while the rest run

    busy["on"] = True
    scenario = what_if().with_settings(seed=4344)
    run_id, store = planned_run_id(scenario), RunStore(tmp_path / "registry.db")
    partials, seen = [], {}

    def later():
        seen["status"] = (store.find(run_id) or {}).get("status")
        seen["yaml"] = running.yaml_of(run_id)  # a reloaded page finds it meanwhile
        seen["saving"] = running.saving(run_id)  # the Runs page says so
        busy["on"] = False  # the other runs finish

    def computed(result):
        threading.Timer(1.0, later).start()

    result = running.run_yaml(scenario.to_yaml(), partial=partials.append, computed=computed)
    assert partials == []
    assert seen["status"] != "done" and seen["yaml"] == scenario.to_yaml() and seen["saving"]  # not written while the other runs went on
    assert store.find(run_id)["status"] == "done" and result.run_id == run_id and not running.saving(run_id)  # written once the workers were free
