"""Markets: where each household's harvest is sold.

After the harvest, the channel-grade share of each household's marketable
output (potato, herbs, vegetables) is offered to the consumption-assistance
channel's suppliers (:mod:`qdsim.model.consumption`); firms in the county buy
part of the rest under contract (联农带农) at a contract premium, in
proportion to their contract purchases; what is left sells locally at
farm-gate prices (already in the harvest revenue). Farm sales are recorded in
every scenario and its counterfactual alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from qdsim.model import consumption, kernels

if TYPE_CHECKING:
    from qdsim.model.model import DingxiModel


def sell(model: DingxiModel, t: int) -> None:
    """After the harvest: the channel first, then firms' contracts; the rest sells locally."""
    p = model.params
    hh = model.households
    harvest = model.harvest  # set by farming.harvest just before, in the same month (DingxiModel.step)
    if harvest is None:
        raise RuntimeError("markets.sell runs after farming.harvest, which sets model.harvest (see DingxiModel.step)")
    channel_sold = consumption.season(model, t, p.channel_grade_share * harvest.marketable, harvest.weather_index)

    # firms buy the rest under contract, in their county
    rest = harvest.marketable - channel_sold
    purchases = model.firm_purchases_by_county() * model.scale
    by_county = kernels.bincount(hh.county, rest, 1.0, model.n_counties)
    share = np.divide(purchases, by_county, out=np.zeros_like(by_county), where=by_county > 0)
    contract_premium = rest * np.minimum(1.0, share[hh.county]) * p.contract_premium
    hh.income[:, 0] += contract_premium
    premium = channel_sold * model.levers.at("consumption.price_premium", t)
    model.book.add_by_county("farm_sales", hh.county, (harvest.revenue + premium + contract_premium) * hh.weight)
