"""The pieces of the fit: the calibration period, the parameter map, the quick command end to end."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from qdsim import api
from qdsim.calibration import calibration_scenario, prior_values, read_calibrated
from qdsim.calibration.fit import Space
from qdsim.cli import app
from qdsim.metrics import METRIC_IDS
from qdsim.model.streams import replicate_seeds
from qdsim.registry import load_registry
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
    reg = load_registry()
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
    res = CliRunner().invoke(app, ["calibrate", "--quick", "--out", str(out), "--write", str(cal), "--force", "--workers", "1", "--quiet"])
    assert res.exit_code in (0, 1), res.output
    for name in ("report.md", "targets.png", "convergence.png", "elasticities.png", "targets.csv", "calibrated.yaml"):
        assert (out / name).stat().st_size > 0, name
    rec = read_calibrated(cal)
    reg = load_registry()
    assert set(rec["values"]) == {p.id for p in reg.parameters.values() if p.status == "calibrated"}
    prov = rec["provenance"]
    assert prov["fit"]["start"].startswith("parameters.yaml")
    # the fit improved on the values it started from
    worst_before = max(abs(t["prior_error"]) for t in prov["targets"] if t["fitted"])
    worst_after = max(abs(t["error"]) for t in prov["targets"] if t["fitted"])
    assert worst_after < worst_before
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
