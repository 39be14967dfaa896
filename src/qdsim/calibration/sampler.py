"""A pyABC sampler whose result depends on the seed alone: not on the number of workers, nor on where they run.

pyABC's own parallel samplers accept particles in the order they finish, and
draw proposals from each worker's global NumPy generator, so a calibration on
two processes, eight, or a Dask cluster gives different posteriors. This
sampler evaluates candidates in fixed-size batches; candidate ``i`` of batch
``b`` of generation ``t`` seeds NumPy's (and Python's) global generators from
``SeedSequence([seed, t, b, i])`` before pyABC proposes and simulates it, and
the batch's results are read in index order up to the ``n``-th accepted
particle. Every candidate is therefore the same wherever it runs, and the
accepted set is the same for any ``map`` — the built-in one, a process pool or
a Dask client (tested).

The price is the unused tail of the last batch of a generation (at most
``batch - 1`` evaluations), counted apart as ``discarded``.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

Mapper = Callable[[Callable, Iterable], Iterator]


def _evaluate(payload: bytes, key: tuple[int, int, int, int]):
    """One candidate: the global generators seeded from ``key``, then pyABC's proposal and simulation."""
    simulate_one = cloudpickle.loads(payload)
    state = np.random.SeedSequence(list(key)).generate_state(2)
    np.random.seed(int(state[0]))
    random.seed(int(state[1]))
    return simulate_one()


class SeededBatchSampler(Sampler):
    """Candidates in batches of ``batch``, seeded by (seed, generation, batch, index), read in index order.

    Args:
        map_: a ``map``-like function that keeps the order of its inputs (built-in ``map``,
            ``ProcessPoolExecutor.map``, :func:`dask_map`).
        batch: candidates evaluated together; part of the result's identity (keep it fixed to reproduce).
        seed: the calibration's seed.
    """

    def __init__(self, map_: Mapper = map, batch: int = 64, seed: int = 0):
        super().__init__()
        self.map_ = map_
        self.batch = int(batch)
        self.seed = int(seed)
        self.discarded = 0

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):  # noqa: ARG002 - pyABC's signature
        payload = cloudpickle.dumps(simulate_one)
        evaluate = functools.partial(_evaluate, payload)
        sample = self._create_empty_sample()
        accepted = evaluated = b = 0
        while accepted < n and evaluated < max_eval:
            keys = [(self.seed, int(t) + 1, b, i) for i in range(self.batch)]  # t is -1 for pyABC's calibration sample
            results = list(self.map_(evaluate, keys))
            for k, r in enumerate(results):
                sample.append(r)
                evaluated += 1
                accepted += bool(r.accepted)
                if accepted >= n:
                    self.discarded += len(results) - k - 1
                    break
            b += 1
        self.nr_evaluations_ = evaluated
        if sample.n_accepted < n:
            sample.ok = False
        return sample


def process_map(workers: int) -> tuple[Mapper, Callable[[], None]]:
    """An order-keeping map over ``workers`` processes, and the function that closes them."""
    if workers <= 1:
        return map, lambda: None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver"))

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
