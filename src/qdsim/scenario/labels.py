"""The names of levers and programmes in Chinese and English, with the unit each is shown in.

One table for the brief, the calibrated-range warnings and the sensitivity
ranking, so that a lever is called the same everywhere.
"""

from __future__ import annotations

#: lever key -> (zh, en, unit). Units: 元, share, 亩, switch, index, or a count word.
LEVERS: dict[str, tuple[str, str, str]] = {
    "funds.fiscal": ("青岛财政帮扶资金", "Qingdao fiscal assistance funds", "元"),
    "funds.donations": ("社会捐款捐物", "Social donations", "元"),
    "labour.subsidy_per_worker": ("每名稳定就业者交通及稳岗补贴", "Transport and job subsidy per stable worker", "元"),
    "labour.training_places": ("订单式培训名额", "Order-based training places", "人"),
    "labour.free_train": ("春节后务工专列", "Free train after Spring Festival", "switch"),
    "labour.qingdao_job_quota": ("青岛提供岗位", "Jobs offered in Qingdao", "岗"),
    "consumption.canteen_share": ("青岛机关食堂采购留给定西产品的比例", "Share of Qingdao canteen purchases reserved for Dingxi", "share"),
    "consumption.showrooms": ("展示展销中心和电商体验馆", "Showrooms and e-commerce halls", "家"),
    "consumption.warehouses": ("前置仓", "Forward warehouses", "个"),
    "consumption.price_premium": ("渠道溢价", "Price premium through the channel", "share"),
    "consumption.logistics_loss": ("物流损耗", "Logistics loss", "share"),
    "technology.potato_demo_area": ("马铃薯高产示范面积", "Potato high-yield demonstration area", "亩"),
    "technology.greenhouse_demo_area": ("大棚一年两茬示范面积", "Greenhouse double-crop demonstration area", "亩"),
    "people.cadres_q2d": ("青岛在定西挂职干部", "Qingdao cadres in Dingxi", "人"),
    "people.technicians_q2d": ("青岛当年选派专技人才", "Qingdao professionals sent in the year", "人"),
    "people.cadres_d2q": ("定西在青岛挂职干部", "Dingxi cadres in Qingdao", "人"),
    "people.technicians_d2q": ("定西当年赴青培训专技人才", "Dingxi professionals trained in Qingdao in the year", "人次"),
    "people.incubator_firms": ("当年新入驻孵化企业", "Firms entering the joint incubator in the year", "家"),
    "pairings.towns": ("结对乡镇", "Towns paired", "个"),
    "pairings.villages": ("结对村", "Villages paired", "个"),
    "pairings.hospitals": ("结对医院", "Hospitals paired", "家"),
    "pairings.schools": ("结对学校", "Schools paired", "所"),
    "conditions.drought": ("干旱程度（0–1）", "Drought severity (0–1)", "index"),
    "conditions.potato_price_index": ("马铃薯价格指数（2021年=1）", "Potato price index (2021 = 1)", "index"),
    "conditions.herbs_price_index": ("中药材价格指数（2021年=1）", "Herb price index (2021 = 1)", "index"),
    "conditions.hail_multiplier": ("冰雹频率倍数", "Hail frequency multiplier", "index"),
    "conditions.qingdao_wage_index": ("青岛工资指数（首年=1）", "Qingdao wage index (first year = 1)", "index"),
}

PROGRAMME_NAMES: dict[str, tuple[str, str]] = {
    "industry": ("产业", "industry"),
    "labour": ("劳务协作", "labour cooperation"),
    "consumption": ("消费帮扶", "consumption assistance"),
    "village": ("乡村振兴示范村", "demonstration villages"),
    "ecology": ("生态林", "ecological forest"),
    "social": ("教育医疗", "education and health"),
    "talent": ("人才交流", "talent exchange"),
}


def share_label(programme: str, lang: str) -> str:
    zh, en = PROGRAMME_NAMES[programme]
    return f"资金投向：{zh}" if lang == "zh" else f"Funds share: {en}"
