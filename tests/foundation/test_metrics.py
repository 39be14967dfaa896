"""The metric catalogue: the ids of product.md, with unit and zh/en names; one record per metric, checked as it is read."""

from pathlib import Path

import pytest

from qdsim.foundation.metrics import METRIC_IDS, _record, catalogue

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
    """Every metric's record says how a planner reads it (good direction, 当年/年末/累计): the app reads it for each."""
    from qdsim.foundation.format import PERIODS, readings

    assert set(readings()) == set(METRIC_IDS)
    assert all(r.good in ("up", "down", "none") and r.period in PERIODS for r in readings().values())


def test_every_metric_says_where_its_value_comes_from():
    for m in catalogue().values():
        assert m.raw and (m.rule == "sum") == (m.kind in ("flow", "stock"))
        assert len(m.raw) == (2 if m.rule == "ratio" else 1)
    assert catalogue()["rural_income_per_capita"].raw == ("income_total", "persons")
    assert catalogue()["consumption_sales_showroom"].raw == ("sales_showroom",)
    assert catalogue()["income_gini"].rule == "own"


GOOD = {"unit": "元", "kind": "flow", "good": "up", "period": "annual", "raw": "farm_sales", "zh": "甲", "en": "A", "definition": "d"}


def test_a_good_record_is_read_as_written():
    m = _record(Path("metrics.yaml"), "x", GOOD)
    assert (m.id, m.kind, m.good, m.period, m.raw, m.rule) == ("x", "flow", "up", "annual", ("farm_sales",), "sum")
    assert _record(Path("metrics.yaml"), "r", {**GOOD, "kind": "ratio", "raw": "income_total / persons"}).raw == ("income_total", "persons")


@pytest.mark.parametrize("change, words", [
    ({"good": "more"}, "good is 'more', not one of up, down, none"),
    ({"period": "monthly"}, "period is 'monthly'"),
    ({"kind": "level"}, "kind is 'level'"),
    ({"raw": "a / b"}, "a flow takes one quantity"),
    ({"kind": "ratio", "raw": "a / b / c"}, "a ratio takes a quantity or `numerator / denominator`"),
    ({"colour": "red"}, "unknown field colour"),
])
def test_a_wrong_record_is_refused_naming_the_file_metric_and_field(change, words):
    with pytest.raises(ValueError, match="^metrics.yaml: metric 'x': ") as e:
        _record(Path("metrics.yaml"), "x", {**GOOD, **change})
    assert words in str(e.value)


def test_a_record_missing_a_field_is_refused():
    with pytest.raises(ValueError, match="metric 'x': missing good, period"):
        _record(Path("metrics.yaml"), "x", {k: v for k, v in GOOD.items() if k not in ("good", "period")})
