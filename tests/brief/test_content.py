"""What the brief says: every number from summary.csv, traced; sections; levers; assumptions."""

from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest

from qdsim.brief import BriefError, build, sections
from qdsim.brief.content import FINDINGS
from qdsim.brief.document import Bullets, Figure, Heading, Paragraph, Table
from qdsim.brief.numbers import show
from qdsim.brief.source import from_dir, from_result
from qdsim.foundation.format import interval

from .helpers import numbers

SECTIONS = ["findings", "cost", "charts", "counties", "scenario", "methods", "assumptions", "limitations", "sources", "citation", "appendix"]


def csv_value(run_dir, tr) -> float:
    """The cell a trace names, read independently from summary.csv or cost.csv."""
    if tr.source == "cost.csv":
        d = pd.read_csv(run_dir / "cost.csv")
        against, measure = tr.metric.split(":")
        hit = d[(d.scenario == tr.scenario) & (d.against.fillna("") == against) & (d.measure == measure) & (d.end == tr.year)]
    else:
        d = pd.read_csv(run_dir / "summary.csv")
        hit = d[(d.scenario == tr.scenario) & (d.metric == tr.metric) & (d.county == tr.county) & (d.year == tr.year)]
    assert len(hit) == 1, tr
    return float(hit.iloc[0][tr.stat])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_traced_number_equals_summary_csv(briefs, tiny_run_dir, lang):
    """Re-read summary.csv (and cost.csv) independently: each number the brief printed is that cell, formatted."""
    traces = briefs[lang].traces
    assert len(traces) > 60  # findings, county table, households
    assert {t.source for t in traces} == {"summary.csv", "cost.csv"}
    for tr in traces:
        v = csv_value(tiny_run_dir, tr)
        assert v == tr.value, tr
        assert show(v, tr.unit, lang, tr.how) == tr.full, tr
        pair = [x for x in traces if (x.metric, x.county, x.year, x.scenario, x.how) == (tr.metric, tr.county, tr.year, tr.scenario, "signed")
                and x.stat == tr.stat.replace("_p05", "_p95")] if tr.how == "signed" and tr.stat.endswith("_p05") else []
        ends = [x for x in traces if (x.metric, x.county, x.year, x.scenario, x.how) == (tr.metric, tr.county, tr.year, tr.scenario, "signed")
                and x.stat == tr.stat.replace("_p95", "_p05")] if tr.how == "signed" and tr.stat.endswith("_p95") else []
        if pair:  # a difference's interval: both ends on one scale, the unit once
            sep = " 至 " if lang == "zh" else " to "
            span = interval(tr.value, pair[0].value, tr.unit, lang, signed=True)
            assert any(span.startswith(f"{tr.text}{sep}{p.text}") for p in pair), (tr, pair)  # the unit may be in the column's header
        elif ends:
            pass  # checked with its _p05
        else:
            assert tr.text and tr.text in tr.full, tr
    used = {(t.metric, t.county) for t in traces}
    for metric in FINDINGS:
        assert (metric, "all") in used
    assert {c for m, c in used if m == "rural_income_per_capita"} >= {"all", "anding", "minxian"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_findings_and_county_table_hold_no_untraced_number(briefs, lang):
    """Apart from years and the '90%' of the interval's name, every number in these sections is traced."""
    b = briefs[lang]
    traced = {n for t in b.traces for n in numbers(t.text)}
    allowed = traced | {str(y) for y in range(2021, 2036)} | {"90"}
    findings = [x for x in b.section("findings") if isinstance(x, Bullets) and x.role == "findings"]
    assert len(findings) == 1 and len(findings[0].items) >= 7
    texts = list(findings[0].items)
    (county_table,) = [x for x in b.section("counties") if isinstance(x, Table)]
    texts += [cell for row in county_table.rows for cell in row[1:]]
    for text in texts:
        stray = [n for n in numbers(text) if n not in allowed]
        assert not stray, (text, stray)


def test_findings_read_as_planners_write(briefs):
    zh = briefs["zh"].section("findings")[0].items[0]
    assert zh.startswith("到2030年，农村居民人均可支配收入为")
    assert "90%区间" in zh and "比无协作情景高" in zh
    en = briefs["en"].section("findings")[0].items[0]
    assert en.startswith("By 2030, the model puts rural disposable income per capita at") and "higher than without cooperation" in en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sections_in_order(briefs, lang):
    anchors = [b.anchor for b in briefs[lang].blocks if isinstance(b, Heading) and b.level == 1]
    assert anchors == SECTIONS
    figures = [b for b in briefs[lang].blocks if isinstance(b, Figure)]
    assert [f.name for f in figures] == ["income-series", "income-impact", "monitored-series", "income-counties", "income-map"]
    assert all(f.png.startswith(b"\x89PNG") for f in figures)


def test_citation_block(briefs, tiny_run_dir):
    m = json.loads((tiny_run_dir / "manifest.json").read_text(encoding="utf-8"))
    b = briefs["en"]
    text = "\n".join(_text(x) for x in b.section("citation"))
    for value in (m["run_id"], m["qdsim_version"], m["commit"], m["scenario_sha256"], str(m["seed"]), m["created"]):
        assert value in text
    assert "@misc{qdsim_" in text and "qdsim brief runs/" in text and m["rerun"] in text
    assert m["run_id"] in b.footer


def test_methods_and_limitations_follow_the_manifest(briefs, tiny_run):
    zh = "\n".join(_text(x) for x in briefs["zh"].section("methods"))
    assert "共2次重复" in zh and "0.4%" in zh
    calibrated = bool(tiny_run.manifest.get("calibration"))
    assert ("近似贝叶斯计算" in zh) if calibrated else ("未记录校准结果" in zh)
    lim = briefs["en"].section("limitations")[0].items
    assert any("Only 2 replicates" in x for x in lim) and any("chance only" in x for x in lim)


def test_sources_come_from_the_manifest(briefs, tiny_run_dir):
    m = json.loads((tiny_run_dir / "manifest.json").read_text(encoding="utf-8"))
    (table,) = [x for x in briefs["zh"].section("sources") if isinstance(x, Table)]
    assert len(table.rows) == len(m["sources"])
    refs = briefs["zh"].section("sources")[-1].items
    assert any(m["sources"][0]["source"]["title"] in r for r in refs)  # in key order: a literature source may come first


def test_baseline_levers_are_listed_as_the_baseline(briefs):
    sec = briefs["zh"].section("scenario")
    assert any(isinstance(x, Paragraph) and "与基准情景" in x.text and "相同" in x.text for x in sec)
    (table,) = [x for x in sec if isinstance(x, Table)]
    assert table.header[1:] == ["2021", "2022", "2023", "2024", "2025–2030"]
    fiscal = table.rows[0]
    funds = briefs["zh"]  # the baseline's own funds, as the scenario file gives them
    from qdsim.foundation.format import planner_number
    from qdsim.scenario import load_scenario

    base = load_scenario("baseline").levers.funds.fiscal
    assert fiscal[0] == "青岛财政帮扶资金" and fiscal[1] == planner_number(base[2021], "元") and fiscal[-1] == planner_number(base[max(base)], "元")
    assert funds.lang == "zh"


@pytest.fixture
def copied_run(tiny_run_dir, tmp_path):
    d = tmp_path / "run"
    shutil.copytree(tiny_run_dir, d)
    return d


def _edit_manifest(d, fn):
    p = d / "manifest.json"
    m = json.loads(p.read_text(encoding="utf-8"))
    fn(m)
    p.write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


def test_levers_that_differ_from_the_baseline(copied_run):
    def stop(m):
        m["scenario"]["horizon"] = {"mode": "stop", "after": 2025, "taper_years": 3}
        m["scenario"]["levers"]["labour"]["subsidy_per_worker"] = 1500

    _edit_manifest(copied_run, stop)
    b = sections.Context(from_dir(copied_run), "zh", None)
    sections.scenario.add(b)
    paras = [x.text for x in b.brief.blocks if isinstance(x, Paragraph)]
    assert any("协作在2025年后停止" in p and "基准情景：协作在整个模拟期内按设定延续" in p for p in paras)
    (table,) = [x for x in b.brief.blocks if isinstance(x, Table)]
    rows = {r[0]: r[1:] for r in table.rows}
    assert "2026–2030" in table.header
    assert rows["每名稳定就业者交通及稳岗补贴"][0] == "1,500元（基准 935元）"
    from qdsim.foundation.format import planner_number
    from qdsim.scenario import load_scenario

    last = load_scenario("baseline").levers.funds.fiscal
    assert rows["青岛财政帮扶资金"][-1] == f"0元（基准 {planner_number(last[max(last)], '元')}）"  # stopped after 2025
    assert "资金投向：产业" not in rows  # shares unchanged: not listed


SENSITIVITY = {  # what `qdsim sensitivity` writes (sensitivity.json), trimmed
    "method": "sobol", "n": 32, "runs": 320, "year": 2030, "scenario": "baseline",
    "factors": [
        {"name": "wage_qingdao", "path": "overrides.wage_qingdao", "low": 3500, "high": 6000, "kind": "parameter",
         "zh": "青岛务工月工资", "en": "Qingdao monthly wage", "unit": "元/月"},
        {"name": "funds.fiscal", "path": "levers.funds.fiscal*", "low": 0, "high": 2, "kind": "lever",
         "zh": "青岛财政帮扶资金", "en": "Qingdao fiscal funds", "unit": "元"},
    ],
    "indices": {"rural_income_per_capita": [
        {"factor": "wage_qingdao", "path": "overrides.wage_qingdao", "low": 3500, "high": 6000, "S1": 0.1, "S1_conf": 0.02, "ST": 0.12, "ST_conf": 0.02, "rank": 2},
        {"factor": "funds.fiscal", "path": "levers.funds.fiscal*", "low": 0, "high": 2, "S1": 0.5, "S1_conf": 0.05, "ST": 0.55, "ST_conf": 0.05, "rank": 1},
    ]},
    "ranking": {"rural_income_per_capita": {"zh": "到2030年影响农村居民人均可支配收入最大的两个因素是：青岛财政帮扶资金和青岛务工月工资。",
                                            "en": "By 2030, the two factors with the largest effect on rural income are Qingdao fiscal funds and the Qingdao wage."}},
}


def test_sensitivity_of_qdsim_sensitivity_beside_the_run(copied_run):
    """`qdsim sensitivity` writes runs/sensitivity/<scenario>-<method>/; a brief of runs/<scenario> finds it."""
    d = copied_run.parent / "sensitivity" / "baseline-sobol"
    d.mkdir(parents=True)
    (d / "sensitivity.json").write_text(json.dumps(SENSITIVITY, ensure_ascii=False), encoding="utf-8")
    b = sections.Context(from_dir(copied_run), "zh", None)
    sections.assumptions.add(b)
    text = "\n".join(_text(x) for x in b.brief.blocks)
    assert "敏感性分析（Sobol 方差分解，320次运行；baseline-sobol/sensitivity.json）" in text
    assert SENSITIVITY["ranking"]["rural_income_per_capita"]["zh"] in text
    (table,) = [x for x in b.brief.blocks if isinstance(x, Table) and x.role == "sensitivity"]
    assert [r[0] for r in table.rows] == ["青岛财政帮扶资金", "青岛务工月工资"]
    assert table.rows[0][1] == "按基准值的0–2倍" and table.rows[0][2] == "ST = 0.55 ± 0.05"


def test_sensitivity_of_another_scenario_is_ignored(copied_run):
    d = copied_run.parent / "sensitivity" / "baseline-sobol"
    d.mkdir(parents=True)
    (d / "sensitivity.json").write_text(json.dumps({**SENSITIVITY, "scenario": "labour-first"}), encoding="utf-8")
    assert from_dir(copied_run).sensitivity is None


def test_sensitivity_table_in_the_run_directory(copied_run):
    pd.DataFrame(
        {"parameter": ["wage_qingdao", "remittance_share", "potato_price"], "metric": ["rural_income_per_capita"] * 3,
         "ST": [0.12, 0.55, 0.30], "ST_conf": [0.02, 0.05, 0.04]}
    ).to_csv(copied_run / "sensitivity.csv", index=False)
    b = sections.Context(from_dir(copied_run), "en", None)
    sections.assumptions.add(b)
    (table,) = [x for x in b.brief.blocks if isinstance(x, Table) and x.role == "sensitivity"]
    assert table.rows[0][0] == "Share of migrant earnings in household income (remittance_share)" and table.rows[0][2] == "ST = 0.55 ± 0.05"
    assert "potato_price" in table.rows[1][0] and "wage_qingdao" in table.rows[2][0]


def test_without_sensitivity_the_brief_says_so(briefs):
    text = "\n".join(_text(x) for x in briefs["en"].section("assumptions"))
    assert "No sensitivity analysis of this scenario was found" in text
    (table,) = [x for x in briefs["en"].section("assumptions") if isinstance(x, Table)]
    assert all(row[-1] == "calibrated" for row in table.rows) and table.rows


CALIBRATION = {  # the shape `qdsim calibrate` records (calibrated.yaml provenance), trimmed; made-up numbers
    "method": "ABC-SMC", "date": "2026-11-28T10:00:00+00:00", "qdsim_version": "0.1.0",
    "commit": "0123456789abcdef0123", "settings": {"replicates": 20}, "all_within_tolerance": True,
    "targets": [
        {"figure": "projects_total", "label": {"zh": "实施项目", "en": "Projects"}, "unit": "个", "class": "accounting", "role": "check",
         "reported": 864, "model_mean": 850, "model_p05": 840, "model_p95": 860, "error": -0.016, "within_tolerance": True},
        {"figure": "consumption_sales_2024", "label": {"zh": "2024年帮助销售定西农特产品", "en": "Dingxi products sold in 2024"},
         "unit": "元", "class": "behavioural", "role": "fit", "reported": 1.955e9, "model_mean": 1.93e9, "model_p05": 1.90e9,
         "model_p95": 1.96e9, "error": -0.0128, "within_tolerance": True},
        {"figure": "stable_employment_2025", "label": {"zh": "2025年稳定就业", "en": "Stable employment 2025"}, "unit": "人次",
         "class": "behavioural", "role": "holdout", "reported": 30000, "model_mean": 40000, "model_p05": 38000, "model_p95": 42000,
         "error": 0.333, "within_tolerance": False},
        {"figure": "greenhouse_cycles_demo", "label": {"zh": "设施蔬菜大棚示范茬数", "en": "Greenhouse crops a year"},
         "unit": "茬/年", "class": "input_echo", "role": "check", "reported": 2, "model_mean": 2, "model_p05": 2, "model_p95": 2,
         "error": 0.0, "within_tolerance": True},
    ],
    "parameters": [{"id": "showroom_sales", "value": 5.5e7}],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_calibration_target_is_classed_and_only_behavioural_evidence_counts_as_fit(copied_run, lang):
    _edit_manifest(copied_run, lambda m: m.update(calibration=CALIBRATION))
    b = sections.Context(from_dir(copied_run), lang, None)
    sections.methods.add(b)
    text = "\n".join(_text(x) for x in b.brief.blocks)
    (fit,) = [x for x in b.brief.blocks if isinstance(x, Table)]
    classes = [r[1] for r in fit.rows]
    roles = [r[2] for r in fit.rows]
    if lang == "zh":
        assert "于2026-11-28（qdsim 0.1.0，提交 0123456789ab）" in text
        assert classes == ["行为证据", "行为证据", "会计恒等", "输入回显"] and roles == ["拟合", "留出检验", "仅核对", "仅核对"]
        # 1 of 1 fitted and 0 of 1 held-out behavioural targets; the accounting and input-echo ones are not counted
        assert "1个拟合的行为目标中1个在容差内，1个留出检验的行为目标中0个在容差内；2个会计恒等和输入回显目标只核对" in text
        assert fit.rows[0][:5] == ["2024年帮助销售定西农特产品", "行为证据", "拟合", "19.55亿元", "19.3亿元（19–19.6亿元）"]
    else:
        assert classes == ["behavioural evidence", "behavioural evidence", "accounting", "input echo"]
        assert "1 of the 1 fitted behavioural targets are within their tolerance, and 0 of the 1 held-out" in text


def test_an_unclassified_record_makes_no_claim_of_fit(copied_run):
    record = {**CALIBRATION, "targets": [{k: v for k, v in x.items() if k not in ("class", "role")} for x in CALIBRATION["targets"]]}
    _edit_manifest(copied_run, lambda m: m.update(calibration=record))
    b = sections.Context(from_dir(copied_run), "zh", None)
    sections.methods.add(b)
    text = "\n".join(_text(x) for x in b.brief.blocks)
    assert "没有分类" in text and "不据此声称模型拟合良好" in text


def test_calibration_of_another_shape_is_listed_as_it_is(copied_run):
    _edit_manifest(copied_run, lambda m: m.update(calibration={"method": "Nelder-Mead", "targets": [{"target": "x", "error": -0.013}]}))
    b = sections.Context(from_dir(copied_run), "en", None)
    sections.methods.add(b)
    text = "\n".join(_text(x) for x in b.brief.blocks)
    assert "Calibration: method: Nelder-Mead" in text
    (table,) = [x for x in b.brief.blocks if isinstance(x, Table)]
    assert table.header == ["target", "error"] and table.rows[0] == ["x", "-0.013"]


def test_result_and_directory_give_the_same_numbers(tiny_run, briefs):
    from_memory = build(tiny_run, "en")
    assert [t.text for t in from_memory.traces] == [t.text for t in briefs["en"].traces]
    for a, b in zip(from_memory.traces, briefs["en"].traces, strict=True):
        assert math.isclose(a.value, b.value, rel_tol=1e-9, abs_tol=1e-12)


def test_source_errors_name_the_problem(tmp_path, copied_run):
    with pytest.raises(BriefError, match="no such run directory"):
        from_dir(tmp_path / "nope")
    with pytest.raises(BriefError, match="not a run directory"):
        from_dir(tmp_path)
    (copied_run / "summary.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(BriefError, match="missing column"):
        from_dir(copied_run)
    with pytest.raises(BriefError):
        build(42, "zh")
    with pytest.raises(ValueError):
        build(copied_run, "fr")


def test_assumption_interval_is_quoted_when_the_run_drew_parameters(tiny_run, briefs):
    """A run with assumption draws: the impact's assumption interval joins the finding, traced to its columns."""
    summary = tiny_run.summary.copy()
    summary["impact_assumption_p05"] = summary["impact_mean"] * 0.5
    summary["impact_assumption_p95"] = summary["impact_mean"] * 1.5
    manifest = {**tiny_run.manifest, "assumption_draws": 8}

    class R:  # a RunResult-like object whose summary carries an assumption interval
        scenario = tiny_run.scenario

    R.summary, R.manifest = summary, manifest
    data = from_result(R())
    assert data.intervals == ("chance", "assumption")
    b = sections.Context(data, "zh", None)
    sections.findings.add(b)
    first = next(x for x in b.brief.blocks if isinstance(x, Bullets) and x.role == "findings").items[0]
    assert "参数假设区间" in first
    stats = {t.stat for t in b.brief.traces if t.metric == "rural_income_per_capita"}
    assert {"impact_assumption_p05", "impact_assumption_p95"} <= stats
    row = data.row("rural_income_per_capita")
    lo = [t for t in b.brief.traces if t.stat == "impact_assumption_p05" and t.metric == "rural_income_per_capita"][0]
    assert lo.value == row["impact_assumption_p05"] and lo.text in first


def _text(block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(block.items)
    if isinstance(block, Table):
        return "\n".join(" ".join(r) for r in [block.header, *block.rows])
    return getattr(block, "text", "")


def test_overridden_parameters_are_listed_with_their_default(copied_run):
    def override(m):
        m["scenario"]["overrides"] = {"wage_qingdao": 5000}
        for p in m["parameters"]:
            if p["id"] == "wage_qingdao":
                p["value"] = 5000.0

    _edit_manifest(copied_run, override)
    data = from_dir(copied_run)
    b = sections.Context(data, "zh", None)
    sections.scenario.add(b)
    sections.assumptions.add(b)
    text = "\n".join(_text(x) for x in b.brief.blocks)
    assert "本情景改动了1个行为参数" in text and "和本情景改动的参数" in text
    row = next(r for x in b.brief.blocks if isinstance(x, Table) and x.role == "parameters" for r in x.rows if "(wage_qingdao)" in r[0])
    default = next(p["default"] for p in data.manifest["parameters"] if p["id"] == "wage_qingdao")
    assert row[1] == "5,000元/月" and row[-1].endswith(f"本情景设定（默认 {default:,.0f}）")


def test_the_income_caveat_says_which_series(copied_run):
    """Fitted to Dingxi's own figure when the calibration record says so; else the model's level, pinned by composition."""
    record = {"targets": [{"figure": "rural_income_2022", "metric": "rural_income_per_capita", "reading": "2022", "unit": "元/人",
                           "class": "behavioural", "role": "fit", "reported": 10425.0, "model_mean": 10400.0, "error": -0.002}]}
    _edit_manifest(copied_run, lambda m: m.update(calibration=record))
    b = sections.Context(from_dir(copied_run), "zh", None)
    sections.findings.add(b)
    (caveats,) = [x for x in b.brief.blocks if isinstance(x, Bullets) and x.role == "caveats"]
    assert "按定西本市2022年的公开数字（10,425元/人）校准" in caveats.items[0]
    assert "总量" in caveats.items[1] and "务工就业人数的影响" in caveats.items[1]
    _edit_manifest(copied_run, lambda m: m.update(calibration={}))
    b = sections.Context(from_dir(copied_run), "en", None)
    sections.findings.add(b)
    (caveats,) = [x for x in b.brief.blocks if isinstance(x, Bullets) and x.role == "caveats"]
    assert "Dingxi's own income series is not in the sources" in caveats.items[0]
