"""Qingdao's buyers of Dingxi products: the six consumption-assistance modes (消费帮扶六种模式).

Two kinds of buyer, one row each in :class:`Buyers`:

- **Institutions** buy for themselves and decide: *government procurement*
  (the Qingdao units paired with Dingxi villages — streets, communities,
  firms, social organisations — and the agencies and unions behind them)
  and *canteens* under the rule that reserves a share of public canteens'
  farm purchases for Dingxi. An institution is unaware, aware, active or
  lapsed. It becomes aware when it is paired (procurement units), when the
  canteen rule is announced (canteens), by word of mouth from active buyers
  tied to the same Dingxi county, and from tasting events. An aware
  institution starts buying with probability ``adoption_rate`` a year; an
  active one orders its budget times its *intensity*, which starts at
  ``intensity_initial`` and grows with how satisfied it was (the share of its
  order delivered and accepted); it drops out with a probability that rises
  with dissatisfaction, and a lapsed one may come back. Budgets are money:
  at a higher shelf price they buy less.
- **Outlets** sell to Qingdao's consumers and businesses and order what their
  customers buy: *showrooms and e-commerce halls* and *forward warehouses*
  (as many as the scenario's levers say) and *enclave outlets* (飞地门店,
  opened by active procurement units in their own premises). An outlet's
  customers follow a stochastic Bass process: each year new customers join
  from its catchment (an innovation rate raised by tasting events, and an
  imitation rate proportional to the customers it already has) and some
  leave, more after a season whose order came short. Customers buy less at
  a higher shelf price (``consumer_price_elasticity``).
- *Tasting events and festivals* (品鉴会、节会) are one-season buyers: the
  consumption programme's promotion money pays for them; the season's
  events share one Qingdao audience (``event_audience``), each sells a
  random amount, and each makes some institutions aware and brings
  customers to outlets.

Buyers are full-size agents (hundreds to a few thousand): their orders meet
the simulated supply after conversion with ``scale`` (:mod:`qdsim.model.consumption`).
Draws are taken in fixed shapes per mode and buyer index, so that a buyer
keeps its draws whatever other buyers exist (common random numbers).
Budgets and spending grow with Qingdao's consumer spending
(``conditions.qingdao_spending_index``, from the published retail-sales growth).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from qdsim.model.accounts import RawKey
    from qdsim.model.model import DingxiModel

MODES = ("procurement", "canteen", "showroom", "warehouse", "event", "enclave")
PROCUREMENT, CANTEEN, SHOWROOM, WAREHOUSE, EVENT, ENCLAVE = range(len(MODES))
#: the year-book keys of each mode's sales, in MODES order
SALES_KEYS: tuple[RawKey, ...] = ("sales_procurement", "sales_canteen", "sales_showroom", "sales_warehouse", "sales_event", "sales_enclave")
assert SALES_KEYS == tuple(f"sales_{m}" for m in MODES)
INSTITUTIONS = (PROCUREMENT, CANTEEN)
OUTLETS = (SHOWROOM, WAREHOUSE, ENCLAVE)
#: buyer states
UNAWARE, AWARE, ACTIVE, LAPSED = range(4)
#: draws are taken every season for this many buyers of each mode (and no more can exist):
#: every village paired (≈2,060 × 1.093 units), or 4,096 events in a season
MAX_PER_MODE = 4096


@dataclass
class Buyers:
    """Qingdao's buyers, one row each (rows are added, never removed; ``open`` marks those in business)."""

    mode: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))
    rank: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))  # index within its mode (its draws)
    partner: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))  # the Dingxi county it is tied to
    budget: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # institutions: 元 a year it could buy; outlets: 元 per customer; events: sales
    catchment: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # outlets: potential customers
    customers: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # outlets: customers now
    state: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))
    intensity: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # share of the budget ordered
    satisfaction: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # last order's share delivered and accepted (1 before any)
    open: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))
    host: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))  # enclave outlets: the procurement unit's row (else -1)

    @property
    def n(self) -> int:
        return len(self.mode)

    def of(self, mode: int) -> NDArray[np.intp]:
        """Indices of the open buyers of a mode, oldest first."""
        return np.flatnonzero(self.open & (self.mode == mode))

    def next_ranks(self, mode: int, k: int) -> NDArray[np.integer]:
        """Ranks the next ``k`` buyers of a mode will take."""
        first = int(np.count_nonzero(self.mode == mode))
        return np.arange(first, first + k)

    def add(self, mode: int, partner: NDArray[np.integer], budget: NDArray[np.float64], catchment: NDArray[np.float64] | float = 0.0, state: int = UNAWARE,
            host: NDArray[np.integer] | None = None) -> NDArray[np.integer]:
        k = len(partner)
        first = int(np.count_nonzero(self.mode == mode))
        if first + k > MAX_PER_MODE:
            raise RuntimeError(f"more than {MAX_PER_MODE} buyers of mode {MODES[mode]}: raise MAX_PER_MODE")
        new = np.arange(self.n, self.n + k)
        self.mode = np.concatenate([self.mode, np.full(k, mode, np.int8)])
        self.rank = np.concatenate([self.rank, np.arange(first, first + k)])
        self.partner = np.concatenate([self.partner, np.asarray(partner, np.int64)])
        self.budget = np.concatenate([self.budget, budget])
        self.catchment = np.concatenate([self.catchment, np.broadcast_to(np.asarray(catchment, float), (k,))])
        self.customers = np.concatenate([self.customers, np.zeros(k)])
        self.state = np.concatenate([self.state, np.full(k, state, np.int8)])
        self.intensity = np.concatenate([self.intensity, np.zeros(k)])
        self.satisfaction = np.concatenate([self.satisfaction, np.ones(k)])
        self.open = np.concatenate([self.open, np.ones(k, bool)])
        self.host = np.concatenate([self.host, np.full(k, -1, np.int64) if host is None else np.asarray(host, np.int64)])
        return new

    def resize(self, mode: int, target: int, make: Callable[..., object]) -> None:
        """Open buyers of a mode up to ``target`` (``make(k)`` adds k new ones), or close the newest beyond it."""
        now = self.of(mode)
        if target > len(now):
            closed = np.flatnonzero(~self.open & (self.mode == mode))  # reopen closed ones first, oldest first
            again = closed[: target - len(now)]
            self.open[again] = True
            if target - len(now) - len(again) > 0:
                make(target - len(now) - len(again))
        elif target < len(now):
            self.open[now[target:]] = False


@dataclass
class Traits:
    """Each potential buyer's own draws, by mode and rank, taken once per replicate.

    A buyer's budget and partner county come from here, so that the k-th
    showroom (say) is the same showroom in a scenario and in its baseline,
    however many buyers of other modes each has.
    """

    z_budget: NDArray[np.float64]  # (mode, rank) standard normals
    u_partner: NDArray[np.float64]  # (mode, rank) uniforms

    @classmethod
    def draw(cls, rng: np.random.Generator) -> Traits:
        return cls(z_budget=rng.standard_normal((len(MODES), MAX_PER_MODE)), u_partner=rng.random((len(MODES), MAX_PER_MODE)))

    def budgets(self, mode: int, ranks: NDArray[np.integer], mean: float, sigma: float) -> NDArray[np.float64]:
        return mean * np.exp(sigma * self.z_budget[mode, ranks] - sigma * sigma / 2)

    def partners(self, mode: int, ranks: NDArray[np.integer], county_weights: NDArray[np.float64]) -> NDArray[np.intp]:
        cum = np.cumsum(county_weights)
        return np.minimum(np.searchsorted(cum / cum[-1], self.u_partner[mode, ranks], side="right"), len(county_weights) - 1)


@dataclass
class SeasonDraws:
    """One season's uniforms and normals for every buyer, by mode and rank (fixed shapes)."""

    aware: NDArray[np.float64]  # (mode, rank) uniforms
    adopt: NDArray[np.float64]
    drop: NDArray[np.float64]
    order: NDArray[np.float64]  # standard normals
    outlet: NDArray[np.float64]  # opening an enclave outlet
    joiners: NDArray[np.float64]  # customers joining (normal approximation of the binomial)
    leavers: NDArray[np.float64]
    sales: NDArray[np.float64]  # standard normals: this season's events' sales

    @classmethod
    def draw(cls, rng: np.random.Generator) -> SeasonDraws:
        u = rng.random((4, len(MODES), MAX_PER_MODE))
        z = rng.standard_normal((4, len(MODES), MAX_PER_MODE))
        return cls(aware=u[0], adopt=u[1], drop=u[2], outlet=u[3], order=z[0], joiners=z[1], leavers=z[2], sales=z[3])

    def of(self, name: str, b: Buyers, idx: NDArray[np.integer]) -> NDArray[np.float64]:
        return getattr(self, name)[b.mode[idx], b.rank[idx]]


def binomial_approx(n: NDArray[np.float64], prob: NDArray[np.float64], z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Binomial(n, prob) from one standard normal each (normal approximation, clipped to [0, n], rounded).

    One draw per outlet whatever n and prob are, so that outlets keep their draws
    across scenarios; customers number in the thousands, where the approximation is good.
    """
    prob = np.clip(prob, 0.0, 1.0)
    mean = n * prob
    sd = np.sqrt(np.maximum(n * prob * (1 - prob), 0.0))
    return np.clip(np.round(mean + sd * z), 0, n)


def sync_with_levers(model: DingxiModel, t: int, n_events: int, d: SeasonDraws) -> None:
    """Open and close buyers as the scenario's levers say (pairings, the canteen rule, showrooms, warehouses, events).

    Enclave outlets close with the procurement unit that opened them. Events are
    one-season buyers: the k-th event of every season is the same row, with this
    season's sales.
    """
    p = model.params
    L = model.levers
    b: Buyers = model.consumption.buyers
    traits: Traits = model.consumption.traits
    sigma = p.buyer_budget_sigma

    def budgets(mode: int, mean: float, k: int) -> NDArray[np.float64]:
        return traits.budgets(mode, b.next_ranks(mode, k), mean, sigma)

    def partners(mode: int, k: int) -> NDArray[np.intp]:
        return traits.partners(mode, b.next_ranks(mode, k), model.county_weights)

    # procurement units: the Qingdao units paired with Dingxi villages, tied to the county of their village
    paired_villages = int(round(L.at("pairings.villages", t)))
    target = int(round(p.procurement_units_per_village * paired_villages))
    order = model.villages.pairing_order

    def make_procurement(k: int) -> None:
        first = int(np.count_nonzero(b.mode == PROCUREMENT))
        village = order[np.minimum((np.arange(first, first + k) / p.procurement_units_per_village).astype(int), len(order) - 1)]
        b.add(PROCUREMENT, model.villages.county[village], budgets(PROCUREMENT, p.procurement_budget, k), state=AWARE)  # pairing makes them aware

    b.resize(PROCUREMENT, target, make_procurement)
    enclaves = np.flatnonzero(b.mode == ENCLAVE)
    b.open[enclaves] = b.open[b.host[enclaves]]  # an enclave outlet is open while its unit is

    # canteens: all of Qingdao's public canteens exist; the rule makes them aware while it holds
    if not np.any(b.mode == CANTEEN):
        k = int(round(p.canteens_total))
        b.add(CANTEEN, partners(CANTEEN, k), budgets(CANTEEN, p.canteen_purchases, k))
    if L.at("consumption.canteen_share", t) > 0:
        canteens = b.of(CANTEEN)
        b.state[canteens[b.state[canteens] == UNAWARE]] = AWARE

    # outlets the programme opens: showrooms and e-commerce halls, forward warehouses (active from the day they open)
    for mode, lever, spend, catchment in (
        (SHOWROOM, "consumption.showrooms", p.showroom_spend, p.showroom_catchment),
        (WAREHOUSE, "consumption.warehouses", p.warehouse_spend, p.warehouse_catchment),
    ):
        b.resize(mode, int(round(L.at(lever, t))), lambda k, m=mode, s=spend, c=catchment: b.add(m, partners(m, k), np.full(k, s), c, state=ACTIVE))

    # this season's tasting events and festivals
    b.resize(EVENT, n_events, lambda k: b.add(EVENT, partners(EVENT, k), np.zeros(k), state=ACTIVE))
    events = b.of(EVENT)
    b.budget[events] = p.event_sales * event_reach(n_events, p.event_audience) * np.exp(sigma * d.of("sales", b, events) - sigma * sigma / 2)


def event_reach(n_events: int, audience: float) -> float:
    """Each event's share of a lone event's sales when ``n_events`` share one season's Qingdao audience.

    Together they reach ``audience × (1 − exp(−n/audience))`` lone events' worth of
    buyers (each new event finds fewer who have not been to one), so the share
    falls from 1 (one event among many possible) towards ``audience / n``.
    """
    if n_events <= 0:
        return 1.0
    x = n_events / audience
    return float(-np.expm1(-x) / x)


def awareness_and_adoption(model: DingxiModel, d: SeasonDraws, n_events: int) -> None:
    """Institutions hear of Dingxi products (word of mouth, events) and start buying, or come back."""
    p = model.params
    b: Buyers = model.consumption.buyers
    inst = np.flatnonzero(b.open & np.isin(b.mode, INSTITUTIONS))
    if not len(inst):
        return
    n_c = model.n_counties
    active = b.state[inst] == ACTIVE
    pool = np.bincount(b.partner[inst], minlength=n_c)
    share_active = np.bincount(b.partner[inst], weights=active, minlength=n_c) / np.maximum(pool, 1)
    hazard = p.word_of_mouth * share_active[b.partner[inst]] + p.event_contacts * n_events / len(inst)
    unaware = b.state[inst] == UNAWARE
    hears = unaware & (d.of("aware", b, inst) < 1 - np.exp(-hazard))
    b.state[inst[hears]] = AWARE
    u = d.of("adopt", b, inst)
    starts = ((b.state[inst] == AWARE) & (u < p.adoption_rate)) | ((b.state[inst] == LAPSED) & (u < p.adoption_rate * p.readoption_share))
    b.state[inst[starts]] = ACTIVE
    b.intensity[inst[starts]] = p.intensity_initial


def outlets(model: DingxiModel, d: SeasonDraws, n_events: int) -> None:
    """Enclave outlets open; every outlet's customers join and leave (stochastic Bass process)."""
    p = model.params
    b: Buyers = model.consumption.buyers
    units = b.of(PROCUREMENT)
    hosting = np.zeros(b.n, bool)
    hosting[b.host[b.mode == ENCLAVE]] = True
    opens = units[(b.state[units] == ACTIVE) & ~hosting[units] & (d.of("outlet", b, units) < p.enclave_open_rate)]
    if len(opens):
        b.add(ENCLAVE, b.partner[opens], np.full(len(opens), p.enclave_spend), p.enclave_catchment, state=ACTIVE, host=opens)
    idx = np.flatnonzero(b.open & np.isin(b.mode, OUTLETS))
    if not len(idx):
        return
    c, m = b.customers[idx], b.catchment[idx]
    innovation = p.outlet_innovation + p.event_customers * n_events / len(idx)
    joining = 1 - np.exp(-(innovation + p.outlet_imitation * c / np.maximum(m, 1)))
    joined = binomial_approx(m - c, joining, d.of("joiners", b, idx))
    # customers leave at the base churn, and more when the outlet's last order came short (delivery, loss, quality)
    churn = np.minimum(1.0, p.customer_churn + p.customer_dissatisfaction * (1 - b.satisfaction[idx]))
    left = binomial_approx(c, churn, d.of("leavers", b, idx))
    b.customers[idx] = np.clip(c + joined - left, 0, m)


def orders(model: DingxiModel, t: int, d: SeasonDraws, price: float = 1.0) -> NDArray[np.float64]:
    """What each buyer orders this season, 元 at the shelf price (full scale; 0 for closed or inactive buyers).

    Institutions order from a budget: what they spend is their budget × intensity, whatever the price.
    Outlets' customers and event visitors buy a quantity that falls with the price (``consumer_price_elasticity``):
    at ``price`` times the reference shelf price they spend ``price^(1 − elasticity)`` times what they would.
    Every budget and spend grows with Qingdao's consumer spending (``conditions.qingdao_spending_index``).
    """
    p = model.params
    b: Buyers = model.consumption.buyers
    out = np.zeros(b.n)
    live = np.flatnonzero(b.open & (b.state == ACTIVE))
    if not len(live):
        return out
    noise = np.exp(p.order_noise * d.of("order", b, live) - p.order_noise**2 / 2)
    mode = b.mode[live]
    demand = np.where(np.isin(mode, OUTLETS), b.customers[live] * b.budget[live], b.budget[live])
    demand = np.where(np.isin(mode, INSTITUTIONS), demand * b.intensity[live], demand)
    demand = np.where(mode == CANTEEN, demand * model.levers.at("consumption.canteen_share", t), demand)
    demand = np.where(np.isin(mode, INSTITUTIONS), demand, demand * price ** (1.0 - p.consumer_price_elasticity))
    demand *= model.levers.at("conditions.qingdao_spending_index", t)  # budgets and spending grow with Qingdao's
    out[live] = demand * noise
    return out


def after_season(model: DingxiModel, ordered: NDArray[np.float64], accepted: NDArray[np.float64], d: SeasonDraws) -> None:
    """Every buyer that ordered remembers how much of it came (outlets' customers leave more after a short season);
    satisfied institutions buy more next year; dissatisfied ones may drop out."""
    p = model.params
    b: Buyers = model.consumption.buyers
    ordering = ordered > 0
    b.satisfaction[ordering] = np.clip(accepted[ordering] / ordered[ordering], 0, 1)
    inst = np.flatnonzero(b.open & (b.state == ACTIVE) & np.isin(b.mode, INSTITUTIONS) & ordering)
    if not len(inst):
        return
    satisfaction = b.satisfaction[inst]
    b.intensity[inst] += p.intensity_growth * satisfaction * (1 - b.intensity[inst])
    drop = d.of("drop", b, inst) < p.dropout_base + p.dropout_dissatisfaction * (1 - satisfaction)
    b.state[inst[drop]] = LAPSED
