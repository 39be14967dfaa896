"""qdsim.foundation.format: the one number formatter and the one wording of a difference."""

from __future__ import annotations

import math

import pytest

from qdsim.foundation.format import VERDICT_WORDS, describe, fixed, lever_value, percent, plain, short, significant, verdict, verdict_word


@pytest.mark.parametrize(("value", "expected"), [(5.2e6, "5,200,000"), (3388.6, "3,388.6"), (0.0001, "0.0001"), (0.6115, "0.6115"), (2.5e-7, "0.00000025"), ("x", "x")])
def test_parameter_values_are_plain(value, expected):
    assert plain(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(1e12, "1,000,000,000,000"), (3500.0, "3,500"), (0.013012, "0.013012"), (-2.5, "-2.5")])
def test_plain_writes_numbers_out(value, expected):
    assert plain(value) == expected


@pytest.mark.parametrize(("value", "digits", "expected"), [(3456.0, 3, "3,460"), (180.0, 3, "180"), (47.66, 3, "47.7"), (0.01583, 3, "0.0158"),
                                                           (1e13, 3, "1e+13"), (math.nan, 3, "–"), (12345.6, 4, "12,350"), (1.1, 4, "1.1")])
def test_significant(value, digits, expected):
    assert significant(value, digits) == expected


def test_short_fixed_and_percent():
    assert (short(2.28), short(0.05), short(1e-3, 2), short(1234567.0, 10, grouped=True)) == ("2.28", "0.05", "0.001", "1,234,567")
    assert (fixed(0.2345, 2), fixed(1.25, 1, signed=True), fixed(12345.4, 0, grouped=True)) == ("0.23", "+1.2", "12,345")
    assert (percent(0.123), percent(0.0131, signed=True), percent(-0.0001, signed=True), percent(None)) == ("12.3%", "+1.3%", "0.0%", "–")


def test_lever_value_in_the_lever_s_unit():
    assert lever_value(4.05e8, "元") == "4.05亿元" and lever_value(4.05e8, "元", "en") == "CNY 405 m"
    assert (lever_value(28, "家"), lever_value(28, "家", "en"), lever_value(12346.0, "家")) == ("28家", "28", "12,350家")
    assert lever_value(0.3, "share") == "30.0%" and lever_value(1.1, "index", "zh") == "1.1"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_describe_words_a_difference_once(lang):
    income = "rural_income_per_capita"  # good: up
    good = describe(income, 120.0, 40.0, 290.0, lang)
    assert good.verdict == "good" == verdict(income, 120.0, 40.0, 290.0) and good.meaning == verdict_word("good", lang) and not good.chance
    assert good.text == ("+120元/人" if lang == "zh" else "+120 CNY/person")
    chance = describe(income, 120.0, -40.0, 290.0, lang)
    assert chance.verdict == "chance" and chance.chance and chance.meaning == VERDICT_WORDS["chance"][lang == "en"]
    assert describe("monitored_share", 0.01, 0.005, 0.02, lang).verdict == "bad"  # good: down
    same = describe(income, 0.0, 0.0, 0.0, lang)
    assert same.verdict == "same" and same.meaning == ("无差别" if lang == "zh" else "no difference")
    unknown = describe(income, math.nan, math.nan, math.nan, lang)
    assert not unknown.known and (unknown.text, unknown.range, unknown.meaning) == ("–", "–", "")
