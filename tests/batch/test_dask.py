"""The same batch on local processes and on a Dask cluster gives byte-identical results (issue 5)."""

from __future__ import annotations

import pytest

from qdsim.batch import load_batch
from qdsim.batch.engine import run_batch
from qdsim.registry.store import RunStore

from .helpers import grid_batch


@pytest.mark.slow
def test_local_processes_and_a_dask_localcluster_give_identical_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    batch = load_batch(grid_batch(tmp_path, [0, 1000], [3500, 5000], replicates=2))  # 4 runs × 2 replicates
    local = run_batch(batch, tmp_path / "local", workers=2, store=RunStore(tmp_path / "home-local" / "registry.db"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run_batch(batch, tmp_path / "dask", scheduler=cluster.scheduler_address, store=RunStore(tmp_path / "home-dask" / "registry.db"))
    assert [(o.status, o.error) for o in local.outcomes] == [("computed", None)] * 4
    assert [(o.status, o.error) for o in remote.outcomes] == [("computed", None)] * 4
    assert remote.executor.startswith("dask tcp://")
    assert [o.run_id for o in local.outcomes] == [o.run_id for o in remote.outcomes]
    assert (tmp_path / "local" / "summary.csv").read_bytes() == (tmp_path / "dask" / "summary.csv").read_bytes()
    for a, b in zip(local.outcomes, remote.outcomes, strict=True):
        assert (a.out_dir / "summary.csv").read_bytes() == (b.out_dir / "summary.csv").read_bytes()
        assert (a.out_dir / "replicates.parquet").read_bytes() == (b.out_dir / "replicates.parquet").read_bytes()
