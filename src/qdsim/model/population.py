"""The synthetic population of rural Dingxi, drawn from published statistics.

Counties take households in proportion to their 2020 census population
(assumption: equal rural shares); villages per county are the published
counts or, where missing, ``villages_per_10k_residents``; crops follow the
prefecture areas (potato ≈300万亩, herbs ≈180万亩, …) tilted per county.
Everything is drawn from the ``population`` stream.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qdsim.foundation.catalogue import ParameterSet
from qdsim.model.households import CROPS, GANSU, HOME, INCOME_SOURCES, OTHER, Households, Workers


@dataclass
class Population:
    """The synthetic population of one replicate: villages' fixed traits, households, workers.

    Built once per (parameters, seed, scale) from the ``population`` stream; a
    scenario, its baseline and its counterfactual start from copies of the same
    population (:meth:`copy`), which is what makes them comparable draw for draw.
    """

    village_county: NDArray[np.int64]  # county of each village
    village_poor: NDArray[np.bool_]  # formerly poor village
    village_rank: NDArray[np.int64]  # pairing order (formerly poor first, random within)
    village_township: NDArray[np.int64]  # township index within the county
    households: Households
    workers: Workers
    demo_order: list[NDArray[np.intp]]  # per county: potato households in the order demonstrations reach them

    def copy(self) -> Population:
        """An independent copy (the model changes households and workers as it runs)."""
        return copy.deepcopy(self)


def build_population(counties: tuple[dict[str, Any], ...], p: ParameterSet, scale: float, rng: np.random.Generator) -> Population:
    """Villages, households and workers, in this order, from one stream."""
    counts = village_counts(counties, p)
    n_v = int(counts.sum())
    county = np.repeat(np.arange(len(counties)), counts)
    poor = np.zeros(n_v, dtype=bool)
    poor[rng.choice(n_v, size=min(n_v, int(p.formerly_poor_villages)), replace=False)] = True
    rank = np.empty(n_v, dtype=np.int64)
    order = np.lexsort((rng.random(n_v), ~poor))  # pairing order: formerly poor villages first, random within
    rank[order] = np.arange(n_v)
    township = np.array([int(rng.integers(counties[c]["townships"])) for c in county], dtype=np.int64)
    households = build_households(counties, p, scale, rng, county, poor)
    workers = build_workers(households, p, rng)
    return Population(county, poor, rank, township, households, workers, demo_order(households, len(counties), rng))


def demo_order(hh: Households, n_counties: int, rng: np.random.Generator) -> list[NDArray[np.intp]]:
    """Per county, the potato households in a random order (the order demonstrations are placed in)."""
    potato = CROPS.index("potato")
    u = rng.random(hh.n)
    out = []
    for c in range(n_counties):
        idx = np.flatnonzero((hh.county == c) & (hh.area[:, potato] > 0))
        out.append(idx[np.argsort(u[idx], kind="stable")])
    return out


def largest_remainder(total: int, weights: NDArray[np.floating]) -> NDArray[np.int_]:
    """Integer split of ``total`` in proportion to ``weights`` (sums exactly)."""
    w = np.asarray(weights, float) / np.sum(weights)
    raw = w * total
    base = np.floor(raw).astype(int)
    rest = total - base.sum()
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def village_counts(counties: tuple[dict[str, Any], ...], p: ParameterSet) -> NDArray[np.int_]:
    return np.array(
        [c["villages"] if c.get("villages") else round(c["population"] / 1e4 * p.villages_per_10k_residents) for c in counties]
    )


def build_households(
    counties: tuple[dict[str, Any], ...], p: ParameterSet, scale: float, rng: np.random.Generator, village_county: NDArray[np.int64],
    village_poor: NDArray[np.bool_],
) -> Households:
    pops = np.array([c["population"] for c in counties], float)
    n_total = p.rural_population_2021 / p.household_size_mean
    n = max(len(counties), int(round(n_total * scale)))
    per_county = largest_remainder(n, pops)
    county = np.repeat(np.arange(len(counties), dtype=np.int8), per_county)

    # size: 1 + binomial, mean household_size_mean
    size = (1 + rng.binomial(7, (p.household_size_mean - 1) / 7, n)).astype(np.int16)

    # villages: uniform within county, formerly poor villages hold formerly poor households
    village = np.empty(n, dtype=np.int32)
    for c in range(len(counties)):
        vs = np.flatnonzero(village_county == c)
        idx = np.flatnonzero(county == c)
        village[idx] = vs[rng.integers(0, len(vs), len(idx))]
    poor_village = village_poor[village]
    # formerly poor households: more likely in formerly poor villages, overall share formerly_poor_share
    share_poor_v = poor_village.mean() if n else 0
    p_in = min(0.95, p.formerly_poor_share * 1.3)
    p_out = max(0.0, (p.formerly_poor_share - share_poor_v * p_in) / max(1e-9, 1 - share_poor_v))
    formerly_poor = rng.random(n) < np.where(poor_village, p_in, p_out)

    sd = p.income_heterogeneity_sd
    productivity = np.exp(rng.normal(-sd * sd / 2, sd, n)) * np.where(formerly_poor, 0.85, 1.08)

    # land: lognormal around the county mean, crop mix tilted per county
    total_area = np.array([p.potato_area, p.herbs_area, p.grain_area, p.greenhouse_area, p.forage_area])
    tilt = np.array([[c["crop_tilt"][k] for k in CROPS] for c in counties], float)
    county_area = tilt * pops[:, None]
    county_area = county_area / county_area.sum(axis=0, keepdims=True) * total_area * scale  # 亩 by county×crop
    ls = p.land_sigma
    land_draw = np.exp(rng.normal(-ls * ls / 2, ls, n)) * (0.6 + 0.4 * size / p.household_size_mean)
    mix_noise = rng.gamma(4.0, 0.25, (n, len(CROPS)))
    area = np.zeros((n, len(CROPS)))
    bounds = np.concatenate([[0], np.cumsum(per_county)])  # households come county by county
    for c in range(len(counties)):
        idx = slice(bounds[c], bounds[c + 1])  # type: ignore[assignment]  # = np.flatnonzero(county == c), without copying the rows
        if bounds[c] == bounds[c + 1]:
            continue
        w = land_draw[idx, None] * mix_noise[idx]
        area[idx] = w / w.sum(axis=0, keepdims=True) * county_area[c]
    # greenhouses are few: only a fifth of households have one
    has_gh = rng.random(n) < 0.2
    gh = area[:, CROPS.index("greenhouse")]
    for c in range(len(counties)):
        idx = np.flatnonzero(county == c)
        tot = gh[idx].sum()
        keep = has_gh[idx]
        if keep.any():
            gh[idx] = np.where(keep, gh[idx], 0.0)
            gh[idx] *= tot / max(gh[idx].sum(), 1e-12)

    tech = (rng.random(n) < p.improved_share_2021).astype(np.int8)
    return Households(
        county=county,
        village=village,
        size=size,
        productivity=productivity,
        formerly_poor=formerly_poor,
        area=np.asfortranarray(area),  # column by column (crop by crop) in memory: mechanisms read one crop at a time
        tech=tech,
        demo_potato=np.zeros(n),
        demo_greenhouse=np.zeros(n),
        income=np.zeros((n, len(INCOME_SOURCES)), order="F"),  # one source at a time in memory (same sums, faster)
        oop_medical=np.zeros(n),
        migrant_earnings=np.zeros(n),
        monitored=np.zeros(n, dtype=bool),
        weight=1.0 / scale,
    )


def build_workers(hh: Households, p: ParameterSet, rng: np.random.Generator) -> Workers:
    # working-age members: binomial over the household's members, at least one in most households
    n_work = rng.binomial(hh.size, p.working_age_share).astype(np.int32)
    household = np.repeat(np.arange(hh.n, dtype=np.int32), n_work)
    m = len(household)
    u = rng.random(m)
    sd = p.income_heterogeneity_sd
    skill = np.sqrt(hh.productivity[household]) * np.exp(rng.normal(-sd * sd / 2, sd, m))
    in_gansu = p.migrant_share_2021 * p.gansu_share_2021
    state = np.where(u < in_gansu, GANSU, np.where(u < p.migrant_share_2021, OTHER, HOME)).astype(np.int8)
    return Workers(
        household=household,
        county=hh.county[household],
        village=hh.village[household],
        state=state,
        employer=np.full(m, -1, dtype=np.int32),
        trained=np.zeros(m, dtype=bool),
        subsidised=np.zeros(m, dtype=bool),
        assisted_months=np.zeros(m, dtype=np.int8),
        eligible=hh.formerly_poor[household],
        skill=skill,
    )
