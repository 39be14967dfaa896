"""Assumption uncertainty: parameter sets drawn from the plausible ranges and from the calibration's posterior.

Two kinds of uncertainty are kept apart. *Chance* is the spread across
replicates with different seeds. *Assumptions* is the spread across parameter
sets: every parameter whose status is ``assumption`` is drawn from its
plausible range (a Latin hypercube, uniform within the range), and the
calibrated parameters are drawn together, as whole sets, from the
calibration's ABC posterior (``calibrated.yaml``) — so a weakly identified
parameter varies as widely as the published figures allow. Reported figures
and statistics stay fixed; every draw runs on the same seed (replicate 0), so
that its spread is the parameters' alone.
"""

from __future__ import annotations

import numpy as np

from qdsim.foundation.catalogue import ParameterSet
from qdsim.foundation.sampling import latin_hypercube

#: parameters whose value must stay whole
INTEGER = {"initial_enterprises", "stable_months", "cooperatives_initial", "leading_firms_initial", "canteens_total"}


def varied_parameters(params: ParameterSet, fixed: set[str] = frozenset()) -> list[str]:
    """The parameters an assumption draw varies: assumptions (by range) and calibrated ones (by posterior)."""
    reg = params.catalogue
    return [
        pid for pid, p in reg.parameters.items()
        if pid not in fixed and ((p.status == "assumption" and p.range[0] < p.range[1]) or (p.status == "calibrated" and posterior_of(params)))
    ]


def posterior_of(params: ParameterSet) -> dict | None:
    """The calibration's posterior record (parameters, samples, weights), if the catalogue has one."""
    post = params.catalogue.calibration.get("posterior")
    return post if post and post.get("samples") else None


def draw_parameter_sets(params: ParameterSet, n: int, seed: int, fixed: set[str] = frozenset()) -> list[ParameterSet]:
    """``n`` parameter sets, reproducible from ``seed``: assumptions by Latin hypercube over their ranges,
    calibrated parameters as whole sets drawn (by weight) from the posterior.

    Args:
        fixed: parameters to keep at their current value (e.g. the scenario's overrides).
    """
    if n <= 0:
        return []
    reg = params.catalogue
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    names = [pid for pid, p in reg.parameters.items() if p.status == "assumption" and p.range[0] < p.range[1] and pid not in fixed]
    lo = np.array([reg.parameters[k].range[0] for k in names])
    hi = np.array([reg.parameters[k].range[1] for k in names])
    values = lo + latin_hypercube(len(names), n, rng) * (hi - lo)
    post = posterior_of(params)
    if post:
        w = np.asarray(post["weights"], float)
        rows = rng.choice(len(w), size=n, p=w / w.sum())
    out = []
    for i, row in enumerate(values):
        upd = {k: (round(v) if k in INTEGER else float(v)) for k, v in zip(names, row, strict=True)}
        if post:
            upd |= {k: float(x) for k, x in zip(post["parameters"], post["samples"][rows[i]], strict=True) if k not in fixed}
        out.append(params.with_overrides(upd))
    return out
