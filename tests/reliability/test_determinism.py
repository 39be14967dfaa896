"""Determinism: the same inputs give a byte-identical summary.csv across repeated runs in one process,
`qdsim run --fresh` twice, any number of workers, the serial and process executors, a recomputed batch
and a batch served from the registry.

(Local processes against a Dask cluster: tests/batch/test_dask.py; a batch point against `qdsim run` of its
scenario: tests/batch/test_engine.py; `qdsim run` on 1 and 2 workers at the baseline: tests/test_cli.py.)
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qdsim import api
from qdsim.batch import load_batch
from qdsim.batch.engine import run_batch
from qdsim.cli import app
from qdsim.registry.store import RunStore

from .helpers import TINY, tiny_batch

runner = CliRunner()
REPLICATES = 3


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The tiny scenario at 3 replicates, run in this process and written."""
    result = api.run(api.load_scenario(TINY), replicates=REPLICATES, workers=1)
    return result.write(tmp_path_factory.mktemp("det") / "reference")


def test_repeated_runs_in_one_process_are_byte_identical(reference, tmp_path):
    scenario = api.load_scenario(TINY)
    for i in range(2):
        again = api.run(scenario, replicates=REPLICATES, workers=1).write(tmp_path / f"again{i}")
        assert (again / "summary.csv").read_bytes() == (reference / "summary.csv").read_bytes()
        assert (again / "replicates.parquet").read_bytes() == (reference / "replicates.parquet").read_bytes()
        assert (again / "scenario.yaml").read_bytes() == (reference / "scenario.yaml").read_bytes()


def test_qdsim_run_fresh_twice_and_on_any_number_of_workers_is_byte_identical(reference, tmp_path, monkeypatch):
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    outs = []
    for i, workers in enumerate(["1", "1", "2"]):
        out = tmp_path / f"run{i}"
        r = runner.invoke(app, ["run", str(TINY), "--replicates", str(REPLICATES), "--workers", workers, "--fresh", "--quiet", "--out", str(out)])
        assert r.exit_code == 0, r.output
        outs.append(out)
    served = tmp_path / "served"  # without --fresh: the registry's copy
    assert runner.invoke(app, ["run", str(TINY), "--replicates", str(REPLICATES), "--quiet", "--out", str(served)]).exit_code == 0
    for out in [*outs, served]:
        assert (out / "summary.csv").read_bytes() == (reference / "summary.csv").read_bytes(), out.name
        assert (out / "cost.csv").read_bytes() == (reference / "cost.csv").read_bytes(), out.name
    runs = RunStore(tmp_path / "home" / "registry.db").list_runs()
    assert len(runs) == 1 and runs[0]["attempts"] == 1  # recomputing a finished run does not add a run or an attempt


def test_a_batch_is_byte_identical_on_one_or_two_workers_recomputed_or_served(tmp_path):
    batch = load_batch(tiny_batch(tmp_path / "in", wages=[3500, 4200, 5000]))
    store = RunStore(tmp_path / "home" / "registry.db")
    serial = run_batch(batch, tmp_path / "serial", workers=1, store=store)
    local = run_batch(batch, tmp_path / "local", workers=2, store=RunStore(tmp_path / "home2" / "registry.db"))
    fresh = run_batch(batch, tmp_path / "fresh", workers=1, fresh=True, store=store)
    served = run_batch(batch, tmp_path / "served", store=store)
    assert serial.executor.startswith("serial") and local.executor.startswith("local processes")
    assert [o.status for o in fresh.outcomes] == ["computed"] * 3 and [o.status for o in served.outcomes] == ["registry"] * 3
    expected = (tmp_path / "serial" / "summary.csv").read_bytes()
    for report in (local, fresh, served):
        assert (report.out_dir / "summary.csv").read_bytes() == expected, report.out_dir.name
        for a, b in zip(serial.outcomes, report.outcomes, strict=True):
            assert a.run_id == b.run_id
            assert (a.out_dir / "summary.csv").read_bytes() == (b.out_dir / "summary.csv").read_bytes()
