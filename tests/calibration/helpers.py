"""Shared by the calibration tests: the shipped baseline cut at 2024, run as users run it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from qdsim import api
from qdsim.calibration import TARGETS, calibration_scenario
from qdsim.calibration.targets import model_values
from qdsim.model.streams import replicate_seeds
from qdsim.runner import simulate

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@cache
def baseline_2024() -> api.Scenario:
    return calibration_scenario(api.load_scenario(BASELINE))


def target_samples(overrides: dict[str, float] | None = None, *, seed: int, replicates: int, scale: float) -> np.ndarray:
    """(replicate, target) values of the shipped baseline 2021–2024, with the registry's
    parameters (calibrated.yaml included) and optional overrides; replicate r uses the
    r-th stream of ``seed``, as ``qdsim run`` does. Computed once per session."""
    return _samples(tuple(sorted((overrides or {}).items())), seed, replicates, scale).copy()


@cache
def _samples(overrides: tuple, seed: int, replicates: int, scale: float) -> np.ndarray:
    scenario = baseline_2024()
    params = api.parameters_for(scenario).with_overrides(dict(overrides))
    seqs = replicate_seeds(seed, replicates)
    return np.stack([model_values(simulate(scenario, params, s, scale), scenario.period.years) for s in seqs])


def errors(samples: np.ndarray, reported: np.ndarray) -> dict[str, float]:
    return {t.figure: float(samples[:, j].mean() / reported[j] - 1.0) for j, t in enumerate(TARGETS)}
