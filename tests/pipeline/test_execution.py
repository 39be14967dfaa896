"""Execute and assemble: a plan's simulations computed and assembled are the run ``api.run`` gives; calibration's one simulation."""

from __future__ import annotations

import time

import numpy as np

from qdsim import api
from qdsim.foundation.catalogue import parameters_for
from qdsim.model.streams import replicate_seeds
from qdsim.pipeline import execute, prepare, simulate_at
from qdsim.simulation.runner import simulate

from .conftest import Shelf


def test_plan_execute_assemble_is_api_run(stop, finished_baseline, tmp_path):
    t0 = time.perf_counter()
    p = prepare(stop)
    values = execute(p, 1)
    assert set(values) == {(v, i) for v, i, _ in p.tasks}
    mine = p.assemble(values, seconds=time.perf_counter() - t0, workers=1).write(tmp_path / "mine")
    theirs = api.run(stop).write(tmp_path / "theirs")
    for name in ("summary.csv", "cost.csv", "scenario.yaml"):
        assert (mine / name).read_bytes() == (theirs / name).read_bytes(), name
    done, folder = finished_baseline  # a baseline reused from a registry gives the same numbers, and says where it came from
    reused = api.run(stop, registry=Shelf({done.run_id: folder}))
    assert (reused.write(tmp_path / "reused") / "summary.csv").read_bytes() == (theirs / "summary.csv").read_bytes()
    assert reused.manifest["baseline"]["reused_from"] == folder


def test_simulate_at_runs_the_values_over_the_scenario_s_own_overrides():
    s = api.load_scenario("baseline").with_changes({"overrides.wage_qingdao": 4000.0}, id="wage")
    seq = replicate_seeds(s.seed, 1)[0]
    got = simulate_at(s, {"qingdao_friction": 4.0}, seq, 0.003)
    params = parameters_for(s).with_overrides({"qingdao_friction": 4.0})
    assert params.wage_qingdao == 4000.0
    np.testing.assert_array_equal(got, simulate(s, params, seq, 0.003))
    assert not np.array_equal(got, simulate(s, parameters_for(s), seq, 0.003))
