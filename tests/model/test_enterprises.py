"""Enterprises: projects, hiring, job loss, exit."""

from __future__ import annotations

import copy

import numpy as np

from qdsim.model import enterprises
from qdsim.model.agents import Enterprise
from qdsim.model.households import FIRM, HOME

from .conftest import make_model, peek, run_months, set_lever


def test_hiring_fills_positions_with_home_workers_of_the_county(model):
    w, s = model.workers, model.firms
    firm = enterprises.create_firm(model, county=2, sector="potato", capital=0.0, coop=True)
    s.positions[firm.slot] = 5
    before_home = (w.state == HOME) & (w.county == 2)
    enterprises.hire(model)
    hired = np.flatnonzero(w.employer == firm.slot)
    assert len(hired) == 5 == s.hired[firm.slot]
    assert before_home[hired].all() and (w.state[hired] == FIRM).all()


def test_release_and_shrink_keep_counts_consistent(model):
    w, s = model.workers, model.firms
    enterprises.hire(model)
    for slot in range(s.n):
        assert s.hired[slot] == (w.employer == slot).sum()
    firm = next(iter(model.agents_by_type[Enterprise]))
    s.positions[firm.slot] = 0
    enterprises.shrink(model)
    assert s.hired[firm.slot] == 0 and not (w.employer == firm.slot).any()
    assert ((w.employer >= 0) == (w.state == FIRM)).all()


def test_industry_projects_spend_the_pot_and_count(baseline):
    m = make_model(baseline)
    m.funds.allocate(0, 4e8, m.levers.shares[0], 0.0)
    m.book.year = 0
    pot = m.funds.available[:, 0].sum()
    enterprises.fund_industry(m, 0)
    spent = m.funds.spent[0, :, 0].sum()
    n = m.book.data["projects_started"][0].sum()
    assert 0 < spent <= pot and n > 0
    # the remainder of each county pot is smaller than a typical project (it did not fit)
    assert (m.funds.available[:, 0] < 20 * m.params.project_cost_mean).all()


def test_projects_become_productive_after_their_duration(baseline):
    m = make_model(baseline)
    run_months(m, 1)
    firm = next(f for f in m.enterprises() if f.pending)
    capital0 = firm.capital
    run_months(m, int(m.params.project_duration_months) - 1)
    assert firm.capital == capital0
    run_months(m, 1)
    assert firm.capital > capital0


def test_heavy_losses_close_a_firm(model):
    firm = enterprises.create_firm(model, county=0, sector="herbs", capital=1e6, coop=False)
    model.firms.cumulative_loss[firm.slot] = 1e9
    enterprises.year_end(model)
    s = model.firms
    assert firm not in model.enterprises() and s.positions[firm.slot] == 0 and not s.alive[firm.slot]
    assert s.ready[firm.slot] == np.inf  # a closed firm's projects never complete


def test_year_end_steps_every_firm_in_a_random_order_by_hand(baseline):
    """The year end on arrays is each firm's accounts in the order Mesa's ``shuffle_do`` would take them:
    the model's ``random`` shuffles the firms, then each draws one normal from the enterprises stream."""
    m = make_model(baseline, scale=0.005)
    run_months(m, 11)
    s, p = m.firms, m.params
    s.cumulative_loss[: s.n] = np.linspace(0, 3, s.n) * s.capital[: s.n]  # some firms near their exit
    rnd, rng = copy.deepcopy(m.random), peek(m, "enterprises")
    firms = m.enterprises()
    rnd.shuffle(firms)
    want = {}
    for f in firms:  # the former per-agent step, by hand
        profit = (p.enterprise_return + p.enterprise_return_sd * rng.standard_normal()) * f.capital
        loss = max(0.0, f.cumulative_loss - profit)
        want[f.slot] = (profit, loss, f.age + 1, loss <= p.exit_loss_threshold * f.capital)
    enterprises.year_end(m)
    assert [(s.profit[k], s.cumulative_loss[k], s.age[k], bool(s.alive[k])) for k in want] == list(want.values())
    assert 0 < sum(not v[3] for v in want.values()) < len(want)  # some closed, some not
    assert rng.random() == m.streams["enterprises"].random() and rnd.random() == m.random.random()  # the same draws taken


def test_purchases_by_county_add_the_buying_firms_by_hand(baseline):
    m = make_model(baseline, scale=0.005)
    run_months(m, 14)
    p = m.params
    want = np.zeros(m.n_counties)
    for f in m.enterprises():
        if f.sector in enterprises.BUYING_SECTORS:
            want[f.county] += p.purchase_per_job * f.jobs_target
    assert (enterprises.purchases_by_county(m) == want).all() and want.sum() > 0


def test_a_firms_first_project_under_way_is_its_ready_step(baseline):
    m = make_model(baseline, scale=0.005)
    for _ in range(30):
        m.step()
        s = m.firms
        for f in m.enterprises():
            assert s.ready[f.slot] == (f.pending[0][0] if f.pending else np.inf)


def test_the_cooperation_flag_is_one_fact_in_the_firm_arrays(model):
    firm = enterprises.create_firm(model, county=1, sector="herbs", capital=1e6, coop=False)
    assert not firm.coop and model.firms.county[firm.slot] == 1
    model.firms.coop[firm.slot] = True
    assert firm.coop  # the agent reads the array: no second copy to fall out of step
    # positions: full-scale jobs × scale, rounded stochastically: 1e6 / 2.5e5 × 0.8 = 3.2 jobs × 0.002 → 0 or 1
    assert firm.jobs_target == 1e6 / model.params.capital_per_job * model.params.fill_rate
    assert model.firms.positions[firm.slot] in (0, 1)


def test_firm_arrays_grow_beyond_their_first_capacity():
    f = enterprises.Firms(capacity=2)
    slots = [f.new_slot(c % 3, coop=bool(c % 2)) for c in range(5)]
    assert slots == [0, 1, 2, 3, 4] and f.n == 5 and len(f.positions) >= 5
    assert f.county[:5].tolist() == [0, 1, 2, 0, 1] and f.coop[:5].tolist() == [False, True, False, True, False]


def test_a_firms_industry_is_the_reported_industry_of_its_sector():
    """Potato firms are industry 0, herb firms 1 (REPORTED_INDUSTRIES), any other sector −1, also past the
    first capacity (the grown part starts at −1, not 0, which would make a firm a potato firm)."""
    f = enterprises.Firms(capacity=2)
    for sector in ("potato", "herbs", "livestock", "workshop", "tech"):
        f.new_slot(0, coop=False, sector=sector)
    assert f.industry[:5].tolist() == [0, 1, -1, -1, -1]
    assert (f.industry[5:] == -1).all()


def test_hired_counts_match_employers_over_two_years(baseline):
    m = make_model(baseline, scale=0.005)
    for _ in range(24):
        m.step()
        w, s = m.workers, m.firms
        assert (s.hired[: s.n] == np.bincount(w.employer[w.employer >= 0], minlength=s.n)[: s.n]).all()
        assert ((w.employer >= 0) == (w.state == FIRM)).all()
        # firms hire only in their own county
        in_firm = np.flatnonzero(w.employer >= 0)
        assert (s.county[w.employer[in_firm]] == w.county[in_firm]).all()


def test_firm_returns_do_not_depend_on_a_labour_lever(baseline):
    a, b = make_model(baseline, scale=0.005, seed=1), make_model(baseline, scale=0.005, seed=1)
    set_lever(b, "labour.subsidy_per_worker", 1870)
    run_months(a, 24)
    run_months(b, 24)
    pa = {f.slot: f.profit for f in a.enterprises()}
    pb = {f.slot: f.profit for f in b.enterprises()}
    common = set(pa) & set(pb)
    assert len(common) > 400
    assert all(pa[s] == pb[s] for s in common)
