"""A what-if is paired with its baseline on common random numbers: vs_baseline_* in summary.csv, named in the manifest."""

from __future__ import annotations

import numpy as np
import pytest

from qdsim import api
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.registry.store import RunStore

from .conftest import SCENARIOS

SETTINGS = {"replicates": 8, "scale": 0.004, "workers": 1}
METRIC, YEAR = "rural_income_per_capita", 2030


@pytest.fixture(scope="module")
def stop() -> api.RunResult:
    return api.run(api.load_scenario(SCENARIOS / "stop-after-2025.yaml"), **SETTINGS)


def test_a_what_if_is_paired_with_the_baseline_it_extends(stop):
    m = stop.manifest["baseline"]
    base = api.load_scenario(SCENARIOS / "baseline.yaml").with_settings(replicates=8, scale=0.004)
    assert m["scenario_id"] == "baseline" and m["scenario_sha256"] == base.sha256()
    assert m["run_id"] == api.run(base, **SETTINGS).run_id
    rows = stop.summary[stop.summary.scenario == stop.scenario.id]
    assert rows[rows.metric == METRIC].vs_baseline_mean.notna().all()
    assert (rows.vs_baseline_mean.notna() | rows.impact_mean.isna()).all()  # empty only where the metric itself is (a ratio of nothing)
    assert stop.summary[stop.summary.scenario.str.endswith("-counterfactual")].vs_baseline_mean.isna().all()


def test_the_difference_is_the_per_replicate_difference_from_the_baseline(stop):
    base = api.run(api.load_scenario("baseline"), **SETTINGS)
    y = stop.years.index(YEAR)
    diff = stop.metric(METRIC)[:, y] - base.metric(METRIC)[:, y]
    np.testing.assert_array_equal(stop.baseline[:, :, y, 0], base.with_coop[:, :, y, 0])
    row = stop.summary[(stop.summary.scenario == stop.scenario.id) & (stop.summary.metric == METRIC) & (stop.summary.county == "all")
                       & (stop.summary.year == YEAR)].iloc[0]
    assert row.vs_baseline_mean == pytest.approx(diff.mean())
    assert (row.vs_baseline_p05, row.vs_baseline_p95) == pytest.approx(tuple(np.percentile(diff, [5, 95])))


def test_the_paired_interval_is_narrower_than_the_unpaired_one(stop):
    """Common random numbers: the spread of the paired differences is far below that of differences between unrelated replicates."""
    y = stop.years.index(YEAR)
    a, b = stop.metric(METRIC)[:, y], stop.baseline[:, METRIC_IDS.index(METRIC), y, 0]
    paired = np.subtract(*np.percentile(a - b, [95, 5]))
    unpaired = np.subtract(*np.percentile(np.subtract.outer(a, b).ravel(), [95, 5]))
    assert paired < unpaired / 2, (paired, unpaired)


def test_the_baseline_itself_has_no_comparison():
    base = api.run(api.load_scenario("baseline"), **SETTINGS)
    assert base.manifest["baseline"] is None and base.baseline is None
    assert base.summary.vs_baseline_mean.isna().all()


def test_a_finished_baseline_is_reused_from_the_registry(tmp_path):
    store = RunStore(tmp_path / "registry.db")
    base = api.run(api.load_scenario("baseline"), **SETTINGS)
    from qdsim.registry.store import stamp_manifest

    stamp_manifest(base)
    store.record_done(base, base.write(tmp_path / "baseline"))
    calls = []
    reused = api.run(api.load_scenario("stop-after-2025"), **SETTINGS, registry=store, progress=lambda d, t, m: calls.append(t))
    assert reused.manifest["baseline"]["reused_from"] == str((tmp_path / "baseline").resolve())
    # the scenario only: the baseline and its counterfactual (which is the scenario's: same conditions and overrides) are reused
    assert calls[-1] == SETTINGS["replicates"]
    fresh = api.run(api.load_scenario("stop-after-2025"), **SETTINGS)
    np.testing.assert_array_equal(reused.baseline, fresh.baseline)
    np.testing.assert_array_equal(reused.without, fresh.without)
    assert reused.summary.equals(fresh.summary)


def test_scenario_against_scenario_is_paired_too(stop):
    taper = api.run(api.load_scenario("taper-after-2025"), **SETTINGS)
    df = api.compare(taper, stop)
    y = stop.years.index(YEAR)
    d = taper.metric(METRIC)[:, y] - stop.metric(METRIC)[:, y]
    row = df[(df.metric == METRIC) & (df.county == "all") & (df.year == YEAR)].iloc[0]
    assert row.diff_mean == pytest.approx(d.mean()) and row.versus == stop.scenario.id
    with pytest.raises(ValueError, match="same random numbers"):
        api.compare(taper, api.run(api.load_scenario("stop-after-2025"), replicates=3, scale=0.004))


def test_skipping_the_counterfactual_leaves_impact_empty():
    r = api.run(api.load_scenario("stop-after-2025"), replicates=2, scale=0.003, counterfactual=False, baseline=False)
    assert r.without is None and r.summary.impact_mean.isna().all() and set(r.summary.scenario) == {"stop-after-2025"}
