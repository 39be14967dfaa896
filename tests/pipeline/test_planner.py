"""The plan of a run: its simulations, its paired baseline, and what a registry handed in already holds."""

from __future__ import annotations

import numpy as np

from qdsim import api
from qdsim.pipeline import VARIANTS, planner, prepare
from qdsim.results.provenance import planned_run_id
from qdsim.scenario import shipped

from .conftest import TINY, Shelf


def test_a_plan_lists_each_replicate_s_scenario_counterfactual_and_baseline_then_the_draws(stop):
    p = prepare(stop.with_settings(assumption_draws=1))
    assert [(v, i) for v, i, _ in p.tasks] == [("scenario", 0), ("counterfactual", 0), ("baseline", 0), ("scenario", 1), ("counterfactual", 1),
                                               ("baseline", 1), ("draw", 0), ("draw_counterfactual", 0), ("draw_baseline", 0)]
    assert {v for v, _, _ in p.tasks} <= set(VARIANTS) and p.known == {} and p.reused_from is None
    assert p.baseline == api.baseline().with_settings(**TINY, seed=stop.seed) and p.identity.run_id == planned_run_id(p.scenario)
    assert [v for v, _, _ in prepare(stop, counterfactual=False, baseline=False).tasks] == ["scenario", "scenario"]


def test_a_registry_handed_in_gives_the_finished_baseline_and_its_counterfactual(stop, finished_baseline):
    done, folder = finished_baseline
    shelf = Shelf({done.run_id: folder})
    p = prepare(stop, registry=shelf)
    assert shelf.asked == [planned_run_id(p.baseline)] == [done.run_id]
    assert [v for v, _, _ in p.tasks] == ["scenario", "scenario"]  # stopping the levers leaves the counterfactual as the baseline's
    np.testing.assert_array_equal(p.known["baseline"], done.with_coop)
    np.testing.assert_array_equal(p.known["counterfactual"], done.without)
    assert p.reused_from == folder
    assert [v for v, _, _ in prepare(stop, registry=Shelf({})).tasks] == ["scenario", "counterfactual", "baseline"] * 2  # nothing found


def test_the_shipped_baseline_is_parsed_once_and_never_handed_out(monkeypatch, tmp_path):
    """Each what-if is paired with the shipped baseline: parsed again only when its file changes, and what
    baseline_for gives is a copy with the what-if's settings (changing it leaves the kept one as it was)."""
    first = planner.shipped_baseline()
    assert planner.shipped_baseline() is first
    stop = api.load_scenario("stop-after-2025").with_settings(replicates=3, scale=0.004, seed=5)
    base = planner.baseline_for(stop)
    assert base is not first and (base.replicates, base.scale, base.seed) == (3, 0.004, 5)
    base.replicates = 7
    assert first.replicates == planner.shipped_baseline().replicates != 7
    copy = tmp_path / "baseline.yaml"
    copy.write_text(shipped.baseline_file().read_text(encoding="utf-8").replace("seed: 20210414", "seed: 11"), encoding="utf-8")
    monkeypatch.setattr(shipped, "baseline_file", lambda: copy)
    assert planner.shipped_baseline().seed == 11  # another file: read again
