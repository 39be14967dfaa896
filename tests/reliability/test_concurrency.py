"""Concurrency: two app sessions, a command-line batch and command-line runs use one registry at once;
none corrupts or blocks the others, and each run is recorded once.

The app sessions are the real app driven by Streamlit's AppTest, each in its own process: a what-if run,
then the Runs page (which reads the registry for the session's runs) and the registry's whole list again
and again while the batch writes. The app records its runs too; `qdsim run` (in this process) is another
writer beside the batch.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import pytest
from typer.testing import CliRunner

from qdsim.cli import app
from qdsim.registry.store import RunStore
from qdsim.results.outputs import outputs_ok

from .helpers import TINY, tiny_batch

ROOT = TINY.parents[4]  # the repository (tests.app.apptest drives the app)

SESSION = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from tests.app.apptest import PAGES, go, new_app, no_exceptions, wk
from qdsim.registry.store import RunStore
t0, target = time.monotonic(), int(sys.argv[2])
latencies, rows = [], []

def read_registry():
    t = time.monotonic()
    go(at, "runs")  # the page lists this session's runs only (with their status from the registry)
    rows.append(len(RunStore.default().list_runs(limit=1000)))  # the registry's whole list, as `qdsim runs` reads it
    latencies.append(time.monotonic() - t)
    no_exceptions(at)

at = new_app(**{"run.scale": 0.1, "run.replicates": 1})
at.switch_page(f"{PAGES}/runs.py").run()  # the Runs page first
print("ready", flush=True)  # the batch starts now
for _ in range(3):
    read_registry()
    time.sleep(0.2)
go(at, "whatif")  # a what-if run (and the baseline beside it) while the batch computes
no_exceptions(at)
at.slider(key=wk(at, "w.funds.fiscal")).set_value(9.0)
next(b for b in at.button if b.key == "run").click()
at.run()
no_exceptions(at)
whatif = at.session_state["current"]["yaml"]
while time.monotonic() - t0 < 120:  # the Runs page again and again, until every run is listed
    read_registry()
    if rows[-1] >= target:
        break
    time.sleep(0.1)
print(json.dumps({"seconds": time.monotonic() - t0, "latency": max(latencies), "rows": rows, "whatif": "whatif-" in whatif}))
"""

N_POINTS = 8
#: the runs the app records too: the sessions' baseline and their what-if (the same settings and change: one run each)
APP_RUNS = 2
#: every run in the end: the batch's points, the command line's three, the app's
ALL_RUNS = N_POINTS + 3 + APP_RUNS
#: a generous bound for everything on a shared 2-core machine (alone, it all takes about 15 s)
BOUND_S = 180


@pytest.mark.slow
def test_two_app_sessions_a_batch_and_runs_share_one_registry(tmp_path, monkeypatch):
    home = tmp_path / "home"
    env = {**os.environ, "QDSIM_HOME": str(home)}
    monkeypatch.setenv("QDSIM_HOME", str(home))
    path = tiny_batch(tmp_path / "in", wages=[3000 + 100 * i for i in range(N_POINTS)])
    t0 = time.monotonic()
    sessions = [subprocess.Popen([sys.executable, "-c", SESSION, str(ROOT), str(ALL_RUNS)], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
    assert [s.stdout.readline().strip() for s in sessions] == ["ready", "ready"]
    batch = subprocess.Popen([sys.executable, "-m", "qdsim.cli", "batch", str(path), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    runner = CliRunner()
    for seed in (11, 12, 13):  # a second writer, in this process, while the batch and the sessions go on
        r = runner.invoke(app, ["run", str(TINY), "--seed", str(seed), "--workers", "1", "--quiet", "--out", str(tmp_path / f"run{seed}")])
        assert r.exit_code == 0, r.output
    b_out, b_err = batch.communicate(timeout=BOUND_S)
    assert batch.returncode == 0, b_err
    reports = []
    for s in sessions:
        s_out, s_err = s.communicate(timeout=BOUND_S)
        assert s.returncode == 0, s_err[-3000:]
        reports.append(json.loads(s_out.strip().splitlines()[-1]))
    assert time.monotonic() - t0 < BOUND_S

    for rep in reports:
        assert rep["whatif"]  # each session ran its own what-if
        assert rep["latency"] < 20, rep  # reading the registry never waited for the writers (their busy timeout is 30 s)
        assert rep["rows"][-1] == ALL_RUNS, rep  # and, in the end, every run
    assert any(rep["rows"][0] < N_POINTS for rep in reports), reports  # a session read the registry while the batch wrote it
    with sqlite3.connect(home / "registry.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    runs = RunStore(home / "registry.db").list_runs(limit=1000)
    points = pd.read_csv(tmp_path / "out" / "points.csv")
    assert list(points.status) == ["computed"] * N_POINTS
    assert len(runs) == ALL_RUNS and len({r["run_id"] for r in runs}) == len(runs)
    assert {r["run_id"] for r in runs} >= set(points.run_id)
    seen = [(r["run_id"], r["status"], r["attempts"], outputs_ok(r["out_dir"], r["run_id"])) for r in runs]
    assert all(status == "done" and attempts == 1 and ok for _, status, attempts, ok in seen), seen  # each recorded once
