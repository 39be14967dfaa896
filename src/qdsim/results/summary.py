"""Summaries across replicates: mean and percentiles, and the paired impact.

Impact is computed replicate by replicate (scenario minus counterfactual on
the same random streams) and then summarised, which is why its interval is
narrower than the difference of the two unpaired intervals.

Every difference (``impact_*`` against no cooperation, ``vs_baseline_*``
against the baseline) carries two intervals that answer two questions:

- the **spread** of the replicate differences, ``*_p05``/``*_p95``: the 5th
  and 95th percentiles of the per-replicate differences — the chance
  variation of one world, how differently one realisation of the region may
  turn out;
- the **confidence interval of the mean difference**, ``*_mean_ci05``/
  ``*_mean_ci95``: a 90% t-interval, mean ± t(0.95, n−1) · sd / √n over
  the n replicates — how precisely the model knows the average effect. It
  narrows as replicates grow; the spread does not.

The "within chance" rule (:func:`qdsim.foundation.format.within_chance`) reads the
spread: a difference is called real only when the 5–95% spread of the
replicate differences excludes zero.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from qdsim.foundation.metrics import METRIC_IDS, catalogue

COLUMNS = [
    "scenario", "metric", "label_zh", "label_en", "county", "year", "unit", "mean", "p05", "p50", "p95", "n_replicates",
    "impact_mean", "impact_p05", "impact_p95", "impact_mean_ci05", "impact_mean_ci95",
    "vs_baseline_mean", "vs_baseline_p05", "vs_baseline_p95", "vs_baseline_mean_ci05", "vs_baseline_mean_ci95",
    "assumption_p05", "assumption_p95", "impact_assumption_p05", "impact_assumption_p95", "n_assumption_draws",
    "vs_baseline_assumption_p05", "vs_baseline_assumption_p95",
]
#: the columns that summarise replicates (``RunResult.outcomes(stat=…)``)
STATISTICS = tuple(COLUMNS[COLUMNS.index("mean"):])
#: what each interval column of a difference is, for docs, manifests and readers (column suffix → meaning)
INTERVALS = {
    "p05": "5th percentile of the per-replicate differences (spread: the chance variation of one world)",
    "p95": "95th percentile of the per-replicate differences (spread: the chance variation of one world)",
    "mean_ci05": "lower end of the 90% t confidence interval of the mean difference (how precisely the average effect is known)",
    "mean_ci95": "upper end of the 90% t confidence interval of the mean difference (how precisely the average effect is known)",
}
#: t(0.95, df) for df = 1…30; above, the Cornish–Fisher expansion (within 1e-8)
_T95 = (6.313752, 2.919986, 2.353363, 2.131847, 2.015048, 1.94318, 1.894579, 1.859548, 1.833113, 1.812461, 1.795885, 1.782288,
        1.770933, 1.76131, 1.75305, 1.745884, 1.739607, 1.734064, 1.729133, 1.724718, 1.720743, 1.717144, 1.713872, 1.710882,
        1.708141, 1.705618, 1.703288, 1.701131, 1.699127, 1.697261)


def t95(df: int) -> float:
    """The 95th percentile of Student's t with ``df`` degrees of freedom (NaN for df < 1)."""
    if df < 1:
        return float("nan")
    if df <= len(_T95):
        return _T95[df - 1]
    z, v = 1.6448536269514722, float(df)
    return (z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2) + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4))


def mean_ci(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 90% t confidence interval of the mean along axis 0 (NaN where fewer than 2 values; NaNs left out)."""
    n = np.sum(~np.isnan(a), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(a, axis=0)
        sd = np.nanstd(a, axis=0, ddof=1)
    t = np.vectorize(lambda k: t95(int(k) - 1), otypes=[float])(n) if np.ndim(n) else t95(int(n) - 1)
    half = np.where(n >= 2, t * sd / np.sqrt(np.maximum(n, 1)), np.nan)
    return mean - half, mean + half


def describe(a: np.ndarray) -> tuple[np.ndarray, ...]:
    """nan-aware mean, p05, p50, p95 and count along axis 0.

    ``np.nanpercentile`` is hundreds of times slower than ``np.percentile``;
    it is used only for the cells that hold a NaN (e.g. a metric that is empty
    in some years), with identical results elsewhere.
    """
    n = np.sum(~np.isnan(a), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(a, axis=0)
        q = np.percentile(a, [5, 50, 95], axis=0)
        gappy = n < a.shape[0]
        if gappy.any():
            q[:, gappy] = np.nanpercentile(a[:, gappy], [5, 50, 95], axis=0)
    return mean, q[0], q[1], q[2], n


def summarise(
    scenario_id: str,
    with_coop: np.ndarray,
    without: np.ndarray | None,
    years: list[int],
    county_ids: list[str],
    assumptions: tuple[np.ndarray, ...] | None = None,
    baseline: np.ndarray | None = None,
) -> pd.DataFrame:
    """Rows for the scenario (with impact and the difference from its baseline) and its counterfactual.

    ``p05``/``p95`` are the chance interval (replicates); ``impact_*`` and
    ``vs_baseline_*`` summarise the paired per-replicate differences from the
    counterfactual and the baseline (empty when there is none, and on the
    counterfactual's rows): ``_p05``/``_p95`` their spread, ``_mean_ci05``/
    ``_mean_ci95`` the 90% confidence interval of their mean (see the module
    docstring); ``assumption_*`` the assumption interval (parameter draws),
    empty when none were drawn; ``vs_baseline_assumption_*`` the interval of the difference from the
    baseline across the draws (each draw runs the baseline too: ``assumptions`` is then (scenario,
    counterfactual, baseline) draws). ``label_zh``/``label_en`` name the metric.
    """
    cat = catalogue()
    frames = []
    rows = [(scenario_id, with_coop, True)] + ([(f"{scenario_id}-counterfactual", without, False)] if without is not None else [])
    for sid, arr, main in rows:
        mean, p05, p50, p95, n = describe(arr)
        imp = with_coop - without if main and without is not None else None
        if imp is not None:
            i_mean, i05, _, i95, _ = describe(imp)
            ic05, ic95 = mean_ci(imp)
        m_idx, y_idx, c_idx = np.meshgrid(np.arange(len(METRIC_IDS)), np.arange(len(years)), np.arange(len(county_ids)), indexing="ij")
        m_idx, y_idx, c_idx = m_idx.ravel(), y_idx.ravel(), c_idx.ravel()
        df = pd.DataFrame(
            {
                "scenario": sid,
                "metric": np.array(METRIC_IDS)[m_idx],
                "label_zh": np.array([cat[m].zh for m in METRIC_IDS])[m_idx],
                "label_en": np.array([cat[m].en for m in METRIC_IDS])[m_idx],
                "county": np.array(county_ids)[c_idx],
                "year": np.array(years)[y_idx],
                "unit": [cat[METRIC_IDS[i]].unit for i in m_idx],
                "mean": mean.ravel(),
                "p05": p05.ravel(),
                "p50": p50.ravel(),
                "p95": p95.ravel(),
                "n_replicates": n.ravel(),
                "impact_mean": i_mean.ravel() if imp is not None else np.nan,
                "impact_p05": i05.ravel() if imp is not None else np.nan,
                "impact_p95": i95.ravel() if imp is not None else np.nan,
                "impact_mean_ci05": ic05.ravel() if imp is not None else np.nan,
                "impact_mean_ci95": ic95.ravel() if imp is not None else np.nan,
            }
        )
        for col in COLUMNS[COLUMNS.index("vs_baseline_mean"):]:
            df[col] = np.nan
        if main and baseline is not None:
            diff = with_coop - baseline
            b_mean, b05, _, b95, _ = describe(diff)
            bc05, bc95 = mean_ci(diff)
            df["vs_baseline_mean"], df["vs_baseline_p05"], df["vs_baseline_p95"] = b_mean.ravel(), b05.ravel(), b95.ravel()
            df["vs_baseline_mean_ci05"], df["vs_baseline_mean_ci95"] = bc05.ravel(), bc95.ravel()
        if assumptions is not None:
            a_with, a_without, a_base = (*assumptions, None)[:3]
            a_arr = a_with if main else a_without
            _, a05, _, a95, a_n = describe(a_arr)
            df["assumption_p05"], df["assumption_p95"], df["n_assumption_draws"] = a05.ravel(), a95.ravel(), a_n.ravel()
            if imp is not None and a_without is not None:
                _, ia05, _, ia95, _ = describe(a_with - a_without)
                df["impact_assumption_p05"], df["impact_assumption_p95"] = ia05.ravel(), ia95.ravel()
            if main and a_base is not None:
                _, ba05, _, ba95, _ = describe(a_with - a_base)
                df["vs_baseline_assumption_p05"], df["vs_baseline_assumption_p95"] = ba05.ravel(), ba95.ravel()
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    return out[COLUMNS]


def replicate_table(scenario_id: str, with_coop: np.ndarray, without: np.ndarray | None, years: list[int], county_ids: list[str],
                    baseline: np.ndarray | None = None) -> pd.DataFrame:
    """Long replicate-level table (for Parquet): the scenario, its counterfactual (``<id>-counterfactual``) and its paired baseline (``<id>-baseline``)."""
    frames = []
    arrays = ((scenario_id, with_coop), (f"{scenario_id}-counterfactual", without), (f"{scenario_id}-baseline", baseline))
    for sid, arr in ((sid, arr) for sid, arr in arrays if arr is not None):
        r, m, y, c = np.meshgrid(*(np.arange(s) for s in arr.shape), indexing="ij")
        frames.append(
            pd.DataFrame(
                {
                    "scenario": sid,
                    "replicate": r.ravel().astype(np.int32),
                    "metric": np.array(METRIC_IDS)[m.ravel()],
                    "county": np.array(county_ids)[c.ravel()],
                    "year": np.array(years)[y.ravel()].astype(np.int32),
                    "value": arr.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
