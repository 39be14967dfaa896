"""Consumption assistance (消费帮扶): Qingdao's buyers meet Dingxi's suppliers, once a season.

After the harvest (September) the season runs in this order:

1. The consumption programme's money, spent in January, is split into
   promotion — tasting events and festivals at ``event_cost`` each — and
   support for suppliers' certification and cold chains.
2. Buyers open and close as the levers say, hear of Dingxi products, start
   or resume buying, and outlets win and lose customers (:mod:`qdsim.model.buyers`).
3. Each active buyer orders (:func:`qdsim.model.buyers.orders`, at the shelf
   price :func:`shelf_price`: the premium paid to households raises it, so
   budgets buy less and customers buy less) and spreads
   the order over the suppliers it may buy from — certified ones only for
   procurement, canteens and warehouses — in proportion to capacity ×
   quality, with ``home_bias`` extra weight on suppliers of the county it
   is tied to.
4. A supplier fills its orders up to the least of what it can deliver and its
   share (by capacity) of the channel-grade produce of its county's households
   this season; every order it received is filled in that proportion. What it
   can deliver is its capacity times its county's weather index: suppliers
   source under contract from their farmer bases, sized for a normal season,
   so a drought cuts their deliveries as it cuts their farmers' harvest
   (:func:`qdsim.model.farming.weather_index`). Orders left unfilled for want
   of capacity bring new suppliers; orders left unfilled for want of harvest
   do not.
5. Shipments lose the supplier's transport loss; the buyer accepts the
   supplier's quality share of what arrives. **Sales** (consumption_sales)
   are what buyers accept, at the shelf price, by channel and by the county
   the products come from.
6. Suppliers pay the households they bought from the farm-gate value of
   what they shipped (its value at the shelf price / (``retail_markup`` × that
   price's ratio to a channel paying no premium)) plus the channel's
   price premium, in proportion to each household's channel-grade output
   (paired villages first, by ``paired_village_priority``). The farm-gate
   value is already in the household's harvest revenue; the premium is the
   extra the channel brings.
7. Buyers learn from the season (:func:`qdsim.model.buyers.after_season`) and
   suppliers adapt (:func:`qdsim.model.suppliers.adapt`).

Nothing here is a formula of lever money: sales are what the two sides
trade, and capacity, certification, logistics and the harvest can each bind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from qdsim.model import buyers as buyers_mod
from qdsim.model import kernels
from qdsim.model import suppliers as suppliers_mod
from qdsim.model.buyers import CANTEEN, MODES, PROCUREMENT, SALES_KEYS, WAREHOUSE, Buyers, SeasonDraws, Traits
from qdsim.model.suppliers import Suppliers

if TYPE_CHECKING:
    from qdsim.foundation.catalogue import ParameterSet
    from qdsim.model.model import DingxiModel

#: modes that buy only certified products
NEED_CERTIFIED = (PROCUREMENT, CANTEEN, WAREHOUSE)


@dataclass
class ConsumptionState:
    """The consumption channel: its agents and this year's programme money."""

    buyers: Buyers
    suppliers: Suppliers
    traits: Traits
    programme_money: float = 0.0  # 元 spent by the consumption programme this year (January)


def start(p: ParameterSet, county_weights: NDArray[np.float64], rng: np.random.Generator) -> ConsumptionState:
    """The channel before the cooperation: no buyers yet, the suppliers able to sell beyond the prefecture."""
    return ConsumptionState(buyers=Buyers(), suppliers=suppliers_mod.initial(p, county_weights, rng), traits=Traits.draw(rng))


def season(model: DingxiModel, t: int, channel_supply: NDArray[np.float64],
           weather_index: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """The year's trade; returns the farm-gate value each simulated household sold through the channel, 元.

    Args:
        channel_supply: channel-grade output of each simulated household this season, 元 at farm-gate prices.
        weather_index: by county, the season's output over a normal season's (1 = normal; see
            :func:`qdsim.model.farming.weather_index`); None is a normal season.
    """
    p = model.params
    st: ConsumptionState = model.consumption
    rng = model.streams["consumption"]
    d = SeasonDraws.draw(rng)
    u_events = rng.random()

    money = st.programme_money
    promotion = money * p.promotion_share
    n_events = min(int(np.floor(promotion / p.event_cost + u_events)), buyers_mod.MAX_PER_MODE) if promotion > 0 else 0
    buyers_mod.sync_with_levers(model, t, n_events, d)
    buyers_mod.awareness_and_adoption(model, d, n_events)
    buyers_mod.outlets(model, d, n_events)
    premium = model.levers.at("consumption.price_premium", t)
    price = shelf_price(p, premium)
    ordered = buyers_mod.orders(model, t, d, price)

    hh = model.households
    # the channel-grade produce at the shelf price (suppliers' capacities are 元 a year at that price)
    supply_by_county = kernels.bincount(hh.county, channel_supply, 1.0, model.n_counties) * hh.weight * (p.retail_markup * price)
    deliverable = np.ones(model.n_counties) if weather_index is None else np.asarray(weather_index, float)
    accepted, shipped, received, unmet_cert, unmet_any = match(model, ordered, supply_by_county, deliverable)

    b, s, book = st.buyers, st.suppliers, model.book
    by_supplier = accepted.sum(axis=0)
    book.add_by_county("consumption_sales", s.county, by_supplier)
    for j in range(len(MODES)):
        rows = b.mode == j
        if rows.any():
            book.add_by_county(SALES_KEYS[j], s.county, accepted[rows].sum(axis=0))
    buying = ordered > 0  # open, active and ordering this season
    book.add_by_county("channel_buyers_active", b.partner, buying.astype(float))
    book.add_by_county("canteens_buying", b.partner, (buying & (b.mode == CANTEEN)).astype(float))

    # suppliers pay the households they bought from: farm-gate value of what they shipped
    farmgate_by_county = np.bincount(s.county, weights=shipped, minlength=model.n_counties) / (p.retail_markup * price)
    sold = household_shares(model, channel_supply, farmgate_by_county * model.scale)
    hh.income[:, 0] += sold * premium
    book.add_by_county("channel_paid_households", hh.county, sold * (1 + premium) * hh.weight)

    buyers_mod.after_season(model, ordered, accepted.sum(axis=1), d)
    suppliers_mod.adapt(model, received, unmet_cert, unmet_any, money - promotion)
    return sold


def shelf_price(p: ParameterSet, premium: float) -> float:
    """Qingdao's shelf price of channel products relative to a channel paying no premium.

    The premium paid to households (a share of the farm-gate value, which is the shelf
    value / ``retail_markup``) reaches the shelf price in the share ``premium_pass_through``;
    suppliers absorb the rest.
    """
    return 1.0 + p.premium_pass_through * premium / p.retail_markup


def match(
    model: DingxiModel, ordered: NDArray[np.float64], supply_by_county: NDArray[np.float64], deliverable: NDArray[np.float64] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Orders meet suppliers.

    ``deliverable``: by county, the share of its capacity a supplier can deliver this season (the weather
    index; 1 in a normal season, the default).

    Returns:
        accepted: (buyer, supplier) value accepted, 元 at the shelf price;
        shipped: by supplier, value shipped (before loss and rejection);
        received: by supplier, value ordered from it;
        unmet_certified, unmet_any: by county, orders not filled that needed certified suppliers / any.
    """
    p = model.params
    st: ConsumptionState = model.consumption
    b, s = st.buyers, st.suppliers
    n_c = model.n_counties
    need_cert = np.isin(b.mode, NEED_CERTIFIED)
    if s.n == 0 or not ordered.any():  # nothing traded: every order is unmet
        unmet_cert = np.bincount(b.partner, weights=ordered * need_cert, minlength=n_c)
        unmet_any = np.bincount(b.partner, weights=ordered * ~need_cert, minlength=n_c)
        return np.zeros((b.n, s.n)), np.zeros(s.n), np.zeros(s.n), unmet_cert, unmet_any
    # only the buyers who order: the others' rows would be zeros, and adding zeros changes no sum.
    # weight = eligible × capacity × quality × (1 + home_bias × same county), with the products a boolean
    # factor makes written as choices (x × 1.0 is x, x × 0.0 is 0.0 for the finite, non-negative terms here).
    # A buyer's weights depend on it only through whether it needs certified suppliers and its county: they are
    # worked out once for each such pair (at most 2 × counties rows), and each buyer gets its pair's row and total
    # (the same numbers: the same products, and the same sum of the same row)
    rows = np.flatnonzero(ordered > 0)
    pairs, pair_of = np.unique(need_cert[rows] * np.int64(n_c) + b.partner[rows], return_inverse=True)
    weight = np.where((pairs[:, None] >= n_c) & ~s.certified[None, :], 0.0, (s.capacity * s.quality)[None, :])
    weight *= np.where(pairs[:, None] % n_c == s.county[None, :], 1 + p.home_bias, 1.0)
    total = weight.sum(axis=1)[pair_of]
    alloc = weight[pair_of]
    alloc *= ordered[rows, None]  # a row of zero total is all zeros: it stays so
    np.divide(alloc, total[:, None], out=alloc, where=total[:, None] > 0)
    received = alloc.sum(axis=0)

    # each supplier's share (by capacity) of its county's channel-grade produce
    cap_by_county = np.bincount(s.county, weights=s.capacity, minlength=n_c)
    sourcing = supply_by_county[s.county] * np.divide(s.capacity, cap_by_county[s.county], out=np.zeros(s.n), where=cap_by_county[s.county] > 0)
    deliverable = np.ones(n_c) if deliverable is None else deliverable
    harvest_bound = bool(np.any(deliverable < 1.0))
    capacity = s.capacity * deliverable[s.county] if harvest_bound else s.capacity
    available = np.minimum(capacity, sourcing)
    fill = np.divide(available, received, out=np.ones(s.n), where=received > available)  # else filled in full (no overflow on tiny orders)
    if harvest_bound:  # what capacity alone would have filled: the orders that bring new suppliers
        could = np.minimum(s.capacity, sourcing)
        fill_capacity = np.divide(could, received, out=np.ones(s.n), where=received > could)
        unfilled = ordered.copy()
        unfilled[rows] -= (alloc * fill_capacity[None, :]).sum(axis=1)
    filled = alloc
    filled *= fill[None, :]
    shipped = filled.sum(axis=0)
    # orders nobody could fill: those with no eligible supplier, and the unfilled part of the rest, by the buyer's county
    if not harvest_bound:
        unfilled = ordered.copy()
        unfilled[rows] -= filled.sum(axis=1)
    loss = s.loss(model.levers.at("consumption.logistics_loss", model.year_index), model.levers.at("consumption.warehouses", model.year_index),
                  p.warehouse_loss_cut, suppliers_mod.loss_factors(p))
    accepted = np.zeros((b.n, s.n))
    accepted[rows] = filled * ((1 - loss) * s.quality)[None, :]
    unmet_cert = np.bincount(b.partner, weights=unfilled * need_cert, minlength=n_c)
    unmet_any = np.bincount(b.partner, weights=unfilled * ~need_cert, minlength=n_c)
    return accepted, shipped, received, unmet_cert, unmet_any


def household_shares(model: DingxiModel, channel_supply: NDArray[np.float64], farmgate_by_county: NDArray[np.float64]) -> NDArray[np.float64]:
    """Split each county's channel purchases (simulated scale, 元) over its households' channel-grade output.

    Paired villages come first by ``paired_village_priority``; no household sells more than it has:
    what a full household cannot sell goes, in the same proportions, to the others of its county.
    """
    hh = model.households
    n_c = model.n_counties
    paired = model.villages.paired[hh.village]
    weight = channel_supply * (1.0 + model.params.paired_village_priority * paired)
    left = np.minimum(np.asarray(farmgate_by_county, float), kernels.bincount(hh.county, channel_supply, 1.0, n_c))
    # each pass fills at least one more household; a handful suffice. In compiled loops, the same arithmetic as:
    # sold = 0; for up to 20 passes: room = channel_supply − sold; w = where(room > 0, weight, 0)
    #   share = left / bincount(county, w) (0 where no weight); add = minimum(room, w × share[county]); sold += add
    #   left = left − bincount(county, add); stop when all(left <= 1e-9 × maximum(farmgate_by_county, 1))
    return kernels.household_shares(hh.county, np.asarray(channel_supply, float), weight, left,
                                    np.asarray(farmgate_by_county, float), 20)
