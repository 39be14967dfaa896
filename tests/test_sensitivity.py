"""Sensitivity analysis: the wiring checked against functions with known indices, then on the model itself.

The analytic values come from Saltelli et al. (2008), *Global Sensitivity
Analysis: The Primer*: for Ishigami (a = 7, b = 0.1),
S1 = (0.3139, 0.4424, 0) and ST = (0.5576, 0.4424, 0.2437). For the Sobol G
function, a factor matters less the larger its ``a``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from SALib.test_functions import Ishigami, Sobol_G
from typer.testing import CliRunner

from qdsim import sensitivity as sa
from qdsim.catalogue import load_catalogue
from qdsim.cli import app
from qdsim.metrics import catalogue

from .batch.helpers import write_tiny

ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]
G_A = np.array([0, 1, 4.5, 9, 99, 99])


def ishigami_factors():
    return [sa.Factor(f"x{i}", f"x{i}", -np.pi, np.pi, "other", f"变量{i}", f"variable {i}") for i in (1, 2, 3)]


def test_sobol_indices_of_ishigami_match_the_analytic_values():
    a = sa.analyse("sobol", ishigami_factors(), lambda X: {"y": Ishigami.evaluate(X)}, n=1024, seed=1)
    df = a.indices["y"]
    assert len(a.X) == 1024 * (3 + 2)
    assert np.allclose(df.S1, ISHIGAMI_S1, atol=0.05), df
    assert np.allclose(df.ST, ISHIGAMI_ST, atol=0.05), df
    assert (df.S1_conf > 0).all() and (df.ST_conf < 0.15).all()
    assert list(df.sort_values("rank").factor) == ["x1", "x2", "x3"]


def test_morris_ranks_sobol_g_factors_by_their_importance():
    factors = [sa.Factor(f"g{i}", f"g{i}", 0, 1, "lever", f"杠杆{i}", f"lever {i}") for i in range(6)]
    a = sa.analyse("morris", factors, lambda X: {"y": Sobol_G.evaluate(X, G_A)}, n=40, seed=2)
    df = a.indices["y"].set_index("factor")
    assert len(a.X) == 40 * 7
    mu = df.mu_star
    assert mu["g0"] > mu["g1"] > mu["g2"] > mu["g3"] > max(mu["g4"], mu["g5"])
    assert list(a.indices["y"].sort_values("rank").factor[:4]) == ["g0", "g1", "g2", "g3"]


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


def test_write_gives_csv_json_and_markdown(tmp_path):
    a = sa.analyse("sobol", ishigami_factors(), lambda X: {"y": Ishigami.evaluate(X), "z": Ishigami.evaluate(X) ** 2}, n=64)
    paths = sa.write(a, tmp_path, names={"y": ("输出", "output", "元")}, year=2030)
    table = pd.read_csv(paths["csv"])
    assert len(table) == 6 and {"method", "output", "factor", "S1", "S1_conf", "ST", "ST_conf", "rank"} <= set(table.columns)
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["method"] == "sobol" and set(data["ranking"]) == {"y", "z"} and data["ranking"]["y"]["zh"].startswith("到2030年影响输出最大的")
    md = paths["md"].read_text(encoding="utf-8")
    assert "## 输出 / output (2030)" in md and "| rank | factor |" in md


def test_factor_specs():
    levers = sa.parse_factors(["labour.subsidy_per_worker", "funds.fiscal=2亿元:8亿元"], ["wage_qingdao", "logit_beta=0.5:2"])
    subsidy, fiscal, wage, beta = levers
    assert (subsidy.path, subsidy.low, subsidy.high, subsidy.kind) == ("levers.labour.subsidy_per_worker*", 0.0, 2.0, "lever")
    assert (fiscal.path, fiscal.low, fiscal.high) == ("levers.funds.fiscal", 2e8, 8e8)
    assert (wage.low, wage.high) == load_catalogue().parameters["wage_qingdao"].range and wage.kind == "parameter"
    assert (beta.low, beta.high) == (0.5, 2.0)
    assert subsidy.zh and subsidy.en != "labour.subsidy_per_worker"  # named as the brief names it
    for bad in (["labour.subsidy"], ["funds.fiscal=8:2"], ["funds.fiscal=1"]):
        with pytest.raises(sa.FactorError):
            sa.parse_factors(bad, [])
    with pytest.raises(sa.FactorError, match="no parameter"):
        sa.parse_factors([], ["wage_qingdoa"])


def test_sobol_needs_a_power_of_two():
    with pytest.raises(ValueError, match="power of 2"):
        sa.sample("sobol", ishigami_factors(), 100, 1)


def test_qdsim_sensitivity_ranks_levers_for_rural_income_and_monitored_share(tmp_path, monkeypatch):
    """Issue 5: indices and the ranking for rural income and the monitored share, from the model itself."""
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    tiny = write_tiny(tmp_path)
    out = tmp_path / "sens"
    args = ["sensitivity", "--base", str(tiny), "--method", "morris", "--levers", "funds.fiscal,labour.subsidy_per_worker",
            "--params", "wage_qingdao", "--n", "2", "--replicates", "1", "--workers", "1", "--out", str(out)]
    r = CliRunner().invoke(app, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out / "indices.csv")
    assert set(table.output) == {"rural_income_per_capita", "monitored_share"} and len(table) == 6
    assert table.mu_star.notna().all() and (table.mu_star >= 0).all()
    md = (out / "ranking.md").read_text(encoding="utf-8")
    assert "到2023年影响农村居民人均可支配收入最大的三个因素是" in md
    assert f"到2023年影响{catalogue()['monitored_share'].zh}最大的三个因素是" in md
    assert "By 2023, the three factors with the largest effect on rural disposable income per capita are" in md
    runs = pd.read_csv(out / "points.csv")
    assert len(runs) == 8 and runs.status.eq("computed").all()  # n (k + 1) = 2 × 4 sample points, each run once
    again = CliRunner().invoke(app, args, catch_exceptions=False)  # served from the registry: same indices
    assert again.exit_code == 0
    assert pd.read_csv(out / "indices.csv").equals(table)
