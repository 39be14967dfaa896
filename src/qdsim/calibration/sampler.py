"""Order-keeping maps for the calibration's particles: the built-in one, a process pool, or a Dask cluster.

Each particle's randomness comes from its own seed sequence (:mod:`qdsim.calibration.smc`), so the result
does not depend on which map runs it, nor on how many workers it has.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator

from qdsim.simulation import pool as worker_pool

Mapper = Callable[[Callable, Iterable], Iterator]


def process_map(workers: int) -> tuple[Mapper, Callable[[], None]]:
    """An order-keeping map over ``workers`` processes, and the function that closes them.

    The workers are those of runs (:mod:`qdsim.simulation.pool`): they leave Ctrl-C to the calibration and exit
    when it is gone, however it ended (a calibration killed with SIGTERM left its two workers computing).
    """
    if workers <= 1:
        return map, lambda: None
    pool = worker_pool.executor(workers)

    def map_(fn: Callable, items: Iterable) -> Iterator:
        items = list(items)
        return pool.map(fn, items, chunksize=max(1, len(items) // (4 * workers)))

    return map_, functools.partial(pool.shutdown, cancel_futures=True)


def dask_map(address_or_client) -> tuple[Mapper, Callable[[], None]]:
    """An order-keeping map on a Dask cluster (a scheduler address, or a ``distributed.Client``), and its closer."""
    from distributed import Client  # an optional dependency: only a run on a cluster needs it

    own = not isinstance(address_or_client, Client)
    client = Client(address_or_client, set_as_default=False) if own else address_or_client

    def map_(fn: Callable, items: Iterable) -> Iterator:
        return iter(client.gather(client.map(fn, list(items), pure=False)))

    return map_, (client.close if own else (lambda: None))
