"""Farming: yields by technology, drought and hail, demonstrations, diffusion."""

from __future__ import annotations

import numpy as np

from qdsim.model import farming
from qdsim.model.farming import GREENHOUSE, POTATO

from .conftest import make_model, run_months


def test_potato_yields_by_technology(model):
    p = model.params
    y = farming.potato_yields(p, np.array([0, 1, 2], dtype=np.int8))
    high_copy = p.potato_yield_improved + p.high_yield_attainment * (p.potato_yield_high - p.potato_yield_improved)
    assert y.tolist() == [2300.0, p.potato_yield_improved, high_copy]


def _harvest_potato(model, t=0):
    model.book.year = t
    model.households.income[:] = 0
    farming.harvest(model, t)
    return model.book.data["potato_output"][t, :7].sum(), model.book.data["potato_area"][t, :7].sum()


def test_drought_cuts_potato_output_by_its_sensitivity(baseline, tmp_path):
    from qdsim.scenario import loads_scenario

    dry = loads_scenario(baseline.to_yaml().replace("conditions:\n  drought: 0", "conditions:\n  drought: 1.0"))
    wet_m = make_model(baseline, hail_probability=0.0)
    dry_m = make_model(dry, hail_probability=0.0)
    out_wet, _ = _harvest_potato(wet_m)
    out_dry, _ = _harvest_potato(dry_m)
    # same random streams: output scales by (1 − severity × sensitivity) exactly
    assert abs(out_dry / out_wet - (1 - 1.0 * wet_m.params.drought_sensitivity_potato)) < 1e-9


def test_no_drought_no_hail_means_no_weather_loss(baseline):
    m = make_model(baseline, hail_probability=0.0, yield_noise_sd=1e-9, income_heterogeneity_sd=1e-9)
    out, area = _harvest_potato(m)
    hh = m.households
    expected = (hh.area[:, POTATO] * farming.potato_yields(m.params, hh.tech) * hh.productivity).sum() * hh.weight
    assert abs(out / expected - 1) < 1e-6  # no weather factor at all; noise ≈ 0


def test_demonstration_area_is_placed_and_yields_high(baseline):
    m = make_model(baseline, scale=0.01)
    farming.assign_demonstrations(m, 3)  # 2024: 10,000 亩
    hh = m.households
    assert abs(hh.demo_potato.sum() * hh.weight - 10_000) < 1e-6
    assert (hh.demo_potato <= hh.area[:, POTATO] + 1e-9).all()
    assert (hh.tech[hh.demo_potato > 0] == 2).all()
    assert abs(hh.demo_greenhouse.sum() * hh.weight - 1_000) < 1e-6
    assert (hh.demo_greenhouse <= hh.area[:, GREENHOUSE] + 1e-9).all()
    m.book.year = 3
    farming.harvest(m, 3)
    y = m.book.data["demo_output"][3, :7].sum() / m.book.data["demo_area"][3, :7].sum()
    assert abs(y / m.params.potato_yield_high - 1) < 0.1  # no drought; hail and noise only


def test_no_demonstration_without_the_lever(baseline):
    m = make_model(baseline.counterfactual())
    farming.assign_demonstrations(m, 3)
    assert m.households.demo_potato.sum() == 0


def test_demonstrations_speed_up_adoption(baseline):
    with_demo = make_model(baseline, scale=0.01, adoption_base_rate=0.0, extension_effect=0.0)
    without = make_model(baseline.counterfactual(), scale=0.01, adoption_base_rate=0.0, extension_effect=0.0)
    for m in (with_demo, without):
        farming.assign_demonstrations(m, 3)
        before = (m.households.tech >= 1).sum()
        farming.adopt_technology(m, 3)
        m.gain = (m.households.tech >= 1).sum() - before
    assert without.gain == 0 and with_demo.gain > 0


def test_harvest_months_run_in_the_model(baseline):
    m = make_model(baseline)
    run_months(m, 9)
    assert m.book.data["potato_output"][0, :7].sum() > 0
