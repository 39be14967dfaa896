"""Enterprises: projects, hiring, job loss, exit."""

from __future__ import annotations

import numpy as np

from qdsim.model import enterprises
from qdsim.model.agents import Enterprise
from qdsim.model.households import FIRM, HOME

from .conftest import make_model, run_months, set_lever


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
    firm.cumulative_loss = 1e9
    firm.step()
    assert firm not in model.enterprises() and model.firms.positions[firm.slot] == 0


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
