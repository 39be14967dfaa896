"""A run's identity: one run ID, computed in one place from the scenario's hash, its parameters' hash and the run settings."""

from __future__ import annotations

import inspect

from qdsim import api
from qdsim.foundation.catalogue import parameters_for
from qdsim.registry.store import RunStore
from qdsim.results.provenance import RunIdentity, planned_run_id, run_id


def test_the_run_id_is_made_of_the_scenario_the_parameters_and_the_settings():
    s = api.load_scenario("stop-after-2025").with_settings(replicates=3, scale=0.003)
    me = RunIdentity.of(s)
    assert me.run_id == planned_run_id(s) == run_id(scenario_sha=s.sha256(), params_sha=parameters_for(s).sha256(), seed=s.seed,
                                                    replicates=3, scale=0.003)
    assert (me.scenario_id, me.scenario_sha, me.seed, me.replicates, me.scale) == (s.id, s.sha256(), s.seed, 3, 0.003)
    others = [s.with_settings(replicates=4), s.with_settings(seed=1), s.with_settings(scale=0.004),
              s.with_changes({"overrides.qingdao_friction": 4.0}, id=s.id), s.with_settings(id="renamed")]
    assert len({RunIdentity.of(o).run_id for o in [s, *others]}) == 6


def test_the_registry_records_a_run_under_its_identity_s_fields():
    """``RunStore.start(run_id, **identity.record(), out_dir=…)``: the fields are exactly the registry's keywords."""
    for method in (RunStore.start, RunStore.claim):
        keywords = {n for n, p in inspect.signature(method).parameters.items() if p.kind is p.KEYWORD_ONLY} - {"out_dir"}
        assert set(RunIdentity.of(api.baseline()).record()) == keywords, method.__name__
