"""Markets: local sales, enterprise contracts, and the consumption-assistance channel.

Qingdao's demand for Dingxi products through the channel (消费帮扶), at
Qingdao prices, is the sum of the canteens' reserved share, the showrooms and
e-commerce halls (with diminishing returns to their number), the forward
warehouses and the promotion paid from the consumption programme (diminishing
returns to money), all multiplied by the awareness of Dingxi products in
Qingdao, which grows while the channel is active. Sales are limited by the
channel-grade part of households' output; paired villages come first. A
household selling through the channel earns the price premium, less the
logistics loss, on what it sells; firms' contract purchases (联农带农) pay a
contract premium.
"""

from __future__ import annotations

import numpy as np

SALES_MONTH = 9


def channel_demand(model, t: int, promotion: float) -> float:
    """Qingdao demand through the channel this year, 元 at Qingdao prices, full scale."""
    p = model.params
    L = model.levers
    base = (
        L.at("consumption.canteen_share", t) * p.canteen_market * L.at("conditions.qingdao_wage_index", t)
        + p.showroom_sales * L.at("consumption.showrooms", t) ** p.showroom_exponent
        + p.warehouse_sales * L.at("consumption.warehouses", t)
        + p.promo_scale * max(promotion, 0.0) ** p.promo_elasticity
    )
    return float(base * model.awareness)


def update_awareness(model, t: int) -> None:
    p = model.params
    L = model.levers
    active = L.at("consumption.showrooms", t) > 0 or L.at("consumption.canteen_share", t) > 0
    if active:
        model.awareness += p.awareness_growth * (1.0 - model.awareness)
    else:
        model.awareness = max(p.awareness_initial, model.awareness - p.awareness_growth * (model.awareness - p.awareness_initial))


def sell(model, t: int) -> None:
    """After the harvest: the channel first, then firms' contracts; the rest sells locally."""
    p = model.params
    hh = model.households
    L = model.levers
    update_awareness(model, t)
    demand = channel_demand(model, t, model.promotion_spent) * model.scale
    marketable = model.marketable
    eligible = p.channel_grade_share * marketable * p.retail_markup  # Qingdao value
    sales = np.zeros(hh.n)
    if demand > 0 and eligible.sum() > 0:
        paired = model.village_paired[hh.village]
        weights = eligible * (1.0 + p.paired_village_priority * paired)
        sales = np.minimum(eligible, demand * weights / weights.sum())
    farmgate = sales / p.retail_markup
    premium, loss = L.at("consumption.price_premium", t), L.at("consumption.logistics_loss", t)
    hh.income[:, 0] += farmgate * ((1 + premium) * (1 - loss) - 1)
    model.book.add_by_county("consumption_sales", hh.county, sales * hh.weight)

    # firms buy the rest under contract, in their county
    rest = marketable - farmgate
    purchases = model.firm_purchases_by_county() * model.scale
    by_county = np.bincount(hh.county, weights=rest, minlength=model.n_counties)
    share = np.divide(purchases, by_county, out=np.zeros_like(by_county), where=by_county > 0)
    bought = rest * np.minimum(1.0, share[hh.county])
    hh.income[:, 0] += bought * p.contract_premium
