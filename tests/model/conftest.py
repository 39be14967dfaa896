from __future__ import annotations

import numpy as np
import pytest

from qdsim import api
from qdsim.model.model import DingxiModel
from qdsim.model.streams import replicate_seeds


def make_model(scenario, scale: float = 0.002, seed: int = 7, **overrides) -> DingxiModel:
    params = api.parameters_for(scenario).with_overrides(overrides)
    return DingxiModel(scenario=scenario, params=params, seed_sequence=replicate_seeds(seed, 1)[0], scale=scale)


@pytest.fixture
def model(baseline) -> DingxiModel:
    return make_model(baseline)


def run_months(m: DingxiModel, months: int) -> None:
    for _ in range(months):
        m.step()


__all__ = ["make_model", "run_months", "np"]
