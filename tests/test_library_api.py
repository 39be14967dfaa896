"""The modeller's API: load, change by dotted paths, read outcomes (mapping, tidy, xarray), structured warnings, the catalogue's exports."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from SALib.sample import latin

import qdsim
from qdsim import api
from qdsim.foundation.metrics import METRIC_IDS

TINY = {"replicates": 2, "scale": 0.003}


@pytest.fixture(scope="module")
def half():
    """Half the fiscal funds from 2026, run with its counterfactual and baseline."""
    s = qdsim.load("baseline").with_changes({"levers.funds.fiscal.2026": "2.5 亿元"}, id="half")
    return api.run(s, **TINY)


# -- load and change --------------------------------------------------------------------------

def test_load_names_a_shipped_scenario_or_a_file(tmp_path):
    assert qdsim.load("baseline") == api.baseline() == api.load_scenario("baseline")
    (tmp_path / "s.yaml").write_text(qdsim.load("stop-after-2025").to_yaml(), encoding="utf-8")
    assert qdsim.load(tmp_path / "s.yaml") == qdsim.load("stop-after-2025")
    with pytest.raises(api.ScenarioError, match="no such file"):
        qdsim.load("no-such-scenario")


def test_a_year_path_sets_the_value_from_that_year_and_keeps_the_years_before(baseline):
    s = baseline.with_changes({"levers.funds.fiscal.2026": 2.5e8})
    assert s.levers.funds.fiscal == {**baseline.levers.funds.fiscal, 2026: 2.5e8}
    # a lever given as one value becomes "that value, then the new one": {0: 935} → {2021: 935, 2027: 0}
    t = baseline.with_changes({"levers.labour.subsidy_per_worker.2027": 0})
    assert t.levers.labour.subsidy_per_worker == {2021: 935.0, 2027: 0.0}


def test_multiplying_overrides_and_units_mean_what_they_mean_in_a_batch_file(baseline):
    s = baseline.with_changes({"levers.funds.donations*": 0.5, "overrides.qingdao_friction": 4.0,
                               "levers.consumption.canteen_share": "45%", "levers.funds.fiscal.2027": "6 亿元"})
    assert s.levers.funds.donations == {y: v * 0.5 for y, v in baseline.levers.funds.donations.items()}
    assert s.overrides == {"qingdao_friction": 4.0}
    assert s.levers.consumption.canteen_share == {0: 0.45} and s.levers.funds.fiscal[2027] == 6e8
    assert baseline.overrides == {} and baseline.levers.funds.fiscal.get(2027) is None  # the original is unchanged


def test_a_changed_scenario_gets_its_base_id_and_a_hash_unless_given_and_stays_paired_with_its_base():
    s = qdsim.load("consumption-first")
    t = s.with_changes({"levers.consumption.showrooms.2027": 50})
    assert t.id == f"{s.id}-{t.simulation_sha()[:8]}" and t._base == s._base and api.baseline_for(t).id == "baseline"
    assert s.with_changes({"levers.consumption.showrooms.2027": 50}).id == t.id  # the same change, the same id
    assert s.with_changes({"levers.consumption.showrooms.2027": 51}).id != t.id
    assert s.with_changes({}).id == s.id  # nothing changed: the same scenario
    assert s.with_changes({}, id="other").id == "other"
    assert s.with_changes({"levers.consumption.showrooms.2027": 50}, id="mine").id == "mine"


def test_every_problem_names_its_path_with_a_did_you_mean(baseline):
    with pytest.raises(api.ScenarioError) as e:
        baseline.with_changes({"levers.funds.fiscl.2026": 1e8, "overrides.qingdao_fricton": 3, "levers.labour.training_places": -5,
                               "seed": 3, "levers.funds.fiscal.2040": 1})
    got = {p.field: p.message for p in e.value.problems}
    assert "did you mean 'fiscal'" in got["levers.funds.fiscl.2026"]
    assert "did you mean 'qingdao_friction'" in got["overrides.qingdao_fricton"]
    assert "outside the allowed range" in got["levers.labour.training_places"]
    assert "cannot be varied" in got["seed"]
    assert "year 2040 is outside the period 2021–2030" in got["levers.funds.fiscal.2040"]  # one wording, the scenario's period


# -- outcomes ---------------------------------------------------------------------------------

def test_outcomes_is_a_flat_mapping_of_the_summary(half):
    o = half.outcomes(2030)
    assert list(o) == list(METRIC_IDS)
    y = half.years.index(2030)
    assert o["rural_income_per_capita"] == pytest.approx(half.metric("rural_income_per_capita")[:, y].mean())
    d = half.outcomes(2030, stat="vs_baseline_mean")["rural_income_per_capita"]
    base = half.baseline[:, METRIC_IDS.index("rural_income_per_capita"), y, 0]
    assert d == pytest.approx((half.metric("rural_income_per_capita")[:, y] - base).mean())
    assert half.outcomes() == o  # the last year by default
    county = half.county_ids[3]
    assert half.outcomes(2025, county)["households"] == pytest.approx(half.metric("households", county)[:, 4].mean())
    for bad in ({"year": 2040}, {"county": "beijing"}, {"stat": "median"}):
        with pytest.raises(KeyError):
            half.outcomes(**bad)


def test_a_run_without_counterfactual_has_nan_impacts(baseline):
    r = api.run(baseline, replicates=1, scale=0.002, counterfactual=False)
    assert np.isnan(r.outcomes(stat="impact_mean")["rural_income_per_capita"])


def test_the_tidy_table_names_the_variants_and_holds_every_replicate_value(half):
    t = half.tidy()
    assert list(t.columns) == ["variant", "replicate", "metric", "county", "year", "value"]
    assert set(t.variant) == {"scenario", "counterfactual", "baseline"}
    assert len(t) == 3 * half.with_coop.size
    row = t[(t.variant == "counterfactual") & (t.replicate == 1) & (t.metric == "stable_employment") & (t.county == "all") & (t.year == 2024)]
    assert row.value.item() == half.without[1, METRIC_IDS.index("stable_employment"), 3, 0]


def test_the_xarray_dataset_holds_the_same_numbers_with_units(half):
    ds = half.to_xarray()
    v = ds["rural_income_per_capita"]
    assert v.dims == ("variant", "replicate", "year", "county") and list(ds.variant.values) == ["scenario", "counterfactual", "baseline"]
    assert v.attrs["unit"] == "元/人" and v.attrs["zh"] == "农村居民人均可支配收入"
    np.testing.assert_array_equal(v.sel(variant="baseline").values, half.baseline[:, METRIC_IDS.index("rural_income_per_capita")])
    assert ds.attrs["run_id"] == half.run_id


# -- warnings ---------------------------------------------------------------------------------

def test_warnings_are_structured_and_survive_the_output_folder(baseline, tmp_path):
    s = baseline.with_changes({"levers.consumption.showrooms.2027": 200, "overrides.qingdao_friction": 4.0}, id="far")
    r = api.run(s, replicates=1, scale=0.002, counterfactual=False, baseline=False)
    codes = {(w.code, w.lever) for w in r.warnings}
    assert codes == {("beyond_calibrated_range", "consumption.showrooms"), ("calibrated_parameter_overridden", "overrides.qingdao_friction")}
    w = next(w for w in r.warnings if w.lever == "consumption.showrooms")
    assert w.years == (2027, 2028, 2029, 2030) and w.value == 200 and "展" in w.zh and "showrooms" in w.en.lower()
    assert r.warnings == api.range_checks(s)
    assert api.RunResult.read(r.write(tmp_path / "far")).warnings == r.warnings


# -- the catalogue --------------------------------------------------------------------------------

def test_parameters_are_the_values_runs_use():
    cat = qdsim.parameters()
    p = cat.parameters["qingdao_friction"]
    assert p.status == "calibrated" and p.value == cat.calibration["values"]["qingdao_friction"] != p.prior
    assert cat.defaults().qingdao_friction == p.value


def test_the_salib_problem_and_centred_bounds():
    cat = qdsim.parameters()
    problem = cat.salib_problem(["qingdao_friction", "wage_qingdao"])
    assert problem == {"num_vars": 2, "names": ["qingdao_friction", "wage_qingdao"], "bounds": [[0.0, 10.0], [4000.0, 5500.0]]}
    v = cat.parameters["adoption_rate"].value
    assert cat.bounds(["adoption_rate"], spread=0.1) == [("adoption_rate", pytest.approx(0.9 * v), pytest.approx(1.1 * v), v)]
    assert latin.sample(problem, 5, seed=1).shape == (5, 2)  # SALib takes it as it is
    everything = cat.salib_problem()
    assert everything["num_vars"] == sum(1 for p in cat.parameters.values() if p.range[0] < p.range[1])
    assert set(cat.salib_problem(status=["calibrated"])["names"]) == {k for k, p in cat.parameters.items() if p.status == "calibrated"}
    with pytest.raises(ValueError, match="wage_qingdao"):
        cat.bounds(["wage_qingdao"], spread=0.2)  # 4200 ± 20% leaves the plausible [3500, 6000]
    with pytest.raises(KeyError, match="no_such"):
        cat.bounds(["no_such"])


def test_a_scenario_pickles_with_its_base():
    s = qdsim.load("consumption-first").with_changes({"overrides.wage_qingdao": 4000})
    t = pickle.loads(pickle.dumps(s))
    assert t == s and t._base == s._base
