"""Attribution of a what-if's difference to the assumptions: the first-order index by hand, its permutation threshold."""

from __future__ import annotations

import numpy as np
import pytest

from qdsim.results import attribution


def test_first_order_by_hand():
    """Eight draws, two groups by x: y is 0 in the lower four and 2 in the upper four. Var(y) = 1; the group means
    0 and 2 around 1 give a between-group variance of 1; chance leaves (2 − 1) / 8 of it: index 1 − 1/8 = 0.875."""
    x = np.array([0.1, 0.5, 0.3, 0.7, 0.9, 0.2, 0.8, 0.6])
    y = np.where(x > 0.55, 2.0, 0.0)
    assert attribution.first_order(x, y, 2) == pytest.approx(1 - 1 / 8)


def test_a_parameter_that_does_not_matter_has_an_index_near_zero_and_y_that_does_not_vary_has_none():
    rng = np.random.default_rng(1)
    x, y = rng.random(400), rng.standard_normal(400)
    assert attribution.first_order(x, y, 4) < 0.02
    assert attribution.first_order(x, np.ones(400), 4) == 0.0


def test_the_parameter_the_difference_rests_on_comes_first_and_noise_is_not_named():
    """y = 5·x3 + noise over 48 draws of 110 parameters: x3 explains about 2/3 of the variance and passes the
    permutation threshold; when y is pure noise, no parameter passes it."""
    rng = np.random.default_rng(2)
    x = rng.random((48, 110))
    names = [f"p{j}" for j in range(110)]
    y = 5 * x[:, 3] + 0.8 * rng.standard_normal(48)
    factors = attribution.attribute(x, y, names, seed=1)
    assert factors[0].parameter == "p3" and factors[0].distinguishable and factors[0].share > 0.5
    assert factors[0].low_end < factors[0].high_end  # the difference at the parameter's low end and at its high end
    noise = attribution.attribute(x, rng.standard_normal(48), names, seed=1)
    assert not any(f.distinguishable for f in noise)


def test_the_vectorised_indices_equal_the_one_by_one_estimate():
    rng = np.random.default_rng(3)
    x, y = rng.random((30, 5)), rng.standard_normal(30)
    factors = {f.parameter: f.share for f in attribution.attribute(x, y, list("abcde"), resamples=0, permutations=0)}
    for j, name in enumerate("abcde"):
        assert factors[name] == pytest.approx(attribution.first_order(x[:, j], y, 4), abs=1e-12)
