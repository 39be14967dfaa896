"""The runner: a replicate's population is built once for its runs in a process; tasks are grouped by it;
runs share the pool of worker processes job by job, each owning its work."""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import Future

import numpy as np
import pandas as pd
import pytest

from qdsim import api
from qdsim.foundation.catalogue import ParameterSet, load_catalogue
from qdsim.model import model as model_mod
from qdsim.model import population as population_mod
from qdsim.model.model import DingxiModel
from qdsim.model.streams import replicate_seeds
from qdsim.results.derive import derive
from qdsim.simulation import runner, snapshots

SETTINGS = {"replicates": 2, "scale": 0.003, "assumption_draws": 0}


@pytest.fixture
def counted_builds(monkeypatch):
    """Count the populations built, by the runner or by the model (with no model state kept by earlier tests in this
    process, such as the app's: a run that goes on from one builds no population)."""
    monkeypatch.setattr(snapshots, "STORE", snapshots.Store())
    built = []
    real = population_mod.build_population

    def counting(*args, **kwargs):
        built.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "build_population", counting)
    monkeypatch.setattr(model_mod, "build_population", counting)
    return built


def test_a_replicate_builds_its_population_once_and_its_runs_share_it(counted_builds):
    what_if = api.load_scenario("stop-after-2025").with_settings(**SETTINGS)
    tasks = [t for _, _, t in api.plan(what_if, baseline=api.baseline_for(what_if))]
    assert len(tasks) == 3 * SETTINGS["replicates"]  # scenario, counterfactual and baseline of each replicate
    shared = runner.run_simulations(tasks, workers=1)
    assert len(counted_builds) == SETTINGS["replicates"]  # not rebuilt for the counterfactual or the baseline
    # each is what the model gives when it builds its own population
    counted_builds.clear()
    for task, values in zip(tasks, shared, strict=True):
        params = ParameterSet(task.params, load_catalogue(task.region))
        seq = replicate_seeds(task.seed, task.n_replicates)[task.replicate]
        model = DingxiModel(scenario=task.scenario, params=params, seed_sequence=seq, scale=task.scale)
        np.testing.assert_array_equal(values, derive(model.run().array(), model.n_counties))
    assert len(counted_builds) == len(tasks)  # (those did build their own)


def test_other_parameters_or_seeds_get_their_own_population(counted_builds):
    base = api.load_scenario("baseline").with_settings(**SETTINGS)
    other = api.Scenario.model_validate(base.model_dump() | {"overrides": {"land_sigma": 0.5}})
    tasks = [t for s in (base, other, base.with_settings(seed=base.seed + 1)) for _, _, t in api.plan(s, counterfactual=False)]
    runner.run_simulations(tasks, workers=1)
    assert len(counted_builds) == 3 * SETTINGS["replicates"]


def test_jobs_keep_a_replicate_together_when_every_worker_has_one():
    base = api.load_scenario("baseline")
    tasks = [t for _, _, t in api.plan(base.with_settings(replicates=3, scale=0.003))]  # scenario, counterfactual × 3
    assert runner.jobs(tasks, workers=2) == [[0, 1], [2, 3], [4, 5]]
    one = [t for _, _, t in api.plan(base.with_settings(replicates=1, scale=0.003))]
    assert runner.jobs(one, workers=2) == [[0], [1]]  # one replicate on two workers: side by side


def test_the_allocator_keeps_freed_memory_on_glibc():
    """On Linux with glibc the allocator is told to keep what a simulation frees (fewer page faults, same results)."""
    import platform

    from qdsim.simulation.runner import keep_freed_memory

    applied = keep_freed_memory()
    assert applied == (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc")


# -- the shared pool: runs own their work, share the workers in turn, join identical work


class FakePool:
    """An executor whose futures the test finishes: records what was handed to the workers, in order."""

    def __init__(self):
        self.submitted: list[tuple[Future, list]] = []

    def submit(self, fn, tasks, starts=None):
        fut = Future()
        fut.set_running_or_notify_cancel()  # as in a worker: no longer cancellable
        self.submitted.append((fut, tasks))
        return fut

    def finish(self, k=0):
        fut, tasks = self.submitted.pop(k)
        fut.set_result(([np.zeros(1) for _ in tasks], []))  # the arrays, the states kept (none)

    def shutdown(self, **_):
        pass


def _tasks(n, seed=1):
    base = api.load_scenario("baseline").with_settings(replicates=n, scale=0.003, seed=seed)
    return [t for kind, _, t in api.plan(base, counterfactual=False)]


def _settle(s):
    deadline = time.monotonic() + 5
    while not s.events.empty() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)


def test_the_run_closest_to_done_goes_first_job_by_job_and_a_queued_run_knows_its_place():
    fake = FakePool()
    s = runner.Scheduler(1, executor=fake)
    a = s.start([([i], [t]) for i, t in enumerate(_tasks(4, seed=1))])
    b = s.start([([i], [t]) for i, t in enumerate(_tasks(3, seed=2))])
    c = s.start([([i], [t]) for i, t in enumerate(_tasks(3, seed=3))])
    assert (s.position(a), s.position(b), s.position(c)) == (0, 1, 2)  # a runs; b (fewer jobs left than a) next, then c
    order = []

    def step():
        order.append(fake.submitted[0][1][0].seed)
        fake.finish()
        _settle(s)

    step()
    d = s.start([([0], [_tasks(1, seed=4)[0]])])  # a short run arriving while a has three jobs left (one running)
    assert s.position(d) == 1 and s.position(b) == 3  # d is next in line, before a's other jobs
    while fake.submitted:
        step()
    assert order == [1, 1, 4, 1, 1, 2, 2, 2, 3, 3, 3]  # d does not wait for whole runs; equal runs finish one after the other
    assert [a.finished.qsize(), b.finished.qsize(), c.finished.qsize(), d.finished.qsize()] == [4, 3, 3, 1]
    s.close()


def test_an_identical_job_is_joined_and_cancelling_one_run_keeps_the_other():
    fake = FakePool()
    s = runner.Scheduler(1, executor=fake)
    tasks = _tasks(2)
    first = s.start([([i], [t]) for i, t in enumerate(tasks)])
    second = s.start([([i], [t]) for i, t in enumerate(tasks)])  # a second click: the same work
    assert len(fake.submitted) == 1 and len(s.jobs) == 2  # nothing queued twice
    s.cancel(first)
    for _ in range(2):
        fake.finish()
        _settle(s)
    assert second.finished.qsize() == 2 and first.finished.qsize() == 0
    assert not fake.submitted and not s.jobs and s.running == 0
    s.close()


def test_a_queued_run_s_progress_message_gives_its_place():
    assert runner.queued_place(runner.QUEUED.format(place=3)) == 3
    assert runner.queued_place("4/20") is None and runner.queued_place("") is None


def test_a_second_click_keeps_the_first_click_s_place_in_line():
    fake = FakePool()
    s = runner.Scheduler(1, executor=fake)
    other = s.start([([i], [t]) for i, t in enumerate(_tasks(2, seed=9))])  # runs now
    first = s.start([([i], [t]) for i, t in enumerate(_tasks(3, seed=1))])
    b = s.start([([i], [t]) for i, t in enumerate(_tasks(3, seed=2))])
    assert s.position(first) == 2 and s.position(b) == 3
    s.cancel(first)  # the session's rerun stops it
    second = s.start([([i], [t]) for i, t in enumerate(_tasks(3, seed=1))])  # the same what-if again
    assert second.order == first.order and s.position(second) == 2 and s.position(b) == 3
    while fake.submitted:
        fake.finish()
        _settle(s)
    assert other.finished.qsize() == 2 and second.finished.qsize() == 3 and b.finished.qsize() == 3
    s.close()


def test_a_cancelled_run_drops_its_queued_work_only():
    fake = FakePool()
    s = runner.Scheduler(1, executor=fake)
    a = s.start([([i], [t]) for i, t in enumerate(_tasks(3, seed=1))])
    b = s.start([([i], [t]) for i, t in enumerate(_tasks(2, seed=2))])
    s.cancel(a)  # its first job runs on; its other two are dropped
    while fake.submitted:
        fake.finish()
        _settle(s)
    assert b.finished.qsize() == 2
    assert not s.jobs and s.running == 0
    s.close()


def test_a_wait_gives_up_with_a_message_when_nothing_finishes(monkeypatch):
    fake = FakePool()
    monkeypatch.setenv("QDSIM_STALL_SECONDS", "0.5")
    monkeypatch.setattr(runner, "HEARTBEAT", 0.1)
    monkeypatch.setattr(runner, "_scheduler", runner.Scheduler(2, executor=fake))
    calls = []
    with pytest.raises(runner.StalledError, match="no simulation finished in 0.5 s"):
        runner.run_simulations(_tasks(2), workers=2, progress=lambda *a: calls.append(a))
    assert calls  # the caller heard from the wait while nothing finished (so it could stop it)
    assert {runner.queued_place(m) for _, _, m in calls} == {None}  # its jobs were running: not queued
    assert not runner._scheduler.runs
    monkeypatch.setattr(runner, "_scheduler", None)


def test_the_double_click_case_leaves_the_other_planner_s_run_alone():
    """Planner A clicks twice (the first run is stopped by its session, as a Streamlit rerun does) while B runs:
    B and A's second run finish, with the results of a run on one process."""
    a = api.load_scenario("stop-after-2025").with_settings(replicates=3, scale=0.003, assumption_draws=0)
    b = api.load_scenario("baseline").with_settings(replicates=3, scale=0.003, seed=7, assumption_draws=0)

    class Rerun(Exception):
        pass

    def stopped_by_rerun(done, total, msg):
        raise Rerun

    got, errors = {}, []

    def planner(name, scenario, progress=None):
        try:
            got[name] = api.run(scenario, workers=2, baseline=False, progress=progress)
        except Rerun:
            got[name] = "stopped"
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=planner, args=("a1", a, stopped_by_rerun)), threading.Thread(target=planner, args=("b", b))]
    for th in threads:
        th.start()
    time.sleep(0.5)
    second = threading.Thread(target=planner, args=("a2", a))
    second.start()
    for th in [*threads, second]:
        th.join(timeout=300)
    assert not any(th.is_alive() for th in [*threads, second]), "a run hangs"
    assert not errors
    assert got["a1"] == "stopped"
    for name, scenario in (("a2", a), ("b", b)):
        alone = api.run(scenario, workers=1, baseline=False)
        pd.testing.assert_frame_equal(got[name].summary, alone.summary)
    s = runner._scheduler
    assert s is not None and not s.runs and not s.jobs and s.running == 0  # nothing left queued or running
    assert s.broken is None and not s.executor._shutdown_thread  # the pool was never shut down under B


def test_a_run_nobody_waits_for_goes_behind_the_others_and_still_finishes():
    fake = FakePool()
    s = runner.Scheduler(1, executor=fake)
    first = s.start([([i], [t]) for i, t in enumerate(_tasks(2, seed=1))])  # runs now
    waiting = {"closed": True}
    with runner.watched_by(lambda: waiting["closed"]):
        closed = s.start([([i], [t]) for i, t in enumerate(_tasks(2, seed=2))])  # its planner will close the tab
    later = s.start([([i], [t]) for i, t in enumerate(_tasks(2, seed=3))])  # outside: always waited for
    assert s.position(closed) == 2 and s.position(later) == 3  # in order while its page waits
    waiting["closed"] = False  # the tab is closed
    assert s.position(closed) == 3 and s.position(later) == 2
    order = []
    while fake.submitted:
        order.append(fake.submitted[0][1][0].seed)
        fake.finish()
        _settle(s)
    assert order == [1, 1, 3, 3, 2, 2]  # the planner still waiting first; the closed tab's run last, but finished
    assert first.finished.qsize() == 2 and closed.finished.qsize() == 2 and later.finished.qsize() == 2
    s.close()


def test_a_run_nobody_waits_for_keeps_its_place_while_another_run_waits_for_its_jobs():
    fake = FakePool()
    s = runner.Scheduler(1, executor=fake)
    first = s.start([([0], [_tasks(1, seed=1)[0]])])  # runs now
    with runner.watched_by(lambda: False):  # nobody waits for it (a baseline prepared in the background) ...
        base = s.start([([i], [t]) for i, t in enumerate(_tasks(2, seed=2))])
    other = s.start([([i], [t]) for i, t in enumerate(_tasks(3, seed=3))])
    joined = s.start([([i], [t]) for i, t in enumerate(_tasks(2, seed=2))])  # ... but this run needs the same jobs
    assert s.position(base) == 1 and s.position(other) == 2
    while fake.submitted:
        fake.finish()
        _settle(s)
    assert first.finished.qsize() == 1 and joined.finished.qsize() == 2 and other.finished.qsize() == 3
    s.close()
