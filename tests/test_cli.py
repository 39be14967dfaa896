"""The command line end to end at tiny scale: outputs, manifest, reproducibility, errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from qdsim.foundation.metrics import METRIC_IDS

from .conftest import SCENARIOS

COUNTIES = {"all", "anding", "tongwei", "longxi", "weiyuan", "lintao", "zhangxian", "minxian"}


def qdsim(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "qdsim.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "base"
    r = qdsim("run", SCENARIOS / "baseline.yaml", "--out", out, "--replicates", "3", "--scale", "0.003", "--workers", "1", "--quiet")
    assert r.returncode == 0, r.stderr
    return out


def test_run_writes_the_three_outputs(run_dir):
    assert {p.name for p in run_dir.iterdir()} >= {"summary.csv", "manifest.json", "replicates.parquet", "scenario.yaml"}


def test_summary_has_every_metric_year_and_county(run_dir):
    df = pd.read_csv(run_dir / "summary.csv")
    for col in ("scenario", "metric", "year", "unit", "mean", "p05", "p50", "p95", "n_replicates", "impact_mean", "impact_p05", "impact_p95", "county"):
        assert col in df.columns
    base = df[df.scenario == "baseline"]
    assert set(base.metric) == set(METRIC_IDS)
    assert set(base.year) == set(range(2021, 2031))
    assert set(base.county) == COUNTIES
    assert len(base) == len(METRIC_IDS) * 10 * 8
    assert (base.n_replicates[base.metric == "rural_income_per_capita"] == 3).all()


def test_county_rows_add_up_to_all_for_sums(run_dir):
    df = pd.read_csv(run_dir / "summary.csv")
    df = df[df.scenario == "baseline"]
    for metric in ("consumption_sales", "stable_employment", "fiscal_funds_spent", "households", "rural_population", "enterprise_jobs"):
        d = df[df.metric == metric]
        total = d[d.county == "all"].set_index("year")["mean"]
        parts = d[d.county != "all"].groupby("year")["mean"].sum()
        assert ((total - parts).abs() <= 1e-6 * total.abs().clip(lower=1)).all(), metric


def test_manifest_has_every_field(run_dir):
    m = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    for key in ("run_id", "created", "qdsim_version", "commit", "python_version", "mesa_version", "numpy_version", "scenario",
                "scenario_sha256", "parameters", "parameters_sha256", "seeds", "replicates", "scale", "sources"):
        assert key in m, key
    assert m["run_id"].startswith("qd-") and m["replicates"] == 3 and m["scale"] == 0.003
    assert m["warnings"] == []  # the baseline stays within the calibrated range
    assert any(s["id"] == "consumption_sales_total" for s in m["sources"])
    assert all({"value", "unit", "status", "source", "range"} <= set(p) for p in m["parameters"])


def test_same_seed_is_byte_identical_whatever_the_workers(run_dir, tmp_path):
    again = tmp_path / "again"
    r = qdsim("run", SCENARIOS / "baseline.yaml", "--out", again, "--replicates", "3", "--scale", "0.003", "--workers", "2", "--quiet", "--fresh")
    assert r.returncode == 0, r.stderr
    assert (again / "summary.csv").read_bytes() == (run_dir / "summary.csv").read_bytes()


def test_validate_exits_0_on_shipped_files():
    r = qdsim("validate", *sorted(SCENARIOS.glob("*.yaml")))
    assert r.returncode == 0, r.stderr


def test_validate_names_file_line_field_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: {zh: 甲, en: a}\nscale: 2\nlevers:\n  labour: {bonus: 1}\n", encoding="utf-8")
    r = qdsim("validate", bad)
    assert r.returncode == 2
    assert f"{bad}:3: scale:" in r.stderr and f"{bad}:5: levers.labour.bonus: unknown field" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_run_on_bad_file_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    out = tmp_path / "out"
    r = qdsim("run", bad, "--out", out)
    assert r.returncode == 2 and not out.exists() and "title: required field is missing" in r.stderr


def test_bad_option_is_a_clear_error(tmp_path):
    r = qdsim("run", SCENARIOS / "baseline.yaml", "--scale", "5", "--out", tmp_path / "o")
    assert r.returncode == 2 and "--scale" in r.stderr and "Traceback" not in r.stderr


def test_a_lever_beyond_the_calibrated_range_is_named_in_the_manifest(tmp_path):
    text = (SCENARIOS / "baseline.yaml").read_text(encoding="utf-8").replace("showrooms: {2021: 8, 2022: 16, 2023: 24, 2024: 28}", "showrooms: {2021: 8, 2026: 300}")
    f = tmp_path / "far.yaml"
    f.write_text(text, encoding="utf-8")
    out = tmp_path / "o"
    r = qdsim("run", f, "--out", out, "--replicates", "1", "--scale", "0.001", "--workers", "1", "--quiet")
    assert r.returncode == 0, r.stderr
    warnings = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["warnings"]
    assert len(warnings) == 1 and "Showrooms" in warnings[0] and "warning:" in r.stderr


def test_rich_markup_in_a_title_is_printed_as_text(tmp_path):
    """A title with `[/bold]` once crashed `qdsim run` after it had written and recorded the run, and on every rerun."""
    text = (SCENARIOS / "baseline.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^  en: .*$", '  en: "Closing [/bold] and [red]open[/red] tags"', text, count=1, flags=re.M)
    path = tmp_path / "markup.yaml"
    path.write_text(text, encoding="utf-8")
    env_home = tmp_path / "home"
    for _ in range(2):  # computed, then served from the registry
        r = subprocess.run([sys.executable, "-m", "qdsim.cli", "run", str(path), "--out", str(tmp_path / "o"), "--replicates", "2",
                            "--scale", "0.003", "--workers", "1"], capture_output=True, text=True, timeout=600,
                           env={**os.environ, "QDSIM_HOME": str(env_home), "COLUMNS": "300"})
        assert r.returncode == 0, r.stderr
        assert "Closing [/bold] and [red]open[/red] tags" in r.stdout
        assert "Traceback" not in r.stderr


@pytest.mark.parametrize("limit", ["99999999999999999999", "-1"])
def test_runs_limit_out_of_range_is_exit_2(limit, tmp_path):
    r = subprocess.run([sys.executable, "-m", "qdsim.cli", "runs", "--limit", limit], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "QDSIM_HOME": str(tmp_path)})
    assert r.returncode == 2 and "--limit: must be between 0 and 1,000,000,000" in r.stderr and "Traceback" not in r.stderr


def test_runs_lists_markup_in_an_error_as_text(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from qdsim.cli import app
    from qdsim.registry.store import RunStore

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    store = RunStore.default()
    store.start("qd-0123456789ab", scenario_id="t", scenario_sha="", params_sha="", seed=1, replicates=1, scale=0.01, out_dir=tmp_path)
    store.fail("qd-0123456789ab", "ValueError: [/bold] broke it")
    r = CliRunner().invoke(app, ["runs"], env={"COLUMNS": "300"})
    assert r.exit_code == 0 and "[/bold] broke it" in r.output


@pytest.mark.parametrize(("extra", "address"), [([], "127.0.0.1"), (["--address", "0.0.0.0"], "0.0.0.0")])
def test_qdsim_app_serves_safely_by_default(monkeypatch, extra, address, tmp_path):
    """No usage statistics, no Deploy/Stop, no error details, this machine only unless --address is given."""
    from typer.testing import CliRunner

    import qdsim.cli
    from qdsim.cli import app

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    called = []

    def execv(path, args):  # the server takes the command's process (POSIX); recorded here instead
        called.append(args)
        raise SystemExit(0)

    monkeypatch.setattr(qdsim.cli.os, "execv", execv)
    monkeypatch.setattr(qdsim.cli.subprocess, "call", lambda args: called.append(args) or 0)
    assert CliRunner().invoke(app, ["app", "--port", "8599", *extra]).exit_code == 0
    args = called[0]
    flags = dict(zip(args[args.index("--server.address")::2], args[args.index("--server.address") + 1::2], strict=False))
    assert flags["--server.address"] == address and flags["--server.port"] == "8599"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert flags["--client.showErrorDetails"] == "none"
    assert flags["--client.toolbarMode"] == "minimal" and flags["--ui.hideTopBar"] == "true"
