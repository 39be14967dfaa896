"""Limits: scale, replicates, assumption draws, workers, batch size and sample size are bounded, with clear
messages, exit 2 and nothing written. (Limits in files are in the corpora; the app's in test_app_upload.py.)"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qdsim.batch import load_batch
from qdsim.batch.spec import MAX_POINTS, MAX_REPLICATE_RUNS
from qdsim.cli import app
from qdsim.presentation.console import MAX_WORKERS
from qdsim.scenario import ScenarioError
from qdsim.scenario.schema import MAX_ASSUMPTION_DRAWS, MAX_REPLICATES
from qdsim.scenario.yamlfile import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

from .helpers import TINY, files_under, tiny_batch, tiny_dir

runner = CliRunner()

RUN_FLAGS = [
    (["--replicates", "0"], "--replicates: "),
    (["--replicates", str(MAX_REPLICATES + 1)], "--replicates: "),
    (["--replicates", str(10**12)], "--replicates: "),
    (["--scale", "0"], "--scale: "),
    (["--scale", "5"], "--scale: "),
    (["--scale", "nan"], "--scale: "),
    (["--scale", "inf"], "--scale: "),
    (["--assumptions", str(MAX_ASSUMPTION_DRAWS + 1)], "--assumptions: "),
    (["--assumptions", "-1"], "--assumptions: "),
    (["--seed", "-1"], "--seed: "),
    (["--workers", "0"], "--workers: "),
    (["--workers", str(MAX_WORKERS + 1)], "--workers: must be between 1 and"),
]


def test_the_limits_are_what_the_documentation_says():
    assert (MAX_REPLICATES, MAX_ASSUMPTION_DRAWS, MAX_POINTS, MAX_REPLICATE_RUNS, MAX_WORKERS) == (1000, 500, 10_000, 200_000, 256)
    assert (MAX_FILE_BYTES, MAX_DEPTH, MAX_NODES) == (1_000_000, 20, 200_000)


@pytest.mark.parametrize(("flags", "message"), RUN_FLAGS, ids=lambda x: " ".join(x) if isinstance(x, list) else "")
def test_run_options_beyond_the_limits_exit_2_and_write_nothing(flags, message, tmp_path, monkeypatch):
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(TINY), "--out", str(out), "--quiet", *flags])
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert files_under(tmp_path) == set()  # no output, no registry


@pytest.mark.parametrize("workers", ["0", str(MAX_WORKERS + 1), str(10**9)])
def test_batch_workers_beyond_the_limit_exit_2_and_write_nothing(workers, tmp_path, monkeypatch):
    path = tiny_batch(tmp_path / "in")
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    r = runner.invoke(app, ["batch", str(path), "--out", str(tmp_path / "out"), "--workers", workers, "--quiet"])
    assert r.exit_code == 2 and "--workers: must be between 1 and 256" in r.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "home").exists()


def test_assumption_draws_of_the_base_scenarios_count_in_a_batch_budget(tmp_path):
    folder = tiny_dir(tmp_path)
    (folder / "draws.yaml").write_text("extends: tiny.yaml\nid: draws\ntitle: {zh: 抽样, en: Draws}\nassumption_draws: 500\n", encoding="utf-8")
    wages = ", ".join(str(3500 + i) for i in range(134))
    path = folder / "b.yaml"
    path.write_text(f"batch: {{id: b}}\nbase: draws.yaml\ngrid:\n  overrides.wage_qingdao: [{wages}]\nreplicates: 1000\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_batch(path)
    assert [str(p) for p in e.value.problems] == [
        f"{path}:1: batch: 134 points ask for 201,000 replicate runs (replicates and assumption draws), more than the 200,000 a batch may ask for"
    ]
    path.write_text(path.read_text(encoding="utf-8").replace("replicates: 1000", "replicates: 900"), encoding="utf-8")
    assert len(load_batch(path).points) == 134  # 134 × (900 + 500) = 187,600: within the budget


def test_qdsim_app_serves_uploads_of_at_most_2_mb(monkeypatch):
    import qdsim.cli

    called = []

    def execv(path, args):  # the server takes the command's process (POSIX); recorded here instead
        called.append(args)
        raise SystemExit(0)

    monkeypatch.setattr(qdsim.cli.os, "execv", execv)
    monkeypatch.setattr(qdsim.cli.subprocess, "call", lambda args: called.append(args) or 0)
    assert runner.invoke(app, ["app", "--port", "8599"]).exit_code == 0
    args = called[0]
    assert args[args.index("--server.maxUploadSize") + 1] == "2"


def test_points_times_scenarios_are_bounded_like_a_grid(tmp_path):
    folder = tiny_dir(tmp_path)
    for i in range(3):
        (folder / f"s{i}.yaml").write_text(f"extends: tiny.yaml\nid: s{i}\ntitle: {{zh: 情景{i}, en: S{i}}}\n", encoding="utf-8")
    points = "".join(f"  - {{overrides.wage_qingdao: {3000 + i}}}\n" for i in range(3400))
    path = folder / "b.yaml"
    path.write_text(f"batch: {{id: b}}\nscenarios: [s0.yaml, s1.yaml, s2.yaml]\npoints:\n{points}", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_batch(path)
    assert [str(p) for p in e.value.problems] == [f"{path}:3: points: 10,200 points is more than the 10,000 a batch may have"]
