"""The analysis itself: SALib's Morris and Sobol samples and indices for any function of the sample.

:func:`analyse` samples the factors, evaluates the sample and computes each
output's indices; it knows nothing of qdsim's model, which is how the tests
check it against functions with known indices (Ishigami, Sobol G).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qdsim.foundation.format import short, significant

METHODS = ("morris", "sobol")
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class Factor:
    """One input varied over [low, high]: a variation path (see :mod:`qdsim.scenario.paths`) and its names."""

    name: str
    path: str
    low: float
    high: float
    kind: str = "lever"  # lever | parameter | other
    zh: str = ""
    en: str = ""
    unit: str = ""

    def label(self, lang: str) -> str:
        return (self.zh if lang == "zh" else self.en) or self.name

    def range_text(self, lang: str) -> str:
        """How the factor was varied, in words: "×0–2 of the base" or "3500–6000 元/月"."""
        if self.path.endswith("*"):
            return f"按基准值的{short(self.low)}–{short(self.high)}倍" if lang == "zh" else f"×{short(self.low)}–{short(self.high)} of the base"
        unit = "" if self.unit in ("", "share", "index", "switch") else f" {self.unit}"
        return f"{significant(self.low)}–{significant(self.high)}{unit}"


@dataclass
class Analysis:
    """Indices of every factor for every output, with the sample that produced them."""

    method: str
    factors: list[Factor]
    outputs: list[str]
    X: np.ndarray
    Y: dict[str, np.ndarray]
    indices: dict[str, pd.DataFrame]  # output -> one row per factor
    n: int
    seed: int
    settings: dict = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        frames = []
        for out, df in self.indices.items():
            d = df.copy()
            d.insert(0, "output", out)
            d.insert(0, "method", self.method)
            frames.append(d)
        return pd.concat(frames, ignore_index=True)


def problem(factors: list[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[f.low, f.high] for f in factors]}


def sample(method: str, factors: list[Factor], n: int, seed: int) -> np.ndarray:
    """The SALib sample: ``n (k + 1)`` rows for Morris, ``n (k + 2)`` for Sobol (first-order and total indices)."""
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem(factors), n, num_levels=MORRIS_LEVELS, seed=seed)
    if method == "sobol":
        from SALib.sample import sobol

        if n & (n - 1):
            raise ValueError(f"--n for Sobol must be a power of 2 (16, 32, 64, …), not {n}")
        return sobol.sample(problem(factors), n, calc_second_order=False, scramble=True, seed=seed)
    raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def n_runs(method: str, k: int, n: int) -> int:
    return n * (k + 1) if method == "morris" else n * (k + 2)


def indices(method: str, factors: list[Factor], X: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """SALib's indices for one output, one row per factor, ranked (1 = most influential)."""
    p = problem(factors)
    if method == "morris":
        from SALib.analyze import morris

        s = morris.analyze(p, X, y, num_levels=MORRIS_LEVELS, conf_level=0.95, seed=seed)
        df = pd.DataFrame({
            "factor": p["names"], "mu": np.asarray(s["mu"], float), "mu_star": np.asarray(s["mu_star"], float),
            "mu_star_conf": np.asarray(s["mu_star_conf"], float), "sigma": np.asarray(s["sigma"], float),
        })
        key = "mu_star"
    else:
        from SALib.analyze import sobol

        s = sobol.analyze(p, y, calc_second_order=False, conf_level=0.95, seed=seed)
        df = pd.DataFrame({
            "factor": p["names"], "S1": s["S1"], "S1_conf": s["S1_conf"], "ST": s["ST"], "ST_conf": s["ST_conf"],
        })
        key = "ST"
    df["rank"] = df[key].rank(ascending=False, method="first").astype(int)
    df.insert(1, "path", [f.path for f in factors])
    df.insert(2, "low", [f.low for f in factors])
    df.insert(3, "high", [f.high for f in factors])
    return df


def analyse(method: str, factors: list[Factor], evaluate: Callable[[np.ndarray], dict[str, np.ndarray]], *, n: int,
            seed: int = 1, settings: dict | None = None) -> Analysis:
    """Sample, evaluate, compute indices: the whole analysis for any ``evaluate(X) -> {output: y}``."""
    if len(factors) < 2:
        raise ValueError("give at least two factors to compare")
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise ValueError("two factors have the same name")
    X = sample(method, factors, n, seed)
    Y = evaluate(X)
    out = {}
    for name, y in Y.items():
        y = np.asarray(y, dtype=float)
        if y.shape != (len(X),):
            raise ValueError(f"{name}: expected {len(X)} values, got shape {y.shape}")
        if not np.isfinite(y).all():
            raise ValueError(f"{name}: {int((~np.isfinite(y)).sum())} sample points have no value")
        out[name] = indices(method, factors, X, y, seed)
    return Analysis(method, factors, list(Y), X, {k: np.asarray(v, float) for k, v in Y.items()}, out, n, seed, settings or {})
