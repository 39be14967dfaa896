"""The files an analysis writes, and the model as the function (qdsim sensitivity end to end)."""

from __future__ import annotations

import json

import pandas as pd
from SALib.test_functions import Ishigami
from typer.testing import CliRunner

from qdsim import sensitivity as sa
from qdsim.cli import app
from qdsim.foundation.metrics import catalogue

from ..batch.helpers import write_tiny
from .helpers import ishigami_factors


def test_write_gives_csv_json_and_markdown(tmp_path):
    a = sa.analyse("sobol", ishigami_factors(), lambda X: {"y": Ishigami.evaluate(X), "z": Ishigami.evaluate(X) ** 2}, n=64)
    paths = sa.write(a, tmp_path, names={"y": ("输出", "output", "元")}, year=2030)
    table = pd.read_csv(paths["csv"])
    assert len(table) == 6 and {"method", "output", "factor", "S1", "S1_conf", "ST", "ST_conf", "rank"} <= set(table.columns)
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["method"] == "sobol" and set(data["ranking"]) == {"y", "z"} and data["ranking"]["y"]["zh"].startswith("到2030年影响输出最大的")
    md = paths["md"].read_text(encoding="utf-8")
    assert "## 输出 / output (2030)" in md and "| rank | factor |" in md


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
