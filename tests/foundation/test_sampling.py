"""qdsim's Latin hypercube is SciPy's as qdsim called it (``seed=``), point for point, without importing SciPy (see qdsim.foundation.sampling)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import qmc

from qdsim.foundation.sampling import latin_hypercube


@pytest.mark.parametrize("seed", [0, 1, 20210414, 2**40])
@pytest.mark.parametrize(("d", "n"), [(1, 1), (3, 10), (7, 134), (40, 500)])
def test_the_points_are_scipys_for_an_integer_seed(seed, d, n):
    np.testing.assert_array_equal(latin_hypercube(d, n, seed), qmc.LatinHypercube(d=d, seed=seed).random(n))


def test_the_points_are_scipys_for_a_generator_whose_stream_is_left_alone():
    def gen():
        return np.random.default_rng(np.random.SeedSequence([20210414, 7]))

    g = gen()
    before = g.bit_generator.state
    np.testing.assert_array_equal(latin_hypercube(5, 12, g), qmc.LatinHypercube(d=5, seed=gen()).random(12))
    assert g.bit_generator.state == before


def test_one_point_in_each_slice_of_every_axis():
    x = latin_hypercube(4, 25, 3)
    assert ((0 <= x) & (x < 1)).all()
    for axis in x.T:
        assert sorted(np.floor(axis * 25).astype(int)) == list(range(25))
