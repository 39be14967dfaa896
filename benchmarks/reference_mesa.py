"""The labour market's month written the usual Mesa way, to measure qdsim against.

The same rules as :func:`qdsim.model.labour.monthly`: migrants return and
firm workers lose their jobs at monthly rates by destination (the
stabilisation subsidy keeps subsidised workers longer), training places
after Spring Festival, the multinomial logit choice of home / elsewhere in
Gansu / another province / Qingdao for the workers who reconsider (taste
shocks, the programme's job services reaching eligible workers, the network
of fellow workers of the county in Qingdao, Qingdao's job quota and its queue), hiring
by local firms, months employed and assisted (a job away found with the
programme's help, Qingdao's channel, a cooperation firm's job held by an
eligible worker), the stable-employment count by destination (Qingdao,
Gansu, other provinces) and the subsidy at the mark while the county's pot
lasts, and the month's wages and migrants' earnings accrued to each
household. One :class:`mesa.Agent` per worker, per household and per firm,
activated through ``AgentSet.shuffle_do`` in stages, as the Mesa examples do.

To compare outcomes exactly, it is fed the same random numbers: it copies
the state of qdsim's ``labour`` and ``hiring`` streams and draws from them
what qdsim draws, in the same order and shape — one uniform per worker for
returns, one for the decision to reconsider and one for the training queue,
four taste shocks (Gumbel, from uniforms), a reach draw and a queue priority
per worker reconsidering, and each county's sample of workers at home for
the firms' vacancies. A worker reads its own numbers by its index, so the
order in which ``shuffle_do`` activates the agents does not change the
outcome, and the states, months, counts, subsidies, funds and wages come out
identical to the last bit. (Mesa's own ``model.random`` only shuffles the
activation order.)

This module is benchmark code: nothing in qdsim imports it.
"""

from __future__ import annotations

import math

import mesa
import numpy as np
from mesa.agentset import AgentSet

HOME, FIRM, GANSU, OTHER, QINGDAO = 0, 1, 2, 3, 4
CHOICES = (HOME, GANSU, OTHER, QINGDAO)
DESTINATION = {QINGDAO: "qingdao", FIRM: "gansu", GANSU: "gansu", OTHER: "other"}  # stable count, as the programme reports it
SPRING_FESTIVAL_MONTH = 2


def _copy_generator(g: np.random.Generator) -> np.random.Generator:
    """A generator in the same state as ``g`` (drawing from it leaves ``g`` alone)."""
    bit = type(g.bit_generator)()
    bit.state = g.bit_generator.state
    return np.random.Generator(bit)


class Worker(mesa.Agent):
    """A working-age member of a household."""

    def __init__(self, model: LabourMarket, *, index: int, household: Household, county: int, village: int, state: int, employer: int,
                 trained: bool, subsidised: bool, eligible: bool, assisted: bool, assisted_months: int, employed_months: int,
                 stable_counted: bool, job_counted: bool, skill: float):
        super().__init__(model)
        self.index = index
        self.household = household
        self.county = county
        self.village = village
        self.state = state
        self.employer = employer  # firm slot, -1 when not in a firm
        self.trained = trained
        self.subsidised = subsidised
        self.eligible = eligible  # of a formerly poor household: the programme's target group
        self.assisted = assisted  # the current job was found with the programme's help
        self.assisted_months = assisted_months
        self.employed_months = employed_months
        self.stable_counted = stable_counted
        self.job_counted = job_counted  # the current firm job was counted as stable (a cooperation job counts once)
        self.skill = skill
        self.gumbel: tuple[float, float, float, float] | None = None
        self.reached = False
        self.priority = 0.0
        self.choice = self.fallback = 0

    def returns(self) -> None:
        """Migrants come home and firm workers lose their jobs at monthly rates by destination."""
        m = self.model
        if self.state == HOME:
            return
        rate = m.return_rate[self.state]
        if self.subsidised:
            rate *= m.stabilised
        if m.u_leave[self.index] < rate:
            if self.state == FIRM:
                m.firms[self.employer].hired -= 1
                self.employer = -1
            self.state = HOME
            self.assisted = False

    def decide(self) -> None:
        """Logit choice over home, Gansu, another province and Qingdao with this worker's taste draws."""
        m = self.model
        help_utility = m.help_utility * (1.0 if self.reached else 0.0)
        if m.channel_open:
            v_qd = (m.v_qd_base - (m.p["qingdao_friction"] if self.state != QINGDAO else 0.0)  # a barrier of entry
                    + m.p["network_coef"] * m.qingdao_share[self.county]
                    + m.p["training_utility"] * (1.0 if self.trained else 0.0) + m.free_train_term)
        else:
            v_qd = -math.inf
        g = self.gumbel
        u = (m.v_home + g[0], m.v_gansu + help_utility + g[1], m.v_other + help_utility + g[2], v_qd + g[3])
        self.fallback = 0
        for k in (1, 2):
            if u[k] > u[self.fallback]:
                self.fallback = k
        self.choice = 3 if u[3] > u[self.fallback] else self.fallback

    def take_choice(self) -> None:
        self.state = CHOICES[self.choice]
        # this year's job away was found or kept with the programme's help: Qingdao always, elsewhere when reached
        self.assisted = self.state == QINGDAO or (self.state != HOME and self.reached)
        self.gumbel = None

    def count_month(self) -> None:
        """A month employed, and assisted: a cooperation firm's job counts for its eligible workers while the programme runs
        (once: a month in a firm job already counted adds nothing towards the mark)."""
        m = self.model
        employed = self.state != HOME
        if self.state == FIRM:
            self.assisted = m.firms[self.employer].coop and self.eligible and m.programme
        if employed:
            self.employed_months += 1
            if self.assisted and not (self.state == FIRM and self.job_counted):
                self.assisted_months += 1


class Household(mesa.Agent):
    """A rural household; its workers' wages add to its income."""

    def __init__(self, model: LabourMarket, *, index: int, wages_local: float, wages_migrant: float, migrant_earnings: float):
        super().__init__(model)
        self.index = index
        self.workers: list[Worker] = []
        self.wages_local = wages_local  # 元 this year (qdsim: income column wages_local)
        self.wages_migrant = wages_migrant
        self.migrant_earnings = migrant_earnings  # gross earnings of its migrants

    def accrue_wages(self) -> None:
        m = self.model
        local = migrant = earned = 0.0
        for w in self.workers:
            local += m.local_wage[w.state] * w.skill
            migrant += m.migrant_wage[w.state] * w.skill
            earned += m.away_gross[w.state] * w.skill
        self.wages_local += local
        self.wages_migrant += migrant
        self.migrant_earnings += earned


class Firm(mesa.Agent):
    """A firm's hiring side: positions, hires, county, whether the cooperation funded it."""

    def __init__(self, model: LabourMarket, *, slot: int, county: int, positions: int, hired: int, coop: bool):
        super().__init__(model)
        self.slot = slot
        self.county = county
        self.positions = positions
        self.hired = hired
        self.coop = coop

    @property
    def vacancies(self) -> int:
        return max(self.positions - self.hired, 0)


class LabourMarket(mesa.Model):
    """The labour market of a :class:`~qdsim.model.model.DingxiModel`, copied into per-agent form."""

    PARAMS = (
        "return_rate_gansu", "return_rate_other", "return_rate_qingdao", "stabilisation_effect", "local_job_loss_rate",
        "spring_decision_share", "offseason_decision_share", "logit_beta", "qingdao_friction", "network_coef", "training_utility",
        "free_train_utility", "assist_reach", "farm_work_value", "casual_work_share", "wage_local", "wage_growth", "wage_gansu",
        "living_cost_gansu", "wage_other", "living_cost_other", "wage_qingdao", "living_cost_qingdao", "remittance_share",
        "stable_months", "training_cost", "free_train_cost",
    )

    def __init__(self, source, seed: int = 0):
        super().__init__(rng=seed)
        self.p = {k: getattr(source.params, k) for k in self.PARAMS}
        self.levers = source.levers
        self.t = source.year_index
        self.scale, self.weight = source.scale, source.weight
        self.asc_gansu, self.asc_other = source.labour.asc_gansu, source.labour.asc_other
        self.n_counties = source.n_counties
        j = source.funds.pot("labour")
        self.labour_funds = [float(source.funds.available[c, j]) for c in range(self.n_counties)]
        self.labour_spent = [float(source.funds.spent[source.funds.year, c, j]) for c in range(self.n_counties)]
        self.county_weights = [float(x) for x in source.funds.weights]
        book, year = source.book.data, source.book.year
        self.subsidy_paid = [float(x) for x in book["labour_subsidy_paid"][year, : self.n_counties]]
        self.stable = {name: [float(x) for x in book[f"stable_{name}"][year, : self.n_counties]] for name in ("qingdao", "gansu", "other")}
        self.rng_labour = _copy_generator(source.streams["labour"])
        self.rng_hiring = _copy_generator(source.streams["hiring"])

        s = source.firms
        self.firms = [Firm(self, slot=i, county=int(s.county[i]), positions=int(s.positions[i]), hired=int(s.hired[i]), coop=bool(s.coop[i]))
                      for i in range(s.n)]
        hh, w = source.households, source.workers
        self.households = [Household(self, index=i, wages_local=float(hh.income[i, 1]), wages_migrant=float(hh.income[i, 2]),
                                     migrant_earnings=float(hh.migrant_earnings[i])) for i in range(hh.n)]
        self.workers: list[Worker] = []
        for i in range(w.n):
            home = self.households[int(w.household[i])]
            worker = Worker(self, index=i, household=home, county=int(w.county[i]), village=int(w.village[i]), state=int(w.state[i]),
                            employer=int(w.employer[i]), trained=bool(w.trained[i]), subsidised=bool(w.subsidised[i]),
                            eligible=bool(w.eligible[i]), assisted=bool(w.assisted[i]), assisted_months=int(w.assisted_months[i]),
                            employed_months=int(w.employed_months[i]), stable_counted=bool(w.stable_counted[i]),
                            job_counted=bool(w.job_counted[i]), skill=float(w.skill[i]))
            home.workers.append(worker)
            self.workers.append(worker)
        self.month = 1

    # -- one month ----------------------------------------------------------------
    def step(self) -> None:
        month, p = self.month, self.p
        spring = month == SPRING_FESTIVAL_MONTH
        workers = self.agents_by_type[Worker]
        n = len(self.workers)
        self.u_leave = self.rng_labour.random(n)
        self.u_decide = self.rng_labour.random(n)
        self.return_rate = (0.0, p["local_job_loss_rate"], p["return_rate_gansu"], p["return_rate_other"], p["return_rate_qingdao"])
        self.stabilised = 1 - p["stabilisation_effect"]

        workers.shuffle_do("returns")
        if spring:
            self.pay_free_train()
            self.train()
        share = p["spring_decision_share"] if spring else p["offseason_decision_share"]
        candidates = [w for w in self.workers if self.u_decide[w.index] < share]
        self.choose(candidates, spring)
        self.hire()
        self.programme = self.lever("labour.subsidy_per_worker") > 0
        workers.shuffle_do("count_month")
        self.count_stable()
        self.set_wages()
        self.agents_by_type[Household].shuffle_do("accrue_wages")
        self.month = month % 12 + 1

    def lever(self, key: str) -> float:
        return self.levers.at(key, self.t)

    def spend_labour(self, county: int, amount: float) -> float:
        amount = float(min(max(amount, 0.0), self.labour_funds[county]))
        self.labour_funds[county] -= amount
        self.labour_spent[county] += amount
        return amount

    def pay_free_train(self) -> None:
        """The free train's cost, each county's share from its labour pot (what it cannot cover is paid on top)."""
        cost = self.lever("labour.free_train") * self.p["free_train_cost"]
        if cost > 0:
            for c in range(self.n_counties):
                self.spend_labour(c, cost * self.county_weights[c])

    def train(self) -> None:
        u = self.rng_labour.random(len(self.workers))  # one draw per worker: the queue for the places
        x = self.lever("labour.training_places") * self.scale
        places = int(np.floor(x))
        places += int(self.rng_labour.random() < x - places)
        if places <= 0:
            return
        cand = [w for w in self.workers if w.state == HOME and not w.trained]
        chosen = sorted(cand, key=lambda w: u[w.index])[:places]  # sorted() is stable: ties in worker order
        unit = self.weight * self.p["training_cost"]
        for c in range(self.n_counties):
            in_c = [w for w in chosen if w.county == c]
            n_ok = min(len(in_c), int(self.labour_funds[c] // unit)) if in_c else 0
            self.spend_labour(c, n_ok * unit)
            for w in in_c[:n_ok]:
                w.trained = True

    def choose(self, candidates: list[Worker], spring: bool) -> None:
        if not candidates:
            return
        p = self.p
        idx = (1 + p["wage_growth"]) ** self.t
        q_idx = self.lever("conditions.qingdao_wage_index")
        # net monthly earnings of 2021 (real), as the choice sees them
        e_home = p["farm_work_value"] + p["casual_work_share"] * p["wage_local"]
        e_gansu = p["wage_gansu"] - p["living_cost_gansu"]
        e_other = p["wage_other"] - p["living_cost_other"]
        e_qd = p["wage_qingdao"] * q_idx / idx - p["living_cost_qingdao"]
        subsidy = self.lever("labour.subsidy_per_worker") / idx
        quota = self.lever("labour.qingdao_job_quota") * self.scale
        # taste shocks (standard Gumbel, by inversion), reach and queue priorities for every candidate
        draws = self.rng_labour.random((len(candidates), 6))
        gumbel = -np.log(-np.log(np.maximum(draws[:, :4], 1e-300)))
        programme = self.lever("labour.subsidy_per_worker") > 0
        deciders = []
        for w, row, reach, priority in zip(candidates, gumbel.tolist(), draws[:, 4].tolist(), draws[:, 5].tolist(), strict=True):
            if w.state != FIRM:  # firm workers keep their job
                w.gumbel, w.priority = row, priority
                w.reached = programme and w.eligible and reach < p["assist_reach"]
                deciders.append(w)
        if not deciders:
            return
        b = p["logit_beta"] / 1000
        self.help_utility = b * subsidy / 12
        self.v_home = b * e_home
        self.v_gansu = b * e_gansu + self.asc_gansu
        self.v_other = b * e_other + self.asc_other
        self.channel_open = quota > 0
        if self.channel_open:
            in_qd = [0] * self.n_counties
            total = [0] * self.n_counties
            for w in self.workers:
                total[w.county] += 1
                if w.state == QINGDAO:
                    in_qd[w.county] += 1
            self.qingdao_share = [q / max(n, 1) for q, n in zip(in_qd, total, strict=True)]
            self.v_qd_base = b * (e_qd + subsidy / 12) + self.asc_other
            self.free_train_term = p["free_train_utility"] * (self.lever("labour.free_train") if spring else 0.0)
        chosen = AgentSet(deciders, random=self.random)
        chosen.shuffle_do("decide")
        # Qingdao takes no more than its quota (people at a time)
        want = [w for w in deciders if w.choice == 3]
        already = sum(1 for w in self.workers if w.state == QINGDAO)
        deciding_in_qd = sum(1 for w in deciders if w.state == QINGDAO)
        slots = max(0, int(round(quota)) - (already - deciding_in_qd))
        if len(want) > slots:  # the queue: lowest priority draw first
            for w in sorted(want, key=lambda w: w.priority)[slots:]:
                w.choice = w.fallback
        chosen.do("take_choice")

    def hire(self) -> None:
        """Firms fill vacancies, county by county, with a random sample of the county's workers at home."""
        if sum(f.vacancies for f in self.firms) == 0:
            return
        home_by_county: dict[int, list[Worker]] = {}
        for w in self.workers:
            if w.state == HOME:
                home_by_county.setdefault(w.county, []).append(w)
        for c in sorted({f.county for f in self.firms if f.vacancies > 0}):
            seats = [f for f in self.firms if f.county == c for _ in range(f.vacancies)]
            pool = home_by_county.get(c, [])
            picks = self.rng_hiring.choice(len(pool), size=min(len(seats), len(pool)), replace=False)
            for firm, i in zip(seats, picks, strict=False):
                w = pool[i]
                w.state, w.employer, w.job_counted = FIRM, firm.slot, False
                firm.hired += 1

    def count_stable(self) -> None:
        """While the programme runs, workers at the stable mark are counted by destination; the subsidy is paid while the pot lasts."""
        if not self.programme:  # no programme, no count (workers it placed earlier may still be at work)
            return
        mark = math.ceil(self.p["stable_months"])
        reached = [w for w in self.workers if w.assisted_months >= mark and not w.stable_counted and not (w.state == FIRM and w.job_counted)]
        if not reached:
            return
        for w in reached:
            w.stable_counted = True
            w.job_counted = w.state == FIRM
        for name in self.stable:
            by_county = [0.0] * self.n_counties
            for w in reached:
                by_county[w.county] += self.weight if DESTINATION.get(w.state) == name else 0.0
            self.stable[name] = [x + y for x, y in zip(self.stable[name], by_county, strict=True)]
        subsidy = self.lever("labour.subsidy_per_worker")
        if subsidy <= 0:
            return
        per = subsidy * self.weight
        for c in sorted({w.county for w in reached}):
            in_c = [w for w in reached if w.county == c]
            # the county's pot first, then the other counties' (largest balance first): the city pools the money
            others = sorted((o for o in range(self.n_counties) if o != c), key=lambda o: -self.labour_funds[o])
            n_paid, paid = 0, 0.0
            for payer in (c, *others):
                n = int(min(len(in_c) - n_paid, self.labour_funds[payer] // per))
                if n:
                    paid += self.spend_labour(payer, n * per)
                    n_paid += n
                if n_paid == len(in_c):
                    break
            if n_paid:
                self.subsidy_paid[c] += paid
            for w in in_c[:n_paid]:
                w.subsidised = True

    def set_wages(self) -> None:
        p = self.p
        idx = (1 + p["wage_growth"]) ** self.t
        q_idx = self.lever("conditions.qingdao_wage_index")
        gross = (p["casual_work_share"] * p["wage_local"] * idx, p["wage_local"] * idx, p["wage_gansu"] * idx, p["wage_other"] * idx,
                 p["wage_qingdao"] * q_idx)
        self.local_wage = (gross[HOME], gross[FIRM], 0.0, 0.0, 0.0)
        net = {GANSU: (p["wage_gansu"] - p["living_cost_gansu"]) * idx, OTHER: (p["wage_other"] - p["living_cost_other"]) * idx,
               QINGDAO: (p["wage_qingdao"] * q_idx / idx - p["living_cost_qingdao"]) * idx}
        rs = p["remittance_share"]
        self.migrant_wage = tuple(rs * max(net.get(s, 0.0), 0.0) for s in range(5))
        self.away_gross = tuple(gross[s] if s in (GANSU, OTHER, QINGDAO) else 0.0 for s in range(5))

    # -- comparison -----------------------------------------------------------------
    def outcome(self) -> dict[str, np.ndarray]:
        """The state the month changes, as arrays in qdsim's layout."""
        ws = self.workers
        return {
            "state": np.array([w.state for w in ws], dtype=np.int8),
            "employer": np.array([w.employer for w in ws], dtype=np.int32),
            "trained": np.array([w.trained for w in ws]),
            "subsidised": np.array([w.subsidised for w in ws]),
            "assisted": np.array([w.assisted for w in ws]),
            "assisted_months": np.array([w.assisted_months for w in ws], dtype=np.int8),
            "employed_months": np.array([w.employed_months for w in ws], dtype=np.int8),
            "stable_counted": np.array([w.stable_counted for w in ws]),
            "job_counted": np.array([w.job_counted for w in ws]),
            "wages_local": np.array([h.wages_local for h in self.households]),
            "wages_migrant": np.array([h.wages_migrant for h in self.households]),
            "migrant_earnings": np.array([h.migrant_earnings for h in self.households]),
            "firm_hired": np.array([f.hired for f in self.firms], dtype=np.int64),
            "labour_funds": np.array(self.labour_funds),
            "labour_spent": np.array(self.labour_spent),
            "subsidy_paid": np.array(self.subsidy_paid),
            **{f"stable_{name}": np.array(v) for name, v in self.stable.items()},
        }


def qdsim_outcome(model) -> dict[str, np.ndarray]:
    """The same quantities from a :class:`~qdsim.model.model.DingxiModel`."""
    w, hh, s, f = model.workers, model.households, model.firms, model.funds
    j = f.pot("labour")
    book, year, k = model.book.data, model.book.year, model.n_counties
    return {
        "state": w.state.copy(),
        "employer": w.employer.copy(),
        "trained": w.trained.copy(),
        "subsidised": w.subsidised.copy(),
        "assisted": w.assisted.copy(),
        "assisted_months": w.assisted_months.copy(),
        "employed_months": w.employed_months.copy(),
        "stable_counted": w.stable_counted.copy(),
        "job_counted": w.job_counted.copy(),
        "wages_local": hh.income[:, 1].copy(),
        "wages_migrant": hh.income[:, 2].copy(),
        "migrant_earnings": hh.migrant_earnings.copy(),
        "firm_hired": s.hired[: s.n].copy(),
        "labour_funds": f.available[:, j].copy(),
        "labour_spent": f.spent[f.year, :, j].copy(),
        "subsidy_paid": book["labour_subsidy_paid"][year, :k].copy(),
        **{f"stable_{name}": book[f"stable_{name}"][year, :k].copy() for name in ("qingdao", "gansu", "other")},
    }
