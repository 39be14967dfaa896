from __future__ import annotations

import copy

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


def set_lever(m: DingxiModel, key: str, value: float) -> None:
    """Set a lever to ``value`` in every year of a built model (the model reads levers through ``m.levers``)."""
    m.levers.values[key][:] = value


def peek(m: DingxiModel, stream: str) -> np.random.Generator:
    """A copy of a model's stream: it draws what the model will draw next."""
    return copy.deepcopy(m.streams[stream])


__all__ = ["make_model", "run_months", "set_lever", "peek", "np"]
