"""Replenishment ABC-SMC: equal weights, diversity kept, the threshold reached, the result independent of the workers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdsim.calibration.sampler import dask_map, process_map
from qdsim.calibration.smc import SmcSettings, log_prior, multiset_ess, rejuvenate, run_smc, steps_for


def _toy(z: np.ndarray, seq: np.random.SeedSequence) -> tuple[float, np.ndarray]:
    """Two parameters, one target each: y_j = expit(z_j) + noise; the data are (0.3, 0.7)."""
    u = 1.0 / (1.0 + np.exp(-z))
    y = u + 0.01 * np.random.default_rng(seq).standard_normal(2)
    return float(np.sqrt(np.mean(((y - np.array([0.3, 0.7])) / 0.05) ** 2))), y


def _ridge(z: np.ndarray, seq: np.random.SeedSequence) -> tuple[float, np.ndarray]:
    """Six parameters, four targets: two directions are unidentified (the shape that broke importance weights)."""
    u = 1.0 / (1.0 + np.exp(-z))
    y = u[:4] - 0.5 + 0.5 * (u[4] - 0.5) * (np.arange(4) < 2) + 0.5 * (u[5] - 0.5) * (np.arange(4) >= 2)
    y = y + 0.005 * np.random.default_rng(seq).standard_normal(4)
    return float(np.sqrt(np.mean((y / 0.1) ** 2))), y


SETTINGS = SmcSettings(population=40, generations=12, min_epsilon=1.0, seed=7)


@pytest.fixture(scope="module")
def serial():
    return run_smc(_toy, 2, SETTINGS)


def test_it_reaches_the_threshold_and_every_particle_is_within_it(serial):
    assert serial.reached
    assert serial.distances.max() <= SETTINGS.min_epsilon
    assert serial.generations[-1]["epsilon"] <= SETTINGS.min_epsilon
    eps = [g["epsilon"] for g in serial.generations]
    assert all(b <= a for a, b in zip(eps, eps[1:], strict=False))


def test_the_posterior_sits_on_the_data(serial):
    u = 1.0 / (1.0 + np.exp(-serial.z))
    # within ε = 1 tolerance unit (0.05) RMS of (0.3, 0.7): each coordinate within 0.05·√2
    assert np.all(np.abs(u.mean(axis=0) - [0.3, 0.7]) < 0.05)
    assert np.all(np.abs(u - [0.3, 0.7]) < 0.05 * math.sqrt(2) + 0.03)


def test_the_same_seed_gives_the_same_result_on_two_processes(serial):
    map_, close = process_map(2)
    try:
        parallel = run_smc(_toy, 2, SETTINGS, map_)
    finally:
        close()
    assert np.array_equal(serial.z, parallel.z) and np.array_equal(serial.distances, parallel.distances)
    assert serial.generations == parallel.generations


def test_the_same_seed_gives_the_same_result_on_a_dask_cluster(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        map_, close = dask_map(cluster.scheduler_address)
        try:
            on_dask = run_smc(_toy, 2, SETTINGS, map_)
        finally:
            close()
    assert np.array_equal(serial.z, on_dask.z) and serial.generations == on_dask.generations


def test_diversity_is_kept_where_parameters_are_unidentified():
    """Importance-weighted ABC-SMC kept 4–31 effective particles of 100–250 on this shape; the moves keep most."""
    r = run_smc(_ridge, 6, SmcSettings(population=80, generations=20, min_epsilon=1.0, seed=3))
    assert r.reached
    assert r.generations[-1]["ess"] >= 0.5 * 80
    u = 1.0 / (1.0 + np.exp(-r.z))
    assert u[:, 4].std() > 0.15  # the unidentified direction keeps roughly its prior spread (uniform: 0.29)


def test_copies_left_at_the_final_threshold_are_moved_again():
    """Forty particles that are eight copies each of five parameter sets within ε (ESS 5): every particle is moved at
    ε until the effective sample size reaches half the particles; all stay within ε, and the rounds are recorded."""
    rng = np.random.default_rng(0)
    centres = np.log(np.array([0.3, 0.7]) / (1 - np.array([0.3, 0.7]))) + 0.05 * rng.standard_normal((5, 2))
    z = np.repeat(centres, 8, axis=0)
    out = [_toy(zi, np.random.SeedSequence([1, i])) for i, zi in enumerate(z)]
    d, values = np.array([o[0] for o in out]), np.array([o[1] for o in out])
    eps = float(d.max()) + 0.5
    assert multiset_ess(z) == pytest.approx(5.0)
    z2, d2, _, gens, sims = rejuvenate(_toy, z, d, values, eps, SmcSettings(population=40, seed=2), first=9)
    assert multiset_ess(z2) >= 20 and (d2 <= eps).all() and sims > 0
    assert gens and all(g["rejuvenation"] and g["epsilon"] == float(f"{eps:.4g}") for g in gens) and gens[0]["generation"] == 9
    # already diverse: nothing to do
    assert rejuvenate(_toy, z2, d2, values, eps, SmcSettings(population=40, seed=2), first=12)[3] == []


def test_a_different_seed_gives_a_different_sample(serial):
    other = run_smc(_toy, 2, SmcSettings(population=40, generations=12, min_epsilon=1.0, seed=8))
    assert not np.array_equal(serial.z, other.z)


def test_it_stops_when_moves_stop_being_accepted():
    """A target no parameter can reach: the threshold stalls, moves are refused, the run stops unconverged."""

    def far(z, seq):
        return 5.0 + float(np.random.default_rng(seq).uniform()), np.zeros(1)

    r = run_smc(far, 2, SmcSettings(population=20, generations=30, min_epsilon=1.0, seed=1, min_move_rate=0.2))
    assert not r.reached and len(r.generations) < 31


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="keep at least two"):
        run_smc(_toy, 2, SmcSettings(population=3, drop=0.5))


def test_steps_for_a_move_rate():
    assert steps_for(0.5, 0.1, 40) == 4  # 0.5**4 = 0.06 ≤ 0.1 < 0.5**3
    assert steps_for(0.0, 0.1, 40) == 40 and steps_for(1.0, 0.1, 40) == 1
    assert steps_for(0.01, 0.1, 40) == 40


def test_multiset_ess_counts_copies():
    z = np.array([[0.0], [0.0], [1.0], [2.0]])
    assert multiset_ess(z) == pytest.approx(16 / 6)
    assert multiset_ess(np.arange(5.0)[:, None]) == 5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-30, 30), min_size=1, max_size=5))
def test_log_prior_is_the_logistic_density(zs):
    z = np.array(zs)
    expected = sum(math.log(math.exp(-x) / (1 + math.exp(-x)) ** 2) if x > -20 else x for x in zs)
    assert log_prior(z) == pytest.approx(expected, rel=1e-9, abs=1e-9)
