"""qdsim.presentation.words: a text the app and the brief both say is declared once."""

from __future__ import annotations

import pytest

from qdsim.app.i18n import STRINGS
from qdsim.brief.labels import T
from qdsim.foundation.format import VERDICT_WORDS
from qdsim.presentation import charts, words


def _pairs(table) -> dict[tuple[str, str], list[str]]:
    return {pair: [k for k, v in table.items() if v == pair] for pair in table.values()}


def test_a_text_the_app_and_the_brief_both_say_comes_from_the_shared_table():
    app = {tuple(v) for v in STRINGS.values()}
    brief = {(v["zh"], v["en"]) for v in T.values()}
    chart = set(charts._WORDS.values())
    shared = set(words.SHARED.values())
    both = (app & brief) | (app & chart) | (brief & chart)
    assert both and both <= shared, both - shared
    assert not (set(VERDICT_WORDS.values()) & (app | brief | chart))  # a verdict's words live in qdsim.foundation.format only


def test_shared_words_and_names():
    assert words.word("vs_baseline", "en") == "vs baseline" and words.by_lang("interval") == {"zh": "90%区间", "en": "90% interval"}
    assert words.name("lever", "consumption.showrooms", "zh") == "展示展销中心和电商体验馆"
    assert words.name("metric", "rural_income_per_capita", "en") == "Rural disposable income per capita"
    assert words.name("verdict", "chance", "zh") == "在随机波动范围内"
    assert words.name("unit", "人次", "en") == "person-times"
    with pytest.raises(ValueError, match="kind must be"):
        words.name("colour", "red")
