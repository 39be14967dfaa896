"""The labour market's month written the usual Mesa way, to measure qdsim against.

The same rules as :func:`qdsim.model.labour.monthly` (returns and job losses,
training after Spring Festival, the logit choice of home / away / Qingdao
under Qingdao's job quota, hiring by local firms, cooperation-supported
months, the stabilisation subsidy, and the month's wages accrued to each
household), with one :class:`mesa.Agent` per worker, per household and per
firm, activated through ``AgentSet.shuffle_do`` in stages, as the Mesa
examples do.

To compare outcomes exactly, it is fed the same random numbers: it copies
the state of qdsim's ``labour`` and ``enterprises`` streams and draws from
them what qdsim draws, in the same order and shape — one uniform per worker
for returns, one for the decision to reconsider and one for the training
queue, taste shocks (Gumbel, from uniforms) and a queue priority per worker
reconsidering, and each county's sample of workers at home for the firms'
vacancies. A
worker reads its own numbers by its index, so the order in which
``shuffle_do`` activates the agents does not change the outcome, and the
states, months, subsidies, funds and wages come out identical to the last
bit. (Mesa's own ``model.random`` only shuffles the activation order.)

This module is benchmark code: nothing in qdsim imports it.
"""

from __future__ import annotations

import math

import mesa
import numpy as np
from mesa.agentset import AgentSet

HOME, AWAY, QINGDAO, FIRM = 0, 1, 2, 3
SPRING_FESTIVAL_MONTH = 2


def _copy_generator(g: np.random.Generator) -> np.random.Generator:
    """A generator in the same state as ``g`` (drawing from it leaves ``g`` alone)."""
    bit = type(g.bit_generator)()
    bit.state = g.bit_generator.state
    return np.random.Generator(bit)


class Worker(mesa.Agent):
    """A working-age member of a household."""

    def __init__(self, model: LabourMarket, *, index: int, household: Household, county: int, village: int, state: int,
                 employer: int, trained: bool, subsidised: bool, coop_months: int, stable_counted: bool, skill: float):
        super().__init__(model)
        self.index = index
        self.household = household
        self.county = county
        self.village = village
        self.state = state
        self.employer = employer  # firm slot, -1 when not in a firm
        self.trained = trained
        self.subsidised = subsidised
        self.coop_months = coop_months
        self.stable_counted = stable_counted
        self.skill = skill
        self.gumbel: tuple[float, float, float] | None = None
        self.priority = 0.0
        self.choice = self.fallback = 0

    def returns(self) -> None:
        """Migrants come home and firm workers lose their jobs at monthly rates."""
        m = self.model
        u = m.u_leave[self.index]
        if self.state == AWAY:
            if u < m.p["return_rate_elsewhere"]:
                self.state = HOME
        elif self.state == QINGDAO:
            rate = m.p["return_rate_qingdao"] * (1 - m.p["stabilisation_effect"]) if self.subsidised else m.p["return_rate_qingdao"]
            if u < rate:
                self.state = HOME
        elif self.state == FIRM and u < m.p["local_job_loss_rate"]:
            if self.employer >= 0:
                m.firms[self.employer].hired -= 1
            self.state = HOME
            self.employer = -1

    def decide(self) -> None:
        """Logit choice over home, away and Qingdao with this worker's taste draws."""
        m = self.model
        g_home, g_away, g_qd = self.gumbel
        u_home = m.v_home + g_home
        u_away = m.v_away + g_away
        if m.channel_open:
            v_qd = (m.v_qd_base + m.p["network_coef"] * m.qingdao_share[self.village]
                    + m.p["training_utility"] * (1.0 if self.trained else 0.0) + m.free_train_term)
        else:
            v_qd = -math.inf
        u_qd = v_qd + g_qd
        self.fallback = 1 if u_away > u_home else 0
        self.choice = 2 if u_qd > max(u_home, u_away) else self.fallback

    def take_choice(self) -> None:
        self.state = (HOME, AWAY, QINGDAO)[self.choice]
        self.gumbel = None

    def count_month(self) -> None:
        """A month in a cooperation-supported job: Qingdao, or a firm the cooperation funded."""
        if self.state == QINGDAO or (self.state == FIRM and self.employer >= 0 and self.model.firms[self.employer].coop):
            self.coop_months += 1


class Household(mesa.Agent):
    """A rural household; its workers' wages add to its income."""

    def __init__(self, model: LabourMarket, *, index: int, wages_local: float, wages_migrant: float):
        super().__init__(model)
        self.index = index
        self.workers: list[Worker] = []
        self.wages_local = wages_local  # 元 this year (qdsim: income column wages_local)
        self.wages_migrant = wages_migrant

    def accrue_wages(self) -> None:
        m = self.model
        local = migrant = 0.0
        for w in self.workers:
            local += m.local_wage[w.state] * w.skill
            migrant += m.migrant_wage[w.state] * w.skill
        self.wages_local += local
        self.wages_migrant += migrant


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
        "return_rate_elsewhere", "return_rate_qingdao", "stabilisation_effect", "local_job_loss_rate",
        "spring_decision_share", "offseason_decision_share", "logit_beta", "qingdao_friction", "network_coef",
        "training_utility", "free_train_utility", "farm_work_value", "casual_work_share", "wage_local", "wage_growth",
        "wage_elsewhere", "living_cost_elsewhere", "wage_qingdao", "living_cost_qingdao", "remittance_share",
        "stable_months", "training_cost",
    )

    def __init__(self, source, seed: int = 0):
        super().__init__(rng=seed)
        self.p = {k: getattr(source.params, k) for k in self.PARAMS}
        self.levers = source.levers
        self.t = source.year_index
        self.scale, self.weight, self.asc_away = source.scale, source.weight, source.asc_away
        self.n_counties = source.n_counties
        self.n_villages = len(source.village_list)
        self.labour_funds = [float(source.funds.available[c, source.funds.pot("labour")]) for c in range(self.n_counties)]
        self.labour_spent = [float(source.funds.spent[source.funds.year, c, source.funds.pot("labour")]) for c in range(self.n_counties)]
        self.subsidy_paid = [float(x) for x in source.book.data["labour_subsidy_paid"][source.book.year, : self.n_counties]]
        self.rng_labour = _copy_generator(source.streams["labour"])
        self.rng_firms = _copy_generator(source.streams["enterprises"])

        s = source.slots
        self.firms = [Firm(self, slot=i, county=int(s.county[i]), positions=int(s.positions[i]), hired=int(s.hired[i]), coop=bool(s.coop[i]))
                      for i in range(s.n)]
        hh, w = source.households, source.workers
        self.households = [Household(self, index=i, wages_local=float(hh.income[i, 1]), wages_migrant=float(hh.income[i, 2])) for i in range(hh.n)]
        self.workers: list[Worker] = []
        for i in range(w.n):
            home = self.households[int(w.household[i])]
            worker = Worker(self, index=i, household=home, county=int(w.county[i]), village=int(w.village[i]), state=int(w.state[i]),
                            employer=int(w.employer[i]), trained=bool(w.trained[i]), subsidised=bool(w.subsidised[i]),
                            coop_months=int(w.coop_months[i]), stable_counted=bool(w.stable_counted[i]), skill=float(w.skill[i]))
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

        workers.shuffle_do("returns")
        if spring:
            self.train()
        share = p["spring_decision_share"] if spring else p["offseason_decision_share"]
        candidates = [w for w in self.workers if self.u_decide[w.index] < share]
        self.choose(candidates, spring)
        self.hire()
        workers.shuffle_do("count_month")
        self.pay_subsidies()
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
        p, t = self.p, self.t
        idx = (1 + p["wage_growth"]) ** t
        q_idx = self.lever("conditions.qingdao_wage_index")
        e_home = p["farm_work_value"] + p["casual_work_share"] * p["wage_local"] * idx
        e_away = p["wage_elsewhere"] * idx - p["living_cost_elsewhere"]
        e_qd = p["wage_qingdao"] * q_idx - p["living_cost_qingdao"]
        subsidy = self.lever("labour.subsidy_per_worker")
        quota = self.lever("labour.qingdao_job_quota") * self.scale
        # taste shocks (standard Gumbel, by inversion) and queue priorities for every candidate
        draws = self.rng_labour.random((len(candidates), 4))
        gumbel = -np.log(-np.log(np.maximum(draws[:, :3], 1e-300)))
        deciders = []
        for w, row, priority in zip(candidates, gumbel.tolist(), draws[:, 3].tolist(), strict=True):
            if w.state != FIRM:  # firm workers keep their job
                w.gumbel, w.priority = row, priority
                deciders.append(w)
        if not deciders:
            return
        b = p["logit_beta"] / 1000
        self.v_home = b * e_home
        self.v_away = b * e_away + self.asc_away
        self.channel_open = quota > 0
        if self.channel_open:
            in_qd = [0] * self.n_villages
            total = [0] * self.n_villages
            for w in self.workers:
                total[w.village] += 1
                if w.state == QINGDAO:
                    in_qd[w.village] += 1
            self.qingdao_share = [q / max(n, 1) for q, n in zip(in_qd, total, strict=True)]
            self.v_qd_base = b * (e_qd + subsidy / 12) + self.asc_away - p["qingdao_friction"]
            self.free_train_term = p["free_train_utility"] * (self.lever("labour.free_train") if spring else 0.0)
        chosen = AgentSet(deciders, random=self.random)
        chosen.shuffle_do("decide")
        # Qingdao takes no more than its quota (people at a time)
        want = [w for w in deciders if w.choice == 2]
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
            picks = self.rng_firms.choice(len(pool), size=min(len(seats), len(pool)), replace=False)
            for firm, i in zip(seats, picks, strict=False):
                w = pool[i]
                w.state, w.employer = FIRM, firm.slot
                firm.hired += 1

    def pay_subsidies(self) -> None:
        p = self.p
        reached = [w for w in self.workers if w.coop_months >= p["stable_months"] and not w.stable_counted]
        if not reached:
            return
        for w in reached:
            w.stable_counted = True
        subsidy = self.lever("labour.subsidy_per_worker")
        if subsidy <= 0:
            return
        per = subsidy * self.weight
        for c in sorted({w.county for w in reached}):
            in_c = [w for w in reached if w.county == c]
            n_paid = int(min(len(in_c), self.labour_funds[c] // per)) if per > 0 else 0
            if n_paid:
                self.subsidy_paid[c] += self.spend_labour(c, n_paid * per)
                for w in in_c[:n_paid]:
                    w.subsidised = True

    def set_wages(self) -> None:
        p = self.p
        idx = (1 + p["wage_growth"]) ** self.t
        q_idx = self.lever("conditions.qingdao_wage_index")
        self.local_wage = (p["casual_work_share"] * p["wage_local"] * idx, 0.0, 0.0, p["wage_local"] * idx)
        rs = p["remittance_share"]
        self.migrant_wage = (rs * 0.0, rs * max(0.0, p["wage_elsewhere"] * idx - p["living_cost_elsewhere"]),
                             rs * max(0.0, p["wage_qingdao"] * q_idx - p["living_cost_qingdao"]), rs * 0.0)

    # -- comparison -----------------------------------------------------------------
    def outcome(self) -> dict[str, np.ndarray]:
        """The state the month changes, as arrays in qdsim's layout."""
        ws = self.workers
        return {
            "state": np.array([w.state for w in ws], dtype=np.int8),
            "employer": np.array([w.employer for w in ws], dtype=np.int32),
            "trained": np.array([w.trained for w in ws]),
            "subsidised": np.array([w.subsidised for w in ws]),
            "coop_months": np.array([w.coop_months for w in ws], dtype=np.int8),
            "stable_counted": np.array([w.stable_counted for w in ws]),
            "wages_local": np.array([h.wages_local for h in self.households]),
            "wages_migrant": np.array([h.wages_migrant for h in self.households]),
            "firm_hired": np.array([f.hired for f in self.firms], dtype=np.int64),
            "labour_funds": np.array(self.labour_funds),
            "labour_spent": np.array(self.labour_spent),
            "subsidy_paid": np.array(self.subsidy_paid),
        }


def qdsim_outcome(model) -> dict[str, np.ndarray]:
    """The same quantities from a :class:`~qdsim.model.model.DingxiModel`."""
    w, hh, s, f = model.workers, model.households, model.slots, model.funds
    j = f.pot("labour")
    return {
        "state": w.state.copy(),
        "employer": w.employer.copy(),
        "trained": w.trained.copy(),
        "subsidised": w.subsidised.copy(),
        "coop_months": w.coop_months.copy(),
        "stable_counted": w.stable_counted.copy(),
        "wages_local": hh.income[:, 1].copy(),
        "wages_migrant": hh.income[:, 2].copy(),
        "firm_hired": s.hired[: s.n].copy(),
        "labour_funds": f.available[:, j].copy(),
        "labour_spent": f.spent[f.year, :, j].copy(),
        "subsidy_paid": model.book.data["labour_subsidy_paid"][model.book.year, : model.n_counties].copy(),
    }
