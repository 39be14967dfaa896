"""Farming: technology adoption, the demonstration plots, and the harvest.

Crops: potato, medicinal herbs, grain, greenhouse vegetables, forage and
livestock. Potato yields depend on technology (traditional 2,300 斤/亩 as
reported before the demonstration; improved practice; the high-yield package
of the demonstration plots), the household's productivity, drought (by crop
sensitivity), hail (by village) and idiosyncratic noise. Technology diffuses
from demonstration plots in the county and from extension technicians.
Demonstration greenhouses grow two crops a year instead of one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from qdsim.model import kernels
from qdsim.model.households import CROPS

if TYPE_CHECKING:
    from qdsim.foundation.catalogue import ParameterSet
    from qdsim.model.model import DingxiModel

POTATO, HERBS, GRAIN, GREENHOUSE, FORAGE = range(len(CROPS))
ADOPTION_MONTH = 3
HARVEST_MONTH = 9


@dataclass
class Harvest:
    """This season's harvest of each simulated household (farm-gate 元)."""

    marketable: NDArray[np.float64]  # potato, herbs and vegetables: what can be sold beyond the village
    revenue: NDArray[np.float64]  # every crop at local farm-gate prices (before costs)
    weather_index: NDArray[np.float64]  # by county: this season's marketable output over a normal season's, weather alone


def weather_index(model: DingxiModel, weather: NDArray[np.float64]) -> NDArray[np.float64]:
    """By county: the season's marketable output relative to a normal season's, as the weather alone sets it.

    The weather factor of each marketable crop (potato, herbs, greenhouse vegetables) weighted by the value a
    normal season gives it in the county (area × base yield × base price; for greenhouses, revenue per crop
    cycle). Exactly 1 without drought. Channel suppliers source under contract from their farmer bases, so
    what they can deliver moves with it (:func:`qdsim.model.consumption.match`).
    """
    if np.all(weather == 1.0):
        return np.ones(model.n_counties)
    p = model.params
    hh = model.households
    per_mu = np.array([p.potato_yield_traditional * p.potato_price, p.herbs_yield * p.herbs_price, p.greenhouse_revenue_per_cycle])
    value = np.stack([kernels.bincount(hh.county, hh.area[:, crop], 1.0, model.n_counties) for crop in (POTATO, HERBS, GREENHOUSE)], axis=1) * per_mu
    total = value.sum(axis=1)
    w = weather[[POTATO, HERBS, GREENHOUSE]]
    out: NDArray[np.float64] = np.divide(value @ w, total, out=np.ones(model.n_counties), where=total > 0)
    return out


def assign_demonstrations(model: DingxiModel, t: int) -> None:
    """Place the demonstration areas on households' land, county by county in a fixed order."""
    hh = model.households
    for lever, target, crop in (
        ("technology.potato_demo_area", hh.demo_potato, POTATO),
        ("technology.greenhouse_demo_area", hh.demo_greenhouse, GREENHOUSE),
    ):
        total = model.levers.at(lever, t) * model.scale
        target[:] = 0.0
        if total <= 0:
            continue
        crop_area = hh.area[:, crop]
        by_county = kernels.bincount(hh.county, crop_area, 1.0, model.n_counties)
        share = by_county / max(by_county.sum(), 1e-12)
        for c in range(model.n_counties):
            need = total * share[c]
            order = model.demo_order[c]
            areas = crop_area[order]
            cum = np.cumsum(areas)
            k = int(np.searchsorted(cum, need))
            target[order[:k]] = areas[:k]
            if k < len(order):
                target[order[k]] = max(0.0, need - (cum[k - 1] if k else 0.0))
        hh.tech[target > 0] = 2  # demonstration households learn the package


def adopt_technology(model: DingxiModel, t: int) -> None:
    """Diffusion: traditional → improved (base rate, demonstrations, technicians); improved → high-yield practice."""
    p = model.params
    hh = model.households
    rng = model.streams["farming"]
    u = rng.random(hh.n)
    potato = hh.area[:, POTATO]
    demo_by_c = kernels.bincount(hh.county, hh.demo_potato, 1.0, model.n_counties)
    potato_by_c = kernels.bincount(hh.county, potato, 1.0, model.n_counties)
    exposure = demo_by_c / np.maximum(potato_by_c, 1e-12)
    technicians = model.levers.at("people.technicians_q2d", t) * model.county_weights
    p_up = np.clip(p.adoption_base_rate + p.diffusion_coef * exposure + p.extension_effect * technicians, 0, 1)
    p_high = np.clip(p.diffusion_coef * exposure * 0.5, 0, 1)
    # hh.tech[u < np.where(hh.tech == 0, p_up[hh.county], np.where(hh.tech == 1, p_high[hh.county], 0.0))] += 1
    kernels.adopt(hh.tech, hh.county, u, p_up, p_high)


def potato_yields(p: ParameterSet, tech: NDArray[np.integer]) -> NDArray[np.float64]:
    base = np.array(
        [
            p.potato_yield_traditional,
            p.potato_yield_improved,
            p.potato_yield_improved + p.high_yield_attainment * (p.potato_yield_high - p.potato_yield_improved),
        ]
    )
    return base[tech]


def harvest(model: DingxiModel, t: int) -> None:
    """September: outputs, revenue at local farm-gate prices, costs; records yields."""
    p = model.params
    hh = model.households
    rng = model.streams["farming"]
    n = hh.n
    noise = rng.normal(-p.yield_noise_sd**2 / 2, p.yield_noise_sd, (n, len(CROPS)))
    np.exp(noise, out=noise)  # household by household in memory, as the compiled pass reads it (exp is elementwise)
    hail_u = rng.random(len(model.villages.county))
    demo_noise = np.exp(rng.normal(-0.0025, 0.05, n))

    drought = model.levers.at("conditions.drought", t)
    sens = np.array([p.drought_sensitivity_potato, p.drought_sensitivity_herbs, p.drought_sensitivity_grain,
                     p.drought_sensitivity_greenhouse, p.drought_sensitivity_forage])
    weather = 1.0 - np.clip(drought * sens, 0, 1)
    hail_v = hail_u < p.hail_probability * model.levers.at("conditions.hail_multiplier", t)
    growth = (1 + p.farm_price_growth) ** t
    price_potato = p.potato_price * growth * model.levers.at("conditions.potato_price_index", t)
    price_herbs = p.herbs_price * growth * model.levers.at("conditions.herbs_price_index", t)
    yields = potato_yields(p, np.arange(3))  # by technology
    # in one compiled pass, the same arithmetic as in NumPy (``tests/benchmarks/test_exactness.py``):
    #   hail = where(hail_v[village], 1 - hail_loss, 1); factor = noise × weather × hail × productivity
    #   ordinary = potato area − demo; y_ord = yields[tech] × factor_potato
    #   y_demo = potato_yield_high × weather_potato × hail × demo_noise
    #   potato_out = ordinary × y_ord + demo × y_demo; herbs, grain = area × yield × factor
    #   gh_cycles_area = greenhouse area + demo greenhouse (a second crop)
    #   gh_revenue = gh_cycles_area × revenue_per_cycle × growth × factor; forage_net = area × net × growth × factor
    #   revenue = potato_out × price_potato + herbs_out × price_herbs + grain_out × grain_price × growth + gh_revenue
    #   extra = where(tech == 2, high_yield_extra_cost, 0) × ordinary (the programme pays on demo plots)
    #   cost = (potato area × cost + extra + herbs area × cost + grain area × cost + gh_cycles_area × cost) × growth
    #   farm income += revenue − cost + forage_net
    scalars = np.array([price_potato, price_herbs, p.herbs_yield, p.grain_yield, p.greenhouse_revenue_per_cycle, growth, p.forage_net,
                        p.grain_price, p.high_yield_extra_cost, p.potato_cost, p.herbs_cost, p.grain_cost, p.greenhouse_cost_per_cycle])
    demo_yield = np.array([p.potato_yield_high * weather[POTATO]])
    area, wgt = hh.area, hh.weight
    potato_out, demo_out, income_potato, income_herbs, marketable, revenue = kernels.harvest(
        noise, weather, hail_v, hh.village, 1.0 - p.hail_loss, hh.productivity, area, hh.demo_potato, hh.demo_greenhouse,
        hh.tech, yields, demo_yield, demo_noise, scalars, hh.income[:, 0], wgt)

    # what can be sold beyond the village: potato, herbs, vegetables (farm-gate 元)
    model.harvest = Harvest(marketable=marketable, revenue=revenue, weather_index=weather_index(model, weather))

    c = hh.county
    book = model.book
    book.add_by_county("potato_output", c, potato_out, wgt)
    book.add_by_county("potato_area", c, area[:, POTATO], wgt)
    book.add_by_county("demo_output", c, demo_out)
    book.add_by_county("demo_area", c, hh.demo_potato, wgt)
    book.add_by_county("gh_demo_cycles_area", c, hh.demo_greenhouse * 2 * wgt)
    book.add_by_county("gh_demo_area", c, hh.demo_greenhouse, wgt)
    book.add_by_county("income_potato", c, income_potato)
    book.add_by_county("income_herbs", c, income_herbs)
