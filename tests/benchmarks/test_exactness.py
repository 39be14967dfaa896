"""The performance helpers return exactly what the NumPy code they replace returns.

The model's results must not change with a speed-up (byte-identical outputs for
a seed), so each helper is checked against the plain NumPy expression on data
built to be hard: ties, negative zero, infinities, values equal in all but
their last bits.
"""

from __future__ import annotations

import numpy as np
import pytest

from qdsim.model.accounts import gini, gini_by_group
from qdsim.model.order import smallest, stable_argsort


def _plain_gini(values, weights):
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    x, w = values[order], weights[order]
    cw, cxw = np.cumsum(w), np.cumsum(x * w)
    if cxw[-1] <= 0:
        return float("nan")
    lorenz = cxw / cxw[-1]
    prev = np.concatenate([[0.0], lorenz[:-1]])
    return float(1 - 2 * (np.sum(w * (lorenz + prev)) / (2 * cw[-1])))


def _hard(kind: int, n: int, rng) -> np.ndarray:
    if kind == 0:
        return rng.normal(size=n)
    if kind == 1:
        return rng.integers(-5, 5, n).astype(float)  # many ties
    if kind == 2:
        return np.exp(rng.normal(8, 2, n)) * rng.choice([-1, 1], n)
    if kind == 3:
        return 1000.0 + rng.integers(0, 50, n) * np.spacing(1000.0)  # equal but for the last bits
    return rng.choice([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, 5e-324, -5e-324], n)


@pytest.mark.parametrize("kind", range(5))
@pytest.mark.parametrize("n", [0, 1, 2, 17, 3000, 70_000])
def test_stable_argsort_and_smallest_are_numpys(kind, n):
    rng = np.random.default_rng(n + kind)
    x = _hard(kind, n, rng)
    ref = np.argsort(x, kind="stable")
    assert np.array_equal(stable_argsort(x), ref)
    for k in {0, 1, n // 3, n - 1, n, n + 5}:
        if k >= 0:
            assert np.array_equal(smallest(x, k), ref[:k]), k


def test_nan_falls_back_to_numpy():
    x = np.random.default_rng(0).normal(size=1000)
    x[[5, 500]] = np.nan
    assert np.array_equal(stable_argsort(x), np.argsort(x, kind="stable"))
    assert np.array_equal(smallest(x, 999), np.argsort(x, kind="stable")[:999])


@pytest.mark.parametrize("kind", range(4))
def test_gini_by_group_is_gini_of_each_group(kind):
    rng = np.random.default_rng(kind)
    n = 50_000
    x = np.abs(_hard(kind, n, rng))
    w = rng.integers(1, 9, n).astype(float)
    g = rng.integers(0, 7, n)
    got = gini_by_group(x, w, g, 8)  # group 7 is empty: nan
    want = [_plain_gini(x[g == c], w[g == c]) for c in range(8)] + [_plain_gini(x, w)]
    assert np.array_equal(got, np.array(want), equal_nan=True)
    assert np.array_equal(gini(x, w), _plain_gini(x, w), equal_nan=True)
