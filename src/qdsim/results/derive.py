"""Metrics from a run's year book: raw yearly quantities into the catalogue's metrics, for each county and the prefecture.

Each metric's record in ``data/metrics.yaml`` says where its value comes from (``raw``, read by
:mod:`qdsim.foundation.metrics`); nothing here names a metric. Sums add up across counties by construction;
ratios are computed from the prefecture's (or the county's) own numerator and denominator. Apart
from the metric catalogue because it reads the model's year book, and naming a metric should not
import the model.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from qdsim.foundation.metrics import Metric, catalogue
from qdsim.model.accounts import RAW


@cache
def _metrics() -> tuple[Metric, ...]:
    """The catalogue's metrics, in order, each of whose raw quantities the year book holds."""
    out = tuple(catalogue().values())
    for m in out:
        unknown = [k for k in m.raw if k not in RAW]
        if unknown:
            raise ValueError(f"metrics.yaml: metric {m.id!r}: raw names {', '.join(unknown)}, not a quantity of the year book "
                             "(qdsim.model.accounts.RawKey)")
    return out


def derive(raw: NDArray[np.float64], n_counties: int) -> NDArray[np.float64]:
    """Metrics from a year book array.

    Args:
        raw: (len(RAW), n_years, n_counties + 1) — the last column holds
            prefecture values of non-additive quantities (the Gini).
    Returns:
        (len(METRIC_IDS), n_years, n_counties + 1); column 0 is ``all``, then
        the counties in catalogue order.
    """
    r: dict[str, NDArray[np.float64]] = {k: raw[i] for i, k in enumerate(RAW)}  # by name: the records' raw names, checked in _metrics
    metrics = _metrics()
    n_years = raw.shape[1]
    out = np.full((len(metrics), n_years, n_counties + 1), np.nan)

    def with_all(a: NDArray[np.float64]) -> NDArray[np.float64]:
        counties = a[:, :n_counties]
        return np.concatenate([counties.sum(axis=1, keepdims=True), counties], axis=1)

    for i, m in enumerate(metrics):
        if m.rule == "sum":
            out[i] = with_all(r[m.raw[0]])
        elif m.rule == "ratio":
            num, den = (with_all(r[k]) for k in m.raw)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[i] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
        else:  # own: the year book's county values, and its prefecture value (last column) for ``all``
            g = r[m.raw[0]]
            out[i] = np.concatenate([g[:, n_counties : n_counties + 1], g[:, :n_counties]], axis=1)
    return out
