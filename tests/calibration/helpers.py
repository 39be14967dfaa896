"""Shared by the calibration tests: the shipped baseline cut at 2025, run as users run it."""

from __future__ import annotations

from functools import cache

import numpy as np

from qdsim import api
from qdsim.calibration.abc import calibration_scenario
from qdsim.calibration.targets import TARGETS, model_values
from qdsim.foundation.catalogue import load_catalogue
from qdsim.model.streams import replicate_seeds
from qdsim.simulation.runner import simulate


@cache
def baseline_cut() -> api.Scenario:
    return calibration_scenario(api.load_scenario("baseline"))


def target_samples(overrides: dict[str, float] | None = None, *, seed: int, replicates: int, scale: float) -> np.ndarray:
    """(replicate, target) values of the shipped baseline 2021–2025 with the catalogue's parameters
    (calibrated.yaml included) and optional overrides; replicate r uses the r-th stream of ``seed``,
    as ``qdsim run`` does. Computed once per session."""
    return _samples(tuple(sorted((overrides or {}).items())), seed, replicates, scale).copy()


@cache
def _samples(overrides: tuple, seed: int, replicates: int, scale: float) -> np.ndarray:
    scenario = baseline_cut()
    params = api.parameters_for(scenario).with_overrides(dict(overrides))
    seqs = replicate_seeds(seed, replicates)
    return np.stack([model_values(simulate(scenario, params, s, scale), scenario.period.years) for s in seqs])


def errors(samples: np.ndarray) -> dict[str, float]:
    """Each target's error (relative; growth: in shares) of the mean over replicates."""
    reg = load_catalogue()
    return {t.figure: t.error(float(samples[:, j].mean()), reg) for j, t in enumerate(TARGETS)}


def misses(err: dict[str, float], roles: tuple[str, ...] = ("fit", "check")) -> dict[str, str]:
    tol = {t.figure: t.tolerance for t in TARGETS if t.role in roles}
    return {k: f"{v:+.1%}" for k, v in err.items() if k in tol and abs(v) > tol[k] + 1e-12}
