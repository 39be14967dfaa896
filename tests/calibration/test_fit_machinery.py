"""The pieces of the fit: the calibration period, the parameter map, the quick command end to end."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from qdsim import api
from qdsim.calibration import calibration_scenario, prior_values, read_calibrated
from qdsim.calibration.fit import Space
from qdsim.catalogue import load_catalogue
from qdsim.cli import app
from qdsim.metrics import METRIC_IDS
from qdsim.model.streams import replicate_seeds
from qdsim.runner import simulate

from .helpers import BASELINE, baseline_2024


def test_cut_at_2024_keeps_the_first_four_years_exactly():
    """The fit runs 2021–2024 only; users' baseline runs to 2030: the first four years must agree."""
    full = api.load_scenario(BASELINE)
    cut = baseline_2024()
    assert cut.period.years == [2021, 2022, 2023, 2024]
    params = api.parameters_for(full)
    seq = replicate_seeds(full.seed, 1)[0]
    a = simulate(full, params, seq, 0.005)[:, :4]
    b = simulate(cut, params, seq, 0.005)
    np.testing.assert_array_equal(np.nan_to_num(a, nan=-1), np.nan_to_num(b, nan=-1))
    assert a.shape[0] == len(METRIC_IDS)


def test_cut_scenario_keeps_a_stop_horizon_after_the_cut_as_continue():
    s = api.load_scenario(BASELINE.parent / "stop-after-2025.yaml")
    assert calibration_scenario(s).horizon.mode == "continue"


def test_space_maps_the_plausible_range_to_the_unit_interval():
    reg = load_catalogue()
    space = Space.of(reg)
    assert set(space.ids) == {p.id for p in reg.parameters.values() if p.status == "calibrated"}
    lo = {p.id: p.range[0] for p in space.params}
    hi = {p.id: p.range[1] for p in space.params}
    np.testing.assert_allclose(space.to_u(lo), 0, atol=1e-12)
    np.testing.assert_allclose(space.to_u(hi), 1, atol=1e-12)
    prior = {k: v for k, v in prior_values("dingxi").items() if k in space.ids}
    back = space.to_values(space.to_u(prior))
    for k in prior:
        assert back[k] == pytest.approx(prior[k], rel=1e-12)


def test_quick_calibrate_runs_end_to_end(tmp_path):
    """`qdsim calibrate --quick` refits from scratch, writes the report, and (--force) a calibrated.yaml the registry can read."""
    out, cal = tmp_path / "report", tmp_path / "calibrated.yaml"
    res = CliRunner().invoke(app, ["calibrate", "--quick", "--profiles", "--out", str(out), "--write", str(cal), "--force", "--workers", "1", "--quiet"])
    assert res.exit_code in (0, 1), res.output
    for name in ("report.md", "targets.png", "convergence.png", "elasticities.png", "profiles.png", "targets.csv", "calibrated.yaml"):
        assert (out / name).stat().st_size > 0, name
    rec = read_calibrated(cal)
    reg = load_catalogue()
    assert set(rec["values"]) == {p.id for p in reg.parameters.values() if p.status == "calibrated"}
    prov = rec["provenance"]
    assert prov["fit"]["start"].startswith("parameters.yaml")
    # the fit improved on the values it started from
    worst_before = max(abs(t["prior_error"]) for t in prov["targets"] if t["fitted"])
    worst_after = max(abs(t["error"]) for t in prov["targets"] if t["fitted"])
    assert worst_after < worst_before
    profiled = [p for p in prov["parameters"] if "profile" in p]
    assert profiled and all(p["identification"] != "identified" for p in profiled)
    for p in profiled:
        assert len(p["profile"]) == 6
        if p["profile_range"]:
            lo, hi = p["profile_range"]
            assert lo <= p["value"] <= hi
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "consumption_sales" in report and "帮助销售定西农特产品累计" in report


def test_quick_calibrate_never_touches_the_shipped_file(tmp_path):
    before = read_calibrated(reg_file()) if reg_file().exists() else None
    res = CliRunner().invoke(app, ["calibrate", "--quick", "--out", str(tmp_path / "r"), "--dry-run", "--max-evaluations", "1", "--seeds", "1", "--replicates", "2", "--workers", "1", "--quiet"])
    assert res.exit_code in (0, 1), res.output
    after = read_calibrated(reg_file()) if reg_file().exists() else None
    assert before == after


def reg_file():
    from qdsim.calibration import calibrated_path

    return calibrated_path()


def test_bad_options_exit_2(tmp_path):
    res = CliRunner().invoke(app, ["calibrate", "--scale", "5", "--out", str(tmp_path)])
    assert res.exit_code == 2
    res = CliRunner().invoke(app, ["calibrate", "--scenario", str(tmp_path / "missing.yaml"), "--out", str(tmp_path)])
    assert res.exit_code == 2


def synthetic_result(profiles: dict, fit_errors: list[float]):
    from qdsim.calibration import TARGETS, FitResult, TargetCheck

    reg = load_catalogue()
    space = Space.of(reg)
    checks = [TargetCheck(t, 1.0, 1.0 + e, 1.0, 1.0, 4) for t, e in zip(TARGETS, fit_errors, strict=True)]
    n = len(space.ids)
    return FitResult(
        space=space, prior={}, values={p.id: p.value for p in space.params}, history=[], jacobian=np.eye(n),
        elasticity=np.zeros((len(TARGETS), n)), posterior_sd_u=np.linspace(0.1, 0.9, n), prior_checks=checks,
        fit_checks=checks, verification=checks, holdout=checks, settings={}, seconds=0.0, simulations=0, message="",
        profiles=profiles,
    )


def test_profile_range_is_the_run_of_grid_points_within_tolerance_around_the_fit():
    from qdsim.calibration import TARGETS

    ok, bad = [0.01] * len(TARGETS), [0.01] * len(TARGETS)
    bad[2] = -0.2  # stable employment off by 20%
    grid = [(0.0, ok), (1.2, ok), (2.4, bad), (3.6, ok), (4.8, bad), (6.0, bad)]
    r = synthetic_result({"qingdao_friction": grid}, ok)
    r.values["qingdao_friction"] = 3.0
    assert r.profile_range("qingdao_friction") == (3.0, 3.6)  # 2.4 and 4.8 miss: the run stops there
    r.values["qingdao_friction"] = 0.5
    assert r.profile_range("qingdao_friction") == (0.0, 1.2)
    assert r.profile_range("potato_yield_high") is None
    # a fitted point that itself misses has no compatible range
    assert synthetic_result({"qingdao_friction": grid}, bad).profile_range("qingdao_friction") is None
    ident = r.identification()
    assert list(ident.values())[0] == "identified" and list(ident.values())[-1] == "not identified"
