"""DingxiModel: the Mesa model of rural Dingxi under the Qingdao cooperation.

One step is one month, from January of the scenario's first year. The step
reads like the story in docs/model.md; each mechanism lives in its own module
and keeps its state in a small typed object on the model (``workers`` and
``labour``, ``villages``, ``firms``, ``consumption``, ``forest``, ``funds``,
``book``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
from numpy.typing import NDArray

from qdsim.foundation.catalogue import ParameterSet, load_catalogue
from qdsim.model import consumption, ecology, enterprises, farming, funds, labour, markets, shocks, villages
from qdsim.model.accounts import YearBook, gini_by_group
from qdsim.model.agents import Enterprise
from qdsim.model.enterprises import Firms
from qdsim.model.households import INCOME_KEYS, county_bounds
from qdsim.model.population import Population, build_population
from qdsim.model.streams import spawn_streams
from qdsim.scenario.levers import LeverTable, resolve
from qdsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from qdsim.model.consumption import ConsumptionState
    from qdsim.model.ecology import Forest
    from qdsim.model.farming import Harvest
    from qdsim.model.funds import Funds
    from qdsim.model.households import Households, Workers
    from qdsim.model.labour import LabourState
    from qdsim.model.streams import StreamName
    from qdsim.model.villages import Villages


class DingxiModel(mesa.Model):
    """Households and workers (arrays), villages and enterprises (Mesa agents), Qingdao's buyers
    and Dingxi's channel suppliers (arrays), Qingdao's labour market as environment.

    Args:
        scenario: the validated scenario (levers, conditions, period).
        params: parameter values (the catalogue's values with the scenario's overrides).
        seed_sequence: the replicate's seed; each mechanism draws from its own child stream.
        scale: share of households simulated (1.0 = all of them).
        population: the replicate's synthetic population, when already built (it is copied,
            never changed); built from the ``population`` stream otherwise. It must have been
            built with the same parameters, seed and scale.

    Every mechanism is a function ``f(model: DingxiModel, …)`` that reads and writes the
    attributes declared below; :meth:`step` says which mechanism writes what another reads.
    """

    # -- fixed for the run ---------------------------------------------------
    params: ParameterSet
    levers: LeverTable
    streams: dict[StreamName, np.random.Generator]  # one per mechanism (qdsim.model.streams)
    scale: float  # share of households simulated
    weight: float  # 1 / scale: households (workers) each simulated one stands for
    years: list[int]
    n_years: int
    counties: tuple[dict[str, Any], ...]  # the region's counties.yaml, in catalogue order
    n_counties: int
    incubator_county: int
    county_weights: NDArray[np.float64]  # rural population shares (sum 1)
    demo_order: list[NDArray[np.intp]]  # per county: potato households in the order demonstrations reach them
    workers_per_county: NDArray[np.intp]
    # -- the state the mechanisms change ---------------------------------------
    steps: int  # months run (Mesa's counter; month 1 is step 1)
    year_index: int  # t: 0 for the first year
    households: Households
    workers: Workers
    labour: LabourState
    villages: Villages
    firms: Firms
    funds: Funds  # written by start_year (allocate), spent by the programmes during the year
    consumption: ConsumptionState  # programme_money: set in January (funds.spend_programmes), spent in September (consumption.season)
    forest: Forest
    book: YearBook  # every mechanism books into this year's row (book.year, set in January)
    #: this season's harvest: None until the first September; farming.harvest sets it, markets.sell reads it the same month
    harvest: Harvest | None

    def __init__(
        self,
        *,
        scenario: Scenario,
        params: ParameterSet,
        seed_sequence: np.random.SeedSequence,
        scale: float,
        population: Population | None = None,
    ):
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

        if population is None:
            population = build_population(self.counties, params, self.scale, self.streams["population"])
        else:
            population = population.copy()
        self.villages = villages.build(self, population.village_county, population.village_poor, population.village_rank, population.village_township)
        self.households = population.households
        self.workers = population.workers
        self.demo_order = population.demo_order
        self.workers_per_county = np.bincount(self.workers.county, minlength=self.n_counties)  # workers do not move
        self.worker_county_bounds = county_bounds(self.workers.county, self.n_counties)  # None if not stored county by county
        asc_gansu, asc_other = labour.away_constants(params, labour.net_earnings(self, 0))
        self.labour = labour.LabourState(asc_gansu, asc_other, labour.industry_land_shares(population.households, len(self.counties)))

        self.funds = funds.Funds(self.county_weights, self.n_years)
        self.book = YearBook(self.n_years, self.n_counties)
        self.firms = Firms()
        enterprises.initial_firms(self)
        self.consumption = consumption.start(params, self.county_weights, self.streams["consumption"])
        self.forest = ecology.Forest(np.zeros(self.n_counties))
        self.harvest: farming.Harvest | None = None
        shocks.initial_assessment(self)

    # -- helpers used by the mechanisms ------------------------------------
    def enterprises(self) -> list[Enterprise]:
        return list(self.agents_by_type[Enterprise]) if Enterprise in self.agents_by_type else []

    def stochastic_round(self, x: float, stream: StreamName) -> int:
        base = int(np.floor(x))
        return base + int(self.streams[stream].random() < x - base)

    def hire_firm_workers(self) -> None:
        enterprises.hire(self)

    def release_firm_workers(self, idx: NDArray[np.intp]) -> None:
        enterprises.release(self, idx)

    def firm_purchases_by_county(self) -> NDArray[np.float64]:
        return enterprises.purchases_by_county(self)

    @property
    def month(self) -> int:
        return (self.steps - 1) % 12 + 1

    # -- the story ----------------------------------------------------------
    def step(self) -> None:
        """One month in rural Dingxi.

        The order carries meaning; what one mechanism leaves for another:

        - January (:meth:`start_year`): ``funds.allocate`` fills the county pots that every programme spends
          from during the year; ``villages.update_pairing`` sets ``villages.paired`` (read by consumption
          and dividends); ``funds.spend_programmes`` sets ``consumption.programme_money`` (spent in September).
        - Every month: ``labour.monthly`` moves workers (``workers.state``, ``employer``) and hires for firms
          (``firms.hired``); wages go into ``households.income``.
        - March: ``farming.assign_demonstrations`` then ``adopt_technology`` set ``households.demo_*`` and ``tech``.
        - April: ``ecology.plant`` spends the ecology pot and adds to ``forest.area``.
        - September: ``farming.harvest`` sets ``model.harvest`` (a :class:`~qdsim.model.farming.Harvest`),
          which ``markets.sell`` reads next, and which nothing reads after.
        - December (:meth:`end_year`): accounts, shocks and transfers, then :meth:`record` books the year
          from ``households.income`` before ``reset_year`` clears it.
        """
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
        labour.year_end_stocks(self)
        labour.industry_wages(self, t)
        self.record(t)
        self.households.reset_year()
        self.workers.reset_year()

    def record(self, t: int) -> None:
        hh, b, k = self.households, self.book, self.n_counties
        wt = hh.weight
        b.data["fiscal_funds_spent"][t, :k] += self.funds.spent_by_county(t)
        income = hh.total_income()
        b.add_by_county("income_total", hh.county, income, wt)
        for j, key in enumerate(INCOME_KEYS):
            b.add_by_county(key, hh.county, hh.income[:, j], wt)
        b.add_by_county("income_wages", hh.county, hh.income[:, 1] + hh.income[:, 2], wt)  # 工资性收入: local and migrant wages
        b.add_by_county("migrant_earnings", hh.county, hh.migrant_earnings, wt)
        b.add_by_county("persons", hh.county, hh.size, wt)
        b.add_by_county("households", hh.county, np.full(hh.n, wt))
        b.data["eco_forest_area"][t, :k] = self.forest.area
        s = self.consumption.suppliers
        b.add_by_county("channel_bases", s.county, (s.kind == consumption.suppliers_mod.BASE).astype(float))
        per_capita = income / hh.size
        b.data["income_gini"][b.year, :] = gini_by_group(per_capita, hh.size.astype(float), hh.county, k)  # counties, then all

    def run(self) -> YearBook:
        for _ in range(12 * self.n_years):
            self.step()
        return self.book
