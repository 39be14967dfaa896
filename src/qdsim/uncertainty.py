"""Assumption uncertainty: parameter sets drawn from the catalogue's plausible ranges.

Two kinds of uncertainty are kept apart. *Chance* is the spread across
replicates with different seeds. *Assumptions* is the spread across parameter
sets: every parameter whose status is ``assumption`` is drawn from its
plausible range (a Latin hypercube, uniform within the range), while reported
figures, statistics and calibrated values stay fixed; every draw runs on the
same seed (replicate 0), so that its spread is the assumptions' alone.
"""

from __future__ import annotations

import numpy as np

from qdsim.catalogue import ParameterSet
from qdsim.sampling import latin_hypercube

#: parameters whose value must stay whole
INTEGER = {"initial_enterprises", "stable_months"}


def varied_parameters(params: ParameterSet, fixed: set[str] = frozenset()) -> list[str]:
    reg = params.catalogue
    return [pid for pid, p in reg.parameters.items() if p.status == "assumption" and p.range[0] < p.range[1] and pid not in fixed]


def draw_parameter_sets(params: ParameterSet, n: int, seed: int, fixed: set[str] = frozenset()) -> list[ParameterSet]:
    """``n`` parameter sets (Latin hypercube over the assumptions' ranges), reproducible from ``seed``.

    Args:
        fixed: parameters to keep at their current value (e.g. the scenario's overrides).
    """
    if n <= 0:
        return []
    names = varied_parameters(params, fixed)
    reg = params.catalogue
    lo = np.array([reg.parameters[k].range[0] for k in names])
    hi = np.array([reg.parameters[k].range[1] for k in names])
    sample = latin_hypercube(len(names), n, np.random.default_rng(np.random.SeedSequence([seed, 7])))
    values = lo + sample * (hi - lo)
    out = []
    for row in values:
        upd = {k: (round(v) if k in INTEGER else float(v)) for k, v in zip(names, row, strict=True)}
        out.append(params.with_overrides(upd))
    return out
