"""Output folders: replaced only when qdsim wrote everything in them, and atomically, even with several writers at once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qdsim import api
from qdsim.cli import app
from qdsim.results.outputs import OUTPUT_FILES, NotReplaceable, copy_outputs, why_not_replaceable
from qdsim.results.result import RunResult

from ..reliability.helpers import TINY

runner = CliRunner()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return api.run(api.load_scenario(TINY), workers=1).write(tmp_path_factory.mktemp("outputs") / "run")


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_folder_whose_names_match_but_holds_a_users_documents_is_refused(run_dir, tmp_path, monkeypatch):
    """The issue's case: reports/ looks like a run, but reports/brief/ holds a minister's document and a budget."""
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    reports = tmp_path / "reports"
    shutil.copytree(run_dir, reports)
    (reports / "brief").mkdir()
    (reports / "brief" / "minister-2025.docx").write_bytes(b"PK the minister's brief")
    (reports / "brief" / "budget.xlsx").write_bytes(b"PK the budget")
    before = snapshot(tmp_path)
    r = runner.invoke(app, ["run", str(TINY), "--out", str(reports), "--seed", "8", "--workers", "1", "--quiet"])
    assert r.exit_code == 2, r.output
    assert "holds files qdsim did not write (brief)" in r.output and "nothing is deleted" in r.output
    assert snapshot(tmp_path) == before
    with pytest.raises(NotReplaceable):
        RunResult.read(run_dir).write(reports)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case", ["no manifest", "not json", "not a qdsim manifest", "a symlink", "a subfolder", "another scenario's brief"])
def test_only_a_folder_qdsim_wrote_is_replaced(run_dir, tmp_path, case):
    d = tmp_path / "d"
    shutil.copytree(run_dir, d)
    sid = json.loads((d / "manifest.json").read_text(encoding="utf-8"))["scenario"]["id"]
    if case == "no manifest":
        (d / "manifest.json").unlink()
    elif case == "not json":
        (d / "manifest.json").write_text("{not json", encoding="utf-8")
    elif case == "not a qdsim manifest":
        (d / "manifest.json").write_text(json.dumps({"name": "my project", "version": 2}), encoding="utf-8")
    elif case == "a symlink":
        (d / "summary.csv").unlink()
        (d / "summary.csv").symlink_to(tmp_path / "elsewhere.csv")
    elif case == "a subfolder":
        (d / "data").mkdir()
    else:
        (d / "brief").mkdir()
        (d / "brief" / f"{sid}x-brief-zh.docx").write_bytes(b"")
    assert why_not_replaceable(d)
    with pytest.raises(NotReplaceable):
        copy_outputs(run_dir, d)


def test_a_run_with_its_brief_and_figures_or_an_empty_folder_is_replaced(run_dir, tmp_path):
    d = tmp_path / "d"
    shutil.copytree(run_dir, d)
    sid = json.loads((d / "manifest.json").read_text(encoding="utf-8"))["scenario"]["id"]
    (d / "brief" / "figures").mkdir(parents=True)
    (d / "brief" / f"{sid}-brief-zh.docx").write_bytes(b"old")
    (d / "brief" / "figures" / f"{sid}-en-income-map.png").write_bytes(b"old")
    assert why_not_replaceable(d) is None
    copy_outputs(run_dir, d)
    assert sorted(p.name for p in d.iterdir()) == sorted(OUTPUT_FILES)
    empty = tmp_path / "empty"
    empty.mkdir()
    copy_outputs(run_dir, empty)
    assert sorted(p.name for p in empty.iterdir()) == sorted(OUTPUT_FILES)


WRITER = """
import sys
from qdsim.results.result import RunResult
run = RunResult.read(sys.argv[1])
failed = 0
for _ in range(int(sys.argv[3])):
    try:
        run.write(sys.argv[2])
    except Exception as e:
        failed += 1
        print(type(e).__name__, e, file=sys.stderr)
sys.exit(1 if failed else 0)
"""


def test_four_processes_writing_one_folder_at_once_all_succeed(run_dir, tmp_path):
    out = tmp_path / "shared"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(run_dir), str(out), "15"], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in errors), errors
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)  # one complete run
    assert RunResult.read(out).summary.equals(RunResult.read(run_dir).summary)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared"]  # nothing left aside


def test_four_qdsim_runs_with_one_out_all_succeed(run_dir, tmp_path):
    """Four commands at once with the same --out, twice each (the registry serves the run after the first)."""
    env = {**os.environ, "QDSIM_HOME": str(tmp_path / "home")}
    out = tmp_path / "shared"
    cmd = [sys.executable, "-m", "qdsim.cli", "run", str(TINY), "--out", str(out), "--workers", "1", "--quiet"]
    for _ in range(2):
        procs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
        assert all(code == 0 for code, _ in results), results
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert RunResult.read(out).summary.equals(RunResult.read(run_dir).summary)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "shared"]
