"""The words the app, the brief and the charts share, in Chinese and English: one table where their strings overlap.

Each presentation keeps its own table for what only it says
(:mod:`qdsim.app.i18n` for the app, :mod:`qdsim.brief.labels` for the
brief); a word both say is declared here once and both tables take it from
here (``tests/test_words.py`` fails if the same pair of texts is declared in
both). The other shared names have one home each, read through
:func:`name`: a lever's in its record (``data/levers.yaml``, read by
:mod:`qdsim.scenario.records`), a metric's in its record (``data/metrics.yaml``),
a verdict's in :data:`qdsim.foundation.format.VERDICT_WORDS`, a unit's in
:func:`qdsim.foundation.format.unit_label`.
"""

from __future__ import annotations

#: word key -> (中文, English)
SHARED: dict[str, tuple[str, str]] = {
    # comparisons
    "vs_baseline": ("较基准", "vs baseline"),
    "vs_cf": ("较无协作", "vs no cooperation"),
    "interval": ("90%区间", "90% interval"),
    "meaning": ("判断", "Reading"),
    "attribution": ("结论取决于哪些假设", "What the answer rests on"),
    # a run
    "scenario": ("情景", "Scenario"),
    "county": ("县区", "County"),
    "run_id": ("运行编号", "Run ID"),
    "replicates": ("重复次数", "Replicates"),
    "status": ("状态", "Status"),
    # the catalogue's figures and parameters
    "value": ("数值", "Value"),
    "period": ("时期", "Period"),
    "source": ("来源", "Source"),
    "parameter": ("参数", "Parameter"),
    "plausible_range": ("合理范围", "Plausible range"),
    "kind.input": ("投入（情景杠杆）", "input (a lever)"),
    "kind.structure": ("结构（初始状态）", "structure (initial state)"),
    "kind.context": ("背景", "context"),
    "kind.validation": ("检验（不参与拟合）", "validation (not fitted)"),
    "status.calibrated": ("校准", "calibrated"),
    "status.assumption": ("假设", "assumption"),
    "status.reported": ("报道", "reported"),
    "status.statistic": ("统计", "statistic"),
    "status.literature": ("文献", "literature"),
    # the calibration table
    "calibration.class": ("类别", "Class"),
    "calibration.role": ("作用", "Role"),
    "calibration.reported": ("报道值", "Reported"),
    "calibration.model": ("模型（90%区间）", "Model (90% interval)"),
    "calibration.error": ("误差", "Error"),
    "calibration.within": ("在容差内", "Within tolerance"),
}


def pair(key: str) -> tuple[str, str]:
    """(中文, English) of a shared word, for a table of the app or the brief."""
    return SHARED[key]


def by_lang(key: str) -> dict[str, str]:
    """``{"zh": …, "en": …}`` of a shared word (the brief's table holds its texts so)."""
    zh, en = SHARED[key]
    return {"zh": zh, "en": en}


def word(key: str, lang: str = "zh") -> str:
    zh, en = SHARED[key]
    return zh if lang == "zh" else en


def name(kind: str, key: str, lang: str = "zh") -> str:
    """The one name of a lever, a metric, a verdict or a unit (``kind``: lever | metric | verdict | unit), where it is declared."""
    if kind == "lever":
        from qdsim.scenario.records import lever_records

        return lever_records()[key].name(lang)
    if kind == "metric":
        from qdsim.foundation.metrics import catalogue

        return catalogue()[key].name(lang)
    if kind == "verdict":
        from qdsim.foundation.format import verdict_word

        return verdict_word(key, lang)
    if kind == "unit":
        from qdsim.foundation.format import unit_label

        return unit_label(key, lang)
    raise ValueError(f"kind must be lever, metric, verdict or unit, not {kind!r}")
