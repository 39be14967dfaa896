"""Which assumption a what-if's answer rests on: a variance-based attribution of its difference from the baseline.

A run with assumption draws (``assumption_draws``, :mod:`qdsim.results.uncertainty`) simulates the scenario and its
baseline under the same parameter sets — the assumptions drawn across their plausible ranges, the calibrated
parameters drawn jointly from the calibration's posterior — on the same seed. Each draw gives one difference
``Y = scenario − baseline`` of a metric. How much of ``Var(Y)`` one parameter ``X`` explains on its own is its
first-order (Sobol) index, ``S = Var(E[Y | X]) / Var(Y)``, estimated here from the given draws (no special
design): the draws are sorted by ``X`` into ``bins`` groups of equal size; the variance of the group means,
less what chance alone leaves there (``(bins − 1) / n`` of ``Var(Y)``), over ``Var(Y)``. A bootstrap over the
draws gives its 90% interval. With a hundred parameters and tens of draws, some index is large by chance
alone: a parameter counts as ``distinguishable`` only when its index exceeds the 95th percentile of the
*largest* index over all parameters when the differences are shuffled against the draws (a permutation test
that holds for the whole table, not one parameter at a time). With few draws, or an answer spread over many
assumptions, no parameter passes, and the table says so rather than naming noise.

What a planner reads: "this answer rests mainly on X (share S); at X's low end the difference is …, at its
high end …" — the mean difference in the lowest and the highest group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: the columns of attribution.csv
COLUMNS = ["metric", "year", "parameter", "status", "unit", "share", "share_p05", "share_p95", "chance_threshold", "distinguishable",
           "low_end", "high_end", "value_low", "value_high", "difference_mean", "n_draws", "rank"]
#: what a run attributes: (metric, which year: "end" is the period's last)
DEFAULT_METRICS: tuple[str, ...] = ("rural_income_per_capita", "wage_employment", "consumption_sales", "monitored_share")


def first_order(x: np.ndarray, y: np.ndarray, bins: int) -> float:
    """The first-order index of ``y`` on ``x`` from given draws (see the module's docstring); 0 when ``y`` does not vary."""
    return float(sorted_indices(np.asarray(y, float)[np.argsort(x, kind="stable")], bins))


def sorted_indices(y_sorted: np.ndarray, bins: int) -> np.ndarray:
    """First-order indices along the last axis of differences already sorted by their parameter (any leading shape)."""
    n = y_sorted.shape[-1]
    if n < 2 * bins:
        return np.zeros(y_sorted.shape[:-1])
    starts = np.concatenate([[0], np.array([len(g) for g in np.array_split(np.arange(n), bins)]).cumsum()[:-1]])
    sizes = np.diff(np.concatenate([starts, [n]]))
    means = np.add.reduceat(y_sorted, starts, axis=-1) / sizes
    mean = y_sorted.mean(axis=-1, keepdims=True)
    var = y_sorted.var(axis=-1)
    between = np.sum(sizes * (means - mean) ** 2, axis=-1) / n
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(var > 0, between / np.where(var > 0, var, 1.0) - (bins - 1) / n, 0.0)
    return np.maximum(out, 0.0)


@dataclass(frozen=True)
class Factor:
    """One parameter's share of a difference's variance across the draws."""

    parameter: str
    share: float
    share_p05: float
    share_p95: float
    low_end: float  # mean difference over the draws in the parameter's lowest group
    high_end: float
    value_low: float  # the parameter's median in that group
    value_high: float

    threshold: float = 0.0  # the largest index that shuffled differences give (95th percentile over all parameters)

    @property
    def distinguishable(self) -> bool:
        """Whether the share exceeds what chance gives the largest of all parameters' shares."""
        return self.share > self.threshold


def null_threshold(x: np.ndarray, y: np.ndarray, bins: int, permutations: int, rng: np.random.Generator) -> float:
    """The 95th percentile, over shuffles of ``y``, of the largest first-order index of any column of ``x``."""
    if permutations <= 0:
        return 0.0
    shuffled = np.array([rng.permutation(y) for _ in range(permutations)])  # (shuffle, draw)
    order = np.argsort(x, axis=0, kind="stable")  # (draw, parameter)
    top = sorted_indices(np.moveaxis(shuffled[:, order], 1, 2), bins).max(axis=1)  # (shuffle, parameter, draw) → max over parameters
    return float(np.percentile(top, 95))


def attribute(x: np.ndarray, y: np.ndarray, names: Sequence[str], *, bins: int = 4, resamples: int = 200, permutations: int = 200,
              seed: int = 0) -> list[Factor]:
    """Every parameter's first-order share of ``Var(y)``, largest first.

    Args:
        x: (draw, parameter) the parameter values of each draw.
        y: (draw,) the difference each draw gives.
        names: the parameters, in ``x``'s column order.
        bins: groups of draws by the parameter's value.
        resamples: bootstrap resamples for the interval.
        permutations: shuffles of ``y`` for the threshold of a distinguishable share.
        seed: the bootstrap's and the shuffles' seed.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != (len(y), len(names)):
        raise ValueError(f"x is {x.shape}, expected ({len(y)}, {len(names)})")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 31]))
    boot = rng.integers(0, len(y), (resamples, len(y)))
    threshold = null_threshold(x, y, bins, permutations, rng)
    shares = sorted_indices(y[np.argsort(x, axis=0, kind="stable")].T, bins)  # (parameter,)
    if resamples:
        xb, yb = x[boot], y[boot]  # (resample, draw, parameter), (resample, draw)
        ob = np.argsort(xb, axis=1, kind="stable")
        again = sorted_indices(np.moveaxis(np.take_along_axis(np.broadcast_to(yb[:, :, None], xb.shape), ob, axis=1), 1, 2), bins)
    else:
        again = shares[None, :]
    out = []
    for j, name in enumerate(names):
        col = x[:, j]
        share = float(shares[j])
        groups = np.array_split(np.argsort(col, kind="stable"), bins)
        lo, hi = groups[0], groups[-1]
        out.append(Factor(name, share, float(np.percentile(again[:, j], 5)), float(np.percentile(again[:, j], 95)),
                          float(np.mean(y[lo])), float(np.mean(y[hi])), float(np.median(col[lo])), float(np.median(col[hi])), threshold))
    return sorted(out, key=lambda f: (-f.share, f.parameter))


def table(scenario_values: np.ndarray, baseline_values: np.ndarray, x: np.ndarray, names: Sequence[str], metric_ids: Sequence[str],
          years: Sequence[int], catalogue, *, metrics: Sequence[str] = DEFAULT_METRICS, top: int = 10, seed: int = 0) -> pd.DataFrame:
    """attribution.csv: for each metric in the end year, the ``top`` parameters by their share of the difference's variance.

    Args:
        scenario_values, baseline_values: (draw, metric, year, county+all) the draws' arrays, paired draw by draw.
        x: (draw, parameter) the draws' parameter values; ``names`` their ids.
        catalogue: the parameter catalogue (status and unit of each parameter).
    """
    rows = []
    for metric in metrics:
        m = list(metric_ids).index(metric)
        y = scenario_values[:, m, -1, 0] - baseline_values[:, m, -1, 0]
        ok = np.isfinite(y)
        factors = attribute(x[ok], y[ok], names, seed=seed)[:top]
        for rank, f in enumerate(factors, 1):
            p = catalogue.parameters[f.parameter]
            rows.append({"metric": metric, "year": years[-1], "parameter": f.parameter, "status": p.status, "unit": p.unit,
                         "share": f.share, "share_p05": f.share_p05, "share_p95": f.share_p95, "chance_threshold": f.threshold,
                         "distinguishable": f.distinguishable,
                         "low_end": f.low_end, "high_end": f.high_end, "value_low": f.value_low, "value_high": f.value_high,
                         "difference_mean": float(np.mean(y[ok])), "n_draws": int(ok.sum()), "rank": rank})
    return pd.DataFrame(rows, columns=COLUMNS)


def headline(df: pd.DataFrame, metric: str) -> Factor | None:
    """The assumption a metric's difference rests on most, if one can be told from chance; None otherwise."""
    rows = df[(df.metric == metric) & df.distinguishable]
    if rows.empty:
        return None
    r = rows.iloc[0]
    return Factor(r.parameter, r.share, r.share_p05, r.share_p95, r.low_end, r.high_end, r.value_low, r.value_high, r.chance_threshold)
