"""Crash safety: SIGKILL inside a registry transaction, at random moments of registry writes, and at random
moments of a batch; the registry stays consistent, no run is done without its files, `--resume` completes,
and nothing is duplicated or half-written.

(A batch of 24 runs on 2 workers killed half-way is tests/batch/test_resume.py; start/fail writers killed
with SIGKILL is tests/test_store.py.)
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from qdsim.batch import load_batch
from qdsim.batch.engine import run_batch
from qdsim.registry.store import RunStore
from qdsim.results.outputs import outputs_ok

from .helpers import tiny_batch

IN_TRANSACTION = """
import sys, time
from qdsim.registry.store import RunStore
store = RunStore(sys.argv[1])
store.start("qd-crash0000001", scenario_id="crash", scenario_sha="s", params_sha="p", seed=1, replicates=1, scale=0.01)
with store._tx() as con:  # killed between BEGIN IMMEDIATE and COMMIT
    con.execute("UPDATE runs SET status = 'done', out_dir = '/nowhere' WHERE run_id = 'qd-crash0000001'")
    con.execute("INSERT INTO requests (request, run_id, code_sha, created) VALUES ('ad-x', 'qd-crash0000001', 'c', 'now')")
    print("in transaction", flush=True)
    time.sleep(300)
"""

#: what the batch engine does for each run, as fast as it can: start, write the files atomically, finish
WRITER = """
import json, os, sys, tempfile
from pathlib import Path
from qdsim.results.outputs import OUTPUT_FILES
from qdsim.registry.store import RunStore
store, out, i = RunStore(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
while True:
    rid = f"qd-{i:012d}"
    d = out / rid
    store.start(rid, scenario_id=f"s{i}", scenario_sha="s", params_sha="p", seed=i, replicates=1, scale=0.001, out_dir=d)
    tmp = Path(tempfile.mkdtemp(prefix=f".{rid}.", dir=out))
    for f in OUTPUT_FILES:
        (tmp / f).write_text("x" * 20000)
    (tmp / "manifest.json").write_text(json.dumps({"run_id": rid}))
    os.replace(tmp, d)
    store.finish(rid, out_dir=d, seconds=0.01)
    i += 1
"""


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as con:
        return con.execute("PRAGMA integrity_check").fetchone()[0]


def started(args, **kw) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE, text=True, **kw)
    proc.stdout.readline()  # "ready" / "in transaction"
    return proc


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()


def test_sigkill_inside_a_registry_transaction_loses_the_transaction_and_nothing_else(tmp_path):
    db = tmp_path / "registry.db"
    RunStore(db)
    kill(started([IN_TRANSACTION, str(db)]))
    assert integrity(db) == "ok"
    store = RunStore(db)
    rec = store.find("qd-crash0000001")
    assert rec["status"] == "running" and rec["out_dir"] is None  # the committed start is there; the killed update is not
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM requests").fetchone()[0] == 0
    t = time.monotonic()
    store.start("qd-after000001", scenario_id="after", scenario_sha="s", params_sha="p", seed=1, replicates=1, scale=0.01)
    assert time.monotonic() - t < 5  # the dead process's write lock went with it: nobody waits for it
    assert store.reap() == 2 - 1  # the killed process's run (this process is alive)
    assert store.find("qd-crash0000001")["status"] == "failed" and store.find("qd-after000001")["status"] == "running"


def test_sigkill_at_random_moments_of_registry_writes_never_leaves_a_done_run_without_its_files(tmp_path):
    db, out = tmp_path / "registry.db", tmp_path / "runs"
    out.mkdir()
    RunStore(db)
    rng = random.Random(20210414)
    unrecorded: set[str] = set()
    for round_ in range(6):
        proc = started([WRITER, str(db), str(out), str(round_ * 100_000)])
        time.sleep(rng.uniform(0.05, 0.6))
        kill(proc)
        assert integrity(db) == "ok"
        store = RunStore(db)
        runs = store.list_runs(limit=10**6)
        assert all(outputs_ok(r["out_dir"], r["run_id"]) for r in runs if r["status"] == "done"), "a done run without its files"
        assert sum(r["status"] == "running" for r in runs) <= 1  # at most the run being written at the kill
        assert len({r["scenario_id"] for r in runs}) == len(runs)  # each run recorded once
        # a run whose files were moved into place but not yet marked done: at most one per kill (a batch adopts it on --resume)
        finished = {d.name for d in out.iterdir() if not d.name.startswith(".")}
        now_unrecorded = finished - {r["run_id"] for r in runs if r["status"] == "done"}
        assert len(now_unrecorded - unrecorded) <= 1
        unrecorded = now_unrecorded
        store.reap()
        assert store.count("running") == 0
    assert RunStore(db).count("done") > 0


def finished_points(points: Path) -> set[str]:
    return {p.name for p in points.iterdir() if not p.name.startswith(".") and (p / "manifest.json").exists()} if points.exists() else set()


@pytest.mark.slow
def test_a_batch_killed_at_random_moments_resumes_to_the_uninterrupted_result(tmp_path):
    path = tiny_batch(tmp_path / "in", wages=[3000 + 200 * i for i in range(10)])
    out, home = tmp_path / "out", tmp_path / "home"
    env = {**os.environ, "QDSIM_HOME": str(home)}
    cmd = [sys.executable, "-m", "qdsim.cli", "batch", str(path), "--out", str(out), "--workers", "1", "--quiet"]
    rng = random.Random(7)
    kills = 0
    for extra in ([], ["--resume"]):
        before = len(finished_points(out / "points"))
        proc = subprocess.Popen(cmd + extra, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while len(finished_points(out / "points")) <= before and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.4))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
        proc.stderr.close()
        assert integrity(home / "registry.db") == "ok"
        done = RunStore(home / "registry.db").list_runs(limit=1000, status="done")
        assert all(outputs_ok(r["out_dir"], r["run_id"]) for r in done)
    assert kills == 2, "the batch finished before it could be killed"
    resumed = subprocess.run(cmd + ["--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr

    points = pd.read_csv(out / "points.csv")
    assert len(points) == 10 and points.run_id.is_unique and set(points.status) <= {"present", "computed"}
    assert sorted(p.name for p in (out / "points").iterdir()) == sorted(finished_points(out / "points"))  # no half-written folder
    runs = RunStore(home / "registry.db").list_runs(limit=1000)
    assert sorted(r["run_id"] for r in runs) == sorted(points.run_id) and all(r["status"] == "done" for r in runs)
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["status"] == "done"
    # the same bytes as a batch that was never interrupted
    reference = run_batch(load_batch(path), tmp_path / "reference", workers=1, store=RunStore(tmp_path / "home2" / "registry.db"))
    assert (out / "summary.csv").read_bytes() == (reference.out_dir / "summary.csv").read_bytes()
