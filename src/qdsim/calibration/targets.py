"""The calibration targets: reported 2021–2024 figures and the metrics that answer them.

Each target names a reported figure (``figures.yaml``, figures.md part A), the
metric of the catalogue that measures the same thing, and how the metric is
read: summed over the calibration years (a four-year total) or taken in one
year (a stock at the end of 2024, or the 2024 value). The model's value is
always read from the metrics array that :func:`qdsim.runner.simulate` returns,
the array users see in ``summary.csv``; a target value is never written into
an output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from qdsim.catalogue import Catalogue
from qdsim.metrics import METRIC_IDS, catalogue
from qdsim.scenario.ranges import CALIBRATION_END, CALIBRATION_START  # one definition of the calibration period

#: tolerance of the regression test and of the fit's success criterion
TOLERANCE = 0.05
#: default calibration scale (the baseline scenario's own scale) and verification replicates
DEFAULT_SCALE = 0.02
DEFAULT_REPLICATES = 20


@dataclass(frozen=True)
class Target:
    """One reported figure and how the model reproduces it.

    Attributes:
        figure: id in ``figures.yaml``.
        metric: id in the metric catalogue.
        how: ``"sum"`` over the calibration years, or ``"year"``: the value in ``year``.
        year: the year read when ``how == "year"``.
        fitted: whether the fit's objective includes it. A target that the
            model reproduces by construction (``structural``) is checked but
            not fitted.
        note: why the target is read this way, or why it is only checked.
    """

    figure: str
    metric: str
    how: Literal["sum", "year"]
    year: int = CALIBRATION_END
    fitted: bool = True
    note: str = ""

    def model_value(self, metrics: np.ndarray, years: list[int]) -> float:
        """The model's value from one replicate's metrics array (metric, year, county+all)."""
        series = metrics[METRIC_IDS.index(self.metric), :, 0]
        if self.how == "sum":
            idx = [i for i, y in enumerate(years) if CALIBRATION_START <= y <= CALIBRATION_END]
            return float(np.sum(series[idx]))
        return float(series[years.index(self.year)])

    def reported(self, registry: Catalogue) -> float:
        return registry.figures[self.figure].value

    def label(self, registry: Catalogue, lang: str = "en") -> str:
        f = registry.figures[self.figure]
        return f.label_zh if lang == "zh" else f.label_en

    @property
    def unit(self) -> str:
        return catalogue()[self.metric].unit

    @property
    def reading(self) -> str:
        return f"sum {CALIBRATION_START}–{CALIBRATION_END}" if self.how == "sum" else f"{self.year}"


TARGETS: tuple[Target, ...] = (
    Target("consumption_sales_total", "consumption_sales", "sum", note="Sales through Qingdao's channels, four-year total."),
    Target("consumption_sales_2024", "consumption_sales", "year", 2024, note="Sales in 2024: fixes the growth of the channel, not only its level."),
    Target("stable_employment_total", "stable_employment", "sum", note="Person-times with ≥ stable_months months in a cooperation-supported job, four-year total."),
    Target(
        "labour_subsidy_total", "labour_subsidy_paid", "sum",
        note="Reported as an input (subsidies paid); the model pays them per stable worker while the labour budget lasts, so it is an output to check and fit.",
    ),
    Target("projects_total", "projects_started", "sum", note="Industry, social, demonstration-village and forest projects."),
    Target("eco_forest_area", "eco_forest_area", "year", 2024, note="Cumulative forest planted by the end of 2024."),
    Target("demo_villages", "demo_villages", "year", 2024, note="Demonstration villages built by the end of 2024."),
    Target("potato_demo_yield", "potato_yield_demo", "year", 2024, note="Yield in the 10,000-亩 demonstration in 2024."),
    Target(
        "greenhouse_cycles_demo", "greenhouse_cycles_demo", "year", 2024, fitted=False,
        note="Structural: demonstration greenhouses grow two crops a year by construction, so no parameter moves it; checked, not fitted.",
    ),
)


def target_values(registry: Catalogue, targets: tuple[Target, ...] = TARGETS) -> np.ndarray:
    return np.array([t.reported(registry) for t in targets])


def model_values(metrics: np.ndarray, years: list[int], targets: tuple[Target, ...] = TARGETS) -> np.ndarray:
    """One replicate's value of every target."""
    return np.array([t.model_value(metrics, years) for t in targets])
