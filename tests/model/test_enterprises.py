"""Enterprises: projects, hiring, job loss, exit."""

from __future__ import annotations

import numpy as np

from qdsim.model import enterprises
from qdsim.model.agents import Enterprise
from qdsim.model.households import FIRM, HOME

from .conftest import make_model, run_months


def test_hiring_fills_positions_with_home_workers_of_the_county(model):
    w, s = model.workers, model.slots
    firm = enterprises.create_firm(model, county=2, sector="potato", capital=0.0, coop=True)
    s.positions[firm.slot] = 5
    before_home = (w.state == HOME) & (w.county == 2)
    enterprises.hire(model)
    hired = np.flatnonzero(w.employer == firm.slot)
    assert len(hired) == 5 == s.hired[firm.slot]
    assert before_home[hired].all() and (w.state[hired] == FIRM).all()


def test_release_and_shrink_keep_counts_consistent(model):
    w, s = model.workers, model.slots
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
    firm = next(f for f in m.firms() if f.pending)
    capital0 = firm.capital
    run_months(m, int(m.params.project_duration_months) - 1)
    assert firm.capital == capital0
    run_months(m, 1)
    assert firm.capital > capital0


def test_heavy_losses_close_a_firm(model):
    firm = enterprises.create_firm(model, county=0, sector="herbs", capital=1e6, coop=False)
    firm.cumulative_loss = 1e9
    firm.step()
    assert firm not in model.firms() and model.slots.positions[firm.slot] == 0
