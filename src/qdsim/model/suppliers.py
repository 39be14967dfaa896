"""Dingxi suppliers of the consumption-assistance channel (消费帮扶供应主体).

Cooperatives (合作社), leading firms (龙头企业) and direct-purchase bases
(直采直供基地) buy channel-grade produce from the households of their county
and ship it to Qingdao's buyers. Each has a certified capacity (元 a year at
Qingdao prices), a certification (government procurement, canteens and
forward warehouses buy only certified products), a quality grade (the share
of a shipment the buyer accepts) and logistics (its share of the lever's
transport loss; forward warehouses cut it for certified suppliers).

What they do each season, after the buyers' orders are matched
(:mod:`qdsim.model.consumption`):

- a supplier whose orders exceeded its capacity expands it (by
  ``capacity_expansion`` of the excess, at most doubling), one with idle
  capacity lets a little go;
- while the consumption programme pays for it, uncertified suppliers are
  certified with a probability that grows with the support per supplier;
- where certified demand went unmet in a county, Qingdao's buyers set up
  direct-purchase bases there, and where any demand went unmet new
  cooperatives form (Poisson draws in proportion to the unmet value).

Suppliers are full-size agents (a few hundred), stored as columns of arrays;
the households they buy from are the simulated sample, and the mechanism
converts between the two with ``scale``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from qdsim.foundation.catalogue import ParameterSet
    from qdsim.model.model import DingxiModel

KINDS = ("cooperative", "leading_firm", "base")
COOPERATIVE, LEADING_FIRM, BASE = range(len(KINDS))
#: draws per supplier and purpose are taken for this many suppliers every year (common random numbers)
MAX_SUPPLIERS = 4096


@dataclass
class Suppliers:
    """The channel's suppliers, one row each (grows as suppliers enter)."""

    kind: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))
    county: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    capacity: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # 元 a year at Qingdao prices
    certified: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))
    quality: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # share of shipments accepted

    @property
    def n(self) -> int:
        return len(self.kind)

    def add(self, kind: int, county: NDArray[np.integer], capacity: NDArray[np.float64], certified: NDArray[np.bool_], quality: NDArray[np.float64]) -> None:
        k = len(county)
        if self.n + k > MAX_SUPPLIERS:
            raise RuntimeError(f"more than {MAX_SUPPLIERS} channel suppliers: raise MAX_SUPPLIERS")
        self.kind = np.concatenate([self.kind, np.full(k, kind, np.int8)])
        self.county = np.concatenate([self.county, np.asarray(county, np.int64)])
        self.capacity = np.concatenate([self.capacity, capacity])
        self.certified = np.concatenate([self.certified, certified])
        self.quality = np.concatenate([self.quality, quality])

    def loss(self, lever_loss: float, warehouses: float, warehouse_loss_cut: float, factors: NDArray[np.float64]) -> NDArray[np.float64]:
        """Share of each supplier's shipments lost in transport: the lever's loss × its kind's factor
        (``factors``: cooperative, leading firm, base; :func:`loss_factors`), less the warehouses' cut."""
        cut = np.where(self.certified & (warehouses > 0), 1 - warehouse_loss_cut, 1.0)
        return np.clip(lever_loss * factors[self.kind] * cut, 0.0, 1.0)


def loss_factors(p: ParameterSet) -> NDArray[np.float64]:
    """Each kind's share of the lever's transport loss (cooperative, leading firm, base), from the parameters."""
    return np.array([p.loss_factor_cooperative, p.loss_factor_leading_firm, p.loss_factor_base])


#: most entrants of one kind in one county in one year (their draws are taken whatever the number)
MAX_ENTRANTS = 64


def traits(
    p: ParameterSet, mean_capacity: float, mean_quality: float, z_capacity: NDArray[np.float64], z_quality: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Capacity (log-normal around its mean) and quality (logit-normal around its mean) from standard normal draws."""
    sigma = p.supplier_capacity_sigma
    capacity = mean_capacity * np.exp(sigma * z_capacity - sigma * sigma / 2)
    m = min(max(mean_quality, 1e-3), 1 - 1e-3)
    quality = 1 / (1 + np.exp(-(np.log(m / (1 - m)) + p.supplier_quality_sigma * z_quality)))
    return capacity, quality


def poisson_counts(u: NDArray[np.float64], lam: NDArray[np.float64], cap: int = MAX_ENTRANTS) -> NDArray[np.int64]:
    """Poisson(lam) counts by inversion of one uniform each: the same uniform gives more entrants when lam is larger."""
    lam = np.maximum(np.asarray(lam, float), 0.0)
    k = np.zeros(len(lam), dtype=np.int64)
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    for i in range(1, cap + 1):
        more = u > cdf
        if not more.any():
            break
        k += more
        pmf = pmf * lam / i
        grown = cdf + pmf
        # where the sum no longer grows in the upper tail (what is left is below rounding), the count stops: a uniform
        # within rounding of 1 would otherwise run to the cap, further for a smaller lam whose sum never rounds up to 1.
        # (Below the median a sum that does not grow has underflowed, for a huge lam: it goes on, to the cap.)
        u = np.where((grown > cdf) | (cdf < 0.5), u, 0.0)
        cdf = grown
    return k


def initial(p: ParameterSet, county_weights: NDArray[np.float64], rng: np.random.Generator) -> Suppliers:
    """The cooperatives and leading firms able to sell beyond the prefecture in 2021."""
    s = Suppliers()
    for kind, n, cap, cert, q in (
        (COOPERATIVE, p.cooperatives_initial, p.cooperative_capacity, p.cooperative_certified_share, p.cooperative_quality),
        (LEADING_FIRM, p.leading_firms_initial, p.leading_firm_capacity, p.leading_firm_certified_share, p.leading_firm_quality),
    ):
        n = int(round(n))
        county = rng.choice(len(county_weights), size=n, p=county_weights)
        capacity, quality = traits(p, cap, q, rng.standard_normal(n), rng.standard_normal(n))
        s.add(kind, county, capacity, rng.random(n) < cert, quality)
    return s


def adapt(model: DingxiModel, orders: NDArray[np.float64], unmet_certified: NDArray[np.float64], unmet_any: NDArray[np.float64], support: float) -> None:
    """After the season: expansion, certification and entry (see the module's docstring).

    Args:
        orders: value ordered from each supplier this season, 元 (full scale).
        unmet_certified, unmet_any: by county, value of orders not filled that needed
            certified suppliers / that any supplier could have filled, 元.
        support: consumption-programme money for certification and cold chains this year, 元.
    """
    p = model.params
    s: Suppliers = model.consumption.suppliers
    rng = model.streams["consumption"]
    n_c = model.n_counties
    # every draw of the year in fixed shapes, whatever happens (common random numbers)
    u = rng.random((3, MAX_SUPPLIERS))[:, : s.n]  # expansion noise, certification, quality learning
    u_entry = rng.random((2, n_c))
    z_entry = rng.standard_normal((2, 2, n_c, MAX_ENTRANTS))  # kind × (capacity, quality) × county × entrant
    util = np.divide(orders, s.capacity, out=np.zeros(s.n), where=s.capacity > 0)
    spread = p.capacity_expansion_spread  # the expansion's noise: uniform over 1 ± spread / 2 of its mean
    grow = 1 + p.capacity_expansion * np.clip(util - 1, 0, 1) * ((1 - spread / 2) + spread * u[0])
    shrink = np.where(util < p.capacity_idle_threshold, 1 - p.capacity_idle_decay, 1.0)
    s.capacity *= grow * shrink
    uncertified = ~s.certified
    if support > 0 and uncertified.any():
        intensity = min(1.0, support / (uncertified.sum() * p.certification_cost))
        s.certified |= uncertified & (u[1] < p.certification_rate * intensity)
    # quality improves with certified practice: in a year with probability quality_learning_probability, by quality_learning_rate of the gap
    s.quality = np.where(s.certified & (u[2] < p.quality_learning_probability), s.quality + p.quality_learning_rate * (1 - s.quality), s.quality)

    n_bases = poisson_counts(u_entry[0], p.base_entry_rate * np.maximum(unmet_certified, 0) / p.base_capacity)
    n_coops = poisson_counts(u_entry[1], p.supplier_entry_rate * np.maximum(unmet_any, 0) / p.cooperative_capacity)
    for j, (kind, counts, cap, cert, q) in enumerate((
        (BASE, n_bases, p.base_capacity, True, p.base_quality),
        (COOPERATIVE, n_coops, p.cooperative_capacity, False, p.cooperative_quality),
    )):
        county = np.repeat(np.arange(n_c), counts)
        if len(county):
            slot = np.concatenate([np.arange(k) for k in counts])
            capacity, quality = traits(p, cap, q, z_entry[j, 0, county, slot], z_entry[j, 1, county, slot])
            s.add(kind, county, capacity, np.full(len(county), cert), quality)
