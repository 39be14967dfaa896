"""The order-keeping maps: the built-in one, a process pool and a Dask cluster give results in input order."""

from __future__ import annotations

import pytest

from qdsim.calibration.sampler import dask_map, process_map


def _square(x: int) -> int:
    return x * x


def test_a_process_pool_keeps_the_order():
    map_, close = process_map(2)
    try:
        assert list(map_(_square, range(20))) == [x * x for x in range(20)]
    finally:
        close()


def test_one_worker_is_the_built_in_map():
    map_, close = process_map(1)
    assert map_ is map
    close()


def test_a_dask_cluster_keeps_the_order():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        map_, close = dask_map(cluster.scheduler_address)
        try:
            assert list(map_(_square, range(20))) == [x * x for x in range(20)]
        finally:
            close()
