"""The seeded batch sampler: an ABC's posterior depends on its seed, not on the workers or the cluster that ran it."""

from __future__ import annotations

import numpy as np
import pyabc
import pytest

from qdsim.calibration.sampler import SeededBatchSampler, dask_map, process_map


def _model(par: dict) -> dict:
    """A toy stochastic model: y ~ Normal(θ, 0.5), with its noise drawn from NumPy's global generator as qdsim's is."""
    return {"y": par["theta"] + 0.5 * np.random.standard_normal()}


def _distance(x: dict, x0: dict) -> float:
    return abs(x["y"] - x0["y"])


def _posterior(map_) -> tuple[np.ndarray, np.ndarray, list[float]]:
    sampler = SeededBatchSampler(map_, batch=16, seed=42)
    prior = pyabc.Distribution(theta=pyabc.RV("uniform", -3, 6))
    abc = pyabc.ABCSMC(_model, prior, _distance, population_size=20, sampler=sampler)
    np.random.seed(42)
    abc.new("sqlite://", {"y": 1.0})
    history = abc.run(max_nr_populations=3)
    df, w = history.get_distribution(m=0, t=history.max_t)
    eps = history.get_all_populations().epsilon.tolist()
    return df["theta"].to_numpy(), np.asarray(w), eps


@pytest.fixture(scope="module")
def serial():
    return _posterior(map)


def test_the_same_seed_gives_the_same_posterior_on_two_processes(serial):
    map_, close = process_map(2)
    try:
        parallel = _posterior(map_)
    finally:
        close()
    for a, b in zip(serial, parallel, strict=True):
        assert np.array_equal(np.asarray(a), np.asarray(b))


def test_the_same_seed_gives_the_same_posterior_on_a_dask_cluster(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        map_, close = dask_map(cluster.scheduler_address)
        try:
            on_dask = _posterior(map_)
        finally:
            close()
    for a, b in zip(serial, on_dask, strict=True):
        assert np.array_equal(np.asarray(a), np.asarray(b))


def test_the_posterior_moves_towards_the_data_and_the_threshold_shrinks(serial):
    theta, w, eps = serial
    assert abs(np.average(theta, weights=w) - 1.0) < 1.0
    assert eps[-1] < eps[1]


def test_a_generation_reads_candidates_in_order_up_to_the_nth_accepted():
    """Candidates accepted at indices 1, 3 and 4 of a batch of 6: n = 2 takes indices 0–3, discards 4 and 5."""
    accept = iter([False, True, False, True, True, False])

    class Sim:
        preliminary = False

        def __init__(self, ok):
            self.accepted = ok

    sampler = SeededBatchSampler(lambda fn, keys: [Sim(next(accept)) for _ in keys], batch=6, seed=1)
    sampler.sample_factory = pyabc.population.SampleFactory(record_rejected=True)
    sample = sampler.sample_until_n_accepted(2, lambda: None, 0)
    assert sampler.nr_evaluations_ == 4 and sampler.discarded == 2 and sample.n_accepted == 2
