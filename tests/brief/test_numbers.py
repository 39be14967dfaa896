"""How the brief writes numbers and ranges."""

from __future__ import annotations

import math

import pytest

from qdsim.brief.numbers import compact, show
from qdsim.brief.sections.context import quantity


@pytest.mark.parametrize(
    ("value", "unit", "lang", "how", "expected"),
    [
        (19363.2, "元/人", "zh", "plain", "19,363元/人"),
        (1.636e9, "元", "zh", "plain", "16.36亿元"),
        (55125, "人次", "zh", "plain", "5.513万人次"),
        (0.0770, "share", "zh", "plain", "7.7%"),
        (-0.0108, "share", "zh", "pp", "1.1个百分点"),
        (-0.0108, "share", "en", "pp", "1.1 percentage points"),
        (-1375.0, "户", "zh", "abs", "1,375户"),
        (-1375.0, "户", "zh", "signed", "-1,375户"),
        (875.0, "户", "zh", "signed", "+875户"),
        (1.636e9, "元", "en", "plain", "CNY 1.636 bn"),
        (math.nan, "元", "zh", "plain", "–"),
    ],
)
def test_show(value, unit, lang, how, expected):
    assert show(value, unit, lang, how) == expected


def test_show_rejects_unknown_how():
    with pytest.raises(ValueError):
        show(1.0, "元", "zh", "rounded")


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        ("900元/人", "966元/人", ("900", "966元/人")),  # shared unit written once
        ("7.1%", "8.3%", ("7.1", "8.3%")),
        ("5.254万人次", "5.771万人次", ("5.254", "5.771万人次")),
        ("8,000万元", "1.02亿元", ("8,000万元", "1.02亿元")),  # different magnitudes stay whole
        ("CNY 1.43 bn", "CNY 1.5 bn", ("CNY 1.43", "1.5 bn")),
        ("CNY 980 m", "CNY 1.02 bn", ("CNY 980 m", "1.02 bn")),
        ("-12户", "+35户", ("-12", "+35户")),
    ],
)
def test_compact(lo, hi, expected):
    assert compact(lo, hi) == expected


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (4.05e8, "元", "zh", "4.05亿元"),  # inputs are exact: no trailing zeros
        (1e4, "亩", "zh", "1万亩"),
        (28, "家", "zh", "28家"),
        (28, "家", "en", "28"),
        (18, "人", "en", "18 people"),
        (0.3, "share", "zh", "30%"),
        (1, "switch", "en", "yes"),
        (1.0, "index", "zh", "1.00"),
    ],
)
def test_quantity(value, unit, lang, expected):
    assert quantity(value, unit, lang) == expected
