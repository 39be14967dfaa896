"""DingxiModel: the Mesa model of rural Dingxi under the Qingdao cooperation.

One step is one month, from January of the scenario's first year. The step
reads like the story in docs/model.md; each mechanism lives in its own module.
"""

from __future__ import annotations

import mesa
import numpy as np

from qdsim.catalogue import ParameterSet, load_catalogue
from qdsim.model import ecology, enterprises, farming, funds, labour, markets, shocks, villages
from qdsim.model.accounts import YearBook, gini_by_group
from qdsim.model.agents import Enterprise, Village
from qdsim.model.enterprises import FirmSlots
from qdsim.model.households import FIRM, QINGDAO
from qdsim.model.population import build_households, build_workers, village_counts
from qdsim.model.streams import spawn_streams
from qdsim.scenario.levers import LeverTable, resolve
from qdsim.scenario.schema import Scenario


class DingxiModel(mesa.Model):
    """Households (arrays), villages and enterprises (Mesa agents), Qingdao as environment.

    Args:
        scenario: the validated scenario (levers, conditions, period).
        params: parameter values (the catalogue's values with the scenario's overrides).
        seed_sequence: the replicate's seed; each mechanism draws from its own child stream.
        scale: share of households simulated (1.0 = all of them).
    """

    def __init__(self, *, scenario: Scenario, params: ParameterSet, seed_sequence: np.random.SeedSequence, scale: float):
        self.streams = spawn_streams(seed_sequence)
        super().__init__(rng=int(self.streams["mesa"].integers(2**31)))
        self.params = params
        self.levers: LeverTable = resolve(scenario)
        self.scale = float(scale)
        self.weight = 1.0 / self.scale
        self.years = self.levers.years
        self.n_years = len(self.years)
        self.year_index = 0
        reg = load_catalogue(scenario.region)
        self.counties = reg.counties
        self.n_counties = len(self.counties)
        self.incubator_county = [c["id"] for c in self.counties].index(reg.info["incubator_county"])
        pops = np.array([c["population"] for c in self.counties], float)
        self.county_weights = pops / pops.sum()

        self._build_villages()
        pop_rng = self.streams["population"]
        self.households = build_households(self.counties, params, self.scale, pop_rng, self.village_county, self.village_poor)
        self.workers = build_workers(self.households, params, pop_rng)
        self.workers_per_village = np.bincount(self.workers.village, minlength=len(self.village_list))  # workers do not move
        self.household_wages = labour.HouseholdWages(self.workers, self.households.n)
        self.demo_order = self._demo_order(pop_rng)

        self.funds = funds.Funds(self.county_weights, self.n_years)
        self.book = YearBook(self.n_years, self.n_counties)
        self.slots = FirmSlots()
        enterprises.initial_firms(self)
        self.awareness = params.awareness_initial
        self.promotion_spent = 0.0
        self.marketable = np.zeros(self.households.n)
        self.forest_area = np.zeros(self.n_counties)
        self.asc_away = labour.away_constant(self)
        self._initial_assessment()

    # -- construction ------------------------------------------------------
    def _build_villages(self) -> None:
        p = self.params
        rng = self.streams["population"]
        counts = village_counts(self.counties, p)
        n_v = int(counts.sum())
        county = np.repeat(np.arange(self.n_counties), counts)
        poor = np.zeros(n_v, dtype=bool)
        poor[rng.choice(n_v, size=min(n_v, int(p.formerly_poor_villages)), replace=False)] = True
        # pairing order: formerly poor villages first, random within
        rank = np.empty(n_v, dtype=np.int64)
        order = np.lexsort((rng.random(n_v), ~poor))
        rank[order] = np.arange(n_v)
        self.village_county = county
        self.village_poor = poor
        self.village_paired = np.zeros(n_v, dtype=bool)
        self.village_list: list[Village] = []
        for i in range(n_v):
            c = int(county[i])
            township = int(rng.integers(self.counties[c]["townships"]))
            self.village_list.append(Village(self, index=i, county=c, township=township, formerly_poor=bool(poor[i]), pairing_rank=int(rank[i])))
        self.villages_by_county = [[v for v in self.village_list if v.county == c] for c in range(self.n_counties)]

    def _demo_order(self, rng: np.random.Generator) -> list[np.ndarray]:
        hh = self.households
        u = rng.random(hh.n)
        out = []
        for c in range(self.n_counties):
            idx = np.flatnonzero((hh.county == c) & (hh.area[:, farming.POTATO] > 0))
            out.append(idx[np.argsort(u[idx], kind="stable")])
        return out

    def _initial_assessment(self) -> None:
        """Who is under the monitoring line at the start: a quiet year without cooperation."""
        hh = self.households
        p = self.params
        e = labour.net_earnings(self, 0)
        w = self.workers
        away = np.bincount(w.household, weights=(w.state == 1), minlength=hh.n)
        home = np.bincount(w.household, minlength=hh.n) - away
        yields = farming.potato_yields(p, hh.tech)
        farm = (
            hh.area[:, 0] * (yields * p.potato_price - p.potato_cost)
            + hh.area[:, 1] * (p.herbs_yield * p.herbs_price - p.herbs_cost)
            + hh.area[:, 2] * (p.grain_yield * p.grain_price - p.grain_cost)
            + hh.area[:, 3] * (p.greenhouse_revenue_per_cycle - p.greenhouse_cost_per_cycle)
            + hh.area[:, 4] * p.forage_net
        ) * hh.productivity
        wages = 12 * (home * p.casual_work_share * p.wage_local + away * p.remittance_share * e["away"])
        per_capita = (farm + wages) / hh.size + p.transfer_per_capita + np.where(hh.formerly_poor, p.poor_household_transfer, 0.0)
        hh.monitored = per_capita < shocks.monitoring_line(p, 0)

    # -- helpers used by the mechanisms ------------------------------------
    def firms(self) -> list[Enterprise]:
        return list(self.agents_by_type[Enterprise]) if Enterprise in self.agents_by_type else []

    @property
    def firm_coop(self) -> np.ndarray:
        return self.slots.coop

    def stochastic_round(self, x: float, stream: str) -> int:
        base = int(np.floor(x))
        return base + int(self.streams[stream].random() < x - base)

    def hire_firm_workers(self) -> None:
        enterprises.hire(self)

    def release_firm_workers(self, idx: np.ndarray) -> None:
        enterprises.release(self, idx)

    def close_firm(self, firm: Enterprise) -> None:
        enterprises.close(self, firm)

    def firm_purchases_by_county(self) -> np.ndarray:
        return enterprises.purchases_by_county(self)

    @property
    def month(self) -> int:
        return (self.steps - 1) % 12 + 1

    # -- the story ----------------------------------------------------------
    def step(self) -> None:
        """One month in rural Dingxi."""
        self.year_index = t = (self.steps - 1) // 12
        month = self.month
        if month == 1:
            self.start_year(t)
        labour.monthly(self, month)
        enterprises.complete_projects(self)
        if month == farming.ADOPTION_MONTH:
            farming.assign_demonstrations(self, t)
            farming.adopt_technology(self, t)
        if month == ecology.PLANTING_MONTH:
            ecology.plant(self, t)
        if month == farming.HARVEST_MONTH:
            farming.harvest(self, t)
            markets.sell(self, t)
        if month == 12:
            self.end_year(t)

    def start_year(self, t: int) -> None:
        """January: Qingdao's money arrives and the programmes commit it."""
        self.book.year = t
        self.funds.allocate(t, self.levers.at("funds.fiscal", t), self.levers.shares[t], self.levers.at("funds.donations", t))
        villages.update_pairing(self, t)
        enterprises.fund_industry(self, t)
        villages.upgrade_demo_villages(self, t)
        funds.spend_programmes(self, t)
        enterprises.natural_entry(self, t)
        enterprises.incubator_entry(self, t)

    def end_year(self, t: int) -> None:
        """December: firms' and villages' accounts, shocks and transfers, the monitoring, the books."""
        enterprises.year_end(self)
        villages.year_end(self, t)
        shocks.illness(self, t)
        shocks.transfers(self, t)
        shocks.assess(self, t)
        self.record(t)
        self.households.reset_year()
        self.workers.reset_year()

    def record(self, t: int) -> None:
        hh, w, b, k = self.households, self.workers, self.book, self.n_counties
        wt = hh.weight
        b.data["fiscal_funds_spent"][t, :k] += self.funds.spent_by_county(t)
        b.add_by_county("stable_employment", w.county, w.stable_counted * wt)
        b.add_by_county("migrant_workers_qingdao", w.county, (w.state == QINGDAO) * wt)
        b.add_by_county("enterprise_jobs", w.county, (w.state == FIRM) * wt)
        income = hh.total_income()
        b.add_by_county("income_total", hh.county, income * wt)
        for j, src in enumerate(("farm", "wages_local", "wages_migrant", "transfers", "dividends")):
            b.add_by_county(f"income_{src}", hh.county, hh.income[:, j] * wt)
        b.add_by_county("persons", hh.county, hh.size * wt)
        b.add_by_county("households", hh.county, np.full(hh.n, wt))
        b.data["eco_forest_area"][t, :k] = self.forest_area
        per_capita = income / hh.size
        b.data["income_gini"][b.year, :] = gini_by_group(per_capita, hh.size.astype(float), hh.county, k)  # counties, then all

    def run(self) -> YearBook:
        for _ in range(12 * self.n_years):
            self.step()
        return self.book
