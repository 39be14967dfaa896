"""The metric catalogue: the ids of product.md, with unit and zh/en names."""

from qdsim.metrics import METRIC_IDS, catalogue

PRODUCT_IDS = {
    "fiscal_funds_spent", "projects_started", "consumption_sales", "stable_employment", "labour_subsidy_paid",
    "migrant_workers_qingdao", "rural_income_per_capita", "monitored_share", "relapse_households",
    "potato_yield_mean", "potato_yield_demo", "eco_forest_area", "demo_villages", "enterprise_jobs",
    "village_collective_income", "income_gini", "households", "rural_population",
}


def test_catalogue_has_every_product_metric():
    assert PRODUCT_IDS <= set(METRIC_IDS)


def test_every_metric_is_described():
    for m in catalogue().values():
        assert m.unit and m.zh and m.en and m.definition and m.kind in ("flow", "stock", "ratio")
