"""Ecology: the Qingdao ecological forest (青岛生态林).

Each spring the county's ecology pot plants forest at a cost per 亩 (with a
±10% yearly variation); planting employs workers at home for
``forest_labour_days`` a 亩 at the day wage, paid into their households.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from qdsim.model.households import HOME
from qdsim.model.order import smallest

if TYPE_CHECKING:
    from qdsim.model.model import DingxiModel

PLANTING_MONTH = 4
DAYS_PER_WORKER = 60


@dataclass
class Forest:
    """Forest planted with cooperation money since the first year, 亩 by county."""

    area: NDArray[np.float64]


def plant(model: DingxiModel, t: int) -> None:
    p = model.params
    rng = model.streams["ecology"]
    cost_factor = np.exp(rng.normal(0, 0.1, model.n_counties))
    w = model.workers
    u_all = rng.random(w.n)  # one draw per worker whatever labour did: later years' draws stay aligned
    home = np.flatnonzero(w.state == HOME)
    u = u_all[home]
    bounds = np.searchsorted(w.county[home], np.arange(model.n_counties + 1))  # workers come county by county
    for c in range(model.n_counties):
        money = model.funds.spend_all("ecology", c)
        if money <= 0:
            continue
        area = money / (p.forest_cost_per_mu * cost_factor[c])
        model.forest.area[c] += area
        model.book.add("projects_started", c, 1)
        # wages: labour days at the day wage, to workers at home in the county
        days = area * p.forest_labour_days * model.scale
        wage_bill = days * p.day_wage
        in_c, u_c = home[bounds[c] : bounds[c + 1]], u[bounds[c] : bounds[c + 1]]  # those at home in county c
        k = min(len(in_c), max(1, int(days // DAYS_PER_WORKER)))
        if k == 0:
            continue
        # the k lowest draws (their order does not matter: each gets the same wage)
        pick = smallest(u_c, k)
        if k < len(u_c) and np.count_nonzero(u_c == u_c[pick[-1]]) > 1:  # a tie at the k-th draw: as np.argsort breaks it
            pick = np.argsort(u_c)[:k]
        chosen = in_c[pick]
        np.add.at(model.households.income[:, 1], w.household[chosen], wage_bill / k)
