"""The analysis: Sobol and Morris against functions with known indices."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.test_functions import Ishigami, Sobol_G

from qdsim import sensitivity as sa

from .helpers import G_A, ISHIGAMI_S1, ISHIGAMI_ST, ishigami_factors


def test_sobol_indices_of_ishigami_match_the_analytic_values():
    a = sa.analyse("sobol", ishigami_factors(), lambda X: {"y": Ishigami.evaluate(X)}, n=1024, seed=1)
    df = a.indices["y"]
    assert len(a.X) == 1024 * (3 + 2)
    assert np.allclose(df.S1, ISHIGAMI_S1, atol=0.05), df
    assert np.allclose(df.ST, ISHIGAMI_ST, atol=0.05), df
    assert (df.S1_conf > 0).all() and (df.ST_conf < 0.15).all()
    assert list(df.sort_values("rank").factor) == ["x1", "x2", "x3"]


def test_morris_ranks_sobol_g_factors_by_their_importance():
    factors = [sa.Factor(f"g{i}", f"g{i}", 0, 1, "lever", f"杠杆{i}", f"lever {i}") for i in range(6)]
    a = sa.analyse("morris", factors, lambda X: {"y": Sobol_G.evaluate(X, G_A)}, n=40, seed=2)
    df = a.indices["y"].set_index("factor")
    assert len(a.X) == 40 * 7
    mu = df.mu_star
    assert mu["g0"] > mu["g1"] > mu["g2"] > mu["g3"] > max(mu["g4"], mu["g5"])
    assert list(a.indices["y"].sort_values("rank").factor[:4]) == ["g0", "g1", "g2", "g3"]


def test_sobol_needs_a_power_of_two():
    with pytest.raises(ValueError, match="power of 2"):
        sa.sample("sobol", ishigami_factors(), 100, 1)
