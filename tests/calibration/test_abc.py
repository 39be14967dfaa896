"""The ABC machinery: the parameter space, the distance, the posterior, the cut scenario, a tiny run."""

from __future__ import annotations

import numpy as np
import pytest

from qdsim import api
from qdsim.calibration.abc import AbcCalibration, AbcSettings, Posterior, Space, calibration_scenario, distance, identification, log_errors, prior_values
from qdsim.calibration.targets import of_role
from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.model.streams import replicate_seeds
from qdsim.simulation.runner import simulate


def test_space_maps_ranges_to_the_unit_interval_and_back():
    space = Space.of(load_catalogue())
    assert space.ids, "no calibrated parameters"
    lo = {p.id: p.range[0] for p in space.params}
    hi = {p.id: p.range[1] for p in space.params}
    assert np.allclose(space.to_u(lo), 0) and np.allclose(space.to_u(hi), 1)
    u = np.linspace(0.1, 0.9, len(space.ids))
    back = space.to_u(space.to_values(u))
    assert np.allclose(back, u)
    # log scale for positive ranges: the middle of u is the geometric mean
    p = next(p for p in space.params if p.range[0] > 0)
    mid = space.to_values(np.full(len(space.ids), 0.5))[p.id]
    assert mid == pytest.approx((p.range[0] * p.range[1]) ** 0.5)


def test_distance_is_the_rms_of_log_errors_in_tolerances():
    targets = of_role("fit")
    reported = np.ones(len(targets))
    assert distance(reported, reported, targets) == 0.0
    values = reported.copy()
    values[0] = np.exp(targets[0].tolerance)  # one tolerance off on one target
    assert distance(values, reported, targets) == pytest.approx((1 / len(targets)) ** 0.5)
    assert abs(log_errors(np.zeros(len(targets)), reported, targets)[0]) > 100  # a zero is far off, not an error


def test_posterior_quantiles_draws_and_record_round_trip():
    post = Posterior(["a", "b"], np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]), np.array([0.0, 1.0, 0.0]), np.array([0.5, 0.4, 0.3]))
    q = post.quantiles()
    assert q["a"] == [2.0, 2.0, 2.0] and q["b"] == [20.0, 20.0, 20.0]  # all weight on the middle particle
    draws = post.draw(5, np.random.default_rng(1))
    assert all(d == {"a": 2.0, "b": 20.0} for d in draws)
    again = Posterior.from_record(post.to_record())
    assert again.ids == post.ids and np.array_equal(again.samples, post.samples) and np.allclose(again.weights, post.weights)


def test_identification_reads_the_posterior_width():
    space = Space.of(load_catalogue())
    k = len(space.ids)
    u = np.full((50, k), 0.5)
    u[:, 0] = np.linspace(0, 1, 50)  # the first parameter spread over its whole range, the others pinned
    samples = np.array([[space.to_values(row)[pid] for pid in space.ids] for row in u])
    ident = identification(Posterior(space.ids, samples, np.full(50, 1 / 50), np.zeros(50)), space)
    assert ident[space.ids[0]]["identification"] == "not identified"
    assert all(ident[pid]["identification"] == "identified" for pid in space.ids[1:])


def test_the_cut_scenario_runs_the_same_first_years():
    full = api.load_scenario("baseline")
    cut = calibration_scenario(full)
    assert cut.period.end == 2025
    params = api.parameters_for(full)
    seq = replicate_seeds(3, 1)[0]
    a = simulate(full, params, seq, 0.003)
    b = simulate(cut, params, seq, 0.003)
    n = len(cut.period.years)
    assert np.array_equal(a[:, :n], b, equal_nan=True)


@pytest.mark.slow
def test_a_tiny_abc_run_gives_a_posterior_within_the_priors():
    cal = AbcCalibration(api.load_scenario("baseline"), AbcSettings(scale=0.003, population=6, generations=2, min_epsilon=0.1, workers=1, seed=5))
    post = cal.run()
    assert post.samples.shape == (6, len(cal.space.ids)) and np.isclose(post.weights.sum(), 1)
    for j, p in enumerate(cal.space.params):
        assert np.all((post.samples[:, j] >= p.range[0] - 1e-9) & (post.samples[:, j] <= p.range[1] + 1e-9))
    eps = [g["epsilon"] for g in post.generations if "epsilon" in g]
    assert len(eps) == 3 and eps[2] <= eps[1] <= eps[0]  # the prior's sample, then two generations; the threshold shrinks
    assert all(g["ess"] > 1 for g in post.generations)
    assert cal.simulations >= 12


def test_priors_are_those_declared():
    reg = load_catalogue()
    prior = prior_values("dingxi")
    for p in Space.of(reg).params:
        assert p.range[0] <= prior[p.id] <= p.range[1]
    assert "consumption_sales" in METRIC_IDS


def test_a_finished_posterior_with_copies_is_moved_again_at_its_threshold():
    """Six particles, three copies each of two parameter sets, that reached ε = 50 (any simulation of the baseline is
    within it): moved again until at least three are distinct in effect; the generations go on from the record's."""
    cal = AbcCalibration(api.load_scenario("baseline"), AbcSettings(scale=0.003, population=6, generations=2, min_epsilon=50.0, workers=1, seed=5))
    lo = [p.range[0] + 0.3 * (p.range[1] - p.range[0]) for p in cal.space.params]
    hi = [p.range[0] + 0.6 * (p.range[1] - p.range[0]) for p in cal.space.params]
    samples = np.array([lo, lo, lo, hi, hi, hi])
    post = Posterior(cal.space.ids, samples, np.full(6, 1 / 6), np.full(6, 3.0),
                     [{"generation": 4, "epsilon": 50.0, "ess": 2.0, "move_rate": 0.5, "simulations": 12}])
    again = cal.rejuvenate(post)
    _, counts = np.unique(again.samples, axis=0, return_counts=True)
    assert 36 / np.sum(counts**2) >= 3
    assert again.generations[0] == post.generations[0] and again.generations[1]["generation"] == 5 and again.generations[1]["rejuvenation"]
    assert (again.distances <= 50.0).all() and cal.simulations > 0
    for j, p in enumerate(cal.space.params):
        assert np.all((again.samples[:, j] >= p.range[0] - 1e-9) & (again.samples[:, j] <= p.range[1] + 1e-9))
