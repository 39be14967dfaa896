"""The targets: every one names a published figure with a source, is classified, and reads the model as users see it."""

from __future__ import annotations

import numpy as np

from qdsim.calibration.targets import TARGETS, of_role
from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.metrics import METRIC_IDS, catalogue


def test_every_target_is_a_published_figure_with_its_source():
    reg = load_catalogue()
    for t in TARGETS:
        f = reg.figures[t.figure]
        assert f.source in reg.sources, t.figure
        assert all(m in catalogue() for m in t.metrics)


def test_classes_and_roles_are_honest():
    """Only behavioural evidence is fitted or held out; accounting and input echoes are only checked."""
    for t in TARGETS:
        assert t.klass in ("behavioural", "accounting", "input_echo")
        if t.klass != "behavioural":
            assert t.role == "check", t.figure
    assert len(of_role("fit")) >= 5 and len(of_role("holdout")) >= 5
    # held-out figures are never fitted: no figure plays two roles
    assert len({t.figure for t in TARGETS}) == len(TARGETS)


def test_reading_a_target_from_a_metrics_array():
    years = [2021, 2022, 2023, 2024, 2025]
    arr = np.zeros((len(METRIC_IDS), len(years), 8))
    sales = METRIC_IDS.index("consumption_sales")
    arr[sales, :, 0] = [1, 2, 3, 4, 5]
    by = {t.figure: t for t in TARGETS}
    assert by["consumption_sales_total"].model_value(arr, years) == 1 + 2 + 3 + 4  # 2021–2024
    assert by["consumption_sales_2021"].model_value(arr, years) == 1
    income = METRIC_IDS.index("rural_income_per_capita")
    arr[income, :, 0] = [100, 110, 120, 130, 143]
    growth = by["rural_income_growth_2025"]
    assert growth.model_value(arr, years) == 143 / 130 - 1  # 10%
    assert growth.error(0.10, load_catalogue()) == 0.10 - 0.074  # percentage points, as a share
    mig = by["migrants_2022"]
    for m in mig.metrics:
        arr[METRIC_IDS.index(m), 1, 0] = 10
    assert mig.model_value(arr, years) == 30  # the three destinations added
