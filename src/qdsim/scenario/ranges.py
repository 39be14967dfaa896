"""Warnings when a scenario takes a lever far beyond anything the calibration saw.

The model is calibrated on the baseline's levers of 2021–2024 (the reported
programme). A scenario may go beyond them — that is what what-ifs are for —
but far beyond, its results are extrapolations of mechanisms fitted
elsewhere, and a planner should be told which lever did it.

Rule: a lever (or a programme's share of the fiscal funds) is flagged in a
year when it exceeds ``FACTOR`` (2) times its highest 2021–2024 level in the
baseline, or is positive where the baseline never used it. Going *below* the
reported levels is not flagged: down to zero is the no-cooperation
counterfactual, which every run also simulates. A scenario that overrides a
calibrated parameter is flagged too, since the calibration no longer holds.

The reference levels are stored with the calibration (``lever_range`` in
``calibrated.yaml``, written by ``qdsim calibrate`` from the baseline it
fitted); without that file they are computed from the shipped baseline.

This is the one rule: the manifest's warnings, ``qdsim run``'s messages and
the app's what-if page all call :func:`range_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.format import lever_value, short
from qdsim.scenario import shipped
from qdsim.scenario.labels import LEVERS, share_label
from qdsim.scenario.levers import resolve
from qdsim.scenario.loader import load_scenario
from qdsim.scenario.schema import PROGRAMMES, Scenario

#: the years whose reported figures the model is calibrated on
CALIBRATION_START = 2021
CALIBRATION_END = 2024
#: a lever above this multiple of its highest calibration-year level is flagged
FACTOR = 2.0

#: the kinds of warning (``RangeWarning.code``)
BEYOND = "beyond_calibrated_range"  # above FACTOR × the highest 2021–2024 level
UNUSED = "lever_not_used_in_calibration"  # positive where 2021–2024 had none
OVERRIDE = "calibrated_parameter_overridden"  # the fit no longer holds


@dataclass(frozen=True)
class RangeWarning:
    """One lever outside the calibrated range (structured, for manifests, scripts and the app)."""

    code: str  # BEYOND, UNUSED or OVERRIDE
    lever: str  # "consumption.showrooms", "funds.shares.consumption", or "overrides.<parameter>"
    years: tuple[int, ...]
    value: float  # the largest value over those years (the override's value)
    limit: float  # the level above which it is flagged
    reference_max: float  # the highest 2021–2024 level
    zh: str
    en: str

    def message(self, lang: str = "both") -> str:
        return {"zh": self.zh, "en": self.en}.get(lang, f"{self.zh} / {self.en}")


def lever_levels(scenario: Scenario, start: int = CALIBRATION_START, end: int = CALIBRATION_END) -> dict[str, list[float]]:
    """[min, max] of every lever and programme share over ``start``–``end`` of ``scenario``."""
    table = resolve(scenario)
    idx = [i for i, y in enumerate(table.years) if start <= y <= end]
    out = {key: [float(np.min(arr[idx])), float(np.max(arr[idx]))] for key, arr in sorted(table.values.items()) if not key.startswith("conditions.")}
    for j, prog in enumerate(PROGRAMMES):
        col = table.shares[idx, j]
        out[f"funds.shares.{prog}"] = [float(col.min()), float(col.max())]
    return out


def reference_levels(region: str = "dingxi") -> dict[str, list[float]]:
    """The calibrated range: from calibrated.yaml, else from scenarios/baseline.yaml."""
    stored = load_catalogue(region).calibration.get("lever_range")
    if stored:
        return {k: [float(v[0]), float(v[1])] for k, v in stored.items()}
    return lever_levels(load_scenario(shipped.baseline_file()))


def _labels(key: str) -> tuple[str, str, str]:
    """(zh, en, unit) of a lever key."""
    if key.startswith("funds.shares."):
        prog = key.rsplit(".", 1)[1]
        return share_label(prog, "zh"), share_label(prog, "en"), "share"
    return LEVERS.get(key, (key, key, ""))


def _years(years: list[int]) -> tuple[str, str]:
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f"{span}年", span


def range_checks(scenario: Scenario) -> list[RangeWarning]:
    """Every lever of ``scenario`` that leaves the calibrated range, with bilingual messages."""
    ref = reference_levels(scenario.region)
    current = resolve(scenario)
    years = current.years
    series: dict[str, np.ndarray] = {k: v for k, v in current.values.items() if k in ref}
    for j, prog in enumerate(PROGRAMMES):
        series[f"funds.shares.{prog}"] = current.shares[:, j]
    out: list[RangeWarning] = []
    for key, arr in series.items():
        if key not in ref:
            continue
        top = ref[key][1]
        limit = top * FACTOR if top > 0 else 0.0
        bad = [y for y, x in zip(years, arr, strict=True) if x > limit + 1e-9 * max(1.0, abs(limit))]
        if not bad:
            continue
        zh_name, en_name, unit = _labels(key)
        if unit in ("share", "switch") and limit >= 1.0:
            continue  # a share cannot exceed 1: never far beyond
        value = float(max(arr[years.index(y)] for y in bad))
        zy, ey = _years(bad) if bad == list(range(bad[0], bad[-1] + 1)) else ("、".join(map(str, bad)) + "年", ", ".join(map(str, bad)))
        if top > 0:
            zh = (f"超出校准范围：{zh_name}在{zy}达到{lever_value(value, unit, 'zh')}，超过2021–2024年实际最高水平（{lever_value(top, unit, 'zh')}）的{short(FACTOR)}倍；"
                  "模型未在此水平上校准，结果属外推，请谨慎解读。")
            en = (f"Outside the calibrated range: {en_name} reaches {lever_value(value, unit, 'en')} in {ey}, more than {short(FACTOR)}× its highest "
                  f"2021–2024 level ({lever_value(top, unit, 'en')}); the model was not calibrated there, so results are an extrapolation.")
        else:
            zh = f"超出校准范围：{zh_name}在{zy}为{lever_value(value, unit, 'zh')}，而2021–2024年未曾使用；结果属外推，请谨慎解读。"
            en = f"Outside the calibrated range: {en_name} is {lever_value(value, unit, 'en')} in {ey}, a lever not used in 2021–2024; results are an extrapolation."
        out.append(RangeWarning(BEYOND if top > 0 else UNUSED, key, tuple(bad), value, limit, top, zh, en))
    reg = load_catalogue(scenario.region)
    for pid, v in sorted(scenario.overrides.items()):
        p = reg.parameters[pid]
        if p.status == "calibrated":
            zh = f"情景改写了校准参数「{p.label_zh}」（{short(v)}，校准值 {short(p.value)}）：基准情景对2021–2024年实际数据的拟合不再成立。"
            en = (f"The scenario overrides the calibrated parameter '{p.label_en}' ({short(v)}; calibrated value {short(p.value)}): "
                  "the fit to the reported 2021–2024 figures no longer holds.")
            out.append(RangeWarning(OVERRIDE, f"overrides.{pid}", tuple(years), float(v), p.value, p.value, zh, en))
    return out


def range_warnings(scenario: Scenario, lang: str = "both") -> list[str]:
    """Messages naming each lever of ``scenario`` far beyond the 2021–2024 levels.

    Args:
        scenario: a validated scenario.
        lang: ``"zh"``, ``"en"`` or ``"both"`` (``"中文 / English"``).

    Returns:
        One message per lever (empty when the scenario stays within the calibrated range).
    """
    return [w.message(lang) for w in range_checks(scenario)]
