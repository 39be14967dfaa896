"""Summaries across replicates: mean and percentiles, and the paired impact.

Impact is computed replicate by replicate (scenario minus counterfactual on
the same random streams) and then summarised, which is why its interval is
narrower than the difference of the two unpaired intervals.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from qdsim.metrics import METRIC_IDS, catalogue

COLUMNS = [
    "scenario", "metric", "county", "year", "unit", "mean", "p05", "p50", "p95", "n_replicates",
    "impact_mean", "impact_p05", "impact_p95",
    "vs_baseline_mean", "vs_baseline_p05", "vs_baseline_p95",
    "assumption_p05", "assumption_p95", "impact_assumption_p05", "impact_assumption_p95", "n_assumption_draws",
    "vs_baseline_assumption_p05", "vs_baseline_assumption_p95",
]
#: the columns that summarise replicates (``RunResult.outcomes(stat=…)``)
STATISTICS = tuple(COLUMNS[COLUMNS.index("mean"):])


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
    counterfactual's rows); ``assumption_*`` the assumption interval
    (parameter draws), empty when none were drawn; ``vs_baseline_assumption_*`` the interval of the
    difference from the baseline across the draws (each draw runs the baseline too: ``assumptions`` is then
    (scenario, counterfactual, baseline) draws).
    """
    cat = catalogue()
    frames = []
    rows = [(scenario_id, with_coop, True)] + ([(f"{scenario_id}-counterfactual", without, False)] if without is not None else [])
    for sid, arr, main in rows:
        mean, p05, p50, p95, n = describe(arr)
        imp = with_coop - without if main and without is not None else None
        if imp is not None:
            i_mean, i05, _, i95, _ = describe(imp)
        m_idx, y_idx, c_idx = np.meshgrid(np.arange(len(METRIC_IDS)), np.arange(len(years)), np.arange(len(county_ids)), indexing="ij")
        m_idx, y_idx, c_idx = m_idx.ravel(), y_idx.ravel(), c_idx.ravel()
        df = pd.DataFrame(
            {
                "scenario": sid,
                "metric": np.array(METRIC_IDS)[m_idx],
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
            }
        )
        for col in COLUMNS[13:]:
            df[col] = np.nan
        if main and baseline is not None:
            b_mean, b05, _, b95, _ = describe(with_coop - baseline)
            df["vs_baseline_mean"], df["vs_baseline_p05"], df["vs_baseline_p95"] = b_mean.ravel(), b05.ravel(), b95.ravel()
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
