"""The ranking in words, in Chinese and English."""

from __future__ import annotations

import numpy as np
from SALib.test_functions import Ishigami, Sobol_G

from qdsim import sensitivity as sa

from .helpers import G_A, ishigami_factors


def test_ranking_says_in_chinese_and_english_which_three_matter_most():
    factors = [sa.Factor(f"g{i}", f"g{i}*", 0, 2, "lever", f"杠杆{i}", f"lever {i}") for i in range(5)]
    a = sa.analyse("morris", factors, lambda X: {"y": Sobol_G.evaluate(X / 2, G_A[:5])}, n=20, seed=3)
    zh = sa.ranking(a, "y", "zh", output_name="农村居民人均可支配收入", unit="元/人", year=2030)
    en = sa.ranking(a, "y", "en", output_name="Rural disposable income per capita", unit="元/人", year=2030)
    assert zh.startswith("到2030年影响农村居民人均可支配收入最大的三个杠杆是：杠杆0（按基准值的0–2倍，μ* = ")
    assert zh.index("杠杆0") < zh.index("杠杆1") < zh.index("杠杆2") and "杠杆3（" not in zh.split("。")[0]
    assert en.startswith("By 2030, the three levers with the largest effect on rural disposable income per capita are lever 0 (×0–2 of the base; μ* = ")
    mixed = sa.analyse("sobol", ishigami_factors()[:2] + [sa.Factor("p", "overrides.p", 0, 1, "parameter", "参数", "a parameter")],
                       lambda X: {"y": Ishigami.evaluate(X)}, n=256)
    zh = sa.ranking(mixed, "y", "zh", output_name="测试")
    assert zh.startswith("影响测试最大的三个因素是") and "总效应指数 ST" in zh  # levers and a parameter: 因素, factors
    assert zh.endswith("参数的影响在置信区间内与零无法区分。")  # x3 over [0, 1] hardly matters
    en = sa.ranking(mixed, "y", "en", output_name="the test", top=1)
    assert en.startswith("The factor with the largest effect on the test is variable 2 (-3.14–3.14; total-effect index ST = ")


def test_negligible_factors_are_named_as_such():
    factors = [sa.Factor(n, n, 0, 1, "lever", n, n) for n in ("a", "b", "c")]
    a = sa.analyse("morris", factors, lambda X: {"y": 5 * X[:, 0] + X[:, 1]}, n=10, seed=1)
    en = sa.ranking(a, "y", "en", output_name="y")
    assert en.endswith("The effect of c cannot be told from zero.")
    assert "c的影响在置信区间内与零无法区分" in sa.ranking(a, "y", "zh", output_name="y")


def test_a_ranking_says_indistinguishable_when_neighbouring_intervals_overlap():
    factors = [sa.Factor(n, n, 0, 1, "lever", n, n) for n in ("a", "b", "c", "d")]
    a = sa.analyse("morris", factors, lambda X: {"y": Sobol_G.evaluate(X, np.array([1, 1, 9, 99]))}, n=10, seed=1)  # a and b alike
    df = a.indices["y"].set_index("factor")
    assert abs(df.mu_star["a"] - df.mu_star["b"]) < df.mu_star_conf["a"] + df.mu_star_conf["b"]  # a and b overlap
    en = sa.ranking(a, "y", "en", output_name="y")
    assert any(f"The intervals of {x} and {y} overlap, so their order is indistinguishable" in en for x, y in ("ab", "ba"))
    zh = sa.ranking(a, "y", "zh", output_name="y")
    assert any(f"{x}、{y}的置信区间相互重叠，其先后次序无法区分" in zh for x, y in ("ab", "ba"))
    apart = sa.analyse("morris", factors[:2], lambda X: {"y": 50 * X[:, 0] + X[:, 1]}, n=10, seed=1)  # linear: exact, far apart
    assert "indistinguishable" not in sa.ranking(apart, "y", "en", output_name="y")
