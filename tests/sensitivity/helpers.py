"""Shared by the sensitivity tests: the test functions' analytic values and factors.

The analytic values come from Saltelli et al. (2008), *Global Sensitivity
Analysis: The Primer*: for Ishigami (a = 7, b = 0.1),
S1 = (0.3139, 0.4424, 0) and ST = (0.5576, 0.4424, 0.2437). For the Sobol G
function, a factor matters less the larger its ``a``.
"""

from __future__ import annotations

import numpy as np

from qdsim import sensitivity as sa

ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]
G_A = np.array([0, 1, 4.5, 9, 99, 99])


def ishigami_factors():
    return [sa.Factor(f"x{i}", f"x{i}", -np.pi, np.pi, "other", f"变量{i}", f"variable {i}") for i in (1, 2, 3)]
