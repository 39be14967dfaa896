"""The runner: a replicate's population is built once for its runs in a process; tasks are grouped by it."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from qdsim import api, runner
from qdsim.catalogue import ParameterSet, load_catalogue
from qdsim.derive import derive
from qdsim.model import model as model_mod
from qdsim.model import population as population_mod
from qdsim.model.model import DingxiModel
from qdsim.model.streams import replicate_seeds

SETTINGS = {"replicates": 2, "scale": 0.003, "assumption_draws": 0}


@pytest.fixture
def counted_builds(monkeypatch):
    """Count the populations built, by the runner or by the model."""
    built = []
    real = population_mod.build_population

    def counting(*args, **kwargs):
        built.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "build_population", counting)
    monkeypatch.setattr(model_mod, "build_population", counting)
    return built


def test_a_replicate_builds_its_population_once_and_its_runs_share_it(counted_builds):
    what_if = api.load_scenario("stop-after-2025").with_settings(**SETTINGS)
    tasks = [t for _, _, t in api.plan(what_if, baseline=api.baseline_for(what_if))]
    assert len(tasks) == 3 * SETTINGS["replicates"]  # scenario, counterfactual and baseline of each replicate
    shared = runner.run_simulations(tasks, workers=1)
    assert len(counted_builds) == SETTINGS["replicates"]  # not rebuilt for the counterfactual or the baseline
    # each is what the model gives when it builds its own population
    counted_builds.clear()
    for task, values in zip(tasks, shared, strict=True):
        params = ParameterSet(task.params, load_catalogue(task.region))
        seq = replicate_seeds(task.seed, task.n_replicates)[task.replicate]
        model = DingxiModel(scenario=task.scenario, params=params, seed_sequence=seq, scale=task.scale)
        np.testing.assert_array_equal(values, derive(model.run().array(), model.n_counties))
    assert len(counted_builds) == len(tasks)  # (those did build their own)


def test_other_parameters_or_seeds_get_their_own_population(counted_builds):
    base = api.load_scenario("baseline").with_settings(**SETTINGS)
    other = api.Scenario.model_validate(base.model_dump() | {"overrides": {"land_sigma": 0.5}})
    tasks = [t for s in (base, other, base.with_settings(seed=base.seed + 1)) for _, _, t in api.plan(s, counterfactual=False)]
    runner.run_simulations(tasks, workers=1)
    assert len(counted_builds) == 3 * SETTINGS["replicates"]


def test_jobs_keep_a_replicate_together_when_every_worker_has_one():
    base = api.load_scenario("baseline")
    tasks = [t for _, _, t in api.plan(base.with_settings(replicates=3, scale=0.003))]  # scenario, counterfactual × 3
    assert runner.jobs(tasks, workers=2) == [[0, 1], [2, 3], [4, 5]]
    one = [t for _, _, t in api.plan(base.with_settings(replicates=1, scale=0.003))]
    assert runner.jobs(one, workers=2) == [[0], [1]]  # one replicate on two workers: side by side


def test_the_allocator_keeps_freed_memory_on_glibc():
    """On Linux with glibc the allocator is told to keep what a simulation frees (fewer page faults, same results)."""
    import platform

    from qdsim.runner import keep_freed_memory

    applied = keep_freed_memory()
    assert applied == (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc")
