"""Shared fixtures: tiny runs that many tests read (computed once per session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from qdsim import api

# Property tests draw the same examples on every run, so that CI passes or fails for the code, not the draw
# (a run of the suite is reproducible like a run of the model). HYPOTHESIS_PROFILE=explore draws new ones:
# do that when changing a mechanism, and turn what it finds into a fixed test.
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
TINY = {"replicates": 2, "scale": 0.004, "workers": 1}


@pytest.fixture(autouse=True, scope="session")
def _registry_in_a_temporary_home(tmp_path_factory):
    """Runs record themselves in $QDSIM_HOME/registry.db: keep tests out of the repository's."""
    home = tmp_path_factory.mktemp("qdsim-home")
    old = os.environ.get("QDSIM_HOME")
    os.environ["QDSIM_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("QDSIM_HOME", None)
    else:
        os.environ["QDSIM_HOME"] = old


@pytest.fixture(scope="session")
def baseline() -> api.Scenario:
    return api.load_scenario(SCENARIOS / "baseline.yaml")


@pytest.fixture(scope="session")
def tiny_run(baseline) -> api.RunResult:
    """The baseline at 0.4% of households, 2 replicates."""
    return api.run(baseline, **TINY)


@pytest.fixture(scope="session")
def tiny_run_dir(tiny_run, tmp_path_factory) -> Path:
    return tiny_run.write(tmp_path_factory.mktemp("runs") / "baseline")
