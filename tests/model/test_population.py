"""The synthetic population matches the statistics it is drawn from."""

from __future__ import annotations

import numpy as np

from qdsim import api
from qdsim.foundation.catalogue import load_catalogue
from qdsim.model.households import CROPS, GANSU, HOME, OTHER, county_bounds
from qdsim.model.model import DingxiModel
from qdsim.model.population import build_population, largest_remainder, village_counts
from qdsim.model.streams import replicate_seeds, spawn_streams

from .conftest import make_model


def test_largest_remainder_sums_exactly():
    assert largest_remainder(10, np.array([1, 1, 1])).tolist() == [4, 3, 3]
    assert largest_remainder(7, np.array([0.5, 0.25, 0.25])).sum() == 7


def test_village_counts_published_or_derived():
    reg = load_catalogue()
    counts = village_counts(reg.counties, reg.defaults())
    ids = [c["id"] for c in reg.counties]
    assert counts[ids.index("tongwei")] == 332 and counts[ids.index("minxian")] == 359
    # 安定: 422,383 residents × 8.17 per 10k = 345
    assert counts[ids.index("anding")] == 345
    assert 1900 <= counts.sum() <= 2200


def test_households_and_people_match_statistics(baseline):
    m = make_model(baseline, scale=0.01)
    p = m.params
    hh, w = m.households, m.workers
    represented = hh.n * hh.weight
    assert abs(represented - p.rural_population_2021 / p.household_size_mean) / represented < 0.01
    assert abs(hh.size.mean() - p.household_size_mean) < 0.05
    assert np.all(np.diff(hh.county) >= 0)  # county by county: the mechanisms take each county's households as a slice
    assert np.all(np.diff(w.household) >= 0) and np.all(np.diff(w.county) >= 0)  # and workers
    # crop areas add up to the prefecture's statistics (scaled)
    for j, crop in enumerate(CROPS):
        total = hh.area[:, j].sum() * hh.weight
        assert abs(total - getattr(p, f"{crop}_area")) / getattr(p, f"{crop}_area") < 1e-6
    # workers start at home, within Gansu or in another province, in the 2021 shares (0.38 / 0.341 / 0.279)
    assert set(np.unique(w.state).tolist()) == {HOME, GANSU, OTHER}
    away = np.isin(w.state, (GANSU, OTHER))
    assert abs(away.mean() - p.migrant_share_2021) < 0.02
    assert abs((w.state == GANSU).sum() / away.sum() - p.gansu_share_2021) < 0.03
    assert abs(hh.formerly_poor.mean() - p.formerly_poor_share) < 0.03
    # eligible for the programme's help: workers of formerly poor households; nobody is helped yet
    assert (w.eligible == hh.formerly_poor[w.household]).all()
    assert not w.assisted.any() and (w.assisted_months == 0).all() and (w.employed_months == 0).all()
    assert (w.county == hh.county[w.household]).all() and (w.village == hh.village[w.household]).all()
    assert m.villages.formerly_poor.sum() == 1101 and len(m.villages.agents) == m.villages.formerly_poor.size
    # households live in villages of their own county
    assert (m.villages.county[hh.village] == hh.county).all()


def test_a_given_population_is_copied_and_gives_the_same_run(baseline):
    params = api.parameters_for(baseline)
    seq = replicate_seeds(11, 1)[0]
    reg = load_catalogue()
    pop = build_population(reg.counties, params, 0.002, spawn_streams(seq)["population"])
    state0, income0 = pop.workers.state.copy(), pop.households.income.copy()
    a = DingxiModel(scenario=baseline, params=params, seed_sequence=seq, scale=0.002)
    b = DingxiModel(scenario=baseline, params=params, seed_sequence=seq, scale=0.002, population=pop)
    assert np.array_equal(a.households.area, b.households.area) and np.array_equal(a.workers.skill, b.workers.skill)
    assert np.array_equal(a.villages.rank, b.villages.rank)
    ra, rb = a.run().array(), b.run().array()
    assert np.array_equal(ra, rb, equal_nan=True)
    # the model ran on its own copy: the given population is as it was built
    assert np.array_equal(pop.workers.state, state0) and np.array_equal(pop.households.income, income0)
    assert b.workers is not pop.workers and b.households is not pop.households


def test_population_copy_is_independent(baseline):
    params = api.parameters_for(baseline)
    pop = build_population(load_catalogue().counties, params, 0.002, np.random.default_rng(3))
    twin = pop.copy()
    twin.workers.state[:] = 4
    twin.households.income[:] = 1.0
    twin.demo_order[0][:] = -1
    assert (pop.workers.state != 4).any() and (pop.households.income == 0).all() and (pop.demo_order[0] >= 0).all()


def test_county_bounds_of_workers_stored_county_by_county():
    county = np.array([0, 0, 1, 3, 3, 3], dtype=np.int8)
    assert county_bounds(county, 4).tolist() == [0, 2, 3, 3, 6]  # county 2 has none: it starts and ends at 3
    assert county_bounds(np.array([1, 0], dtype=np.int8), 2) is None  # not county by county: no bounds to trust
    m = make_model(api.baseline())
    w = m.workers
    b = m.worker_county_bounds
    assert b is not None and all((w.county[b[c] : b[c + 1]] == c).all() for c in range(m.n_counties)) and b[-1] == w.n
