"""Where replicates run: in this process, in local processes, or on a Dask cluster.

Each executor runs :func:`compute` on :class:`~qdsim.simulation.runner.SimulationTask`\\ s
and reports each finished task through a callback. The replicate seeds are in
the tasks, so which executor ran a task, on which worker and in which order,
does not change its result.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from qdsim.results.provenance import code_sha
from qdsim.simulation import pool
from qdsim.simulation.runner import SimulationTask, run_task

Done = Callable[[Future], None]


def compute(task: SimulationTask) -> tuple[str, object, float]:
    """One simulation, with the hash of the code that computed it and the seconds it took."""
    t0 = time.perf_counter()
    values = run_task(task)
    return code_sha(), values, time.perf_counter() - t0


class Serial:
    """In this process, one task at a time (``--workers 1``)."""

    capacity = 1
    prefetch = 1  # computing happens at submit: one at a time, so that each result is recorded before the next starts
    name = "serial"

    def submit(self, task: SimulationTask, done: Done) -> None:
        fut: Future = Future()
        try:
            fut.set_result(compute(task))
        except Exception as e:  # noqa: BLE001 - reported through the future like the other executors
            fut.set_exception(e)
        done(fut)

    def close(self, cancel: bool = False) -> None:
        pass


class Local:
    """Local processes (all cores by default)."""

    name = "local processes"

    def __init__(self, workers: int):
        self.capacity = workers
        self.prefetch = 2 * workers  # enough queued to keep every worker busy, few enough to lose little
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return pool.executor(self.capacity)  # forks of the warm fork server, each exiting with this process

    def submit(self, task: SimulationTask, done: Done) -> None:
        try:
            fut = self.pool.submit(compute, task)
        except BrokenProcessPool:
            # a worker died (out of memory, killed): its replicates failed; carry on with a new pool
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            fut = self.pool.submit(compute, task)
        fut.add_done_callback(done)

    def close(self, cancel: bool = False) -> None:
        if cancel:
            procs = list((getattr(self.pool, "_processes", None) or {}).values())
            self.pool.shutdown(wait=False, cancel_futures=True)
            for p in procs:  # a replicate may take minutes: do not wait for it
                if p.is_alive():
                    p.terminate()
        else:
            self.pool.shutdown(wait=True)


class DaskCluster:
    """A Dask distributed scheduler (``--scheduler tcp://host:8786``)."""

    name = "dask"

    def __init__(self, address: str, timeout: float = 30):
        try:
            from distributed import Client
        except ImportError as e:  # pragma: no cover - a declared dependency
            raise RuntimeError("--scheduler needs dask.distributed (pip install 'dask[distributed]')") from e
        self.address = address
        self.client = Client(address, timeout=timeout, set_as_default=False)
        self.capacity = max(1, sum(self.client.nthreads().values()))
        self.prefetch = 2 * self.capacity

    def submit(self, task: SimulationTask, done: Done) -> None:
        key = f"qdsim-{task.scenario.id}-r{task.replicate}-{os.urandom(4).hex()}"
        self.client.submit(compute, task, key=key, pure=False).add_done_callback(done)

    def close(self, cancel: bool = False) -> None:
        self.client.close()


def make_executor(workers: int | None = None, scheduler: str | None = None):
    """The executor for ``--workers`` / ``--scheduler``."""
    if scheduler:
        return DaskCluster(scheduler)
    from qdsim.simulation.runner import default_workers

    n = default_workers() if workers is None else max(1, int(workers))
    return Serial() if n == 1 else Local(n)
