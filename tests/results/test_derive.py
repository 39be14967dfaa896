"""Metrics from a year book, by each metric's record: sums, ratios and the book's own values; a new record needs no code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import qdsim.results.derive as derive_mod
from qdsim.foundation.metrics import METRIC_IDS, _record, catalogue
from qdsim.model.accounts import RAW
from qdsim.results.derive import derive

N_C = 3


def book(seed: int = 1) -> np.ndarray:
    """A year book array of random quantities: 2 years, 3 counties and the prefecture column."""
    return np.random.default_rng(seed).uniform(0.5, 2.0, (len(RAW), 2, N_C + 1))


def row(raw: np.ndarray, key: str) -> np.ndarray:
    return raw[RAW.index(key)]


def test_every_metric_reads_quantities_the_year_book_holds():
    assert {k for m in catalogue().values() for k in m.raw} <= set(RAW)
    assert derive(book(), N_C).shape == (len(METRIC_IDS), 2, N_C + 1)


def test_sums_ratios_and_own_values():
    raw = book()
    out = dict(zip(METRIC_IDS, derive(raw, N_C), strict=True))
    persons = row(raw, "persons")[:, :N_C]
    np.testing.assert_array_equal(out["rural_population"][:, 1:], persons)
    np.testing.assert_array_equal(out["rural_population"][:, 0], persons.sum(axis=1))  # `all`: the counties summed
    income = row(raw, "income_total")[:, :N_C]
    np.testing.assert_array_equal(out["rural_income_per_capita"][:, 0], income.sum(axis=1) / persons.sum(axis=1))  # a ratio of sums
    np.testing.assert_array_equal(out["rural_income_per_capita"][:, 1:], income / persons)
    gini = row(raw, "income_gini")
    np.testing.assert_array_equal(out["income_gini"][:, 0], gini[:, N_C])  # the prefecture's own value, not a sum
    np.testing.assert_array_equal(out["income_gini"][:, 1:], gini[:, :N_C])


def test_a_ratio_with_nothing_under_it_is_empty():
    raw = book()
    raw[RAW.index("demo_area")] = 0.0
    out = dict(zip(METRIC_IDS, derive(raw, N_C), strict=True))
    assert np.isnan(out["potato_yield_demo"]).all()


@pytest.fixture
def catalogue_with(monkeypatch):
    """The catalogue with extra records, as if they were lines added to metrics.yaml."""

    def add(**records: dict[str, str]) -> dict:
        cat = {**catalogue(), **{k: _record(Path("metrics.yaml"), k, v) for k, v in records.items()}}
        monkeypatch.setattr(derive_mod, "catalogue", lambda: cat)
        derive_mod._metrics.cache_clear()
        return cat

    yield add
    derive_mod._metrics.cache_clear()


def test_a_new_metric_is_one_record(catalogue_with):
    """The worked example of docs/architecture.md: a metric of quantities the model books already needs no code."""
    cat = catalogue_with(farm_income_share={"unit": "share", "kind": "ratio", "good": "none", "period": "annual",
                                            "raw": "income_farm / income_total", "zh": "农业收入占比", "en": "Farm share of income",
                                            "definition": "Households' net farm income over their total income."})
    raw = book()
    out = derive(raw, N_C)
    assert out.shape[0] == len(cat) == len(METRIC_IDS) + 1
    farm, total = row(raw, "income_farm")[:, :N_C], row(raw, "income_total")[:, :N_C]
    np.testing.assert_array_equal(out[-1][:, 1:], farm / total)


def test_a_record_naming_a_quantity_the_book_does_not_hold_is_refused(catalogue_with):
    catalogue_with(x={"unit": "元", "kind": "flow", "good": "up", "period": "annual", "raw": "sales_showrooms", "zh": "甲", "en": "A",
                      "definition": "d"})
    with pytest.raises(ValueError, match="metrics.yaml: metric 'x': raw names sales_showrooms, not a quantity of the year book"):
        derive(book(), N_C)
