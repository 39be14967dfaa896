"""Issue 5's test: a batch of 24 runs on 2 workers, killed with SIGKILL half-way, completed by --resume.

Nothing is lost (every run present), nothing is done twice (the runs finished
before the kill are neither recomputed nor rewritten), no half-written output
is left, the registry stays consistent, and no worker process outlives the
batch.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import pytest

from qdsim.registry.store import RunStore

from .helpers import grid_batch

N_RUNS = 24


def batch_cmd(path, out, *extra):
    return [sys.executable, "-m", "qdsim.cli", "batch", str(path), "--out", str(out), "--workers", "2", "--quiet", *extra]


def finished(points_dir) -> dict[str, int]:
    """Point folders fully written (atomic rename done), with their manifest's inode."""
    if not points_dir.exists():
        return {}
    return {p.name: (p / "manifest.json").stat().st_ino for p in points_dir.iterdir() if not p.name.startswith(".") and (p / "manifest.json").exists()}


def wait_gone(pgid: int, timeout: float = 15) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_sigkill_half_way_then_resume_completes_each_run_once(tmp_path):
    path = grid_batch(tmp_path, [0, 300, 600, 900, 1200, 1500], [3500, 4200, 5000, 5800])  # 6 × 4 = 24 runs
    out, home = tmp_path / "out", tmp_path / "home"
    env = {**os.environ, "QDSIM_HOME": str(home)}

    proc = subprocess.Popen(batch_cmd(path, out), env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while len(finished(out / "points")) < 6 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)  # the batch process only: its workers must notice and go
    proc.wait(timeout=30)
    before = finished(out / "points")
    assert 6 <= len(before) < N_RUNS, f"the batch was not killed half-way ({len(before)} of {N_RUNS} done)"
    assert wait_gone(proc.pid), "worker processes outlived the killed batch"

    store = RunStore(home / "registry.db")
    with sqlite3.connect(home / "registry.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    done_before = {r["run_id"] for r in store.list_runs(limit=1000, status="done")}
    assert len(done_before) >= len(before) - 1  # at most the one being recorded at the kill is not marked yet

    again = subprocess.run(batch_cmd(path, out), env=env, capture_output=True, text=True, timeout=240)
    assert again.returncode == 2 and "--resume" in again.stderr  # an unfinished batch is not silently restarted

    resumed = subprocess.run(batch_cmd(path, out, "--resume"), env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr

    after = finished(out / "points")
    assert len(after) == N_RUNS and sorted(p.name for p in (out / "points").iterdir()) == sorted(after)  # no half-written folders
    assert {k: after[k] for k in before} == before  # the runs finished before the kill were not rewritten
    points = pd.read_csv(out / "points.csv")
    assert len(points) == N_RUNS and points.run_id.is_unique and points.scenario.is_unique
    assert set(points.status) <= {"present", "computed"}
    assert set(points.scenario[points.status == "present"]) >= set(before) - {None}
    assert (points.status == "computed").sum() == N_RUNS - (points.status == "present").sum()
    runs = store.list_runs(limit=1000)
    assert len(runs) == N_RUNS and all(r["status"] == "done" for r in runs)
    assert all(r["attempts"] == 1 for r in runs if r["run_id"] in done_before)  # nothing computed twice
    summary = pd.read_csv(out / "summary.csv")
    assert summary.point.nunique() == N_RUNS and summary.groupby("point").size().nunique() == 1
    state = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert state["status"] == "done"
