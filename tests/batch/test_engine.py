"""The batch engine in this process (one worker): outputs, the registry, serving, failures, resume, adaptive replicates."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from qdsim import api
from qdsim.batch import executors, load_batch
from qdsim.batch.engine import BatchError, run_batch
from qdsim.registry.store import RunStore
from qdsim.results.provenance import code_sha

from .helpers import grid_batch, write_batch


def never(task):  # an executor's compute that must not be called
    raise AssertionError(f"recomputed {task.scenario.id}")


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    return load_batch(grid_batch(tmp_path_factory.mktemp("grid"), [0, 1000], [3500, 4200]))


@pytest.fixture(scope="module")
def done(grid, tmp_path_factory):
    """The 4-point grid computed once (read only: tests that change it compute their own)."""
    home = tmp_path_factory.mktemp("home")
    return run_batch(grid, home / "out", workers=1, store=RunStore(home / "registry.db"))


@pytest.fixture
def pair(tmp_path):
    """A 2-point grid, for the tests that break things."""
    return load_batch(grid_batch(tmp_path / "pair", [0, 1000], [3500]))


def test_outputs_of_a_batch(done):
    store = RunStore(done.out_dir.parent / "registry.db")
    out = done.out_dir
    assert [o.status for o in done.outcomes] == ["computed"] * 4
    assert sorted(p.name for p in (out / "points").iterdir()) == sorted(o.point.dir_name for o in done.outcomes)
    points = pd.read_csv(out / "points.csv")
    assert list(points.point) == ["p000", "p001", "p002", "p003"]
    assert {"levers.labour.subsidy_per_worker", "overrides.wage_qingdao", "run_id", "status", "replicates", "stop_reason"} <= set(points.columns)
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns[:5]) == ["point", "run_id", "base", "levers.labour.subsidy_per_worker", "overrides.wage_qingdao"]
    for col in ("scenario", "metric", "county", "year", "mean", "p05", "p95", "impact_mean", "impact_p05", "impact_p95"):
        assert col in summary.columns
    assert summary.groupby("point").size().nunique() == 1 and summary.point.nunique() == 4
    assert not summary.scenario.str.endswith("-counterfactual").any()
    state = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert state["status"] == "done" and state["batch_sha256"] == done.batch.sha256()
    for o in done.outcomes:
        rec = store.find(o.run_id)
        assert rec["status"] == "done" and rec["out_dir"] == str(o.out_dir.resolve()) and rec["replicates"] == 1
        manifest = json.loads((o.out_dir / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["run_id"] == o.run_id and manifest["code_sha256"] == code_sha()


def test_a_point_is_byte_identical_to_a_run_of_its_scenario(done, tmp_path):
    o = done.outcomes[3]
    alone = api.run(o.point.scenario, workers=1).write(tmp_path / "alone")
    assert (alone / "summary.csv").read_bytes() == (o.out_dir / "summary.csv").read_bytes()
    assert pd.read_parquet(alone / "replicates.parquet").equals(pd.read_parquet(o.out_dir / "replicates.parquet"))


def test_finished_runs_are_served_from_the_registry_not_recomputed(done, grid, tmp_path, monkeypatch):
    store = RunStore(done.out_dir.parent / "registry.db")
    monkeypatch.setattr(executors, "compute", never)
    again = run_batch(grid, tmp_path / "again", workers=1, store=store)
    assert [o.status for o in again.outcomes] == ["registry"] * 4
    assert (again.out_dir / "summary.csv").read_bytes() == (done.out_dir / "summary.csv").read_bytes()
    same_dir = run_batch(grid, done.out_dir, workers=1, store=store)
    assert [o.status for o in same_dir.outcomes] == ["present"] * 4
    assert store.count("done") == 4
    assert (same_dir.out_dir / "summary.csv").read_bytes() == (done.out_dir / "summary.csv").read_bytes()


def test_outputs_gone_means_computed_again(pair, store, tmp_path):
    first = run_batch(pair, tmp_path / "first", workers=1, store=store)
    (first.outcomes[0].out_dir / "summary.csv").unlink()
    assert store.servable(first.outcomes[0].run_id) is None
    again = run_batch(pair, tmp_path / "again", workers=1, store=store)
    assert [o.status for o in again.outcomes] == ["computed", "registry"]
    fresh = run_batch(pair, tmp_path / "fresh", workers=1, store=store, fresh=True)
    assert [o.status for o in fresh.outcomes] == ["computed", "computed"]
    assert (fresh.out_dir / "summary.csv").read_bytes() == (again.out_dir / "summary.csv").read_bytes()


def test_a_failed_run_is_recorded_and_the_batch_goes_on(pair, store, tmp_path, monkeypatch):
    bad = pair.points[0].scenario.id
    real = executors.compute

    def flaky(task):
        if task.scenario.id == bad:
            raise FloatingPointError("the model diverged")
        return real(task)

    monkeypatch.setattr(executors, "compute", flaky)
    report = run_batch(pair, tmp_path / "out", workers=1, store=store)
    assert [o.status for o in report.outcomes] == ["failed", "computed"]
    assert report.outcomes[0].error == "FloatingPointError: the model diverged"
    rec = store.find(pair.points[0].run_id)
    assert rec["status"] == "failed" and "diverged" in rec["error"]
    assert list(pd.read_csv(tmp_path / "out" / "points.csv").status) == ["failed", "computed"]
    assert set(pd.read_csv(tmp_path / "out" / "summary.csv").point) == {"p001"}
    monkeypatch.setattr(executors, "compute", real)
    again = run_batch(pair, tmp_path / "out", workers=1, store=store)  # the failed one is tried again
    assert [o.status for o in again.outcomes] == ["computed", "present"]
    assert store.find(pair.points[0].run_id)["status"] == "done"


def test_interrupted_then_resumed_computes_only_what_is_missing(store, tmp_path, monkeypatch):
    batch = load_batch(grid_batch(tmp_path, [0, 500, 1000], [3500]))
    real = executors.compute
    calls = []

    def interrupted(task):
        calls.append(task.scenario.id)
        if task.scenario.id == batch.points[2].scenario.id:  # Ctrl-C during the third point (each point is several simulations)
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(executors, "compute", interrupted)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_batch(batch, out, workers=1, store=store)
    state = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert state["status"] == "running" and state["interrupted"]
    finished = {p.name: (p / "manifest.json").stat().st_mtime_ns for p in (out / "points").iterdir()}
    assert len(finished) == 2
    with pytest.raises(BatchError, match="--resume"):
        run_batch(batch, out, workers=1, store=store)
    monkeypatch.setattr(executors, "compute", real)
    report = run_batch(batch, out, workers=1, store=store, resume=True)
    assert [o.status for o in report.outcomes] == ["present", "present", "computed"]
    assert {p.name: (p / "manifest.json").stat().st_mtime_ns for p in (out / "points").iterdir() if p.name in finished} == finished
    assert store.count("done") == 3 and store.count() == 3


def test_an_output_directory_is_for_one_batch(pair, store, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match="not empty"):
        run_batch(pair, other, workers=1, store=store)
    out = tmp_path / "out"
    monkeypatch.setattr(executors, "compute", lambda task: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        run_batch(pair, out, workers=1, store=store)
    smaller = load_batch(grid_batch(tmp_path / "small", [0], [3500]))
    with pytest.raises(BatchError, match="different batch"):
        run_batch(smaller, out, workers=1, store=store, resume=True)


# -- adaptive replicates -----------------------------------------------------------
ADAPTIVE = """\
    adaptive:
      metric: rural_income_per_capita
      year: 2023
      statistic: impact
      target_width: {target}
      start: 3
      step: 1
      max_replicates: 4
    """


def test_adaptive_replicates_stop_when_converged_or_at_the_maximum(tmp_path, store):
    easy = load_batch(grid_batch(tmp_path / "easy", [500], [4200], replicates=None, extra=ADAPTIVE.format(target=1e9)))
    hard = load_batch(grid_batch(tmp_path / "hard", [500], [4200], replicates=None, extra=ADAPTIVE.format(target=1e-9)))
    a = run_batch(easy, tmp_path / "a", workers=1, store=store).outcomes[0]
    b = run_batch(hard, tmp_path / "b", workers=1, store=store).outcomes[0]
    assert a.replicates == 3 and a.stop_reason.startswith("converged:")
    assert b.replicates == 4 and b.stop_reason.startswith("max reached:")
    assert store.find(b.run_id)["stop_reason"] == b.stop_reason
    manifest = json.loads((b.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["replicates"] == 4 and manifest["adaptive"]["reason"] == "max reached"
    # replicate r is the r-th seed child: the 4-replicate run starts with the 3-replicate run
    ra, rb = (pd.read_parquet(o.out_dir / "replicates.parquet") for o in (a, b))
    first3 = rb[rb.replicate < 3].reset_index(drop=True)
    assert np.array_equal(first3.value.to_numpy(), ra.value.to_numpy(), equal_nan=True)
    # and the finished run is an ordinary run: `qdsim run` of its scenario.yaml gives it back
    assert api.run(api.load_scenario(b.out_dir / "scenario.yaml"), workers=1).run_id == b.run_id
    served = run_batch(hard, tmp_path / "c", workers=1, store=store).outcomes[0]
    assert served.status == "registry" and served.run_id == b.run_id


def test_points_csv_says_why_each_adaptive_point_stopped(tmp_path, store):
    batch = load_batch(grid_batch(tmp_path, [500], [3500, 4200], replicates=None, extra=ADAPTIVE.format(target=1e9)))
    run_batch(batch, tmp_path / "out", workers=1, store=store)
    points = pd.read_csv(tmp_path / "out" / "points.csv")
    assert points.stop_reason.str.startswith("converged").all()


def test_a_batch_of_scenario_files_with_assumption_draws_matches_run(tmp_path, store):
    path = write_batch(tmp_path, "batch: {id: draws}\nscenarios: [tiny.yaml]\n")
    text = (tmp_path / "tiny.yaml").read_text(encoding="utf-8") + "assumption_draws: 2\n"
    (tmp_path / "tiny.yaml").write_text(text, encoding="utf-8")
    o = run_batch(load_batch(path), tmp_path / "out", workers=1, store=store).outcomes[0]
    alone = api.run(api.load_scenario(tmp_path / "tiny.yaml"), workers=1).write(tmp_path / "alone")
    assert (alone / "summary.csv").read_bytes() == (o.out_dir / "summary.csv").read_bytes()
    for name in ("cost.csv", "scenario.yaml"):
        assert (alone / name).read_bytes() == (o.out_dir / name).read_bytes(), name


def test_a_what_if_point_with_assumption_draws_is_paired_and_attributed_as_a_run_is(tmp_path, store):
    """One pipeline: a point's draws run against its baseline too, so that its assumptions are attributed as `qdsim run`'s are."""
    path = write_batch(tmp_path, "batch: {id: what-if-draws}\nscenarios: [what-if.yaml]\n")
    (tmp_path / "what-if.yaml").write_text("extends: tiny.yaml\nid: what-if\nlevers: {labour: {subsidy_per_worker: 2000}}\n"
                                           "assumption_draws: 3\n", encoding="utf-8")
    o = run_batch(load_batch(path), tmp_path / "out", workers=1, store=store).outcomes[0]
    alone = api.run(api.load_scenario(tmp_path / "what-if.yaml"), workers=1).write(tmp_path / "alone")
    for name in ("summary.csv", "cost.csv", "attribution.csv", "scenario.yaml"):
        assert (alone / name).read_bytes() == (o.out_dir / name).read_bytes(), name
    assert json.loads((o.out_dir / "manifest.json").read_text(encoding="utf-8"))["baseline"]["scenario_id"] == "tiny"
