"""Shared by the run pipeline's tests: a tiny what-if, its baseline finished in a folder, and a registry as the pipeline sees one."""

from __future__ import annotations

import pytest

from qdsim import api

TINY = {"replicates": 2, "scale": 0.003}


class Shelf:
    """A registry as the pipeline sees it: anything with ``servable(run_id)`` (neither it nor the API imports qdsim.registry.store)."""

    def __init__(self, runs: dict[str, str]):
        self.runs, self.asked = runs, []

    def servable(self, run_id: str) -> dict | None:
        self.asked.append(run_id)
        return {"run_id": run_id, "out_dir": self.runs[run_id]} if run_id in self.runs else None


@pytest.fixture(scope="module")
def stop() -> api.Scenario:
    return api.load_scenario("stop-after-2025").with_settings(**TINY)


@pytest.fixture(scope="module")
def finished_baseline(stop, tmp_path_factory) -> tuple[api.RunResult, str]:
    base = api.baseline_for(stop)
    result = api.run(base, baseline=False)
    return result, str(result.write(tmp_path_factory.mktemp("runs") / "baseline"))
