"""The synthetic population matches the statistics it is drawn from."""

from __future__ import annotations

import numpy as np

from qdsim.catalogue import load_catalogue
from qdsim.model.households import AWAY, CROPS
from qdsim.model.population import largest_remainder, village_counts

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
    hh = m.households
    represented = hh.n * hh.weight
    assert abs(represented - p.rural_population_2021 / p.household_size_mean) / represented < 0.01
    assert abs(hh.size.mean() - p.household_size_mean) < 0.05
    # crop areas add up to the prefecture's statistics (scaled)
    for j, crop in enumerate(CROPS):
        total = hh.area[:, j].sum() * hh.weight
        assert abs(total - getattr(p, f"{crop}_area")) / getattr(p, f"{crop}_area") < 1e-6
    assert abs((m.workers.state == AWAY).mean() - p.migrant_share_2021) < 0.02
    assert abs(hh.formerly_poor.mean() - p.formerly_poor_share) < 0.03
    assert m.village_poor.sum() == 1101 and len(m.village_list) == m.village_poor.size
