"""`qdsim batch`, `qdsim runs` and the registry in `qdsim run`: exit codes, tables, JSON, serving."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from qdsim.batch import executors
from qdsim.cli import app

from .helpers import grid_batch, write_batch, write_tiny

runner = CliRunner()


def qdsim(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def batch_file(tmp_path, home):
    return grid_batch(tmp_path, [0, 1000], [4200])


def test_batch_runs_prints_a_table_and_exits_0(batch_file, tmp_path):
    r = qdsim("batch", batch_file, "--out", tmp_path / "out", "--workers", "1")
    assert r.exit_code == 0, r.output
    assert "2 runs: 2 computed, 0 from the registry, 0 failed" in r.output
    assert "p000" in r.output and "p001" in r.output
    assert (tmp_path / "out" / "summary.csv").exists() and (tmp_path / "out" / "points.csv").exists()
    cost = pd.read_csv(tmp_path / "out" / "cost.csv")
    assert set(cost.point) == {"p000", "p001"} and "income_per_100m" in set(cost.measure)  # each point with its cost and effect
    again = qdsim("batch", batch_file, "--out", tmp_path / "again", "--workers", "1", "--quiet")
    assert again.exit_code == 0 and again.output == ""
    assert list(pd.read_csv(tmp_path / "again" / "points.csv").status) == ["registry", "registry"]


def test_bad_batch_file_exits_2_and_writes_nothing(tmp_path, home):
    path = write_batch(tmp_path, "batch: {id: x}\nbase: tiny.yaml\ngrid:\n  levers.labour.subsidy: [1]\n")
    r = qdsim("batch", path, "--out", tmp_path / "out")
    assert r.exit_code == 2
    assert f"{path}:4: grid.levers.labour.subsidy: levers.labour has no field 'subsidy'" in r.output
    assert not (tmp_path / "out").exists() and not home.exists()


def test_bad_options_exit_2(batch_file, tmp_path):
    assert qdsim("batch", batch_file, "--workers", "0").exit_code == 2
    assert qdsim("batch", tmp_path / "missing.yaml").exit_code == 2


def test_a_failed_run_makes_the_exit_code_1_and_the_rest_completes(batch_file, tmp_path, monkeypatch):
    real = executors.compute

    def flaky(task):
        if task.scenario.levers.labour.subsidy_per_worker[0] == 1000:
            raise RuntimeError("no convergence")
        return real(task)

    monkeypatch.setattr(executors, "compute", flaky)
    r = qdsim("batch", batch_file, "--out", tmp_path / "out", "--workers", "1")
    assert r.exit_code == 1
    assert "1 computed" in r.output and "1 failed" in r.output and "RuntimeError: no convergence" in r.output
    runs = json.loads(qdsim("runs", "--json", "--status", "failed").output)
    assert len(runs) == 1 and runs[0]["error"] == "RuntimeError: no convergence"


def test_resume_is_required_for_an_unfinished_batch(batch_file, tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "compute", lambda task: (_ for _ in ()).throw(KeyboardInterrupt()))
    r = qdsim("batch", batch_file, "--out", tmp_path / "out", "--workers", "1")
    assert r.exit_code == 130 and "--resume" in r.output
    monkeypatch.undo()
    r = qdsim("batch", batch_file, "--out", tmp_path / "out", "--workers", "1")
    assert r.exit_code == 2 and "add --resume" in r.output
    r = qdsim("batch", batch_file, "--out", tmp_path / "out", "--workers", "1", "--resume", "--quiet")
    assert r.exit_code == 0


def test_runs_lists_filters_and_shows(batch_file, tmp_path):
    assert qdsim("batch", batch_file, "--out", tmp_path / "out", "--workers", "1", "--quiet").exit_code == 0
    listing = json.loads(qdsim("runs", "--json").output)
    assert len(listing) == 2 and {r["status"] for r in listing} == {"done"}
    assert {"run_id", "scenario_id", "status", "created", "seconds", "out_dir", "error", "version", "scenario_sha",
            "params_sha", "seed", "replicates", "scale"} <= set(listing[0])
    assert json.loads(qdsim("runs", "--json", "--status", "running").output) == []
    one = listing[0]
    assert json.loads(qdsim("runs", "--json", "--scenario", one["scenario_id"]).output)[0]["run_id"] == one["run_id"]
    assert len(json.loads(qdsim("runs", "--json", "--scenario", "tiny-*", "--limit", "1").output)) == 1
    assert qdsim("runs", "--quiet").output.split() == [r["run_id"] for r in listing]
    table = qdsim("runs")
    assert table.exit_code == 0 and one["run_id"] in table.output and "done" in table.output
    shown = json.loads(qdsim("runs", one["run_id"], "--json").output)
    assert shown == one
    assert qdsim("runs", "qd-nosuchrun000").exit_code == 2
    assert qdsim("runs", "--status", "finished").exit_code == 2


def test_run_records_itself_and_serves_an_identical_finished_run(tmp_path, home):
    tiny = write_tiny(tmp_path)
    first = qdsim("run", tiny, "--out", tmp_path / "a", "--workers", "1", "--quiet")
    assert first.exit_code == 0, first.output
    (rec,) = json.loads(qdsim("runs", "--json").output)
    assert rec["status"] == "done" and rec["scenario_id"] == "tiny" and rec["out_dir"] == str((tmp_path / "a").resolve())
    second = qdsim("run", tiny, "--out", tmp_path / "b", "--workers", "1")
    assert second.exit_code == 0 and "from the registry" in second.output
    assert (tmp_path / "b" / "summary.csv").read_bytes() == (tmp_path / "a" / "summary.csv").read_bytes()
    third = qdsim("run", tiny, "--out", tmp_path / "c", "--workers", "1", "--fresh", "--quiet")
    assert third.exit_code == 0
    assert (tmp_path / "c" / "summary.csv").read_bytes() == (tmp_path / "a" / "summary.csv").read_bytes()
    assert len(json.loads(qdsim("runs", "--json").output)) == 1  # one run, however often it was asked for
