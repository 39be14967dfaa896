"""The run registry: its interface, what may be served from it, and that crashes and concurrent writers leave it consistent."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import qdsim
from qdsim import api
from qdsim.registry.store import RUN_KEYS, RunStore, stamp_manifest
from qdsim.results.outputs import outputs_ok
from qdsim.results.provenance import code_sha
from qdsim.results.result import RunResult

from ..batch.helpers import write_tiny

REQUIRED = {"run_id", "scenario_id", "status", "created", "seconds", "out_dir", "error", "version", "scenario_sha", "params_sha",
            "seed", "replicates", "scale"}


def fake(store: RunStore, run_id: str, scenario: str = "baseline", **kw):
    args = dict(scenario_id=scenario, scenario_sha="s" * 64, params_sha="p" * 64, seed=1, replicates=2, scale=0.01)
    store.start(run_id, **(args | kw))


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    return RunStore.default()


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory):
    scenario = api.load_scenario(write_tiny(tmp_path_factory.mktemp("tiny")))
    result = api.run(scenario, workers=1)
    stamp_manifest(result)
    return result


def test_default_is_sqlite_in_qdsim_home_with_wal(store, tmp_path):
    assert store.path == tmp_path / "home" / "registry.db"
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_without_qdsim_home_is_runs_registry_db(tmp_path, monkeypatch):
    monkeypatch.delenv("QDSIM_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert RunStore.default().path == tmp_path.joinpath("runs", "registry.db").relative_to(tmp_path)
    assert (tmp_path / "runs" / "registry.db").exists()


def test_a_run_from_start_to_done(store, tiny_result, tmp_path):
    r = tiny_result
    store.start(r.run_id, scenario_id="tiny", scenario_sha=r.scenario.sha256(), params_sha=r.params.sha256(), seed=7, replicates=1, scale=0.001)
    rec = store.find(r.run_id)
    assert set(rec) == set(RUN_KEYS) and REQUIRED <= set(rec)
    assert rec["status"] == "running" and rec["version"] == qdsim.__version__
    with pytest.raises(FileNotFoundError):
        store.finish(r.run_id, out_dir=tmp_path / "nowhere")  # done only once the files are in place
    assert store.find(r.run_id)["status"] == "running"
    path = r.write(tmp_path / "out")
    store.finish(r.run_id, out_dir=path, seconds=1.5)
    rec = store.find(r.run_id)
    assert rec["status"] == "done" and rec["out_dir"] == str(path.resolve()) and rec["seconds"] == 1.5 and rec["code_sha"] == code_sha()
    assert store.servable(r.run_id)["run_id"] == r.run_id
    back = RunResult.read(path)
    assert back.run_id == r.run_id and back.summary.shape == r.summary.shape
    assert np.array_equal(back.with_coop, r.with_coop, equal_nan=True) and np.array_equal(back.without, r.without, equal_nan=True)


def test_only_complete_outputs_of_the_same_code_are_served(store, tiny_result, tmp_path):
    r = tiny_result
    path = r.write(tmp_path / "out")
    store.record_done(r, path)
    assert store.servable(r.run_id)
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    (path / "manifest.json").write_text(json.dumps({**manifest, "code_sha256": "other"}), encoding="utf-8")
    assert store.servable(r.run_id) is None  # computed by other code
    assert not outputs_ok(path, r.run_id, code_sha()) and outputs_ok(path, r.run_id)
    r.write(path)
    (path / "replicates.parquet").unlink()
    assert store.servable(r.run_id) is None  # a file is missing
    assert store.servable("qd-000000000000") is None


def test_failures_are_recorded_and_a_finished_run_stays_finished(store, tiny_result, tmp_path):
    fake(store, "qd-aaaaaaaaaaaa")
    store.fail("qd-aaaaaaaaaaaa", "ValueError: bad", seconds=0.5)
    rec = store.find("qd-aaaaaaaaaaaa")
    assert rec["status"] == "failed" and rec["error"] == "ValueError: bad"
    fake(store, "qd-aaaaaaaaaaaa")  # tried again
    assert store.find("qd-aaaaaaaaaaaa")["status"] == "running" and store.find("qd-aaaaaaaaaaaa")["attempts"] == 2
    r = tiny_result
    store.record_done(r, r.write(tmp_path / "out"))
    store.start(r.run_id, scenario_id="tiny", scenario_sha="x", params_sha="y", seed=7, replicates=1, scale=0.001)
    store.fail(r.run_id, "interrupted")
    assert store.find(r.run_id)["status"] == "done"  # recomputing it (--fresh) and failing does not lose it


def test_list_filters_and_orders_newest_first(store):
    for i, (sid, status) in enumerate([("baseline", "done"), ("stop-after-2025", "failed"), ("baseline-p1", "running"), ("baseline", "running")]):
        fake(store, f"qd-{i:012d}", sid)
        if status == "failed":
            store.fail(f"qd-{i:012d}", "boom")
        with sqlite3.connect(store.path) as con:  # distinct creation times
            con.execute("UPDATE runs SET created = ? WHERE run_id = ?", (f"2026-01-0{i + 1}T00:00:00+00:00", f"qd-{i:012d}"))
    assert [r["run_id"] for r in store.list_runs()] == [f"qd-{i:012d}" for i in (3, 2, 1, 0)]
    assert [r["run_id"] for r in store.list_runs(status="failed")] == ["qd-000000000001"]
    assert {r["run_id"] for r in store.list_runs(scenario="baseline")} == {"qd-000000000000", "qd-000000000003"}
    assert len(store.list_runs(scenario="baseline*")) == 3
    assert len(store.list_runs(limit=2)) == 2
    assert store.list_runs(status="running", scenario="stop-after-2025") == []
    with pytest.raises(ValueError):
        store.list_runs(status="finished")


def test_runs_left_running_by_a_dead_process_are_marked_interrupted(store):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    fake(store, "qd-dead00000000")
    fake(store, "qd-live00000000")
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE runs SET pid = ? WHERE run_id = 'qd-dead00000000'", (dead.pid,))
    assert store.reap() == 1
    assert store.find("qd-dead00000000")["status"] == "failed" and "interrupted" in store.find("qd-dead00000000")["error"]
    assert store.find("qd-live00000000")["status"] == "running"


WRITER = textwrap.dedent("""\
    import sys
    from pathlib import Path
    from qdsim.registry.store import RunStore
    store = RunStore(sys.argv[1])
    tag, n = sys.argv[2], int(sys.argv[3])
    out = Path(sys.argv[4])
    for i in range(n):
        rid = f"qd-{tag}{i:08d}"
        store.start(rid, scenario_id=tag, scenario_sha="s", params_sha="p", seed=i, replicates=1, scale=0.01, out_dir=out)
        store.fail(rid, "x" * 2000)
    print("ok")
""")


def test_concurrent_writers_neither_block_nor_corrupt(tmp_path):
    db = tmp_path / "registry.db"
    RunStore(db)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), f"w{k}", "40", str(tmp_path)], stdout=subprocess.PIPE, text=True)
             for k in range(4)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs) and all(o.strip() == "ok" for o in outs)
    store = RunStore(db)
    assert store.count() == 160 and store.count("failed") == 160
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigkill_during_writes_leaves_the_registry_consistent(tmp_path):
    db = tmp_path / "registry.db"
    RunStore(db)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "k", "100000", str(tmp_path)])
    deadline = time.monotonic() + 60
    while RunStore(db).count() < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = RunStore(db)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    runs = store.list_runs(limit=10**6)
    assert len(runs) >= 50
    # every row is whole: failed rows carry their error; at most the last is still 'running' (killed between the two writes)
    assert all(r["error"] == "x" * 2000 for r in runs if r["status"] == "failed")
    assert sum(r["status"] == "running" for r in runs) <= 1
    store.reap()
    assert store.count("running") == 0
    fake(store, "qd-after0000000")  # still writable
    assert store.find("qd-after0000000")["status"] == "running"


# -- one computation of a run across processes (RunLock, RunStore.join, `qdsim run`) -----------------------------

def test_run_lock_is_exclusive_names_its_holder_and_goes_with_release(tmp_path):
    from qdsim.registry.store import RunLock

    first, second = RunLock(tmp_path / "locks" / "qd-x.lock"), RunLock(tmp_path / "locks" / "qd-x.lock")
    assert first.try_acquire() and not second.try_acquire()
    assert second.holder() == os.getpid()
    first.release()
    assert not (tmp_path / "locks" / "qd-x.lock").exists()  # no file left behind
    assert second.try_acquire() and not first.try_acquire()
    second.release()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    from qdsim.registry.store import RunLock

    path = tmp_path / "qd-x.lock"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from qdsim.registry.store import RunLock
        held = RunLock({str(path)!r})  # kept: a lock dropped by the garbage collector is released
        assert held.try_acquire()
        print("locked", flush=True)
        time.sleep(120)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        lock = RunLock(path)
        assert not lock.try_acquire() and lock.holder() == holder.pid
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        assert lock.try_acquire()  # its file is still there, with the dead PID in it: the lock itself went with the process
        lock.release()
    finally:
        holder.kill()
        holder.wait()


def test_join_waits_for_the_holder_then_serves_what_it_recorded(store, tiny_result, tmp_path):
    import threading

    rid = tiny_result.run_id
    holder = store.lock_for(rid)
    assert holder.try_acquire()
    said: list[str] = []
    got: dict = {}
    t = threading.Thread(target=lambda: got.update(zip(("lock", "rec"), store.join(rid, timeout=60, say=said.append), strict=True)))
    t.start()
    time.sleep(0.5)
    assert t.is_alive() and said and f"run {rid} is being computed by process {os.getpid()}" in said[0]
    store.record_done(tiny_result, tiny_result.write(tmp_path / "out"))
    holder.release()
    t.join(timeout=30)
    assert got["lock"] is None and got["rec"]["run_id"] == rid and got["rec"]["status"] == "done"


def test_join_computes_when_the_holder_failed_and_gives_up_after_its_timeout(store):
    holder = store.lock_for("qd-000000000001")
    assert holder.try_acquire()
    said: list[str] = []
    started = time.monotonic()
    assert store.join("qd-000000000001", timeout=0.5, say=said.append) == (None, None)
    assert time.monotonic() - started >= 0.5 and "gave up waiting" in said[-1] and "computing it here" in said[-1]
    holder.release()  # the holder ends without recording the run: the next asker computes it, holding the lock
    lock, rec = store.join("qd-000000000001", timeout=0.5)
    assert rec is None and lock is not None and lock.held
    lock.release()


def test_two_qdsim_run_processes_asking_for_the_same_run_compute_it_once(tmp_path):
    """Two `qdsim run` of one scenario at once, one registry: one computes, the other waits and is served its result."""
    scenario = write_tiny(tmp_path)
    env = {**os.environ, "QDSIM_HOME": str(tmp_path / "home")}
    procs = [subprocess.Popen([sys.executable, "-m", "qdsim.cli", "run", str(scenario), "--out", str(tmp_path / f"out{i}"),
                               "--replicates", "3", "--scale", "0.003", "--workers", "1", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for i in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    store = RunStore(tmp_path / "home" / "registry.db")
    (rec,) = store.list_runs()
    assert rec["status"] == "done" and rec["attempts"] == 1  # computed once
    waited = [err for _, err in outs if "is being computed by process" in err]
    assert len(waited) == 1, outs  # the second waited for the first (they overlap: each takes seconds to start and run)
    for i in range(2):
        assert outputs_ok(tmp_path / f"out{i}", rec["run_id"])
        assert (tmp_path / f"out{i}" / "summary.csv").read_bytes() == (tmp_path / "out0" / "summary.csv").read_bytes()
    assert not list((tmp_path / "home" / "locks").glob("*.lock"))
