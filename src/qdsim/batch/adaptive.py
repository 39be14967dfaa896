"""Adaptive replicates: when a batch point has replicates enough (``adaptive:`` in a batch file, :class:`~qdsim.batch.spec.Adaptive`).

After each step of replicates the engine asks :func:`decide`, on the 5–95%
width of the rule's number across the replicates so far (:func:`interval_width`,
as summary.csv computes it); an adaptive point's identity in the registry is
its request (:func:`adaptive_request`), since its replicates are known only when it stops.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from qdsim.batch.spec import Adaptive, Point
from qdsim.foundation.format import short
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.results.provenance import code_sha


def interval_width(rule: Adaptive, scenario, with_coop: np.ndarray, without: np.ndarray, county_ids: list[str]) -> tuple[float, float]:
    """(5–95% width, mean) of the rule's number across the replicates so far (as summary.csv computes them)."""
    year = rule.year if rule.year is not None else scenario.period.end
    years = scenario.period.years
    if year not in years:
        raise ValueError(f"adaptive.year {year} is outside the period {years[0]}–{years[-1]}")
    m, y, c = METRIC_IDS.index(rule.metric), years.index(year), county_ids.index(rule.county)
    x = with_coop[:, m, y, c] - (without[:, m, y, c] if rule.statistic == "impact" else 0.0)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return float("nan"), float("nan")
    p05, p95 = np.percentile(x, [5, 95])
    return float(p95 - p05), float(np.mean(x))


def decide(rule: Adaptive, n: int, width: float, mean: float, unit: str) -> tuple[bool, str, dict]:
    """Stop now? And why, in words and as data."""
    target = rule.target_width if rule.target_width is not None else rule.target_relative * abs(mean)
    what = f"{'impact' if rule.statistic == 'impact' else 'value'} 5–95% width of {rule.metric} ({rule.county}, {rule.year or 'last year'})"
    info = {"replicates": n, "width": width, "mean": mean, "target": target, "rule": rule.key()}
    if np.isfinite(width) and width <= target:
        return True, f"converged: {what} {short(width, 4)} ≤ target {short(target, 4)} {unit} at {n} replicates", {**info, "reason": "converged"}
    if n >= rule.max_replicates:
        return True, f"max reached: {what} {short(width, 4)} > target {short(target, 4)} {unit} at {n} replicates", {**info, "reason": "max reached"}
    return False, "", info


def adaptive_request(point: Point, rule: Adaptive) -> str:
    """Identity of an adaptive point: its scenario (at the start count), parameters, rule, code."""
    blob = json.dumps({"scenario": point.scenario.sha256(), "run": point.run_id, "rule": rule.key(), "code": code_sha()}, sort_keys=True)
    return "ad-" + hashlib.sha256(blob.encode()).hexdigest()[:16]
