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


def test_every_metric_has_a_reading_and_no_reading_is_stray():
    """data/metric_reading.yaml (good direction, 当年/年末/累计) lists exactly the catalogue's metrics: the app reads it for each."""
    from qdsim.format import PERIODS, readings

    assert set(readings()) == set(METRIC_IDS)
    assert all(r.good in ("up", "down", "none") and r.period in PERIODS for r in readings().values())
