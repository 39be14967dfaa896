"""A what-if goes on from its baseline's state at the year it first differs, with results identical to the bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qdsim import api
from qdsim.simulation import runner, snapshots
from qdsim.simulation.runner import SimulationTask

SCALE = 0.004


@pytest.fixture(scope="module")
def base():
    return api.load_scenario("baseline").with_settings(replicates=3, scale=SCALE, seed=11, assumption_draws=0)


@pytest.fixture(autouse=True)
def empty_store():
    snapshots.STORE.clear()
    yield
    snapshots.STORE.clear()


WHAT_IFS = {  # the planner's what-ifs, and the year each first differs from the baseline
    "fiscal halved from 2026": ({"levers.funds.fiscal.2026": "2.28 亿元"}, 2026),
    "showrooms doubled from 2026": ({"levers.consumption.showrooms.2026": 56}, 2026),
    "subsidy doubled from 2028": ({"levers.labour.subsidy_per_worker.2028": "1870 元"}, 2028),
    "drought in 2027": ({"conditions.drought.2027": 0.6}, 2027),  # a condition: the counterfactual differs too
}


def _task(scenario, r, keep_at=()):
    return SimulationTask(scenario, api.parameters_for(scenario).as_dict(), scenario.region, scenario.seed, r, scenario.replicates,
                          scenario.scale, keep_at)


@pytest.mark.parametrize("name", list(WHAT_IFS))
def test_a_what_if_resumed_from_its_baseline_s_state_is_the_full_run_to_the_bit(base, name):
    changes, year = WHAT_IFS[name]
    what_if = base.with_changes(changes)
    y = base.period.years.index(year)
    assert snapshots.change_index(what_if, base) == y
    pairs = [(what_if, base)]
    if name.startswith("drought"):  # its counterfactual goes on from the baseline's counterfactual's state
        pairs.append((what_if.counterfactual(), base.counterfactual()))
    for scenario, reference in pairs:
        for r in range(2):
            _, kept = runner.run_task_keeping(_task(reference, r, keep_at=(y,)))
            assert [k for k, _ in kept] == [snapshots.key(_task(scenario, r), y)]  # found under the what-if's own key
            resumed = runner.run_task(_task(scenario, r), start=(y, kept[0][1]))
            full = runner.run_task(_task(scenario, r))
            assert resumed.tobytes() == full.tobytes()
            assert not np.array_equal(full, runner.run_task(_task(reference, r)))  # the what-if does change something


def test_keys_match_up_to_the_change_year_only(base):
    what_if = base.with_changes({"levers.funds.fiscal.2026": "2.28 亿元"})
    y = base.period.years.index(2026)
    a, b = _task(base, 0), _task(what_if, 0)
    assert [snapshots.key(a, t) == snapshots.key(b, t) for t in range(1, 10)] == [t <= y for t in range(1, 10)]
    assert snapshots.key(a, y) != snapshots.key(_task(base, 1), y)  # another replicate
    other = base.with_changes({"overrides.qingdao_friction": 4.0})
    assert snapshots.key(_task(other, 0), y) != snapshots.key(a, y)  # other parameters
    assert snapshots.change_index(base.with_changes({"levers.funds.fiscal*": 0.5}), base) == 0  # from the first year: nothing to share


def test_a_run_keeps_its_states_and_the_next_what_if_goes_on_from_them(base, monkeypatch):
    """Through the library: the baseline keeps its states at 2026; a what-if from 2026 (and its baseline, computed
    again here without a registry) resume from them, and the outputs equal those of the runs from the first month."""
    first = api.run(base, workers=1, baseline=False, counterfactual=False, keep_states=True)
    assert len(snapshots.STORE) == base.replicates
    what_if = base.with_changes({"levers.consumption.showrooms.2026": 56})
    resumed = []
    real = snapshots.resume
    monkeypatch.setattr(snapshots, "resume", lambda state, s: resumed.append(s.id) or real(state, s))
    fast = api.run(what_if, workers=1, baseline=base, counterfactual=False, keep_states=True)
    assert sorted(resumed) == sorted([what_if.id, base.id] * base.replicates)
    snapshots.STORE.clear()
    resumed.clear()
    slow = api.run(what_if, workers=1, baseline=base, counterfactual=False)
    assert not resumed
    assert fast.with_coop.tobytes() == slow.with_coop.tobytes() and fast.baseline.tobytes() == first.with_coop.tobytes()
    pd.testing.assert_frame_equal(fast.summary, slow.summary)


def test_tasks_of_one_job_go_on_from_a_state_an_earlier_one_kept(base, monkeypatch):
    """A what-if and its baseline computed together (one worker's job per replicate): the baseline goes on from the
    state the what-if kept at the change year, and the arrays are those of runs from the first month."""
    what_if = base.with_changes({"levers.funds.fiscal.2026": "2.28 亿元"})
    tasks = [t for _, _, t in api.plan(what_if, counterfactual=False, baseline=base, draws_against=base, keep_states=True)]
    assert tasks[0].keep_at == (5,) and tasks[1].keep_at == ()
    resumed = []
    real = snapshots.resume
    monkeypatch.setattr(snapshots, "resume", lambda state, s: resumed.append(s.id) or real(state, s))
    together = list(runner.each_result(tasks[:2]))
    assert resumed == [base.id]
    assert [a.tobytes() for a in together] == [runner.run_task(t).tobytes() for t in tasks[:2]]


def test_the_store_keeps_the_most_recently_used_within_its_budget():
    store = snapshots.Store(budget=100)
    for k in "abc":
        store.put(k, b"x" * 20)
    store.get("a")
    store.put("d", b"x" * 24)  # 84 bytes: all fit
    store.put("e", b"x" * 24)  # over 100: the least recently used (b) goes
    assert store.get("b") is None and store.get("a") is not None and len(store) == 4 and store.size == 88
    store.put("f", b"x" * 26)  # larger than a quarter of the budget: not kept
    assert store.get("f") is None
    nothing = snapshots.Store(budget=0)
    nothing.put("a", b"x")
    assert len(nothing) == 0


def test_the_shared_pool_hands_a_job_its_kept_state_and_keeps_what_a_job_left(base):
    """The scheduler (several workers): a task whose state is kept goes to its worker with it; states a job kept come back to the store."""
    from concurrent.futures import Future

    class Pool:
        def __init__(self):
            self.submitted = []

        def submit(self, fn, tasks, starts=None):
            fut = Future()
            fut.set_running_or_notify_cancel()
            self.submitted.append((fut, tasks, starts))
            return fut

        def shutdown(self, **_):
            pass

    what_if = base.with_changes({"levers.funds.fiscal.2026": "2.28 亿元"})
    tasks = [t for _, _, t in api.plan(what_if, counterfactual=False, draws_against=base, keep_states=True)]
    snapshots.STORE.put(snapshots.key(_task(base, 0), 5), b"state of replicate 0")
    pool = Pool()
    s = runner.Scheduler(2, executor=pool)
    run = s.start([([i], [t]) for i, t in enumerate(tasks[:2])])
    (f0, t0, starts0), (f1, t1, starts1) = pool.submitted
    assert starts0 == {0: (5, b"state of replicate 0")} and starts1 == {}  # replicate 1 has none kept: from the first month
    f1.set_result(([np.zeros(1)], [(snapshots.key(tasks[1], 5), b"state of replicate 1")]))
    f0.set_result(([np.zeros(1)], []))
    for _ in range(2):
        run.finished.get(timeout=5)
    assert snapshots.STORE.get(snapshots.key(_task(base, 1), 5)) == b"state of replicate 1"  # the baseline's next what-if finds it
    s.close()


def test_partial_results_come_at_most_every_so_often(base):
    seen = []
    api.run(base.with_settings(replicates=4), workers=1, baseline=False, counterfactual=False, partial=seen.append, partial_every=3600)
    assert [r.scenario.replicates for r in seen] == [2]  # the first at once, then none within the hour
