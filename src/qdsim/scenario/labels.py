"""The names of levers and programmes in Chinese and English, with the unit each is shown in.

Read from the lever records (``data/levers.yaml``, :mod:`qdsim.scenario.records`), the one place a
lever is named: the brief, the calibrated-range warnings, the sensitivity ranking and the app (its form
adds the unit it shows) call a lever the same.
"""

from __future__ import annotations

from qdsim.scenario.records import lever_records, programmes

#: lever key -> (zh, en, unit). Units: 元, share, 亩, switch, index, or a count word.
LEVERS: dict[str, tuple[str, str, str]] = {k: (r.zh, r.en, r.unit) for k, r in lever_records().items()}

#: programme -> (zh, en)
PROGRAMME_NAMES: dict[str, tuple[str, str]] = {k: (p.zh, p.en) for k, p in programmes().items()}


def share_label(programme: str, lang: str) -> str:
    zh, en = PROGRAMME_NAMES[programme]
    return f"资金投向：{zh}" if lang == "zh" else f"Funds share: {en}"
